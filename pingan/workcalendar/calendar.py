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
from dataclasses import dataclass
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
    CALENDAR_HOURS = "calendar_hours"


# Units counted in whole days: a clock in these units runs out at the end of a day.
DAY_UNITS = frozenset({Unit.WORKING_DAYS, Unit.CALENDAR_DAYS})


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
        if unit in (Unit.CALENDAR_DAYS, Unit.CALENDAR_HOURS):
            return False  # calendar time does not depend on holidays
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
        `amount`-th working day after it. Working hours: counted inside office hours on working days.
        Calendar hours: wall-clock hours, holidays included."""
        local = timezone.localtime(start)
        if unit == Unit.CALENDAR_HOURS:
            return local + datetime.timedelta(hours=amount)
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

    # --- clocks that pause: time counted in a clock's own measure ------------------------------------
    #
    # A clock's "clock time" is a timedelta in its own measure: for working days, one day per working
    # day; for calendar days, one per day; for working hours, office time; for calendar hours, wall
    # time. Day clocks count whole days: the day a clock starts (or resumes) does not count, the day it
    # pauses does, and it runs out at the end of its last day. So a pause from day P to day R leaves out
    # exactly the days after P up to and including R.

    def working_days_between(self, first: datetime.date, last: datetime.date) -> int:
        """How many working days lie strictly after `first`, up to and including `last`."""
        count, day = 0, first
        while day < last:
            day += datetime.timedelta(days=1)
            count += self.is_workday(day)
        return count

    def office_time_between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Office time (PINGAN_OFFICE_HOURS on working days) between two instants."""
        start, end = timezone.localtime(start), timezone.localtime(end)
        total = datetime.timedelta(0)
        day = start.date()
        while day <= end.date():
            if self.is_workday(day):
                for begin, finish in office_spans():
                    span_start = datetime.datetime.combine(day, begin, tzinfo=start.tzinfo)
                    span_end = datetime.datetime.combine(day, finish, tzinfo=start.tzinfo)
                    overlap = min(span_end, end) - max(span_start, start)
                    if overlap > datetime.timedelta(0):
                        total += overlap
            day += datetime.timedelta(days=1)
        return total

    def elapsed(self, start: datetime.datetime, end: datetime.datetime, unit: str) -> datetime.timedelta:
        """The clock time a clock in `unit` uses while it runs from `start` to `end` (zero if `end` is not
        after `start`)."""
        if end <= start:
            return datetime.timedelta(0)
        first, last = timezone.localtime(start), timezone.localtime(end)
        if unit == Unit.WORKING_DAYS:
            return datetime.timedelta(days=self.working_days_between(first.date(), last.date()))
        if unit == Unit.CALENDAR_DAYS:
            return datetime.timedelta(days=(last.date() - first.date()).days)
        if unit == Unit.WORKING_HOURS:
            return self.office_time_between(first, last)
        if unit == Unit.CALENDAR_HOURS:
            return last - first
        raise ValueError(f"unknown clock unit {unit!r}")

    def advance(self, start: datetime.datetime, left: datetime.timedelta, unit: str) -> datetime.datetime:
        """When a clock in `unit` with `left` clock time to run, running from `start`, runs out. With the
        whole amount from the start this is `deadline()`; after a pause, `start` is when it resumed."""
        if unit in DAY_UNITS:
            if left % datetime.timedelta(days=1):
                raise ValueError(f"a clock in {unit} counts whole days, not {left}")
            return self.deadline(start, left.days, unit)
        if unit == Unit.WORKING_HOURS:
            return self._add_office_time(timezone.localtime(start), left)
        if unit == Unit.CALENDAR_HOURS:
            return timezone.localtime(start) + left
        raise ValueError(f"unknown clock unit {unit!r}")

    def count(
        self,
        start: datetime.datetime,
        amount: datetime.timedelta,
        unit: str,
        excluded: Iterable[tuple[datetime.datetime, datetime.datetime | None]] = (),
    ) -> ClockCount:
        """Count a clock of `amount` clock time from `start`, leaving out the `excluded` periods (pauses,
        鉴定 or 公告 time: (begin, end), end None while a pause lasts). Returns its deadline, or, while a
        period that began before the clock ran out is still open, no deadline and the time left when it
        began. A period that begins after the clock ran out changes nothing."""
        cursor, left = start, amount
        for begin, end in sorted(excluded, key=lambda period: period[0]):
            if end is not None and end <= cursor:
                continue  # over before the clock (or the previous period's end)
            begin = max(begin, cursor)
            if self.advance(cursor, left, unit) < begin:
                break  # the clock ran out before this period
            left -= self.elapsed(cursor, begin, unit)
            if end is None:
                return ClockCount(deadline=None, left=left, paused_since=begin)
            cursor = end
        return ClockCount(deadline=self.advance(cursor, left, unit), left=left, paused_since=None)


@lru_cache(maxsize=1)
def _spans(raw: tuple[tuple[str, str], ...]) -> tuple[tuple[datetime.time, datetime.time], ...]:
    return tuple((datetime.time.fromisoformat(a), datetime.time.fromisoformat(b)) for a, b in raw)


def office_spans() -> tuple[tuple[datetime.time, datetime.time], ...]:
    return _spans(tuple(tuple(span) for span in settings.PINGAN_OFFICE_HOURS))


@dataclass(frozen=True)
class ClockCount:
    """What `WorkCalendar.count` found: the deadline (None while paused), the clock time left at the last
    pause (or at the deadline's last resumption), and since when it is paused."""

    deadline: datetime.datetime | None
    left: datetime.timedelta
    paused_since: datetime.datetime | None

    @property
    def paused(self) -> bool:
        return self.deadline is None


def clock_time(amount: int, unit: str) -> datetime.timedelta:
    """`amount` units as clock time: days for the day units, hours for the hour units."""
    if unit in DAY_UNITS:
        return datetime.timedelta(days=amount)
    if unit in (Unit.WORKING_HOURS, Unit.CALENDAR_HOURS):
        return datetime.timedelta(hours=amount)
    raise ValueError(f"unknown clock unit {unit!r}")


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=timezone.get_current_timezone())


def is_workday(day: datetime.date) -> bool:
    return WorkCalendar().is_workday(day)


def deadline(start: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
    return WorkCalendar().deadline(start, amount, unit)
