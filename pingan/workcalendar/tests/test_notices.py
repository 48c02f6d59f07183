"""The calendar against the text of the State Council's notices for 2025 and 2026: every day off and every
调休 working day, as literal dates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from pingan.workcalendar.calendar import WorkCalendar

D = datetime.date


def span(first: datetime.date, last: datetime.date) -> set[datetime.date]:
    return {first + datetime.timedelta(days=n) for n in range((last - first).days + 1)}


@dataclass(frozen=True)
class Notice:
    days_off: set[datetime.date]
    working_weekend_days: set[datetime.date]


NOTICES = {
    # 国务院办公厅关于2025年部分节假日安排的通知,国办发明电〔2024〕12号, 2024-11-12
    # (https://m.gmw.cn/2024-11/12/content_1303894933.htm):
    # 一、元旦:1月1日(周三)放假1天,不调休。
    # 二、春节:1月28日(农历除夕、周二)至2月4日(农历正月初七、周二)放假调休,共8天。1月26日(周日)、2月8日(周六)上班。
    # 三、清明节:4月4日(周五)至6日(周日)放假,共3天。
    # 四、劳动节:5月1日(周四)至5日(周一)放假调休,共5天。4月27日(周日)上班。
    # 五、端午节:5月31日(周六)至6月2日(周一)放假,共3天。
    # 六、国庆节、中秋节:10月1日(周三)至8日(周三)放假调休,共8天。9月28日(周日)、10月11日(周六)上班。
    2025: Notice(
        days_off={D(2025, 1, 1)}
        | span(D(2025, 1, 28), D(2025, 2, 4))
        | span(D(2025, 4, 4), D(2025, 4, 6))
        | span(D(2025, 5, 1), D(2025, 5, 5))
        | span(D(2025, 5, 31), D(2025, 6, 2))
        | span(D(2025, 10, 1), D(2025, 10, 8)),
        working_weekend_days={D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)},
    ),
    # 国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04 (https://politics.gmw.cn/2025-11/04/content_38391083.htm):
    # 一、元旦:1月1日(周四)至3日(周六)放假调休,共3天。1月4日(周日)上班。
    # 二、春节:2月15日(农历腊月二十八、周日)至23日(农历正月初七、周一)放假调休,共9天。2月14日(周六)、2月28日(周六)上班。
    # 三、清明节:4月4日(周六)至6日(周一)放假,共3天。
    # 四、劳动节:5月1日(周五)至5日(周二)放假调休,共5天。5月9日(周六)上班。
    # 五、端午节:6月19日(周五)至21日(周日)放假,共3天。
    # 六、中秋节:9月25日(周五)至27日(周日)放假,共3天。
    # 七、国庆节:10月1日(周四)至7日(周三)放假调休,共7天。9月20日(周日)、10月10日(周六)上班。
    2026: Notice(
        days_off=span(D(2026, 1, 1), D(2026, 1, 3))
        | span(D(2026, 2, 15), D(2026, 2, 23))
        | span(D(2026, 4, 4), D(2026, 4, 6))
        | span(D(2026, 5, 1), D(2026, 5, 5))
        | span(D(2026, 6, 19), D(2026, 6, 21))
        | span(D(2026, 9, 25), D(2026, 9, 27))
        | span(D(2026, 10, 1), D(2026, 10, 7)),
        working_weekend_days={
            D(2026, 1, 4),
            D(2026, 2, 14),
            D(2026, 2, 28),
            D(2026, 5, 9),
            D(2026, 9, 20),
            D(2026, 10, 10),
        },
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("year", sorted(NOTICES))
class TestNotices:
    def test_the_notices_totals(self, year):
        # 2025: 1 + 8 + 3 + 5 + 3 + 8 days; 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7 days, as the notices count them.
        assert len(NOTICES[year].days_off) == {2025: 28, 2026: 33}[year]

    def test_every_day_off_is_not_a_working_day(self, year):
        calendar = WorkCalendar()
        assert [day for day in sorted(NOTICES[year].days_off) if calendar.is_workday(day)] == []

    def test_every_tiaoxiu_weekend_day_is_a_working_day(self, year):
        calendar = WorkCalendar()
        assert all(day.weekday() >= 5 for day in NOTICES[year].working_weekend_days)
        assert [day for day in sorted(NOTICES[year].working_weekend_days) if not calendar.is_workday(day)] == []

    def test_every_other_day_follows_the_week(self, year):
        calendar = WorkCalendar()
        notice = NOTICES[year]
        others = span(D(year, 1, 1), D(year, 12, 31)) - notice.days_off - notice.working_weekend_days
        assert [day for day in sorted(others) if calendar.is_workday(day) != (day.weekday() < 5)] == []

    def test_the_year_is_not_provisional(self, year):
        assert not WorkCalendar().is_provisional_year(year)
