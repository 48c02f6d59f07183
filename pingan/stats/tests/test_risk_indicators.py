"""The risk register's indicators (风险防控): by level, by stage, by owner unit, overdue stage clocks and the
on-time rate of the stage clocks; every figure equals its drill-down list, in the jurisdiction only."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from pingan.cases.models import Category
from pingan.cases.selectors import cases_visible_to
from pingan.cases.services import case_transition
from pingan.risks.choices import RiskSource
from pingan.risks.services import risk_raise
from pingan.stats import indicators, risk_indicators
from pingan.stats.indicators import Period

TODAY = datetime.date(2026, 11, 30)  # the statistics tests run at 2026-11-30 15:00 (their conftest)
PERIOD = Period(datetime.date(2026, 11, 1), TODAY)


@pytest.fixture
def register(zhuzhou, people):
    importlib.import_module("pingan.risks.migrations.0002_reference_data").create_reference_data(apps, None)
    category = Category.objects.get(code="risk_public_order")

    def make(likelihood, impact, *, actor=None, region=None, owner_org=None, registered_at=None):
        return risk_raise(
            actor=actor or people.clerk,
            category=category,
            title="风险",
            description="风险描述",
            source=RiskSource.GRID_REPORT,
            likelihood=likelihood,
            impact=impact,
            region=region or zhuzhou.taishan,
            owner_org=owner_org,
            registered_at=registered_at,
        )

    class Register:
        # Red, raised yesterday and still in 预见: its 应对 clock (2 calendar hours for red) is overdue.
        late = make(5, 5, registered_at=timezone.now() - datetime.timedelta(days=1))
        # Red, raised now and taken into 应对 at once: its 应对 clock stopped on time.
        prompt = case_transition(case=make(5, 4), actor=people.clerk, action="start_response")
        orange = make(4, 4, owner_org=zhuzhou.songshan_centre)
        yellow = make(2, 3, owner_org=zhuzhou.songshan_centre)
        blue = make(1, 1)
        hetang = make(5, 5, actor=people.hetang_clerk, region=zhuzhou.yuetang)  # another district

    return Register


def figures(user) -> dict:
    result = indicators.evaluate(
        cases_visible_to(user), {"p": PERIOD}, codes=[i.code for i in indicators.all_indicators("risks")]
    )
    return {code: (f.numerator, f.denominator) for code, f in result["p"].items()}


def test_risks_by_level_stage_and_the_stage_clocks(register, people):
    got = figures(people.clerk)
    assert got["risks"] == (5, None)  # not 荷塘区's
    assert [got[f"risks_{level}"][0] for level in ("red", "orange", "yellow", "blue")] == [2, 1, 1, 1]
    assert got["risks_stage_foresight"] == (4, None) and got["risks_stage_response"] == (1, None)
    assert got["risks_stage_closed"] == (0, None)
    assert got["risks_stage_overdue"] == (1, None)  # the late one
    # Due stage clocks: the late one's 应对 (overdue) and the prompt one's 应对 (stopped on time).
    assert got["risks_stage_on_time_rate"] == (1, 2)


@pytest.mark.parametrize("code", [i.code for i in indicators.all_indicators("risks")])
def test_every_risk_drilldown_lists_exactly_the_counted_cases(register, people, code):
    base = cases_visible_to(people.clerk)
    figure = indicators.evaluate(base, {"p": PERIOD})["p"][code]
    numerator = set(indicators.drilldown(base, PERIOD, code, "numerator").values_list("pk", flat=True))
    assert len(numerator) == figure.numerator
    if figure.denominator is not None:
        denominator = set(indicators.drilldown(base, PERIOD, code, "denominator").values_list("pk", flat=True))
        assert len(denominator) == figure.denominator and numerator <= denominator


def test_named_drilldowns(register, people):
    base = cases_visible_to(people.clerk)

    def ids(code, part="numerator"):
        return set(indicators.drilldown(base, PERIOD, code, part).values_list("pk", flat=True))

    assert ids("risks_red") == {register.late.pk, register.prompt.pk}
    assert ids("risks_stage_overdue") == {register.late.pk}
    assert ids("risks_stage_on_time_rate") == {register.prompt.pk}


def test_by_owner_unit_equals_its_drilldowns(register, people, zhuzhou, client):
    rows = {row["code"]: row for row in risk_indicators.by_owner(cases_visible_to(people.clerk), PERIOD)}
    assert set(rows) == {zhuzhou.taishan_centre.code, zhuzhou.songshan_centre.code}
    songshan = rows[zhuzhou.songshan_centre.code]
    assert (songshan["risks"], songshan["risks_orange"], songshan["risks_yellow"], songshan["risks_red"]) == (
        2,
        1,
        1,
        0,
    )
    client.force_login(people.clerk)
    query = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
    for code, row in rows.items():
        for indicator in ("risks", "risks_red", "risks_stage_overdue"):
            response = client.get("/api/v1/stats/drilldown/", {**query, "owner_org": code, "indicator": indicator})
            assert response.status_code == 200
            assert response.json()["count"] == row[indicator], (code, indicator)
    api_rows = client.get("/api/v1/stats/risks/owners/", query).json()["rows"]
    assert {row["code"]: row["risks"] for row in api_rows} == {code: row["risks"] for code, row in rows.items()}


def test_the_dashboard_shows_the_risk_section(register, people, zhuzhou, client):
    client.force_login(people.clerk)
    response = client.get(reverse("dashboard"), {"date_from": "2026-11-01", "date_to": "2026-11-30"})
    html = response.content.decode()
    assert 'id="risk-indicators"' in html and "红色风险数" in html and "阶段时限按期率" in html
    assert 'data-indicator="risks_stage_overdue"' in html
    assert f'data-owner="{zhuzhou.songshan_centre.code}"' in html and "owner_org=" in html
    # The drill-down page of one owner unit lists its risks.
    page = client.get(
        reverse("dashboard-drilldown"),
        {
            "date_from": "2026-11-01",
            "date_to": "2026-11-30",
            "owner_org": zhuzhou.songshan_centre.code,
            "indicator": "risks",
        },
    )
    assert page.status_code == 200
    assert register.orange.number in page.content.decode() and register.late.number not in page.content.decode()


def test_another_districts_owner_unit_is_not_found(register, people, zhuzhou, client):
    client.force_login(people.hetang_clerk)
    url = "/api/v1/stats/drilldown/?indicator=risks&owner_org=" + zhuzhou.songshan_centre.code
    assert client.get(url).status_code == 404
    rows = client.get("/api/v1/stats/risks/owners/?date_from=2026-11-01").json()["rows"]
    assert [row["code"] for row in rows] == [zhuzhou.yuetang_centre.code]
