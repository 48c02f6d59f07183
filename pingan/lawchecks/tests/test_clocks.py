"""The service commitments' clocks (docs/lawchecks.md), against the 2026 holidays of the State Council's
notice (国务院办公厅关于2026年部分节假日安排的通知: 国庆节 10月1日至7日放假调休, 10月10日(星期六)上班),
the deadlines counted here by hand on the calendar, not by our code."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import time_machine

from pingan.cases.models import CaseClock
from pingan.cases.services import case_transition
from pingan.lawchecks.models import CheckItem
from pingan.lawchecks.services import portal_book

SHANGHAI = ZoneInfo("Asia/Shanghai")


def end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=SHANGHAI)


def test_serve_and_issue_clocks_skip_national_day(lawguard_scene, reviewer):
    g = lawguard_scene
    with time_machine.travel(datetime.datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI), tick=False):  # Monday
        case = portal_book(user=g.portal_user, enterprise=g.enterprise, wished_date=datetime.date(2026, 9, 30))
    # 服务: 10 working days after Mon 28 Sep: 29, 30 Sep; (1–7 Oct 国庆); 8, 9, 10 (Sat, worked), 12, 13, 14,
    # 15, 16 Oct → the end of Friday 16 October.
    serve = CaseClock.objects.get(case=case, name="serve")
    assert serve.deadline == end_of(datetime.date(2026, 10, 16))

    with time_machine.travel(datetime.datetime(2026, 9, 30, 9, 0, tzinfo=SHANGHAI), tick=False):  # Wednesday
        for action in ("confirm", "self_check", "start_check"):
            case = case_transition(case=case, actor=g.staff, action=action, data={})
        answers = {str(i.pk): {"answer": "yes"} for i in CheckItem.objects.filter(service_id=case.pk)}
        case = case_transition(case=case, actor=g.staff, action="record_check", data={"answers": answers})
        case = case_transition(case=case, actor=g.staff, action="draft_report", data={})
    serve.refresh_from_db()
    assert serve.state == "stopped" and serve.on_time is True
    # 出具: 5 working days after Wed 30 Sep: 8, 9, 10 (Sat, worked), 12, 13 Oct → the end of Tuesday 13 October.
    issue = CaseClock.objects.get(case=case, name="issue")
    assert issue.deadline == end_of(datetime.date(2026, 10, 13))
