"""A system check that says when the working calendar runs out of holiday data.

chinesecalendar carries the State Council's notices up to the year it was released for; each later
year's holidays and 调休 working days must be entered in the override table (节假日调整) as soon as the
notice is published (usually in November). Without them, clocks that cross into that year count
statutory holidays as working days."""

from __future__ import annotations

import datetime

import chinese_calendar
from django.core import checks
from django.db import DatabaseError
from django.utils import timezone

# A year's notice sets at least the 元旦, 春节, 清明, 劳动节, 端午, 中秋 and 国庆 days off.
MIN_OVERRIDES_FOR_A_YEAR = 7


def package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_holiday(datetime.date(year, 12, 31))
    except NotImplementedError:
        return False
    return True


def uncovered_years(today: datetime.date) -> list[int]:
    """This year and the next, where neither the package nor the override table knows the holidays."""
    from .models import CalendarOverride

    missing = []
    for year in (today.year, today.year + 1):
        if package_covers(year):
            continue
        entered = CalendarOverride.objects.filter(date__year=year, is_workday=False).count()
        if entered < MIN_OVERRIDES_FOR_A_YEAR:
            missing.append(year)
    return missing


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
            f"工作日历缺少 {year} 年的节假日和调休安排:请在后台“节假日调整”中按国务院通知录入,"
            "否则跨入该年的办理期限会把法定节假日算作工作日。",
            id="workcalendar.W001",
        )
        for year in years
    ]
