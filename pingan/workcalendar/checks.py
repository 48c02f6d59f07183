"""A system check that says when the working calendar is provisional for this year or the next.

chinesecalendar carries the State Council's notices up to the year it was released for; each later
year's notice must be entered in the admin (放假通知, with its holidays and 调休 working days) as soon as
it is published (usually in October or November). Until then that year is counted on the statutory
holidays alone, and every deadline counted through it is marked provisional."""

from __future__ import annotations

import datetime

from django.core import checks
from django.db import DatabaseError
from django.utils import timezone

from .calendar import WorkCalendar


def uncovered_years(today: datetime.date) -> list[int]:
    """This year and the next, where the calendar is provisional (no notice known or entered)."""
    calendar = WorkCalendar()
    return [year for year in (today.year, today.year + 1) if calendar.is_provisional_year(year)]


@checks.register(checks.Tags.database)
def calendar_coverage(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    try:
        years = uncovered_years(timezone.localdate())
    except DatabaseError:  # tables not migrated yet: nothing to say
        return []
    return [
        checks.Warning(
            f"工作日历缺少 {year} 年的国务院放假通知:该年暂按法定节假日推算(不含调休),跨入该年的办理期限标为暂定。"
            "通知发布后请在后台“放假通知”中录入文号及全部放假和调休上班日期。",
            id="workcalendar.W001",
        )
        for year in years
    ]
