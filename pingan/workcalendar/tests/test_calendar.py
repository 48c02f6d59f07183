"""The working calendar knows Chinese holidays and 调休 working weekends, and admins can extend it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pingan.workcalendar.calendar import Unit, WorkCalendar, is_workday
from pingan.workcalendar.models import CalendarOverride

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

    def test_year_beyond_the_package_falls_back_to_weekdays(self):
        assert is_workday(D(2027, 3, 3)) and not is_workday(D(2027, 3, 6))

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
class TestCoverageCheck:
    """Operators are told when a year's holiday notice has not been entered yet."""

    def test_a_year_the_package_does_not_know_is_reported(self):
        from pingan.workcalendar.checks import calendar_coverage, uncovered_years

        assert uncovered_years(D(2026, 11, 30)) == [2027]
        assert uncovered_years(D(2025, 6, 1)) == []
        assert [w.id for w in calendar_coverage(databases=["default"])] == ["workcalendar.W001"] * len(
            uncovered_years(timezone.localdate())
        )

    def test_entering_the_notice_silences_it(self):
        from pingan.workcalendar.checks import uncovered_years

        for month, day in [(1, 1), (2, 6), (2, 7), (4, 5), (5, 1), (6, 9), (10, 1)]:
            CalendarOverride.objects.create(date=D(2027, month, day), is_workday=False, note="2027年放假安排")
        assert uncovered_years(D(2026, 11, 30)) == []
