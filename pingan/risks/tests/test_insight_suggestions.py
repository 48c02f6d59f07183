"""Repeated-dispute suggestions: the rules (same party by its keyed blind index, same place and category,
same place; N within W days), the sweep that writes the review list with the rule written out, the two
decisions (accept → the risk in one step, linked to the cases; dismiss with a reason → it does not come back
unless new cases arrive), the page and the API, and the jurisdiction."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import GOOD_ID, register_dispute
from pingan.cases.models import Case, CaseEvent
from pingan.cases.services import case_register
from pingan.regions.choices import RegionLevel
from pingan.risks.choices import KIND
from pingan.risks.insight_models import RiskOrigin, RiskSuggestion, SuggestionBasis, SuggestionRule, SuggestionStatus
from pingan.risks.suggestions import sweep

ACCEPT = {"category": "risk_disputes", "likelihood": "4", "impact": "4"}


@pytest.fixture
def party_rule(db):
    SuggestionRule.objects.all().delete()
    return SuggestionRule.objects.create(
        name="同一当事人90天内3件", basis=SuggestionBasis.PARTY, threshold=3, window_days=90
    )


@pytest.fixture
def repeated(zhuzhou, people, category, party_rule):
    """Three disputes about the same two people (张三 by ID number, 李四 by phone) in the last weeks."""
    return [register_dispute(zhuzhou, people, category) for _ in range(3)]


def test_same_party_by_blind_index_fires_once_with_the_rule_written_out(repeated, party_rule):
    result = sweep()
    assert result.as_dict() == {"created": 1, "updated": 0, "unchanged": 0, "suppressed": 0}
    [suggestion] = RiskSuggestion.objects.all()
    assert suggestion.key.startswith("id:") and GOOD_ID not in suggestion.key and "张三" not in suggestion.key
    assert suggestion.key == "id:" + repeated[0].parties.get(name="张三").id_number_index
    assert suggestion.subject == "张*"
    assert set(suggestion.cases.all()) == set(repeated) and suggestion.case_count == 3
    assert suggestion.region.code == "430211004"  # where the disputes lie
    assert suggestion.explanation.startswith("规则“同一当事人90天内3件”:同一当事人(张*,按身份证号码比对)在 90 天内")
    assert "涉及 3 件矛盾纠纷,达到 3 件的预警线" in suggestion.explanation


def test_below_the_threshold_or_outside_the_window_nothing(zhuzhou, people, category, party_rule):
    register_dispute(zhuzhou, people, category)
    register_dispute(zhuzhou, people, category)
    old = register_dispute(zhuzhou, people, category)
    Case.objects.filter(pk=old.pk).update(registered_at=timezone.now() - datetime.timedelta(days=91))
    assert sweep().created == 0 and not RiskSuggestion.objects.exists()


def test_a_pending_suggestion_takes_new_cases_in(repeated, zhuzhou, people, category):
    sweep()
    assert sweep().unchanged == 1
    fourth = register_dispute(zhuzhou, people, category)
    assert sweep().updated == 1
    suggestion = RiskSuggestion.objects.get()
    assert suggestion.case_count == 4 and fourth in suggestion.cases.all()
    assert "涉及 4 件" in suggestion.explanation


def test_a_dismissed_suggestion_comes_back_only_with_new_cases(repeated, client, people, zhuzhou, category):
    sweep()
    suggestion = RiskSuggestion.objects.get()
    client.force_login(people.clerk)
    refused = client.post(reverse("risk-suggestion-dismiss", args=[suggestion.pk]), {"reason": ""})
    assert refused.status_code == 400 and RiskSuggestion.objects.get().status == SuggestionStatus.PENDING
    response = client.post(
        reverse("risk-suggestion-dismiss", args=[suggestion.pk]), {"reason": "邻里漏水纠纷已调解,不涉稳"}
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by, suggestion.dismiss_reason) == (
        SuggestionStatus.DISMISSED,
        people.clerk,
        "邻里漏水纠纷已调解,不涉稳",
    )
    assert sweep().suppressed == 1 and RiskSuggestion.objects.count() == 1
    register_dispute(zhuzhou, people, category)
    assert sweep().created == 1
    assert RiskSuggestion.objects.filter(status=SuggestionStatus.PENDING).get().case_count == 4


def test_accept_raises_the_risk_linked_to_the_cases(repeated, client, people):
    sweep()
    suggestion = RiskSuggestion.objects.get()
    client.force_login(people.clerk)
    page = client.get(reverse("risk-suggestion-detail", args=[suggestion.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert suggestion.explanation in html and all(case.number in html for case in repeated)
    assert reverse("risk-suggestion-accept", args=[suggestion.pk]) in html
    response = client.post(reverse("risk-suggestion-accept", args=[suggestion.pk]), ACCEPT)
    assert response.status_code == 302
    risk = Case.objects.get(kind=KIND)
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.risk, suggestion.decided_by) == (
        SuggestionStatus.ACCEPTED,
        risk,
        people.clerk,
    )
    newest = max(repeated, key=lambda case: (case.registered_at, case.pk))
    assert risk.parent == newest and risk.risk.level == "orange"  # 4 × 4 = 16
    origin = RiskOrigin.objects.get(risk_case=risk)
    assert origin.suggestion == suggestion and origin.signs == ["repeated"]
    assert risk.title == "张* 矛盾纠纷反复发生" and risk.description == suggestion.explanation
    for case in repeated:  # every case's timeline and page shows the risk
        assert CaseEvent.objects.filter(case=case, type="risk_raised").exists()
        assert risk.number in client.get(reverse("case-detail", args=[case.pk])).content.decode()
    html = client.get(reverse("case-detail", args=[risk.pk])).content.decode()
    assert all(case.number in html for case in repeated)  # the origin panel lists them
    # Decided: a second decision is refused (409), nothing changes.
    again = client.post(reverse("risk-suggestion-accept", args=[suggestion.pk]), ACCEPT)
    assert again.status_code == 409 and Case.objects.filter(kind=KIND).count() == 1


def test_the_list_page_and_the_api(repeated, client, api, people, django_assert_max_num_queries):
    sweep()
    suggestion = RiskSuggestion.objects.get()
    client.force_login(people.clerk)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("risk-suggestion-list"))
    assert page.status_code == 200 and suggestion.explanation in page.content.decode()
    listed = api(people.clerk).get("/api/v1/risks/suggestions/?status=pending")
    assert listed.status_code == 200
    [item] = listed.json()["results"]
    assert item["explanation"] == suggestion.explanation and item["case_count"] == 3 and item["basis"] == "party"
    assert {case["number"] for case in item["cases"]} == {case.number for case in repeated}
    assert api(people.clerk).get("/api/v1/risks/suggestions/?status=dismissed").json()["results"] == []

    url = f"/api/v1/risks/suggestions/{suggestion.pk}/"
    assert api(people.clerk).post(url + "dismiss/", {"reason": ""}, format="json").status_code == 400
    accepted = api(people.clerk).post(
        url + "accept/", {"category": "risk_disputes", "likelihood": 5, "impact": 5}, format="json"
    )
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["kind"] == KIND and accepted.json()["parent"]["kind"] == "dispute"
    assert api(people.clerk).post(url + "dismiss/", {"reason": "重复"}, format="json").status_code == 409
    assert api(people.clerk).get(url).json()["status"] == "accepted"


def test_another_district_sees_nothing(repeated, client, api, people):
    sweep()
    suggestion = RiskSuggestion.objects.get()
    client.force_login(people.hetang_clerk)
    assert "张*" not in client.get(reverse("risk-suggestion-list")).content.decode()
    assert client.get(reverse("risk-suggestion-detail", args=[suggestion.pk])).status_code == 404
    assert client.post(reverse("risk-suggestion-dismiss", args=[suggestion.pk]), {"reason": "无"}).status_code == 404
    assert api(people.hetang_clerk).get("/api/v1/risks/suggestions/").json()["results"] == []
    url = f"/api/v1/risks/suggestions/{suggestion.pk}/accept/"
    assert api(people.hetang_clerk).post(url, {**ACCEPT}, format="json").status_code == 404
    # The mediator sees it (his jurisdiction) but does not decide: no centre post.
    client.force_login(people.mediator)
    assert (
        "risk-suggestion-accept"
        not in client.get(reverse("risk-suggestion-detail", args=[suggestion.pk])).content.decode()
    )
    refused = client.post(reverse("risk-suggestion-dismiss", args=[suggestion.pk]), {"reason": "无风险"})
    assert refused.status_code == 403
    assert RiskSuggestion.objects.get().status == SuggestionStatus.PENDING


def test_same_grid_and_category(zhuzhou, people, category, grids):
    SuggestionRule.objects.all().delete()
    rule = SuggestionRule.objects.create(
        name="同一网格同类30天3件",
        basis=SuggestionBasis.PLACE_CATEGORY,
        threshold=3,
        window_days=30,
        place_level=RegionLevel.GRID,
    )
    for n in range(3):
        case_register(
            actor=people.clerk,
            kind="dispute",
            category=category,
            title=f"噪音纠纷{n}",
            description="楼上噪音扰民",
            channel="visit",
            region=grids.taishan_1,
            parties=[{"name": f"住户{n}", "role": "applicant"}],
        )
    case_register(  # the other grid: not counted with them
        actor=people.clerk,
        kind="dispute",
        category=category,
        title="噪音纠纷",
        description="楼上噪音扰民",
        channel="visit",
        region=grids.taishan_2,
        parties=[{"name": "住户", "role": "applicant"}],
    )
    assert sweep().created == 1
    suggestion = RiskSuggestion.objects.get()
    assert suggestion.rule == rule and suggestion.key == f"{grids.taishan_1.code}|{category.code}"
    assert suggestion.subject == f"泰山社区第1网格 · {category.name}" and suggestion.region == grids.taishan_1
    assert "发生同类矛盾纠纷 3 件" in suggestion.explanation


def test_the_sweep_command(repeated):
    from io import StringIO

    out = StringIO()
    call_command("risk_suggestions", "--now", stdout=out)
    assert "'created': 1" in out.getvalue()
