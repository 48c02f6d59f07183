"""The level's clocks (应对/处置, LevelPolicy), counted against hand-computed vectors.

Outside vectors: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04,
https://politics.gmw.cn/2025-11/04/content_38391083.htm): “国庆节:10月1日(周四)至7日(周三)放假调休,共7天。
9月20日(周日)、10月10日(周六)上班。” (the text workcalendar/tests/test_clock_time.py cites). Office hours are
the project's setting, 08:30–12:00 and 14:00–17:30. Every risk below is raised on Wed 30 Sep 2026 at 16:00."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from pingan.cases.services import case_transition
from pingan.risks.models import LevelPolicy

TZ = ZoneInfo("Asia/Shanghai")
START = datetime.datetime(2026, 9, 30, 16, 0, tzinfo=TZ)


def at(month, day, hour=0, minute=0, second=0):
    return datetime.datetime(2026, month, day, hour, minute, second, tzinfo=TZ)


def clocks_of(case):
    return {clock.name: clock for clock in case.clocks.all()}


@pytest.mark.parametrize(
    ("likelihood", "impact", "respond", "dispose"),
    [
        # 红 (5×5): respond 2 calendar hours → 18:00; dispose 24 calendar hours → Thu 1 Oct 16:00 (a holiday counts).
        (5, 5, at(9, 30, 18), at(10, 1, 16)),
        # 橙 (3×4 = 12): respond 8 calendar hours → midnight; dispose 3 working days: 1–7 Oct off, so Thu 8,
        # Fri 9 and Sat 10 Oct (调休, worked) → the end of Sat 10 Oct.
        (3, 4, at(10, 1, 0), at(10, 10, 23, 59, 59)),
        # 黄 (2×3 = 6): respond 8 working hours: 16:00–17:30 (1.5 h), Thu 8 Oct 08:30–12:00 (3.5 h), 14:00 + 3 h
        # → 8 Oct 17:00; dispose 5 working days: 8, 9, 10, 12, 13 Oct → the end of Tue 13 Oct.
        (2, 3, at(10, 8, 17), at(10, 13, 23, 59, 59)),
    ],
)
def test_the_levels_clocks(raise_risk, likelihood, impact, respond, dispose):
    with time_machine.travel(START, tick=False):
        case = raise_risk(likelihood=likelihood, impact=impact)
    clocks = clocks_of(case)
    assert clocks["respond"].deadline == respond
    assert clocks["dispose"].deadline == dispose
    assert clocks["handling"].is_primary  # the loop's own clock stays the case's deadline
    assert case.deadline == clocks["handling"].deadline


def test_a_rescore_moves_the_running_clocks_and_the_back_office_edits_the_policy(raise_risk, people):
    LevelPolicy.objects.filter(level="red").update(respond_amount=1)
    with time_machine.travel(START, tick=False):
        case = raise_risk(likelihood=2, impact=3)  # yellow
    with time_machine.travel(START + datetime.timedelta(minutes=30), tick=False):
        case_transition(case=case, actor=people.clerk, action="score", data={"likelihood": 5, "impact": 5})
    clocks = clocks_of(case)
    # Now red, counted from the start: 1 calendar hour (as edited) → 17:00; 24 hours → 1 Oct 16:00.
    assert clocks["respond"].deadline == at(9, 30, 17)
    assert clocks["dispose"].deadline == at(10, 1, 16)
    with time_machine.travel(START + datetime.timedelta(minutes=45), tick=False):
        case_transition(case=case, actor=people.clerk, action="start_response")
    respond = clocks_of(case)["respond"]
    assert respond.state == "stopped" and respond.on_time is True
