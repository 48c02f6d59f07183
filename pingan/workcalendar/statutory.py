"""The statutory holidays of a year for which no State Council notice is known yet.

《全国年节及纪念日放假办法》 article 2, as revised by 国务院令第795号 (published 2024-11-12, in force
2025-01-01), gives every citizen these days off: 元旦 1 day (1 January); 春节 4 days (农历除夕、正月初一至
初三); 清明节 1 day (the day of the 清明 solar term); 劳动节 2 days (1 and 2 May); 端午节 1 day (农历五月
初五); 中秋节 1 day (农历八月十五); 国庆节 3 days (1 to 3 October). Each year's notice then arranges 调休
around them, which cannot be foreseen: until it is entered, a year's calendar is these days plus the
weekends, and everything counted on it is provisional.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from lunar_python import Lunar

# The first year the 2024 revision governs; earlier years come from chinesecalendar.
STATUTORY_SINCE = 2025

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class LunarDates:
    """The Gregorian dates of a year's lunar holidays and of the 清明 solar term."""

    new_years_eve: datetime.date  # 除夕: the last day of the 12th lunar month (29 or 30 days long)
    spring_festival: datetime.date  # 正月初一
    qingming: datetime.date
    dragon_boat: datetime.date  # 五月初五
    mid_autumn: datetime.date  # 八月十五


def _solar(lunar: Lunar) -> datetime.date:
    solar = lunar.getSolar()
    return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=64)
def lunar_dates(year: int) -> LunarDates:
    """The one place that asks lunar-python. 春节 always falls between 21 January and 20 February, so the
    除夕 before it is in the same Gregorian year: taking the day before 初一 avoids knowing whether the
    12th month had 29 or 30 days."""
    spring_festival = _solar(Lunar.fromYmd(year, 1, 1))
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    return LunarDates(
        new_years_eve=spring_festival - ONE_DAY,
        spring_festival=spring_festival,
        qingming=datetime.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()),
        dragon_boat=_solar(Lunar.fromYmd(year, 5, 5)),
        mid_autumn=_solar(Lunar.fromYmd(year, 8, 15)),
    )


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[datetime.date, StrOrPromise]:
    """The statutory days off of `year` (13; 12 when 中秋 falls on 1-3 October), each with its festival's
    name (shown to administrators when a notice leaves one out)."""
    if year < STATUTORY_SINCE:
        raise ValueError(f"the 2024 revision governs {STATUTORY_SINCE} and later, not {year}")
    lunar = lunar_dates(year)
    days: dict[datetime.date, StrOrPromise] = {datetime.date(year, 1, 1): _("元旦")}
    for offset in range(4):
        days[lunar.new_years_eve + offset * ONE_DAY] = _("春节")
    days[lunar.qingming] = _("清明节")
    days[datetime.date(year, 5, 1)] = days[datetime.date(year, 5, 2)] = _("劳动节")
    days[lunar.dragon_boat] = _("端午节")
    days[lunar.mid_autumn] = _("中秋节")
    for day in (1, 2, 3):
        # 中秋 can fall on 1-3 October (2020, 2031): the day is then one holiday, not two.
        days.setdefault(datetime.date(year, 10, day), _("国庆节"))
    return dict(sorted(days.items()))
