"""The demo's major events, on the demo's geography and accounts (load_demo without the case histories),
written through the services: about 30 events of 2022 with the 湘商大会 and the 二十大's "1+5+6+7" plan,
finished, reviewed and reported; and one event in progress around --today with a board to show."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from conftest import restore_migration_data
from pingan.accounts.models import User
from pingan.demo import majorevents
from pingan.majorevents import selectors
from pingan.majorevents.choices import EventStatus, SectionKind
from pingan.majorevents.models import DailyReport, Event, ScenarioTemplate, SweepFinding

# The module's tests run on one xdist worker (make test: --dist loadgroup), so the demo loads once.
pytestmark = pytest.mark.xdist_group("demo-events")
TODAY = datetime.date(2026, 11, 30)
NOW = datetime.datetime(2026, 11, 30, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    restore_migration_data(django_db_blocker)
    with django_db_blocker.unblock(), time_machine.travel(NOW):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", scale=0.02, today=TODAY, no_cases=True, stdout=StringIO())
            counts = majorevents.events_2022_load(seed=7)
            live = majorevents.live_load(seed=7, today=TODAY)
            yield counts, live
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_thirty_events_of_2022_finished_reviewed_and_reported(db, loaded):
    counts, _live = loaded
    year = Event.objects.filter(start_date__year=2022)
    assert counts["events"] == year.count() == 30
    assert set(year.values_list("status", flat=True)) == {EventStatus.REVIEWED}
    days = sum(len(e.days) for e in year)
    assert DailyReport.objects.filter(event__in=year, status="sent").count() == counts["reports"] == days
    assert counts["findings"] == 6  # three findings each of the 湘商大会 and the 二十大, left as findings


def test_the_twentieth_congress_plan_has_the_1_5_6_7_shape(db, loaded):
    event = Event.objects.get(name="党的二十大安保维稳")
    shape = {kind: event.sections.filter(kind=kind).count() for kind in SectionKind}
    # The lesson saved as a mechanism is in the template for the next event, not in this plan.
    assert shape == {SectionKind.OVERALL: 1, SectionKind.DOMAIN: 5, SectionKind.ACTION: 6, SectionKind.MECHANISM: 7}
    assert event.review.lessons.filter(saved_at__isnull=False).count() == 2
    xiangshang = Event.objects.get(name="第十届中国湘商大会")
    assert xiangshang.region.name == "株洲市" and xiangshang.security_level == "special"
    assert [f.case for s in xiangshang.sweeps.all() for f in s.findings.all()] == [None, None, None]
    full = ScenarioTemplate.objects.get(name=majorevents.FULL)
    assert full.sections.filter(kind=SectionKind.MECHANISM).count() > 7  # 提升: mechanisms added by the reviews


def test_the_live_event_has_a_board_to_show(db, loaded):
    _counts, live = loaded
    event = Event.objects.get(pk=live["event"])
    assert event.status == EventStatus.IN_PROGRESS and event.start_date <= TODAY <= event.end_date
    clerk = User.objects.get(username="tianyuan_clerk")
    with time_machine.travel(NOW):
        board = selectors.board(
            user=clerk, event=selectors.event_visible_or_404(user=clerk, event_id=event.pk), today=TODAY
        )
    assert board.done and board.late and board.roster
    assert board.report is not None and not board.report.is_sent and board.report.number == 2
    # The risk finding was raised as a risk at the venue in one step; the dispute and the incident wait.
    assert live["findings"] == board.findings == 3 and board.converted == 1
    finding = SweepFinding.objects.get(sweep__event=event, case__isnull=False)
    assert finding.case.kind == "risk" and finding.case.risk.source == "pre_event_sweep"
    assert finding.case.risk.level == "orange"  # 3 × 4 = 12 on the default matrix
    assert finding.case.pk in [r.case.pk for r in board.risks]  # at the venue
    assert all(r.distance_m is None or r.distance_m <= event.risk_radius_m for r in board.risks)
