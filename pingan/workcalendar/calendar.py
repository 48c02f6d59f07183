"""Working days and hours on the Chinese calendar, with 调休 working weekends.

Order of truth for a date: the admin override table; then, by year, `chinesecalendar` (the State Council's
notices up to the year it was released for), or the weekday rule in a year whose notice an administrator
entered (its days are overrides), or else the statutory holidays of 《全国年节及纪念日放假办法》 with the
weekday rule. That last kind of year is *provisional*: its notice will arrange 调休 that nobody can
foresee, so whatever is counted through it is marked as such until the notice is entered.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import lru_cache

import chinese_calendar
from django.conf import settings
from django.utils import timezone

from .models import CalendarOverride, HolidayNotice
from .statutory import STATUTORY_SINCE, statutory_holidays


class Unit:
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"


@lru_cache(maxsize=256)
def package_covers(year: int) -> bool:
    """Whether chinesecalendar carries the State Council's notice for `year`."""
    try:
        chinese_calendar.is_holiday(datetime.date(year, 12, 31))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """A calendar loaded once per computation: one query for the overrides, one for the notices' years."""

    def __init__(self) -> None:
        self._overrides: dict[datetime.date, bool] | None = None
        self._notice_years: frozenset[int] | None = None
        self._verdicts: dict[datetime.date, bool] = {}  # chinesecalendar's look-up is slow: ask once a day

    @property
    def overrides(self) -> dict[datetime.date, bool]:
        if self._overrides is None:
            self._overrides = dict(CalendarOverride.objects.values_list("date", "is_workday"))
        return self._overrides

    @property
    def notice_years(self) -> frozenset[int]:
        if self._notice_years is None:
            self._notice_years = frozenset(HolidayNotice.objects.values_list("year", flat=True))
        return self._notice_years

    def is_provisional_year(self, year: int) -> bool:
        """A year counted on the computed statutory holidays: no notice in the package or entered."""
        return year >= STATUTORY_SINCE and not package_covers(year) and year not in self.notice_years

    def is_provisional(self, start: datetime.datetime, deadline: datetime.datetime, unit: str) -> bool:
        """Whether a clock from `start` to `deadline` was counted through a provisional year."""
        if unit == Unit.CALENDAR_DAYS:
            return False  # calendar days do not depend on holidays
        first, last = timezone.localtime(start).year, timezone.localtime(deadline).year
        return any(self.is_provisional_year(year) for year in range(first, last + 1))

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day not in self._verdicts:
            self._verdicts[day] = self._year_rule(day)
        return self._verdicts[day]

    def _year_rule(self, day: datetime.date) -> bool:
        if package_covers(day.year):
            return chinese_calendar.is_workday(day)
        if self.is_provisional_year(day.year) and day in statutory_holidays(day.year):
            return False
        return day.weekday() < 5

    def working_days(self, start: datetime.date, count: int) -> Iterable[datetime.date]:
        """The `count` working days strictly after `start`."""
        day, found = start, 0
        while found < count:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                found += 1
                yield day

    def deadline(self, start: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
        """When a clock of `amount` units started at `start` runs out (an aware datetime).

        Working days: the day of registration does not count; the deadline is the end of the
        `amount`-th working day after it. Working hours: counted inside office hours on working days."""
        local = timezone.localtime(start)
        if unit == Unit.CALENDAR_DAYS:
            return _end_of_day(local.date() + datetime.timedelta(days=amount))
        if unit == Unit.WORKING_DAYS:
            days = list(self.working_days(local.date(), amount))
            return _end_of_day(days[-1] if days else local.date())
        if unit == Unit.WORKING_HOURS:
            return self._add_office_time(local, datetime.timedelta(hours=amount))
        raise ValueError(f"unknown clock unit {unit!r}")

    def _add_office_time(self, start: datetime.datetime, remaining: datetime.timedelta) -> datetime.datetime:
        tz = start.tzinfo
        day = start.date()
        cursor = start
        for _guard in range(3660):
            if self.is_workday(day):
                for begin, end in office_spans():
                    span_start = datetime.datetime.combine(day, begin, tzinfo=tz)
                    span_end = datetime.datetime.combine(day, end, tzinfo=tz)
                    if cursor >= span_end:
                        continue
                    cursor = max(cursor, span_start)
                    available = span_end - cursor
                    if remaining <= available:
                        return cursor + remaining
                    remaining -= available
                    cursor = span_end
            day += datetime.timedelta(days=1)
            cursor = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
        raise ValueError("clock longer than ten years")


@lru_cache(maxsize=1)
def _spans(raw: tuple[tuple[str, str], ...]) -> tuple[tuple[datetime.time, datetime.time], ...]:
    return tuple((datetime.time.fromisoformat(a), datetime.time.fromisoformat(b)) for a, b in raw)


def office_spans() -> tuple[tuple[datetime.time, datetime.time], ...]:
    return _spans(tuple(tuple(span) for span in settings.PINGAN_OFFICE_HOURS))


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=timezone.get_current_timezone())


def is_workday(day: datetime.date) -> bool:
    return WorkCalendar().is_workday(day)


def deadline(start: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
    return WorkCalendar().deadline(start, amount, unit)
