"""The working calendar knows Chinese holidays and 调休 working weekends, and admins can extend it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from pingan.workcalendar.calendar import Unit, WorkCalendar, is_workday
from pingan.workcalendar.checks import calendar_coverage, uncovered_years
from pingan.workcalendar.models import CalendarOverride, HolidayNotice

D = datetime.date


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.mark.django_db
class TestWorkdays:
    def test_national_day_week_is_not_working(self):
        assert not any(is_workday(D(2022, 10, d)) for d in range(1, 8))

    def test_tiaoxiu_saturday_is_a_working_day(self):
        assert is_workday(D(2022, 10, 8))  # Saturday worked in exchange for National Day
        assert not is_workday(D(2022, 10, 15))  # an ordinary Saturday

    def test_a_year_beyond_the_package_counts_its_statutory_holidays_provisionally(self):
        # 2027's statutory days (test_statutory.py): 元旦 Fri 1 Jan, 除夕 Fri 5 Feb to 初三 Mon 8 Feb.
        calendar = WorkCalendar()
        assert not calendar.is_workday(D(2027, 1, 1))
        assert not calendar.is_workday(D(2027, 2, 5)) and not calendar.is_workday(D(2027, 2, 8))
        assert calendar.is_workday(D(2027, 3, 3)) and not calendar.is_workday(D(2027, 3, 6))  # an ordinary week
        assert calendar.is_provisional_year(2027)

    def test_a_year_with_an_entered_notice_counts_its_days_and_the_week(self):
        notice = HolidayNotice.objects.create(
            year=2027, document_number="(测试)国办发明电〔2026〕号", published_on=D(2026, 11, 5)
        )
        CalendarOverride.objects.create(date=D(2027, 2, 9), is_workday=False, note="春节", notice=notice)
        calendar = WorkCalendar()
        assert not calendar.is_provisional_year(2027)
        assert not calendar.is_workday(D(2027, 2, 9))
        assert calendar.is_workday(D(2027, 1, 1))  # the notice's days replace the computed ones

    def test_admin_override_wins(self):
        CalendarOverride.objects.create(date=D(2027, 10, 1), is_workday=False, note="国庆节")
        CalendarOverride.objects.create(date=D(2027, 9, 26), is_workday=True, note="国庆调休上班")
        assert not is_workday(D(2027, 10, 1))
        assert is_workday(D(2027, 9, 26))  # a Sunday worked


@pytest.mark.django_db
class TestDeadlines:
    def test_working_days_skip_the_holiday_and_count_the_tiaoxiu_saturday(self):
        # Registered Friday 30 Sept 2022: the 1st working day after is Sat 8 Oct (调休), the 2nd Sun 9 Oct.
        deadline = WorkCalendar().deadline(at(D(2022, 9, 30)), 3, Unit.WORKING_DAYS)
        assert timezone.localtime(deadline).date() == D(2022, 10, 10)

    def test_registration_day_does_not_count(self):
        deadline = WorkCalendar().deadline(at(D(2022, 11, 1)), 1, Unit.WORKING_DAYS)
        assert timezone.localtime(deadline).date() == D(2022, 11, 2)
        assert timezone.localtime(deadline).time() == datetime.time(23, 59, 59)

    def test_working_hours_count_office_hours_only(self):
        # Friday 16:30 + 4 office hours: 1h on Friday (to 17:30), then Monday 08:30-11:30.
        deadline = WorkCalendar().deadline(at(D(2022, 11, 4), 16, 30), 4, Unit.WORKING_HOURS)
        assert timezone.localtime(deadline) == at(D(2022, 11, 7), 11, 30)

    def test_working_hours_skip_the_lunch_break(self):
        deadline = WorkCalendar().deadline(at(D(2022, 11, 7), 11, 0), 2, Unit.WORKING_HOURS)
        assert timezone.localtime(deadline) == at(D(2022, 11, 7), 15, 0)  # 11-12, lunch, 14-15

    def test_calendar_days(self):
        deadline = WorkCalendar().deadline(at(D(2022, 10, 1)), 3, Unit.CALENDAR_DAYS)
        assert timezone.localtime(deadline).date() == D(2022, 10, 4)


@pytest.mark.django_db
class TestProvisionalClocks:
    def test_a_clock_counted_into_a_year_without_a_notice_is_provisional(self):
        calendar = WorkCalendar()
        start = at(D(2026, 12, 30))
        deadline = calendar.deadline(start, 5, Unit.WORKING_DAYS)
        # 31 Dec, then 2027: 1 Jan 元旦 (statutory), 2-3 weekend, 4, 5, 6, 7 Jan.
        assert timezone.localtime(deadline).date() == D(2027, 1, 7)
        assert calendar.is_provisional(start, deadline, Unit.WORKING_DAYS)

    def test_a_clock_inside_a_noticed_year_is_not(self):
        calendar = WorkCalendar()
        start = at(D(2026, 12, 1))
        assert not calendar.is_provisional(start, calendar.deadline(start, 5, Unit.WORKING_DAYS), Unit.WORKING_DAYS)

    def test_calendar_days_never_are(self):
        start = at(D(2026, 12, 30))
        assert not WorkCalendar().is_provisional(start, at(D(2027, 2, 1)), Unit.CALENDAR_DAYS)


@pytest.mark.django_db
class TestCoverageCheck:
    """Operators are told when a year's holiday notice has not been entered yet."""

    def test_a_year_the_package_does_not_know_is_reported(self):
        assert uncovered_years(D(2026, 11, 30)) == [2027]
        assert uncovered_years(D(2025, 6, 1)) == []
        with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=timezone.get_current_timezone())):
            warnings = calendar_coverage(databases=["default"])
        assert [w.id for w in warnings] == ["workcalendar.W001"]
        assert "2027" in warnings[0].msg

    def test_single_days_are_not_a_notice(self):
        for month, day in [(1, 1), (2, 5), (2, 8), (4, 5), (6, 9), (9, 15), (10, 1)]:
            CalendarOverride.objects.create(date=D(2027, month, day), is_workday=False, note="2027年放假安排")
        assert uncovered_years(D(2026, 11, 30)) == [2027]

    def test_entering_the_notice_silences_it(self):
        HolidayNotice.objects.create(
            year=2027, document_number="(测试)国办发明电〔2026〕号", published_on=D(2026, 11, 5)
        )
        assert uncovered_years(D(2026, 11, 30)) == []
        assert uncovered_years(D(2027, 1, 2)) == [2028]
