"""Every indicator's numerator and denominator, counted exactly, and the drill-down behind each."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pingan.cases.selectors import cases_visible_to
from pingan.core.errors import ApplicationError
from pingan.stats import indicators
from pingan.stats.indicators import Period

from .conftest import local, register

# The cohort fixture, counted by hand: 6 registered (c1–c6), 4 closed (c1, c2, c3, c5), of which c5 late;
# 应结案 = the 4 closed + c4 (open past its deadline) = 5; c6 (due in December) is not yet due.
EXPECTED = {  # code: (numerator, denominator, value)
    "received": (6, None, 6),
    "closed": (4, None, 4),
    "closure_rate": (4, 5, 0.8),
    "on_time_rate": (3, 5, 0.6),
    "mediation_success_rate": (3, 4, 0.75),
    "satisfaction_rate": (2, 3, 0.6667),
    "overdue_rate": (2, 5, 0.4),  # c5 closed late, c4 open past its deadline
    "rework_rate": (1, 4, 0.25),
}


def by_code(result: dict) -> dict[str, dict]:
    return {item["code"]: item for item in result["indicators"]}


def test_every_indicator_has_a_formula_a_denominator_and_a_version():
    for indicator in indicators.all_indicators():
        assert indicator.name and indicator.formula and indicator.version
        assert indicator.unit in (indicators.RATE, indicators.COUNT)
        assert bool(indicator.denominator_definition) == indicator.has_denominator == (indicator.unit == "%")
    assert set(EXPECTED) <= {i.code for i in indicators.all_indicators()}


def test_exact_numerators_and_denominators(cohort, people):
    result = by_code(indicators.summary(cases_visible_to(people.clerk), cohort.period))
    got = {code: (item["numerator"], item["denominator"], item["value"]) for code, item in result.items()}
    assert {code: got[code] for code in EXPECTED} == EXPECTED
    assert result["closure_rate"]["display"] == "80.00%" and result["closure_rate"]["unit"] == "%"
    assert result["received"]["unit"] == "件"


def test_all_periods_come_from_one_query(cohort, people):
    with CaptureQueriesContext(connection) as ctx:
        indicators.summary(cases_visible_to(people.clerk), cohort.period)
    assert len(ctx.captured_queries) == 1


@pytest.mark.parametrize("code", list(EXPECTED))
def test_drilldown_is_exactly_the_counted_cases(cohort, people, code):
    base = cases_visible_to(people.clerk)
    figure = by_code(indicators.summary(base, cohort.period))[code]
    numerator = indicators.drilldown(base, cohort.period, code, "numerator")
    assert numerator.count() == figure["numerator"]
    if figure["denominator"] is None:
        with pytest.raises(ApplicationError):
            indicators.drilldown(base, cohort.period, code, "denominator")
    else:
        denominator = indicators.drilldown(base, cohort.period, code, "denominator")
        assert denominator.count() == figure["denominator"]
        assert set(numerator.values_list("pk", flat=True)) <= set(denominator.values_list("pk", flat=True))


def test_drilldown_names_the_cases(cohort, people):
    base, period = cases_visible_to(people.clerk), cohort.period
    c = cohort

    def ids(code, part="numerator"):
        return set(indicators.drilldown(base, period, code, part).values_list("pk", flat=True))

    assert ids("closure_rate") == {c.c1.pk, c.c2.pk, c.c3.pk, c.c5.pk}
    assert ids("closure_rate", "denominator") == {c.c1.pk, c.c2.pk, c.c3.pk, c.c4.pk, c.c5.pk}
    assert ids("received") == {c.c1.pk, c.c2.pk, c.c3.pk, c.c4.pk, c.c5.pk, c.c6.pk}
    assert ids("on_time_rate") == {c.c1.pk, c.c2.pk, c.c3.pk}
    assert ids("overdue_rate") == {c.c4.pk, c.c5.pk}
    assert ids("mediation_success_rate", "denominator") == {c.c1.pk, c.c2.pk, c.c3.pk, c.c5.pk}
    assert ids("satisfaction_rate") == {c.c1.pk, c.c2.pk}
    assert ids("rework_rate") == {c.c2.pk}
    # The registry's own numerator/denominator functions give the same querysets.
    closure = indicators.get("closure_rate")
    assert set(closure.numerator(base, period.date_from, period.date_to).values_list("pk", flat=True)) == ids(
        "closure_rate"
    )


def test_unknown_indicator_or_part_is_refused(cohort, people):
    base = cases_visible_to(people.clerk)
    with pytest.raises(ApplicationError):
        indicators.drilldown(base, cohort.period, "nonsense", "numerator")
    with pytest.raises(ApplicationError):
        indicators.drilldown(base, cohort.period, "closure_rate", "both")


def test_another_district_counts_nothing_of_ours(cohort, people):
    result = by_code(indicators.summary(cases_visible_to(people.hetang_clerk), cohort.period))
    assert all(item["numerator"] == 0 for item in result.values())
    assert result["closure_rate"]["value"] is None and result["received"]["value"] == 0


def test_overdue_is_judged_at_the_end_of_a_past_period(scene, people):
    """A case registered on 2022-03-01 with a 15-working-day clock was not overdue on 2022-03-05, whatever
    happened later; as of 2022-12-31 it was."""
    case = register(scene, at=local(2022, 3, 1, 9))
    base = cases_visible_to(people.clerk)
    early = indicators.evaluate(base, {"p": Period(datetime.date(2022, 3, 1), datetime.date(2022, 3, 5))})
    late = indicators.evaluate(base, {"p": Period(datetime.date(2022, 3, 1), datetime.date(2022, 12, 31))})
    assert early["p"]["overdue_rate"].numerator == 0
    assert late["p"]["overdue_rate"].numerator == 1
    assert case.deadline < local(2022, 12, 31)


def test_year_on_year_and_previous_period(scene, people):
    register(scene, at=local(2021, 3, 10, 10))  # same period last year
    register(scene, at=local(2022, 2, 15, 10))  # previous month
    register(scene, at=local(2022, 2, 16, 10))
    register(scene, at=local(2022, 3, 10, 10))  # this period
    register(scene, at=local(2022, 3, 31, 23, 30))  # last evening of March, local time
    register(scene, at=local(2022, 4, 1, 0, 30))  # first minutes of April: not in March
    result = indicators.summary(
        cases_visible_to(people.clerk), Period(datetime.date(2022, 3, 1), datetime.date(2022, 3, 31))
    )
    assert result["yoy_period"] == {"date_from": "2021-03-01", "date_to": "2021-03-31"}
    assert result["mom_period"] == {"date_from": "2022-02-01", "date_to": "2022-02-28"}
    received = by_code(result)["received"]
    assert (received["value"], received["yoy_value"], received["yoy"], received["yoy_change"]) == (2, 1, 1.0, 1)
    assert (received["mom_value"], received["mom"], received["mom_change"]) == (2, 0.0, 0)
    closure = by_code(result)["closure_rate"]
    assert (closure["value"], closure["yoy_value"], closure["yoy"], closure["yoy_change"]) == (0.0, 0.0, None, 0.0)


def test_periods():
    march = Period(datetime.date(2022, 3, 1), datetime.date(2022, 3, 31))
    assert march.previous() == Period(datetime.date(2022, 2, 1), datetime.date(2022, 2, 28))
    year = Period(datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    assert year.previous() == year.same_period_last_year()
    ten_days = Period(datetime.date(2022, 3, 5), datetime.date(2022, 3, 14))
    assert ten_days.previous() == Period(datetime.date(2022, 2, 23), datetime.date(2022, 3, 4))
    leap = Period(datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    assert leap.same_period_last_year() == Period(datetime.date(2023, 2, 1), datetime.date(2023, 2, 28))
    with pytest.raises(ValueError):
        Period(datetime.date(2022, 3, 2), datetime.date(2022, 3, 1))


def test_breakdowns(scene, people, zhuzhou, labour):
    register(scene, at=local(2022, 1, 31, 23, 30))
    register(scene, at=local(2022, 2, 1, 0, 30), category=labour)  # still 31 January in UTC
    register(scene, at=local(2022, 2, 10, 9), region=zhuzhou.yuetang, actor=people.hetang_clerk)
    period = Period(datetime.date(2022, 1, 1), datetime.date(2022, 3, 31))
    base = cases_visible_to(people.leader)

    with CaptureQueriesContext(connection) as ctx:
        months = indicators.breakdown(base, period, "month")
        districts = indicators.breakdown(base, period, "district")
        categories = indicators.breakdown(base, period, "category")
    assert len(ctx.captured_queries) == 4  # three grouped queries and one for district names

    assert [(r["key"], r["received"]) for r in months] == [("2022-01", 1), ("2022-02", 2), ("2022-03", 0)]
    assert months[2]["closure_rate"] is None
    assert [(r["key"], r["label"], r["received"]) for r in districts] == [
        ("430202", "荷塘区", 1),
        ("430211", "天元区", 2),
    ]
    assert [(r["key"], r["received"]) for r in categories] == [("neighbour", 2), ("labour", 1)]
    assert districts[1]["figures"]["closure_rate"] == {"numerator": 0, "denominator": 2, "value": 0.0}

    townships = indicators.breakdown(cases_visible_to(people.clerk), period, "township")
    assert [(r["key"], r["label"], r["received"]) for r in townships] == [("430211004", "嵩山路街道", 2)]
    with pytest.raises(ApplicationError):
        indicators.breakdown(base, period, "weekday")
