"""The audit log (审计日志) is append-only: written by audit_log(), never changed or removed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from pingan.core.audit import audit_log, unmask_reason
from pingan.core.context import RequestInfo, reset_request_info, set_request_info
from pingan.core.errors import ApplicationError
from pingan.core.models import AuditAction, AuditLog


@pytest.fixture
def entry(dispute, people):
    party = dispute.parties.first()
    return audit_log(actor=people.clerk, action=AuditAction.UNMASK, obj=party, reason="核实当事人身份")


def test_audit_log_records_who_what_and_where_from(dispute, people):
    token = set_request_info(RequestInfo(ip="10.1.2.3", user_agent="pytest"))
    try:
        entry = audit_log(actor=people.clerk, action=AuditAction.VIEW_PERSONAL, obj=dispute, reason="回访")
    finally:
        reset_request_info(token)
    entry.refresh_from_db()
    assert entry.actor == people.clerk
    assert entry.action == AuditAction.VIEW_PERSONAL
    assert (entry.object_type, entry.object_id) == ("cases.case", str(dispute.pk))
    assert entry.region_code == dispute.region_code
    assert (entry.ip, entry.user_agent, entry.reason) == ("10.1.2.3", "pytest", "回访")


def test_anonymous_actor_is_recorded_as_nobody(db):
    entry = audit_log(actor=AnonymousUser(), action=AuditAction.IMPORT, object_type="regions.region")
    assert entry.actor is None


def test_entry_cannot_be_changed(entry):
    entry.reason = "改写"
    with pytest.raises(RuntimeError):
        entry.save()
    entry.refresh_from_db()
    assert entry.reason == "核实当事人身份"


def test_entry_cannot_be_deleted(entry):
    with pytest.raises(RuntimeError):
        entry.delete()
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_bulk_update_and_delete_are_refused(entry):
    with pytest.raises(RuntimeError):
        AuditLog.objects.filter(pk=entry.pk).update(reason="改写")
    with pytest.raises(RuntimeError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get(pk=entry.pk).reason == "核实当事人身份"


@pytest.mark.parametrize("reason", ["", " ", "12", "1234", "....", "12 34", "a1", "查看"])
def test_an_unmask_reason_that_says_nothing_is_refused_in_chinese(reason):
    with pytest.raises(ApplicationError, match="至少4个字") as caught:
        unmask_reason(reason)
    assert caught.value.fields == {"reason": ["查看完整个人信息须填写事由(至少4个字,不能只是数字或符号)"]}


@pytest.mark.parametrize(
    ("reason", "kept"), [("核实身份", "核实身份"), ("  电话  回访 ", "电话 回访"), ("回访 2026-11", "回访 2026-11")]
)
def test_a_real_unmask_reason_is_kept_with_its_spaces_collapsed(reason, kept):
    assert unmask_reason(reason) == kept
