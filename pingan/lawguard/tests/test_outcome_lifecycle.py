"""The suggestions' lifecycle (outcome_services): every step and every refusal, the audit, the history and
the source case's timeline; the 回访 views and the 回访 reminder."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pingan.cases.models import CaseEvent, Notification
from pingan.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from pingan.core.models import AuditLog
from pingan.lawguard import outcome_selectors as sel
from pingan.lawguard import outcome_services as svc
from pingan.lawguard.choices import SuggestionStatus as S

from .outcome_scene import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(lawguard_scene):
    return lawguard_scene


@pytest.fixture
def suggestion(scene, dispute):
    return issue(scene, source_case=dispute)


def test_the_enterprise_accepts_implements_and_staff_verify(scene, suggestion, dispute):
    s = svc.suggestion_accept(actor=scene.portal_user, suggestion=suggestion, reply="同意,一个月内整改")
    assert (s.status, s.enterprise_reply) == (S.ACCEPTED, "同意,一个月内整改") and s.accepted_at
    s = svc.suggestion_implement(actor=scene.portal_user, suggestion=s, note="已修订劳动合同模板")
    assert s.status == S.IMPLEMENTED and s.implemented_at and "劳动合同模板" in s.implementation_note
    s = svc.suggestion_verify(actor=scene.staff, suggestion=s, note="现场查看台账,已落实")
    assert (s.status, s.verified_by) == (S.VERIFIED, scene.staff) and s.verified_at
    types = list(CaseEvent.objects.filter(case=dispute, type__startswith="lawguard_").values_list("type", flat=True))
    assert types == [svc.EV_ACCEPTED, svc.EV_IMPLEMENTED, svc.EV_VERIFIED]
    assert [v.status for v in s.history.order_by("history_id")] == [
        S.ISSUED,
        S.ISSUED,
        S.ACCEPTED,
        S.IMPLEMENTED,
        S.VERIFIED,
    ]
    assert AuditLog.objects.filter(object_type="lawguard.suggestion", object_id=str(s.pk)).count() == 3


def test_staff_record_the_answer_and_a_verification_can_find_it_not_done(scene, suggestion):
    s = svc.suggestion_accept(actor=scene.staff, suggestion=suggestion)
    s = svc.suggestion_implement(actor=scene.staff, suggestion=s, note="企业电话告知已整改")
    s = svc.suggestion_verify(actor=scene.staff, suggestion=s, note="台账未建立", implemented=False)
    assert s.status == S.ACCEPTED and s.implemented_at is None and s.verification_note == "台账未建立"
    s = svc.suggestion_implement(actor=scene.portal_user, suggestion=s, note="台账已建立")
    assert svc.suggestion_verify(actor=scene.staff, suggestion=s, note="已核实").status == S.VERIFIED


def test_decline_needs_a_reason_and_ends_the_lifecycle(scene, suggestion):
    with pytest.raises(ApplicationError) as error:
        svc.suggestion_decline(actor=scene.portal_user, suggestion=suggestion, reason="  ")
    assert error.value.fields == {"reason": ["请填写不采纳的理由"]}
    s = svc.suggestion_decline(actor=scene.portal_user, suggestion=suggestion, reason="已有外部法律顾问负责")
    assert s.status == S.DECLINED and s.decline_reason == "已有外部法律顾问负责" and s.declined_at
    for step in (
        lambda: svc.suggestion_accept(actor=scene.portal_user, suggestion=s),
        lambda: svc.suggestion_implement(actor=scene.portal_user, suggestion=s, note="x"),
        lambda: svc.suggestion_verify(actor=scene.staff, suggestion=s, note="x"),
    ):
        with pytest.raises(ConflictError):
            step()


def test_steps_out_of_order_are_409(scene, suggestion):
    with pytest.raises(ConflictError, match="只有已采纳的建议可以报告落实"):
        svc.suggestion_implement(actor=scene.portal_user, suggestion=suggestion, note="x")
    with pytest.raises(ConflictError, match="建议尚未报告落实"):
        svc.suggestion_verify(actor=scene.staff, suggestion=suggestion, note="x")
    s = svc.suggestion_accept(actor=scene.portal_user, suggestion=suggestion)
    with pytest.raises(ConflictError) as twice:
        svc.suggestion_accept(actor=scene.portal_user, suggestion=s)
    assert twice.value.status_code == 409
    with pytest.raises(ConflictError):
        svc.suggestion_decline(actor=scene.portal_user, suggestion=s, reason="改主意")
    with pytest.raises(ConflictError):
        svc.suggestion_verify(actor=scene.staff, suggestion=s, note="x")


def test_only_staff_verify_and_not_before_it_was_implemented(scene, suggestion):
    s = svc.suggestion_implement(
        actor=scene.portal_user,
        suggestion=svc.suggestion_accept(actor=scene.portal_user, suggestion=suggestion),
        note="done",
    )
    with pytest.raises(PermissionDeniedError, match="回访验证由工作站或辖区工作人员进行"):
        svc.suggestion_verify(actor=scene.portal_user, suggestion=s, note="自己验证")
    with pytest.raises(ApplicationError, match="回访时间不能早于落实时间"):
        svc.suggestion_verify(
            actor=scene.staff, suggestion=s, note="x", at=s.implemented_at - datetime.timedelta(days=1)
        )
    with pytest.raises(ApplicationError, match="时间不能晚于现在"):
        svc.suggestion_verify(actor=scene.staff, suggestion=s, note="x", at=timezone.now() + datetime.timedelta(days=1))


def test_outsiders_get_404(scene, suggestion, people):
    for outsider in (scene.other_user, people.hetang_clerk):
        with pytest.raises(NotFoundError):
            svc.suggestion_accept(actor=outsider, suggestion=suggestion)
    with pytest.raises(NotFoundError):
        svc.suggestion_verify(actor=people.hetang_clerk, suggestion=suggestion, note="x")


def test_evidence_must_be_files_of_the_source_case(scene, dispute, people, zhuzhou, category):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import register_dispute
    from pingan.cases.services import attachment_add

    from .outcome_scene import PNG

    s = svc.suggestion_accept(actor=scene.staff, suggestion=issue(scene, source_case=dispute))
    elsewhere = register_dispute(zhuzhou, people, category)
    foreign = attachment_add(case=elsewhere, actor=people.clerk, upload=SimpleUploadedFile("a.png", PNG))
    with pytest.raises(ApplicationError, match="证明材料须为该建议来源案件的附件"):
        svc.suggestion_implement(actor=scene.staff, suggestion=s, note="x", evidence=[foreign])
    own = attachment_add(case=dispute, actor=people.clerk, upload=SimpleUploadedFile("整改报告.png", PNG))
    s = svc.suggestion_implement(actor=scene.staff, suggestion=s, note="见附件", evidence=[own])
    assert "整改报告.png" in s.implementation_note


def test_revisit_and_overdue_views(scene, dispute):
    today = timezone.localdate()
    due = svc.suggestion_accept(
        actor=scene.staff, suggestion=issue(scene, source_case=dispute, days=0, implement_days=0)
    )
    issue(scene, title="未到回访", days=30)
    qs = sel.suggestions_for(scene.staff)
    assert list(sel.revisit_due(qs, today)) == [due]
    assert list(sel.implement_overdue(qs, today + datetime.timedelta(days=1))) == [due]
    assert not sel.implement_overdue(qs, today).exists()


def test_the_revisit_reminder_tells_the_workstation_once(scene, dispute):
    svc.suggestion_accept(actor=scene.staff, suggestion=issue(scene, source_case=dispute, days=0, implement_days=0))
    issue(scene, title="未到回访", source_case=dispute, days=3, implement_days=1)
    assert svc.revisit_sweep() == 1
    notes = Notification.objects.filter(user=scene.staff)
    assert notes.count() == 1 and "到回访日期" in notes.get().message
    svc.revisit_sweep()
    assert notes.count() == 1
