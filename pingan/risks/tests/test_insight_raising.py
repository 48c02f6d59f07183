"""Raising a risk from a dispute or an incident in one step (升级为风险), linked both ways, through the panel
on the source case's page and through the API; who is offered it; bad input writes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pingan.cases.models import Case, CaseEvent
from pingan.risks.choices import KIND, RiskLevel, RiskSource
from pingan.risks.insight_models import RiskOrigin

RAISE = {"signs": ["crowd", "stability"], "category": "risk_public_order", "likelihood": "5", "impact": "4"}


def test_the_dispute_page_offers_the_panel_to_centre_staff_only(client, dispute, people):
    client.force_login(people.clerk)
    html = client.get(reverse("case-detail", args=[dispute.pk])).content.decode()
    assert 'id="risk-links"' in html and reverse("risk-raise", args=[dispute.pk]) in html
    for sign in ("群体性", "极端言行", "多次反复", "涉稳"):
        assert sign in html
    assert "张*" in html  # the parties come along masked
    client.force_login(people.mediator)  # not a centre: no panel (nothing raised yet either)
    assert 'id="risk-links"' not in client.get(reverse("case-detail", args=[dispute.pk])).content.decode()
    assert client.get(reverse("risk-raise", args=[dispute.pk])).status_code == 403


def test_raise_from_the_page_links_both_ways(client, dispute, people):
    client.force_login(people.clerk)
    response = client.post(reverse("risk-raise", args=[dispute.pk]), RAISE)
    assert response.status_code == 302
    risk = Case.objects.get(kind=KIND)
    assert response["Location"] == reverse("case-detail", args=[risk.pk])
    assert risk.parent == dispute and list(dispute.children.all()) == [risk]
    assert (risk.risk.level, risk.risk.source) == (RiskLevel.RED, RiskSource.DISPUTE_ESCALATION)
    assert risk.title == dispute.title and risk.region == dispute.region
    origin = RiskOrigin.objects.get(risk_case=risk)
    assert (origin.source_case, origin.signs, origin.raised_by) == (dispute, ["crowd", "stability"], people.clerk)
    # The parties are carried over (stored encrypted like any party, the same people).
    assert sorted(p.name for p in risk.parties.all()) == ["张三", "李四"]
    assert {p.id_number_index for p in risk.parties.all()} == {p.id_number_index for p in dispute.parties.all()}
    # Both timelines say so.
    on_dispute = CaseEvent.objects.get(case=dispute, type="risk_raised")
    assert risk.number in on_dispute.comment and "群体性、涉稳" in on_dispute.comment
    on_risk = CaseEvent.objects.get(case=risk, type="risk_raised_from")
    assert dispute.number in on_risk.comment
    # The source page lists the risk with its level; the risk page its source and the signs; parties masked.
    html = client.get(reverse("case-detail", args=[dispute.pk])).content.decode()
    assert risk.number in html and 'data-level="red"' in html and "升级为风险" in html
    html = client.get(reverse("case-detail", args=[risk.pk])).content.decode()
    assert 'id="risk-origin"' in html and dispute.number in html and "涉稳" in html
    assert "张三" not in html and "张*" in html


def test_the_same_case_is_not_raised_twice_while_its_risk_is_open(client, dispute, people):
    client.force_login(people.clerk)
    assert client.post(reverse("risk-raise", args=[dispute.pk]), RAISE).status_code == 302
    again = client.post(reverse("risk-raise", args=[dispute.pk]), RAISE)
    assert again.status_code == 400 and "已升级为风险" in again.content.decode()
    assert Case.objects.filter(kind=KIND).count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"signs": []}, "signs", "请至少选择一项风险征兆"),
        ({"signs": ["rumour"]}, "signs", "rumour"),
        ({"likelihood": "6"}, "likelihood", ""),
        ({"category": "neighbour"}, "category", ""),
    ],
)
def test_bad_input_on_the_page_writes_nothing(client, dispute, people, change, field, message):
    client.force_login(people.clerk)
    response = client.post(reverse("risk-raise", args=[dispute.pk]), {**RAISE, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.filter(kind=KIND).exists() and not RiskOrigin.objects.exists()


def test_another_district_cannot_see_or_raise(client, api, dispute, people):
    client.force_login(people.hetang_clerk)
    assert client.get(reverse("risk-raise", args=[dispute.pk])).status_code == 404
    response = api(people.hetang_clerk).post(
        "/api/v1/risks/raise/", {**RAISE, "source_case": dispute.pk}, format="json"
    )
    assert response.status_code == 404
    assert not Case.objects.filter(kind=KIND).exists()


def test_raise_through_the_api(api, dispute, people):
    payload = {**RAISE, "likelihood": 2, "impact": 3, "source_case": dispute.pk, "title": "楼上漏水纠纷激化风险"}
    response = api(people.clerk).post("/api/v1/risks/raise/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == KIND and body["parent"] == {"id": dispute.pk, "number": dispute.number, "kind": "dispute"}
    assert body["title"] == "楼上漏水纠纷激化风险"
    detail = api(people.clerk).get(f"/api/v1/cases/{dispute.pk}/").json()
    assert detail["children"] == [{"id": body["id"], "number": body["number"], "kind": KIND}]
    assert Case.objects.get(pk=body["id"]).risk.level == RiskLevel.YELLOW  # 2 × 3 = 6


def test_bad_input_through_the_api(api, dispute, incident, people):
    client = api(people.clerk)
    no_signs = client.post("/api/v1/risks/raise/", {**RAISE, "signs": [], "source_case": dispute.pk}, format="json")
    assert no_signs.status_code == 400 and "signs" in no_signs.json()["error"]["fields"]
    risk = client.post("/api/v1/risks/raise/", {**RAISE, "source_case": dispute.pk}, format="json").json()
    from_risk = client.post("/api/v1/risks/raise/", {**RAISE, "source_case": risk["id"]}, format="json")
    assert from_risk.status_code == 400 and "source_case" in from_risk.json()["error"]["fields"]
    assert Case.objects.filter(kind=KIND).count() == 1


def test_raise_from_an_incident(api, incident, people, grids):
    response = api(people.clerk).post("/api/v1/risks/raise/", {**RAISE, "source_case": incident.pk}, format="json")
    assert response.status_code == 201, response.json()
    risk = Case.objects.get(pk=response.json()["id"])
    assert risk.parent == incident and risk.risk.source == RiskSource.GRID_REPORT
    assert (risk.lat, risk.lng) == (incident.lat, incident.lng)
