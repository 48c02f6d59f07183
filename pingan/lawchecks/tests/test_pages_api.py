"""The 体检 through the pages (portal booking and self-check, the case page's actions, the review screen,
the downloads) and through the API (the portal's endpoint, the transitions, the register); refusals in
Chinese; jurisdiction and portal isolation; query counts."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from pingan.core.models import AuditLog
from pingan.lawchecks.choices import ServiceState
from pingan.lawchecks.models import CheckItem, LegalService
from pingan.lawguard.models import Suggestion

WISHED = "2026-11-25"  # tests run on Wednesday 18 Nov 2026


def act(client, case_id, action, **data):
    return client.post(reverse("case-action", args=[case_id, action]), data)


def test_the_checkup_through_the_pages(client, lawguard_scene, reviewer):
    g = lawguard_scene
    client.force_login(g.portal_user)
    page = client.get(reverse("lawchecks-portal-book"))
    assert page.status_code == 200 and "预约法治体检" in page.content.decode()
    refused = client.post(reverse("lawchecks-portal-book"), {"wished_date": "2026-11-01"})
    assert refused.status_code == 400 and "期望日期不能早于今天" in refused.content.decode()
    assert (
        client.post(reverse("lawchecks-portal-book"), {"wished_date": WISHED, "wished_slot": "am"}).status_code == 302
    )
    service = LegalService.objects.get(enterprise=g.enterprise)
    case_id = service.pk

    client.force_login(g.staff)
    assert act(client, case_id, "confirm").status_code == 302

    client.force_login(g.portal_user)
    questionnaire = client.get(reverse("lawchecks-portal-self-check", args=[case_id]))
    assert questionnaire.status_code == 200 and "《中华人民共和国劳动合同法》第十条" in questionnaire.content.decode()
    items = list(CheckItem.objects.filter(service=service))
    answers = {f"item_{i.pk}": "yes" for i in items} | {
        f"item_{items[0].pk}": "no",
        f"note_{items[0].pk}": "无审查记录",
    }
    assert client.post(reverse("lawchecks-portal-self-check", args=[case_id]), answers).status_code == 302
    items[0].refresh_from_db()
    assert (items[0].self_answer, items[0].self_note) == ("no", "无审查记录")
    service.refresh_from_db()
    assert service.self_checked_by == g.portal_user

    client.force_login(g.staff)
    assert act(client, case_id, "start_check", provider_role="staff").status_code == 302
    assert act(client, case_id, "record_check", **{f"item_{i.pk}": "yes" for i in items}).status_code == 302
    finding = act(
        client,
        case_id,
        "add_finding",
        item=items[0].pk,
        description="重要合同未经审查",
        severity="orange",
        implement_by="2026-12-31",
    )
    assert finding.status_code == 302
    assert act(client, case_id, "draft_report").status_code == 302
    # The drafter may not approve (409, in Chinese); nobody may issue before the review.
    refused = act(client, case_id, "approve_report")
    assert refused.status_code == 409 and "须由办理人以外的人员执行" in refused.content.decode()
    refused = act(client, case_id, "issue_report")
    assert refused.status_code == 409 and "尚未经他人审核通过" in refused.content.decode()

    client.force_login(reviewer)
    detail = client.get(reverse("case-detail", args=[case_id])).content.decode()
    assert "法律风险评估报告" in detail and "重要合同未经审查" in detail  # the review screen
    workbench = client.get(reverse("workbench")).content.decode()
    assert "待审核体检报告" in workbench
    assert act(client, case_id, "approve_report", comment="同意").status_code == 302
    client.force_login(g.staff)
    assert act(client, case_id, "issue_report").status_code == 302
    service.refresh_from_db()
    assert service.case.status == ServiceState.ISSUED
    assert Suggestion.objects.get(source_case_id=case_id).finding.pk == service.findings.get().pk

    draft = client.get(reverse("lawchecks-report", args=[case_id, "docx"]))
    assert draft.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(draft.content)).paragraphs)
    assert "重要合同未经审查" in text and "《中华人民共和国民法典》第四百六十九条" in text
    assert AuditLog.objects.filter(action="download", object_id=str(case_id)).exists()

    client.force_login(g.portal_user)
    mine = client.get(reverse("lawchecks-portal-list")).content.decode()
    assert service.case.number in mine and "下载报告" in mine
    pdf = client.get(reverse("lawchecks-portal-report", args=[case_id, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_checkup_through_the_api(api, lawguard_scene, reviewer):
    g = lawguard_scene
    portal = api(g.portal_user)
    booked = portal.post("/api/v1/portal/lawservices/", {"wished_date": WISHED, "concerns": "数据合规"}, format="json")
    assert booked.status_code == 201, booked.content
    case_id = LegalService.objects.get(enterprise=g.enterprise).pk
    assert portal.get("/api/v1/portal/lawservices/").json()[0]["report_url"] is None

    staff = api(g.staff)

    def move(client, action, **data):
        return client.post(f"/api/v1/cases/{case_id}/transitions/", {"action": action, **data}, format="json")

    assert move(staff, "confirm").status_code == 200
    items = list(CheckItem.objects.filter(service_id=case_id))
    answers = {str(i.pk): {"answer": "yes"} for i in items}
    assert move(staff, "self_check", answers=answers).status_code == 200
    assert move(staff, "start_check").status_code == 200
    refused = move(staff, "draft_report")
    assert refused.status_code == 409 and "尚未全部记录体检结果" in refused.json()["error"]["message"]
    findings = [
        {"item": items[1].pk, "description": "合同格式条款未提示", "severity": "yellow", "implement_by": "2026-12-20"}
    ]
    response = move(staff, "record_check", answers=answers, experts=[g.expert.pk], findings=findings)
    assert response.status_code == 200, response.content
    assert move(staff, "draft_report").status_code == 200
    refused = move(staff, "approve_report")
    assert refused.status_code == 409 and "办理人以外" in refused.json()["error"]["message"]
    assert move(staff, "issue_report").status_code == 409
    listed = staff.get("/api/v1/lawservices/?awaiting_review=true").json()
    assert [row["id"] for row in listed["results"]] == [case_id]
    assert move(api(reviewer), "approve_report").status_code == 200
    assert move(staff, "issue_report").status_code == 200
    assert Suggestion.objects.filter(source_case_id=case_id, severity="yellow").count() == 1
    report = staff.get(f"/api/v1/lawservices/{case_id}/report/pdf/")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    assert portal.get("/api/v1/portal/lawservices/").json()[0]["report_url"]


def test_the_portal_sees_only_its_own(client, api, lawguard_scene, booked):
    g = lawguard_scene
    other = api(g.other_user)
    assert other.get("/api/v1/portal/lawservices/").json() == []
    client.force_login(g.other_user)
    assert client.get(reverse("lawchecks-portal-self-check", args=[booked.pk])).status_code == 404
    assert client.get(reverse("lawchecks-portal-report", args=[booked.pk, "pdf"])).status_code == 404
    # Not before the report is issued, even for its own enterprise.
    client.force_login(g.portal_user)
    assert client.get(reverse("lawchecks-portal-report", args=[booked.pk, "pdf"])).status_code == 404
    # Staff may not use the portal's endpoint; portal users may not use the staff's.
    refused = api(g.staff).get("/api/v1/portal/lawservices/")
    assert refused.status_code == 403 and "企业端" in refused.json()["error"]["message"]
    assert api(g.portal_user).get("/api/v1/lawservices/").status_code == 403
    client.force_login(g.staff)
    assert client.get(reverse("lawchecks-portal-list")).status_code == 403
    assert client.get(reverse("lawchecks-portal-book")).status_code == 403


def test_jurisdiction(client, api, lawguard_scene, booked, people):
    outsider = people.hetang_clerk
    assert api(outsider).get("/api/v1/lawservices/").json()["count"] == 0
    assert api(outsider).get(f"/api/v1/lawservices/{booked.pk}/report/pdf/").status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("lawchecks-report", args=[booked.pk, "pdf"])).status_code == 404
    assert booked.number not in client.get("/lawservices/").content.decode()
    offered = client.post(
        reverse("lawchecks-offer"),
        {"credit_code": lawguard_scene.enterprise.credit_code, "category": "lawservice_checkup"},
    )
    assert offered.status_code == 400 and "不在您的辖区内" in offered.content.decode()


def test_the_offer_form(client, lawguard_scene):
    client.force_login(lawguard_scene.staff)
    response = client.post(
        reverse("lawchecks-offer"),
        {
            "credit_code": lawguard_scene.enterprise.credit_code,
            "category": "lawservice_training",
            "concerns": "劳动用工宣讲",
        },
    )
    assert response.status_code == 302
    service = LegalService.objects.get()
    assert service.origin == "offered" and service.case.category.code == "lawservice_training"


@pytest.mark.parametrize("filters", ["", "?overdue=true", "?category=lawservice_checkup&status=booked"])
def test_the_lists_cost_the_same_queries_for_one_service_or_many(api, client, lawguard_scene, filters):
    from pingan.lawchecks.services import portal_book

    g = lawguard_scene

    def count(get):
        with CaptureQueriesContext(connection) as queries:
            assert get().status_code == 200
        return len(queries)

    def book():
        portal_book(user=g.portal_user, enterprise=g.enterprise, wished_date=datetime.date(2026, 12, 1))

    book()
    client.force_login(g.staff)
    staff = api(g.staff)
    staff.get("/api/v1/lawservices/")  # warm: the first call of a client reads the user's posts once
    one = (
        count(lambda: staff.get("/api/v1/lawservices/" + filters)),
        count(lambda: client.get("/lawservices/" + filters)),
    )
    for _n in range(3):
        book()
    many = (
        count(lambda: staff.get("/api/v1/lawservices/" + filters)),
        count(lambda: client.get("/lawservices/" + filters)),
    )
    assert one == many
