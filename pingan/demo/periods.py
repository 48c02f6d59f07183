"""The demo's time: working days around a period (a calendar year, or the twelve months before the demo's
today), office hours, and the cutoff of the recent months."""

from __future__ import annotations

import datetime
from calendar import monthrange
from zoneinfo import ZoneInfo

from django.conf import settings

from pingan.workcalendar.calendar import WorkCalendar

OFFICE_MINUTES = 420  # 08:30–12:00 and 14:00–17:30


class Days:
    """Working days around a period (a calendar year, or the twelve months before the demo's today), and
    office minutes (0–419) mapped to times of day."""

    def __init__(self, first: datetime.date, last: datetime.date, calendar: WorkCalendar) -> None:
        self.tz = ZoneInfo(settings.TIME_ZONE)
        # A month before the period (rest-day reports), four after it (cases still running at its end).
        start, end = first - datetime.timedelta(days=31), last + datetime.timedelta(days=120)
        self.all = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
        verdicts = {d: calendar.is_workday(d) for d in self.all}  # the calendar memoises each day
        self.work = [d for d in self.all if verdicts[d]]
        self.index = {d: i for i, d in enumerate(self.work)}
        self.by_month: dict[tuple[int, int], tuple[list[datetime.date], list[datetime.date]]] = {}
        for day in self.all:
            if first <= day <= last:
                workdays, restdays = self.by_month.setdefault((day.year, day.month), ([], []))
                (workdays if day in self.index else restdays).append(day)
        self.last = max(i for d, i in self.index.items() if d <= last)

    def next_workday(self, day: datetime.date) -> int:
        while day not in self.index:
            day += datetime.timedelta(days=1)
        return self.index[day]

    def at(self, index: int, minute: int) -> datetime.datetime:
        day = self.work[index]
        start = datetime.time(8, 30) if minute < 210 else datetime.time(14, 0)
        offset = minute if minute < 210 else minute - 210
        return datetime.datetime.combine(day, start, tzinfo=self.tz) + datetime.timedelta(minutes=offset)

    def workday_on_or_before(self, day: datetime.date) -> int:
        while day not in self.index:
            day -= datetime.timedelta(days=1)
        return self.index[day]


def month_length(year: int, month: int) -> int:
    return monthrange(year, month)[1]


def recent_cutoff(today: datetime.date) -> datetime.datetime:
    """The demo's "now" for the recent months: the start of `today` in Asia/Shanghai. It depends on the day
    only (so a load is deterministic for a given day) and is never in the future when the load runs."""
    return datetime.datetime.combine(today, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
