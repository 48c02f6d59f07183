"""The statutory holidays of a year without a notice, and the lunar dates they hang on, against dates
published outside this code."""

from __future__ import annotations

import datetime

import pytest

from pingan.workcalendar.statutory import lunar_dates, statutory_holidays

D = datetime.date


class TestLunarDates:
    """lunar-python, pinned against published dates."""

    def test_2027_against_the_hong_kong_general_holidays(self):
        # Hong Kong's gazetted general holidays for 2027 (http://www.public-holidays.us/HK_KL_2027_All and
        # https://www.calendardate.com/hk_year2027_holidays.php): Lunar New Year Sat 6 Feb, Ching Ming
        # Mon 5 Apr, Tuen Ng Wed 9 Jun, "the day following the Mid-Autumn Festival" Thu 16 Sep.
        dates = lunar_dates(2027)
        assert dates.spring_festival == D(2027, 2, 6)
        assert dates.new_years_eve == D(2027, 2, 5)
        assert dates.qingming == D(2027, 4, 5)
        assert dates.dragon_boat == D(2027, 6, 9)
        assert dates.mid_autumn == D(2027, 9, 16) - datetime.timedelta(days=1)

    def test_2028(self):
        # Chinese New Year 2028 on 26 January
        # (http://chinahighlights.com/travelguide/chinese-zodiac/monkey-facts.htm); 中秋 3 October 2028
        # (https://www.verbosed.com/hongkong/october-2028, https://www.tianqiyubao4.com/news_4873561.shtml);
        # 端午 28 May 2028 (https://www.boqq.cn/news/duan-wu-jie-jin-nian-shi-6-yue-22-ri-ju-ti-shi-jian-mei-nian-dou-you-suo-bu-tong-qing-cha-yue-dang-n.html).
        dates = lunar_dates(2028)
        assert dates.spring_festival == D(2028, 1, 26)
        assert dates.new_years_eve == D(2028, 1, 25)
        assert dates.mid_autumn == D(2028, 10, 3)
        assert dates.dragon_boat == D(2028, 5, 28)

    @pytest.mark.parametrize(
        "year, eve",
        [
            # 2024: a 30-day 12th month. 国务院办公厅关于2024年部分节假日安排的通知 (2023-10-25): "安排职工在除夕
            # (2月9日)休息" (https://mingchenghao.cn/detail-23-19414-c.html, 中国新闻网).
            (2024, D(2024, 2, 9)),
            # 2025: a 29-day month (no 腊月三十). 国办发明电〔2024〕12号: "1月28日(农历除夕、周二)"
            # (https://m.gmw.cn/2024-11/12/content_1303894933.htm).
            (2025, D(2025, 1, 28)),
            # 2026: 2026 notice (2025-11-04): "2月15日(农历腊月二十八、周日)至23日(农历正月初七、周一)", so
            # 初一 is 17 February and 除夕 (腊月二十九) the 16th (https://politics.gmw.cn/2025-11/04/content_38391083.htm).
            (2026, D(2026, 2, 16)),
        ],
    )
    def test_new_years_eve_is_the_last_day_of_the_twelfth_month_whether_it_has_29_or_30_days(self, year, eve):
        assert lunar_dates(year).new_years_eve == eve
        assert lunar_dates(year).spring_festival == eve + datetime.timedelta(days=1)


class TestStatutoryHolidays:
    """《全国年节及纪念日放假办法》 art. 2 as revised by 国务院令第795号 (published 2024-11-12, in force 2025-01-01;
    text of the decision at https://wxredian.com/art?id=5b8beb4abea067959c7bed699f6f97cb): 元旦 1 day
    (1月1日), 春节 4 days (农历除夕、正月初一至初三), 清明节 1 day (农历清明当日), 劳动节 2 days (5月1日、2日),
    端午节 1 day (农历端午当日), 中秋节 1 day (农历中秋当日), 国庆节 3 days (10月1日、2日、3日)."""

    def test_2027_has_the_thirteen_days_of_the_law(self):
        # The lunar dates are those of TestLunarDates.test_2027_against_the_hong_kong_general_holidays.
        assert statutory_holidays(2027) == {
            D(2027, 1, 1): "元旦",
            D(2027, 2, 5): "春节",
            D(2027, 2, 6): "春节",
            D(2027, 2, 7): "春节",
            D(2027, 2, 8): "春节",
            D(2027, 4, 5): "清明节",
            D(2027, 5, 1): "劳动节",
            D(2027, 5, 2): "劳动节",
            D(2027, 6, 9): "端午节",
            D(2027, 9, 15): "中秋节",
            D(2027, 10, 1): "国庆节",
            D(2027, 10, 2): "国庆节",
            D(2027, 10, 3): "国庆节",
        }

    def test_mid_autumn_on_national_day_is_one_day_off_not_two(self):
        # 中秋 2031 falls on 1 October (https://www.tianqiyubao4.com/news_4873561.shtml: "2031年10月1日").
        days = statutory_holidays(2031)
        assert days[D(2031, 10, 1)] == "中秋节"
        assert len(days) == 12

    @pytest.mark.parametrize("year", [2025, 2026])
    def test_every_statutory_day_is_off_in_the_notices_that_followed_the_revision(self, year):
        # Each notice's holiday spans (see test_notices.py) contain the law's days: the computation and
        # the State Council agree on what the law requires.
        from .test_notices import NOTICES

        assert set(statutory_holidays(year)) <= NOTICES[year].days_off

    def test_years_before_the_revision_are_refused(self):
        with pytest.raises(ValueError):
            statutory_holidays(2024)
