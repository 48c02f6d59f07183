"""The whole 体检 through the services (the engine's guarded transitions): booked in the portal, self-check,
check with findings and 会诊, draft, review refused for the drafter, approve, issue (documents frozen,
suggestions tracked), 回访, close; and the other services' short flow."""

from __future__ import annotations

import datetime
import io

import pytest
from docx import Document

from pingan.cases.models import Category
from pingan.cases.services import case_transition
from pingan.core.errors import TransitionNotAllowed
from pingan.lawchecks.choices import ServiceState
from pingan.lawchecks.models import CheckItem, ChecklistItem, LegalService
from pingan.lawchecks.services import checklist_item_save, service_register
from pingan.lawguard.models import ServiceLink, Suggestion


def act(case, actor, action, **data):
    return case_transition(case=case, actor=actor, action=action, data=data)


def run_to_review(case, g, *, findings=True):
    staff = g.staff
    case = act(case, staff, "confirm")
    items = list(CheckItem.objects.filter(service_id=case.pk))
    case = act(case, staff, "self_check", answers={str(i.pk): {"answer": "yes"} for i in items})
    case = act(case, staff, "start_check", provider_role="lawyer", provider_name="王律师")
    answers = {str(i.pk): {"answer": "yes"} for i in items}
    answers[str(items[2].pk)] = {"answer": "no", "note": "3 名员工未签书面合同"}
    rows = []
    if findings:
        rows = [
            {
                "item": items[2].pk,
                "description": "3 名员工入职超过一个月未签订书面劳动合同",
                "severity": "red",
                "implement_by": "2026-12-31",
            },
            {
                "description": "隐私政策未列明保存期限",
                "severity": "yellow",
                "suggestion": "补充保存期限",
                "implement_by": "2027-01-15",
            },
        ]
    case = act(case, staff, "record_check", answers=answers, experts=[g.expert.pk], findings=rows)
    return act(case, staff, "draft_report")


def test_the_whole_checkup(lawguard_scene, booked, reviewer):
    g = lawguard_scene
    case = booked
    service = LegalService.objects.get(pk=case.pk)
    assert case.number.startswith("FW") and case.assigned_org == g.station_org
    assert service.booked_by == g.portal_user and service.origin == "portal"
    assert case.created_by.username == f"portal-{g.station_org.code}".lower()  # the intake account
    # The general checklist and the 制造业 one (the enterprise is in C), copied at the booking.
    general = ChecklistItem.objects.filter(template__name="通用法治体检清单").count()
    manufacturing = ChecklistItem.objects.filter(template__name="制造业法治体检清单").count()
    assert service.items.count() == general + manufacturing
    assert ServiceLink.objects.get(case=case).relation == "service"

    case = run_to_review(case, g)
    assert case.status == ServiceState.REVIEW
    with pytest.raises(TransitionNotAllowed, match="须由办理人以外的人员执行"):
        act(case, g.staff, "approve_report")
    with pytest.raises(TransitionNotAllowed, match="尚未经他人审核通过"):
        act(case, g.staff, "issue_report")
    case = act(case, reviewer, "return_report", comment="第 2 项请补充证据")
    assert case.status == ServiceState.CHECKING
    case = act(case, g.staff, "draft_report")
    case = act(case, reviewer, "approve_report", comment="同意出具")
    case = act(case, g.staff, "issue_report")
    service.refresh_from_db()
    assert case.status == ServiceState.ISSUED and service.report_number
    assert service.report_docx.sha256 and service.report_pdf.sha256
    suggestions = Suggestion.objects.filter(source_case=case).order_by("id")
    assert [s.severity for s in suggestions] == ["red", "yellow"]
    assert [f.suggestion_record_id for f in service.findings.order_by("id")] == [s.pk for s in suggestions]
    # The 回访 30 days after the implement-by date.
    assert suggestions[0].revisit_on == datetime.date(2027, 1, 30)
    link = ServiceLink.objects.get(case=case)
    assert (link.provider_role, link.provider_name) == ("lawyer", "王律师")
    assert list(service.experts.all()) == [g.expert]

    document = Document(io.BytesIO(service.report_docx.file.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "3 名员工入职超过一个月未签订书面劳动合同" in text
    assert "《中华人民共和国劳动合同法》第十条、第八十二条" in text
    assert "株洲钻石切削刀具股份有限公司" in text and "何教授" in text
    pdf = service.report_pdf.file.read()
    assert pdf.startswith(b"%PDF") and b"/Type /Page" in pdf and b"STSong-Light" in pdf

    case = act(case, g.staff, "start_revisit")
    case = act(case, g.staff, "finish", outcome="整改建议已落实 1 项")
    assert case.status == ServiceState.CLOSED and case.closed_at


def test_a_running_checkup_keeps_its_copy(lawguard_scene, booked):
    template = ChecklistItem.objects.filter(template__name="通用法治体检清单").first().template
    before = LegalService.objects.get(pk=booked.pk).items.count()
    checklist_item_save(template=template, area="tax", question="是否依法开具发票?", legal_basis="《发票管理办法》")
    assert LegalService.objects.get(pk=booked.pk).items.count() == before
    template.refresh_from_db()
    assert template.version == 2


def test_other_services_short_flow(lawguard_scene):
    g = lawguard_scene
    case = service_register(
        actor=g.staff,
        enterprise=g.enterprise,
        category=Category.objects.get(code="lawservice_contract"),
        origin="offered",
    )
    with pytest.raises(TransitionNotAllowed, match="仅法治体检"):
        act(case, g.staff, "confirm")
    case = act(case, g.staff, "start_service", provider_role="staff")
    case = act(case, g.staff, "finish", outcome="审查合同 3 份,提出修改意见 7 条")
    assert case.status == ServiceState.CLOSED
    assert LegalService.objects.get(pk=case.pk).outcome.startswith("审查合同")


def test_an_it_enterprise_gets_the_it_checklist(lawguard_scene):
    from pingan.lawguard.models import Enterprise

    g = lawguard_scene
    Enterprise.objects.filter(pk=g.enterprise.pk).update(industry="I")
    g.enterprise.refresh_from_db()
    case = service_register(
        actor=g.staff,
        enterprise=g.enterprise,
        category=Category.objects.get(code="lawservice_checkup"),
        origin="offered",
    )
    bases = set(CheckItem.objects.filter(service_id=case.pk).values_list("legal_basis", flat=True))
    assert "《中华人民共和国数据安全法》第二十七条" in bases  # the 信息技术 checklist
    assert "《中华人民共和国环境保护法》第四十五条" not in bases  # not the 制造业 one
    assert LegalService.objects.get(pk=case.pk).template.name == "信息技术服务业法治体检清单"


def test_a_report_recorded_later_cannot_be_dated_before_the_booking(lawguard_scene, booked, reviewer):
    from pingan.core.errors import ApplicationError

    g = lawguard_scene
    case = run_to_review(booked, g, findings=False)
    case = act(case, reviewer, "approve_report")
    with pytest.raises(ApplicationError, match="出具日期须在登记日期与今天之间"):
        act(case, g.staff, "issue_report", issued_on="2026-01-05")
    case = act(case, g.staff, "issue_report", generate="false")
    service = LegalService.objects.get(pk=case.pk)
    assert service.issued_at and service.report_pdf is None  # rendered at the first download
