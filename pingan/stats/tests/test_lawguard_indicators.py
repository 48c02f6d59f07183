"""法治护航's indicators against a hand-built record set (lawguard_helpers.build): the seed's figures, the rates,
同比, the stocks at the period's end, by workstation and by role, the jurisdiction, and every drill-down equal
to its figure."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from pingan.lawguard.models import GuardAssignment
from pingan.stats import indicators, ledger
from pingan.stats.indicators import Period
from pingan.stats.lawguard_indicators import ROLE_CODES, WORKSTATION_CODES, figures_by
from pingan.stats.selectors import stats_scope

from .lawguard_helpers import build, lawguard_kinds, local

NOW = local(2026, 11, 30, 15, 0)  # the statistics tests' pinned clock (conftest)
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
CODES = [ind.code for ind in indicators.all_indicators("lawguard")]


@pytest.fixture
def records(lawguard_scene, zhuzhou, people):
    with lawguard_kinds():
        yield build(lawguard_scene, zhuzhou, people, when=NOW)


def scope_of(user, **params):
    return stats_scope(user=user, params={**NOVEMBER, **params})


def figures(scope) -> dict[str, tuple]:
    result = indicators.evaluate(scope.cases, {"p": scope.period}, codes=CODES, records=scope.records)["p"]
    return {code: (f.numerator, f.denominator, f.value) for code, f in result.items()}


def test_every_lawguard_indicator_is_defined():
    assert CODES and all(code.startswith("lg_") for code in CODES)
    for ind in indicators.all_indicators("lawguard"):
        assert ind.name and ind.formula and ind.numerator_definition and ind.version
        assert bool(ind.denominator_definition) == ind.has_denominator == (ind.unit == indicators.RATE)
        assert (ind.measure == "count") == (ind.unit not in (indicators.YUAN, indicators.SCORE))
    # The case dashboard's default set is unchanged: no 法治护航 indicator in it.
    assert not {i.code for i in indicators.all_indicators()} & set(CODES)


def test_the_city_figures(records, people):
    got = figures(scope_of(people.leader))
    assert got["lg_workstations"] == (2, None, 2)
    assert got["lg_guarded_enterprises"] == (2, None, 2)  # 株洲钻石切削 and 荷塘机电; not the second enterprise
    assert got["lg_experts"] == (2, None, 2)
    assert got["lg_services"] == (2, None, 2)
    assert got["lg_checkups"] == (1, None, 1)
    assert got["lg_consultations"] == (3, None, 3)  # c1, c2, h1; c0 is a year earlier
    assert got["lg_consult_on_time_rate"] == (1, 2, 0.5)  # c1 answered on time; c2 overdue; h1 not yet due
    assert got["lg_disputes"] == (1, None, 1)
    assert got["lg_suggestions"] == (4, None, 4)
    assert got["lg_suggestions_verified"] == (2, None, 2)
    assert got["lg_suggestion_implementation_rate"] == (3, 4, 0.75)
    assert got["lg_recovered"] == (3, None, 3500.5)  # three records in November; October's 700 left out
    assert got["lg_rating"] == (2, None, 4.5)


def test_a_district_user_sees_only_their_districts_records(records, people):
    hetang = figures(scope_of(people.hetang_clerk))
    assert hetang["lg_workstations"][0] == 1 and hetang["lg_guarded_enterprises"][0] == 1
    assert hetang["lg_consultations"][0] == 1 and hetang["lg_services"][0] == 0
    assert hetang["lg_suggestions"][0] == 1 and hetang["lg_recovered"] == (1, None, 500.0)
    assert hetang["lg_experts"][0] == 0  # the city's team is above the district
    songshan = figures(scope_of(people.clerk))
    assert songshan["lg_consultations"][0] == 2 and songshan["lg_recovered"][2] == 3000.5
    assert songshan["lg_suggestions"][0] == 3 and songshan["lg_workstations"][0] == 1


def test_yoy_compares_with_the_same_month_last_year(records, people):
    scope = scope_of(people.clerk)
    result = indicators.summary(scope.cases, scope.period, codes=CODES, records=scope.records)
    items = {item["code"]: item for item in result["indicators"]}
    assert result["yoy_period"] == {"date_from": "2025-11-01", "date_to": "2025-11-30"}
    consult = items["lg_consultations"]
    assert (consult["value"], consult["yoy_value"], consult["yoy"]) == (2, 1, 1.0)
    assert items["lg_recovered"]["mom_value"] == 700.0 and items["lg_recovered"]["display"] == "3,000.50元"
    # A stock a year earlier: the workstation opened in 2021 was running; 三官一律 started 2022.
    assert items["lg_workstations"]["yoy_value"] == 1 and items["lg_guarded_enterprises"]["yoy_value"] == 1


def test_the_stock_is_counted_at_the_periods_end(records, people, lawguard_scene):
    judge = GuardAssignment.objects.get(enterprise=lawguard_scene.enterprise, role="judge")
    judge.ended_on = datetime.date(2026, 11, 10)
    judge.save()
    before = stats_scope(user=people.clerk, params={"date_from": "2026-11-01", "date_to": "2026-11-10"})
    after = stats_scope(user=people.clerk, params={"date_from": "2026-11-01", "date_to": "2026-11-11"})
    assert figures(before)["lg_guarded_enterprises"][0] == 1  # served through the 10th
    assert figures(after)["lg_guarded_enterprises"][0] == 0  # no judge on the 11th
    early = stats_scope(user=people.clerk, params={"date_from": "2021-01-01", "date_to": "2021-05-31"})
    assert figures(early)["lg_workstations"][0] == 0  # opened 2021-06-01


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("user", ["leader", "clerk", "hetang_clerk"])
def test_every_drilldown_lists_exactly_what_is_counted(records, people, code, user):
    scope = scope_of(getattr(people, user))
    figure = indicators.evaluate(scope.cases, {"p": scope.period}, codes=[code], records=scope.records)["p"][code]
    rows = indicators.drilldown(scope.cases, scope.period, code, "numerator", records=scope.records)
    assert len(set(rows.values_list("pk", flat=True))) == rows.count() == figure.numerator
    if figure.indicator.measure == "sum":
        assert sum((r.amount for r in rows), Decimal(0)) == Decimal(str(figure.value))
    if figure.denominator is not None:
        denominator = indicators.drilldown(scope.cases, scope.period, code, "denominator", records=scope.records)
        assert denominator.count() == figure.denominator
        assert set(rows.values_list("pk", flat=True)) <= set(denominator.values_list("pk", flat=True))


@pytest.mark.parametrize(("by", "codes"), [("workstation", WORKSTATION_CODES), ("provider_role", ROLE_CODES)])
def test_by_workstation_and_role_each_cell_equals_its_drilldown(records, people, by, codes):
    scope = scope_of(people.leader)
    grouped = figures_by(scope.cases, scope.records, scope.period, by, codes)
    assert grouped
    for key, cells in grouped.items():
        narrowed = scope_of(people.leader, **{by: key})
        for code, figure in cells.items():
            rows = indicators.drilldown(narrowed.cases, narrowed.period, code, "numerator", records=narrowed.records)
            assert rows.count() == figure.numerator, (key, code)


def test_the_tables_by_name(records, people, lawguard_scene):
    scope = scope_of(people.leader)
    stations = {row["key"]: row["cells"] for row in ledger.workstation_rows(scope)}
    songshan = stations[lawguard_scene.station_org.code]
    # s2 is linked to two enterprises of the station: one service.
    assert songshan["lg_services"].numerator == 2 and songshan["lg_consultations"].numerator == 2
    assert songshan["lg_guarded_enterprises"].numerator == 1 and songshan["lg_recovered"].value == 3000.5
    assert stations["W430202001"]["lg_consultations"].numerator == 1
    roles = {row["key"]: row["cells"] for row in ledger.role_rows(scope)}
    assert list(roles) == ["judge", "prosecutor", "police", "lawyer", "expert", "staff"]
    assert roles["lawyer"]["lg_consultations"].numerator == 2 and roles["judge"]["lg_consultations"].numerator == 1
    assert roles["expert"]["lg_checkups"].numerator == 1 and roles["staff"]["lg_services"].numerator == 1
    assert roles["police"]["lg_disputes"].numerator == 1 and roles["prosecutor"]["lg_services"].numerator == 0


def test_district_rows_add_up_to_the_total(records, people):
    rows, total = ledger.district_rows(scope_of(people.leader))
    assert [row["name"] for row in rows] == ["株洲市(本级)", "荷塘区", "天元区"]
    for code in ledger.DISTRICT_CODES:
        if total[code].indicator.unit != indicators.RATE:
            assert sum(row["cells"][code].value for row in rows) == total[code].value, code


def test_a_workstation_or_role_outside_the_rules_is_refused(records, people, lawguard_scene):
    from pingan.core.errors import ApplicationError, NotFoundError

    with pytest.raises(NotFoundError):
        scope_of(people.hetang_clerk, workstation=lawguard_scene.station_org.code)
    with pytest.raises(ApplicationError):
        scope_of(people.clerk, provider_role="mayor")


def test_period_by_dates_includes_both_ends():
    period = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    assert period.range_q("recovered_on", dates=True).children == [
        ("recovered_on__gte", datetime.date(2026, 11, 1)),
        ("recovered_on__lte", datetime.date(2026, 11, 30)),
    ]
