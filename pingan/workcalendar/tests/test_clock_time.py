"""Clocks that pause, counted in their own measure: working days, working hours, calendar days and calendar
hours, with pauses and periods that do not count.

Outside vectors: the days come from the State Council's notices (the same texts as test_notices.py):
- 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04, https://politics.gmw.cn/2025-11/04/content_38391083.htm):
  “春节:2月15日(农历腊月二十八、周日)至23日(农历正月初七、周一)放假调休,共9天。2月14日(周六)、2月28日(周六)
  上班。” “中秋节:9月25日(周五)至27日(周日)放假,共3天。” “国庆节:10月1日(周四)至7日(周三)放假调休,共7天。
  9月20日(周日)、10月10日(周六)上班。”
- 国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号 (2024-11-12,
  https://m.gmw.cn/2024-11/12/content_1303894933.htm): “春节:1月28日(农历除夕、周二)至2月4日(农历正月初七、
  周二)放假调休,共8天。1月26日(周日)、2月8日(周六)上班。”
Office hours are the project's setting (08:30–12:00, 14:00–17:30: 7 hours a day). Each expected date below
is counted by hand from those texts, day by day, and written out in the comment beside it.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pingan.workcalendar.calendar import Unit, WorkCalendar, clock_time

D = datetime.date
H = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def at(year, month, day, hour=10, minute=0, second=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=timezone.get_current_timezone())


def end_of(year, month, day) -> datetime.datetime:
    return at(year, month, day, 23, 59, 59)


@pytest.fixture
def calendar(db) -> WorkCalendar:
    return WorkCalendar()


class TestWorkingHours:
    def test_friday_16_00_with_three_and_a_half_hours_left_runs_into_the_tiaoxiu_saturday(self, calendar):
        # 2026: Fri 13 Feb 16:00–17:30 is 1.5 h; Sat 14 Feb is worked (调休), 08:30 + 2 h = 10:30.
        assert calendar.advance(at(2026, 2, 13, 16), 3.5 * H, Unit.WORKING_HOURS) == at(2026, 2, 14, 10, 30)

    def test_after_the_tiaoxiu_saturday_the_spring_festival_is_off(self, calendar):
        # Sat 14 Feb 2026 has 7 office hours; 15–23 Feb are off; Tue 24 Feb is the next working day.
        assert calendar.advance(at(2026, 2, 14, 8, 30), 8 * H, Unit.WORKING_HOURS) == at(2026, 2, 24, 9, 30)

    def test_the_2025_tiaoxiu_sunday(self, calendar):
        # 2025: Fri 24 Jan 16:00 + 3.5 h: 1.5 h that day, Sat 25 Jan off, Sun 26 Jan worked (调休): 10:30.
        assert calendar.advance(at(2025, 1, 24, 16), 3.5 * H, Unit.WORKING_HOURS) == at(2025, 1, 26, 10, 30)

    def test_office_time_between_two_instants_leaves_out_lunch_nights_and_holidays(self, calendar):
        # Wed 30 Sep 2026 16:00–17:30 (1.5 h); 1–7 Oct off; Thu 8 Oct 08:30–12:00 and 14:00–15:00 (4.5 h).
        assert calendar.elapsed(at(2026, 9, 30, 16), at(2026, 10, 8, 15), Unit.WORKING_HOURS) == 6 * H

    def test_elapsed_then_advance_comes_back_to_the_same_instant(self, calendar):
        start, end = at(2026, 2, 12, 17), at(2026, 2, 24, 9, 30)
        used = calendar.elapsed(start, end, Unit.WORKING_HOURS)
        assert used == 0.5 * H + 7 * H + 7 * H + 1 * H  # Thu 17:00–17:30, Fri, Sat (调休), Tue 08:30–09:30
        assert calendar.advance(start, used, Unit.WORKING_HOURS) == end


class TestWorkingDays:
    def test_days_are_counted_after_the_start_date_up_to_the_end_date(self, calendar):
        # (Wed 23 Sep, Mon 12 Oct 2026]: 24, 28, 29, 30 Sep; 8, 9, 10 (调休 Saturday), 12 Oct. 25 Sep is 中秋.
        assert calendar.working_days_between(D(2026, 9, 23), D(2026, 10, 12)) == 8
        assert calendar.elapsed(at(2026, 9, 23, 15), at(2026, 10, 12, 9), Unit.WORKING_DAYS) == 8 * DAY

    def test_the_same_day_counts_nothing(self, calendar):
        assert calendar.elapsed(at(2026, 9, 23, 9), at(2026, 9, 23, 17), Unit.WORKING_DAYS) == datetime.timedelta(0)

    def test_advance_from_a_resumption_is_deadline_from_that_day(self, calendar):
        # 13 working days after Mon 12 Oct 2026: 13–16, 19–23, 26–29 Oct → Thu 29 Oct.
        assert calendar.advance(at(2026, 10, 12, 9), 13 * DAY, Unit.WORKING_DAYS) == end_of(2026, 10, 29)

    def test_day_clocks_count_whole_days(self, calendar):
        with pytest.raises(ValueError):
            calendar.advance(at(2026, 10, 12), 1.5 * DAY, Unit.WORKING_DAYS)


class TestCalendarTime:
    def test_calendar_hours_run_through_holidays(self, calendar):
        assert calendar.deadline(at(2026, 9, 30, 10), 72, Unit.CALENDAR_HOURS) == at(2026, 10, 3, 10)
        assert calendar.elapsed(at(2026, 9, 30, 10), at(2026, 10, 3, 10), Unit.CALENDAR_HOURS) == 72 * H

    def test_calendar_hours_are_never_provisional(self, calendar):
        assert not calendar.is_provisional(at(2026, 12, 30), at(2027, 2, 10), Unit.CALENDAR_HOURS)

    def test_calendar_days(self, calendar):
        assert calendar.elapsed(at(2026, 9, 30, 18), at(2026, 10, 8, 9), Unit.CALENDAR_DAYS) == 8 * DAY
        assert calendar.advance(at(2026, 9, 30, 18), 8 * DAY, Unit.CALENDAR_DAYS) == end_of(2026, 10, 8)

    def test_clock_time_of_each_unit(self):
        assert clock_time(15, Unit.WORKING_DAYS) == clock_time(15, Unit.CALENDAR_DAYS) == 15 * DAY
        assert clock_time(24, Unit.WORKING_HOURS) == clock_time(24, Unit.CALENDAR_HOURS) == 24 * H


class TestCountingWithPauses:
    def test_no_pause_is_the_plain_deadline(self, calendar):
        start = at(2026, 9, 21)
        counted = calendar.count(start, 15 * DAY, Unit.WORKING_DAYS)
        assert counted.deadline == calendar.deadline(start, 15, Unit.WORKING_DAYS) == end_of(2026, 10, 19)

    def test_a_pause_across_the_national_day_moves_the_deadline_by_the_working_days_it_covers(self, calendar):
        # 15 working days from Mon 21 Sep 2026: 22, 23, 24, 28, 29, 30 Sep, 8, 9, 10 (Sat, 调休), 12–16, 19 Oct.
        # Paused Wed 23 Sep 15:00 (2 used: 22, 23), resumed Mon 12 Oct 09:00 with 13 left: 13–16, 19–23,
        # 26–29 Oct → Thu 29 Oct; the 8 working days of (23 Sep, 12 Oct] do not count.
        start, paused, resumed = at(2026, 9, 21), at(2026, 9, 23, 15), at(2026, 10, 12, 9)
        while_paused = calendar.count(start, 15 * DAY, Unit.WORKING_DAYS, [(paused, None)])
        assert while_paused.paused and while_paused.left == 13 * DAY and while_paused.paused_since == paused
        after = calendar.count(start, 15 * DAY, Unit.WORKING_DAYS, [(paused, resumed)])
        assert after.deadline == end_of(2026, 10, 29)
        assert calendar.working_days_between(D(2026, 10, 19), D(2026, 10, 29)) == 8

    def test_a_pause_over_the_spring_festival(self, calendar):
        # 15 working days from Thu 5 Feb 2026; paused Tue 10 Feb (used: 6, 9, 10 Feb), 12 left; resumed Wed
        # 25 Feb: excluded (10 Feb, 25 Feb] = 11, 12, 13, 14 (Sat, 调休), 24, 25 = 6 working days. 12 after 25 Feb:
        # 26, 27, 28 (Sat, 调休) Feb, 2–6, 9–12 Mar → Thu 12 Mar; without the pause, Wed 4 Mar.
        start = at(2026, 2, 5)
        plain = calendar.count(start, 15 * DAY, Unit.WORKING_DAYS)
        assert plain.deadline == end_of(2026, 3, 4)
        paused = calendar.count(start, 15 * DAY, Unit.WORKING_DAYS, [(at(2026, 2, 10), at(2026, 2, 25, 9))])
        assert paused.deadline == end_of(2026, 3, 12)

    def test_working_hours_left_at_a_pause_resume_in_their_own_unit(self, calendar):
        # 24 working hours from Tue 10 Feb 2026 08:30; paused Thu 12 Feb 17:00 after 7 + 7 + 6.5 = 20.5 h:
        # 3.5 h left; resumed Fri 13 Feb 16:00: 1.5 h that day and 2 h on Sat 14 Feb (调休) → 10:30.
        start, paused, resumed = at(2026, 2, 10, 8, 30), at(2026, 2, 12, 17), at(2026, 2, 13, 16)
        assert calendar.count(start, 24 * H, Unit.WORKING_HOURS, [(paused, None)]).left == 3.5 * H
        after = calendar.count(start, 24 * H, Unit.WORKING_HOURS, [(paused, resumed)])
        assert after.deadline == at(2026, 2, 14, 10, 30)

    def test_calendar_hours_pause_by_the_wall_clock(self, calendar):
        start = at(2026, 9, 30, 10)
        paused = calendar.count(start, 72 * H, Unit.CALENDAR_HOURS, [(at(2026, 10, 1, 10), at(2026, 10, 1, 20))])
        assert paused.deadline == at(2026, 10, 3, 20)

    def test_excluded_periods_and_a_pause_add_up(self, calendar):
        # 30 calendar days from 1 Sep 2026 → 1 Oct; a 公告 period 5–14 Sep excludes (5, 14] = 9 days, a pause from
        # 20 to 22 Sep 2 more: 1 Oct + 11 = 12 Oct.
        start = at(2026, 9, 1)
        periods = [(at(2026, 9, 20), at(2026, 9, 22)), (at(2026, 9, 5), at(2026, 9, 14))]
        assert calendar.count(start, 30 * DAY, Unit.CALENDAR_DAYS).deadline == end_of(2026, 10, 1)
        assert calendar.count(start, 30 * DAY, Unit.CALENDAR_DAYS, periods).deadline == end_of(2026, 10, 12)

    def test_a_period_after_the_clock_ran_out_changes_nothing(self, calendar):
        start = at(2026, 9, 21)
        late = [(at(2026, 10, 20, 9), at(2026, 10, 30, 9))]
        assert calendar.count(start, 15 * DAY, Unit.WORKING_DAYS, late).deadline == end_of(2026, 10, 19)

    def test_a_pause_on_the_last_day_leaves_nothing_but_that_day(self, calendar):
        # Due Mon 19 Oct 2026; paused that day at 10:00, nothing left; resumed Tue 20 Oct: due at its end.
        start = at(2026, 9, 21)
        paused = calendar.count(start, 15 * DAY, Unit.WORKING_DAYS, [(at(2026, 10, 19, 10), None)])
        assert paused.left == datetime.timedelta(0)
        resumed = calendar.count(start, 15 * DAY, Unit.WORKING_DAYS, [(at(2026, 10, 19, 10), at(2026, 10, 20, 9))])
        assert resumed.deadline == end_of(2026, 10, 20)
