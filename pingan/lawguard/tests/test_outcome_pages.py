"""The staff pages and API of the outcomes: the suggestions list with its filters and the actions, dispute
help, the ledger with totals and the logged export; out of jurisdiction is a 404; query counts."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pingan.core.models import AuditAction, AuditLog
from pingan.lawguard import outcome_services as svc
from pingan.lawguard.choices import RecoveryMethod
from pingan.lawguard.choices import SuggestionStatus as S
from pingan.lawguard.models import RecoveredLoss

from .outcome_scene import issue, linked_dispute

pytestmark = pytest.mark.django_db


@pytest.fixture
def g(lawguard_scene):
    return lawguard_scene


def test_the_list_filters_and_the_detail_acts(client, g, dispute):
    due = svc.suggestion_accept(actor=g.staff, suggestion=issue(g, source_case=dispute, days=0, implement_days=0))
    later = issue(g, title="知识产权保护", days=40)
    client.force_login(g.staff)
    body = client.get("/lawguard/suggestions/").content.decode()
    assert due.number in body and later.number in body
    body = client.get("/lawguard/suggestions/?revisit_due=true").content.decode()
    assert due.number in body and later.number not in body
    assert client.get("/lawguard/suggestions/?overdue=maybe").status_code == 400
    detail = reverse("lawguard-suggestion-detail", args=[due.pk])
    assert "记录已落实" in client.get(detail).content.decode()
    action = reverse("lawguard-suggestion-action", args=[due.pk, "verify"])
    refused = client.post(action, {"note": "x", "implemented": "1"})
    assert refused.status_code == 409 and "建议尚未报告落实" in refused.content.decode()
    done = client.post(reverse("lawguard-suggestion-action", args=[due.pk, "implement"]), {"note": "已整改"})
    assert done.status_code == 302
    assert client.post(action, {"note": "核实", "implemented": "1"}).status_code == 302
    due.refresh_from_db()
    assert due.status == S.VERIFIED
    assert client.post(reverse("lawguard-suggestion-action", args=[due.pk, "accept"]), {}).status_code == 409


def test_out_of_jurisdiction_is_404(client, g, people, dispute):
    s = issue(g, source_case=dispute)
    client.force_login(people.hetang_clerk)
    assert client.get(reverse("lawguard-suggestion-detail", args=[s.pk])).status_code == 404
    assert client.post(reverse("lawguard-suggestion-action", args=[s.pk, "accept"]), {}).status_code == 404
    assert client.get(f"/lawguard/dispute-help/new/?enterprise={g.enterprise.pk}").status_code == 404
    assert client.get(f"/lawguard/losses/new/?enterprise={g.enterprise.pk}").status_code == 404
    assert s.number not in client.get("/lawguard/suggestions/").content.decode()


def test_dispute_help_page(client, g):
    client.force_login(g.staff)
    url = f"/lawguard/dispute-help/new/?enterprise={g.enterprise.pk}"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"title": "货款纠纷", "category": "contract_debt", "description": "拖欠"})
    assert bad.status_code == 400
    response = client.post(
        url,
        {
            "title": "货款纠纷",
            "category": "contract_debt",
            "description": "对方拖欠货款",
            "counterparty_name": "某贸易公司",
            "counterparty_type": "organization",
        },
    )
    assert response.status_code == 302
    assert g.enterprise.links.get().case.title == "货款纠纷"


def test_ledger_totals_export_and_record(client, g, dispute, people, django_assert_max_num_queries):
    case, attachment = linked_dispute(g, dispute, people)
    client.force_login(g.staff)
    url = f"/lawguard/losses/new/?enterprise={g.enterprise.pk}"
    form = {
        "case": case.pk,
        "amount": "560000",
        "method": RecoveryMethod.SETTLEMENT,
        "recovered_on": timezone.localdate().isoformat(),
        "description": "和解回款",
    }
    missing = client.post(url, form)
    assert missing.status_code == 400 and "请提供证明材料" in missing.content.decode()
    assert client.post(url, {**form, "evidence": [attachment.pk]}).status_code == 302
    for _ in range(3):
        svc.recovered_loss_record(
            actor=g.staff,
            enterprise=g.enterprise,
            case=case,
            amount="1",
            method="mediation",
            recovered_on=timezone.localdate(),
            description="x",
            evidence=[attachment],
        )
    with django_assert_max_num_queries(16):  # the same for 4 rows as for 1: one page, the totals
        body = client.get("/lawguard/losses/").content.decode()
    assert "560003.00" in body
    export = client.get("/lawguard/losses/export.xlsx?method=settlement")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == g.enterprise.name and rows[1][3] == 560000
    log = AuditLog.objects.get(action=AuditAction.EXPORT, object_type="lawguard.recoveredloss")
    assert log.changes == {"filters": {"method": "settlement"}, "rows": 1}


def test_api_suggestions_and_losses(api, g, dispute, people):
    s = issue(g, source_case=dispute)
    staff = api(g.staff)
    listing = staff.get("/api/v1/lawguard/suggestions/").json()
    assert [r["number"] for r in listing["results"]] == [s.number]
    assert listing["results"][0]["allowed_actions"] == ["accept", "decline"]
    answer = staff.post(f"/api/v1/lawguard/suggestions/{s.pk}/decline/", {"reason": ""}, format="json")
    assert answer.status_code == 400
    answer = staff.post(f"/api/v1/lawguard/suggestions/{s.pk}/accept/", {"reply": "同意"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
    again = staff.post(f"/api/v1/lawguard/suggestions/{s.pk}/accept/", {}, format="json")
    assert again.status_code == 409 and again.json()["error"]["message"]
    assert api(people.hetang_clerk).get(f"/api/v1/lawguard/suggestions/{s.pk}/").status_code == 404
    assert (
        api(people.hetang_clerk)
        .post(f"/api/v1/lawguard/suggestions/{s.pk}/implement/", {"note": "x"}, format="json")
        .status_code
        == 404
    )

    case, attachment = linked_dispute(g, dispute, people)
    payload = {
        "enterprise": g.enterprise.pk,
        "case": case.pk,
        "amount": "88000.50",
        "method": "judgment",
        "recovered_on": timezone.localdate().isoformat(),
        "description": "判决执行到位",
        "evidence": [attachment.pk],
    }
    assert staff.post("/api/v1/lawguard/losses/", {**payload, "evidence": []}, format="json").status_code == 400
    assert api(people.hetang_clerk).post("/api/v1/lawguard/losses/", payload, format="json").status_code == 404
    created = staff.post("/api/v1/lawguard/losses/", payload, format="json")
    assert created.status_code == 201 and created.json()["amount"] == "88000.50"
    assert RecoveredLoss.objects.count() == 1
    totals = staff.get("/api/v1/lawguard/losses/totals/?year=" + str(timezone.localdate().year)).json()
    assert totals["total"] == "88000.50" and totals["by_method"][0]["method"] == "judgment"
    assert api(people.hetang_clerk).get("/api/v1/lawguard/losses/totals/").json()["count"] == 0
    assert api(people.hetang_clerk).get("/api/v1/lawguard/losses/").json()["count"] == 0


def test_the_rating_is_a_panel_on_the_case_page(client, g, dispute, people):
    case, _attachment = linked_dispute(g, dispute, people, concluded=True, with_file=False)
    client.force_login(people.clerk)
    assert "企业服务评价" not in client.get(reverse("case-detail", args=[case.pk])).content.decode()
    svc.service_rate(actor=g.portal_user, enterprise=g.enterprise, case=case, score=4, comment="调解及时")
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "企业服务评价" in page and "调解及时" in page
    client.force_login(people.hetang_clerk)  # outside the jurisdiction: the case itself is a 404
    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 404
