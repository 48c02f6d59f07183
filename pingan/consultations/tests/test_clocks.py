"""The consultation's clocks against the working calendar: 答复 (3 working days; 2 calendar hours for an
urgent 12345 call, the hotline having round-the-clock cover) and 办结 (the primary clock: 10 working days;
7 for an urgent one), counted by hand across 国庆 2026.

Outside vector: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04,
https://politics.gmw.cn/2025-11/04/content_38391083.htm): “国庆节:10月1日(周四)至7日(周三)放假调休,共7天。
9月20日(周日)、10月10日(周六)上班。” A day clock does not count the day it starts and runs out at the end of
its last day (docs/clocks.md)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from pingan.cases.choices import ClockUnit, Urgency
from pingan.cases.services import case_transition
from pingan.consultations.choices import ConsultChannel
from pingan.consultations.filters import ConsultationFilter
from pingan.consultations.selectors import consultations_for

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=SH)


def end_of(year: int, month: int, day: int) -> datetime.datetime:
    return at(year, month, day, 23, 59, 59)


def _clocks(case):
    return {clock.name: clock for clock in case.clocks.all()}


def test_a_normal_question_before_national_day(lawguard_scene, ask):
    # Tue 29 Sep 2026 15:00. Working days after it: Wed 30 Sep (1); 1–7 Oct off; Thu 8 Oct (2), Fri 9 Oct (3).
    case = ask(registered_at=at(2026, 9, 29, 15))
    clocks = _clocks(case)
    assert (clocks["answer"].amount, clocks["answer"].unit) == (3, ClockUnit.WORKING_DAYS)
    assert timezone.localtime(clocks["answer"].deadline).replace(microsecond=0) == end_of(2026, 10, 9)
    # 办结, 10 working days: 30 Sep (1); 8 (2), 9 (3), Sat 10 Oct 调休 (4), 12 (5), 13 (6), 14 (7), 15 (8),
    # 16 (9), Mon 19 Oct (10).
    assert timezone.localtime(case.deadline).replace(microsecond=0) == end_of(2026, 10, 19)
    assert (case.sla_amount, case.sla_unit) == (10, ClockUnit.WORKING_DAYS)


def test_an_urgent_hotline_call_on_the_eve_of_national_day(lawguard_scene, ask, operator):
    # Wed 30 Sep 2026 23:00, urgent: 2 calendar hours — 01:00 on 1 Oct, a holiday (24-hour cover).
    case = ask(
        actor=operator,
        channel=ConsultChannel.HOTLINE,
        ticket_number="ZZ12345-20260930-0815",
        urgency=Urgency.URGENT,
        registered_at=at(2026, 9, 30, 23),
    )
    clocks = _clocks(case)
    assert (clocks["answer"].amount, clocks["answer"].unit) == (2, ClockUnit.CALENDAR_HOURS)
    assert timezone.localtime(clocks["answer"].deadline) == at(2026, 10, 1, 1)
    # 办结, 7 working days after 30 Sep: 8, 9, 10 (调休), 12, 13, 14, Thu 15 Oct.
    assert timezone.localtime(case.deadline).replace(microsecond=0) == end_of(2026, 10, 15)


def test_the_answer_stops_its_clock_and_the_overdue_view_reads_it(lawguard_scene, ask, operator):
    now = timezone.now()
    late = ask(
        actor=operator,
        channel=ConsultChannel.HOTLINE,
        ticket_number="ZZ12345-20261118-0001",
        urgency=Urgency.URGENT,
        registered_at=now - datetime.timedelta(hours=3),
    )
    fresh = ask(registered_at=now - datetime.timedelta(hours=1))
    assert late.deadline > now  # the 办结 clock has days left: only the 答复 clock is past
    overdue = ConsultationFilter({"overdue": "true"}, queryset=consultations_for(lawguard_scene.staff)).qs
    assert list(overdue) == [late]
    late = case_transition(case=late, actor=lawguard_scene.staff, action="answer", data={"answer": "迟到的答复"})
    answer = _clocks(late)["answer"]
    assert answer.state == "stopped" and answer.on_time is False
    assert not ConsultationFilter({"overdue": "true"}, queryset=consultations_for(lawguard_scene.staff)).qs.exists()
    fresh = case_transition(case=fresh, actor=lawguard_scene.staff, action="answer", data={"answer": "及时答复"})
    assert _clocks(fresh)["answer"].on_time is True and _clocks(fresh)["handling"].state == "running"
