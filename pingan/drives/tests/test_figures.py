"""A drive's figures: counted from the cases (never copied), limited to the user's jurisdiction, equal to the
statistics' figures for the same window while the drive runs, one query per table, and every number's
drill-down lists exactly the cases it counts."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import TEST_NOW, mediate_to_agreement, register_dispute
from pingan.cases.models import Case
from pingan.cases.selectors import cases_visible_to
from pingan.drives import figures, selectors
from pingan.stats import indicators

from .conftest import TZ, make_drive

pytestmark = pytest.mark.django_db


def _raw(user, drive, as_of):
    """The drive's figures counted independently: every Case row looked at in Python."""
    prefixes = user.jurisdiction_prefixes()
    start = datetime.datetime.combine(drive.start_date, datetime.time.min, tzinfo=TZ)
    end = datetime.datetime.combine(drive.end_date + datetime.timedelta(days=1), datetime.time.min, tzinfo=TZ)
    rows = [
        c
        for c in Case.objects.all()
        if any(c.region_code.startswith(p) for p in prefixes)
        and c.region_code.startswith(drive.region.prefix)
        and c.kind in drive.kinds
        and start <= c.registered_at < end
    ]
    mediated = [
        c for c in rows if c.kind == "dispute" and c.outcome in ("success", "failure") and c.resolved_at < as_of
    ]
    return len(rows), len(mediated), sum(c.outcome == "success" for c in mediated)


def _drive(user, drive):
    return selectors.drive_or_404(user, drive.pk)  # as the views load it (categories, regions prefetched)


def test_figures_count_the_cases_of_the_window_in_the_users_jurisdiction(scene):
    s = scene
    for user, expected in ((s.p.leader, (4, 2, 1)), (s.p.clerk, (3, 2, 1)), (s.p.hetang_clerk, (1, 0, 0))):
        drive = _drive(user, s.drive)
        totals = figures.totals(drive, selectors.drive_cases_for(user, drive))
        assert (totals["found"], totals["mediated"], totals["successful"]) == expected
        assert (totals["found"], totals["mediated"], totals["successful"]) == _raw(user, drive, drive.as_of())
    totals = figures.totals(s.drive, selectors.drive_cases_for(s.p.leader, s.drive))
    assert totals["success_rate"] == 0.5 and totals["success_rate_display"] == "50.00%"


def test_a_running_drive_equals_the_statistics_for_the_same_window(scene):
    """调解终结数/调解成功数 are the statistics' 调解成功率 denominator and numerator (docs/indicators.md),
    排查数 the 受理数 of the drive's kinds, for the same window and region."""
    s = scene
    for user in (s.p.leader, s.p.clerk):
        drive = _drive(user, s.drive)
        totals = figures.totals(drive, selectors.drive_cases_for(user, drive))
        base = cases_visible_to(user).filter(kind="dispute", region_code__startswith=drive.region.prefix)
        period = indicators.Period(drive.start_date, drive.end_date)
        stats = indicators.evaluate(base, {"p": period}, codes=["received", "mediation_success_rate"])["p"]
        assert totals["found"] == stats["received"].numerator
        assert totals["mediated"] == stats["mediation_success_rate"].denominator
        assert totals["successful"] == stats["mediation_success_rate"].numerator
        assert totals["success_rate"] == stats["mediation_success_rate"].value


def test_a_finished_drive_counts_what_was_concluded_by_its_end(zhuzhou, people, category):
    """A mediation concluded after the drive ended does not count towards it (the statistics, reading outcomes
    as they stand now, do count it for the same registration window)."""
    with time_machine.travel(datetime.datetime(2026, 10, 12, 9, 0, tzinfo=TZ), tick=False):
        early = mediate_to_agreement(register_dispute(zhuzhou, people, category), people)
    with time_machine.travel(datetime.datetime(2026, 10, 28, 9, 0, tzinfo=TZ), tick=False):
        late = register_dispute(zhuzhou, people, category)
    late = mediate_to_agreement(late, people)  # concluded now, in November
    assert early.resolved_at.month == 10 and late.resolved_at.month == 11
    drive = make_drive(
        people.leader,
        zhuzhou.city,
        zhuzhou.city_centre,
        dates=(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)),
    )
    drive = _drive(people.leader, drive)
    assert drive.as_of() == drive.ends_at
    totals = figures.totals(drive, selectors.drive_cases_for(people.leader, drive))
    assert (totals["found"], totals["mediated"], totals["successful"]) == (2, 1, 1)
    assert (totals["found"], totals["mediated"], totals["successful"]) == _raw(people.leader, drive, drive.ends_at)
    assert list(figures.drilldown(drive, selectors.drive_cases_for(people.leader, drive), figure="mediated")) == [early]
    period = indicators.Period(drive.start_date, drive.end_date)
    stats = indicators.evaluate(cases_visible_to(people.leader), {"p": period}, codes=["mediation_success_rate"])["p"]
    assert stats["mediation_success_rate"].denominator == 2


def test_categories_and_target_regions_narrow_the_drive(scene):
    s = scene
    from pingan.cases.models import Category

    marriage = Category.objects.get(code="marriage_family")
    drive = make_drive(s.p.leader, s.z.city, s.z.city_centre, categories=[marriage])
    totals = figures.totals(_drive(s.p.leader, drive), selectors.drive_cases_for(s.p.leader, _drive(s.p.leader, drive)))
    assert (totals["found"], totals["mediated"], totals["successful"]) == (1, 1, 0)
    drive = make_drive(s.p.leader, s.z.city, s.z.city_centre, target_regions=[s.z.hetang])
    drive = _drive(s.p.leader, drive)
    assert figures.totals(drive, selectors.drive_cases_for(s.p.leader, drive))["found"] == 1
    incidents_only = make_drive(s.p.leader, s.z.city, s.z.city_centre, kinds=["incident"])
    drive = _drive(s.p.leader, incidents_only)
    assert figures.totals(drive, selectors.drive_cases_for(s.p.leader, drive))["found"] == 0


def _drilled(drive, cases, **kwargs):
    return {code: figures.drilldown(drive, cases, figure=code, **kwargs).count() for code in figures.FIGURES}


def test_every_number_of_the_region_table_drills_down_to_its_cases(scene):
    s = scene
    drive = _drive(s.p.leader, s.drive)
    cases = selectors.drive_cases_for(s.p.leader, drive)
    for region, keys in (
        (s.z.city, {"430211": "天元区", "430202": "荷塘区"}),
        (s.z.tianyuan, {"430211004": "嵩山路街道"}),
        (s.z.songshan, {"430211004": "嵩山路街道(本级)"}),  # registered at the township itself
    ):
        rows = figures.by_region(drive, cases, region)
        assert {row["key"]: row["label"] for row in rows} == keys
        for row in rows:
            drilled = _drilled(drive, cases, region=region, area=row["key"])
            assert drilled == {code: row[code] for code in figures.FIGURES}
        assert sum(row["found"] for row in rows) == cases.filter(region_code__startswith=region.prefix).count()
    assert [r["drillable"] for r in figures.by_region(drive, cases, s.z.songshan)] == [False]


def test_every_number_of_the_week_table_drills_down_to_its_cases(scene):
    s = scene
    drive = _drive(s.p.leader, s.drive)
    cases = selectors.drive_cases_for(s.p.leader, drive)
    rows = figures.by_week(drive, cases)
    # Every week of November 2026, Monday to Sunday (the first starts on 26 October, the last on 30 November).
    assert [row["key"] for row in rows] == [
        "2026-10-26",
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
        "2026-11-30",
    ]
    assert TEST_NOW.date().isoformat() >= "2026-11-16"
    for row in rows:
        assert _drilled(drive, cases, week=row["key"]) == {code: row[code] for code in figures.FIGURES}
    assert sum(row["found"] for row in rows) == 4


def test_one_query_per_table_whatever_the_number_of_rows(scene, zhuzhou, people, category):
    s = scene
    drive = _drive(s.p.leader, s.drive)

    def queries(fn):
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return len(ctx.captured_queries)

    def tables():
        cases = selectors.drive_cases_for(s.p.leader, drive)
        return (
            queries(lambda: figures.totals(drive, cases)),
            queries(lambda: figures.by_region(drive, cases, zhuzhou.city)),
            queries(lambda: figures.by_week(drive, cases)),
        )

    before = tables()
    for _ in range(3):
        register_dispute(zhuzhou, people, category)
    assert tables() == before == (1, 2, 1)  # the region table: its grouped query and one for the names


def test_bad_drilldown_parameters_are_refused(scene):
    from pingan.core.errors import ApplicationError

    s = scene
    drive = _drive(s.p.leader, s.drive)
    cases = selectors.drive_cases_for(s.p.leader, drive)
    for kwargs in (
        {"figure": "nonsense"},
        {"week": "2026-11-17"},  # a Tuesday
        {"week": "tomorrow"},
        {"area": "430211"},  # without the region it groups
        {"area": "430202", "region": s.z.tianyuan},  # not under it
    ):
        with pytest.raises(ApplicationError):
            figures.drilldown(drive, cases, **kwargs)
