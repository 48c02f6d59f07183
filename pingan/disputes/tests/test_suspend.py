"""挂起 and 恢复: a dispute waits with its clock paused (e.g. a party in hospital) and goes on with the time it
had left. While suspended it cannot be mediated, concluded, escalated or extended; its light says 挂起, never
临期 or 超期.

The dates are counted by hand from 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04,
https://politics.gmw.cn/2025-11/04/content_38391083.htm): “中秋节:9月25日(周五)至27日(周日)放假” and
“国庆节:10月1日(周四)至7日(周三)放假调休,共7天。9月20日(周日)、10月10日(周六)上班。”, and from its
“春节:2月15日至23日放假调休,共9天。2月14日(周六)、2月28日(周六)上班。”"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import agreement_data, register_dispute
from pingan.cases.choices import ClockState, EventType, Light, Urgency
from pingan.cases.models import Case, CaseClock, open_overdue_q
from pingan.cases.services import case_transition
from pingan.core.errors import ApplicationError, TransitionNotAllowed
from pingan.disputes.choices import DisputeState as S
from pingan.workcalendar.calendar import WorkCalendar

TZ = timezone.get_current_timezone()


def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


def end_of(year, month, day) -> datetime.datetime:
    return datetime.datetime(year, month, day, 23, 59, 59, tzinfo=TZ)


def act(case, actor, action, when, **data):
    with time_machine.travel(when, tick=False):
        return case_transition(case=case, actor=actor, action=action, data=data)


@pytest.fixture
def mediating(zhuzhou, people, category):
    """Registered Mon 21 Sep 2026 10:00 at the 嵩山路街道 centre (15 working days: 22, 23, 24, 28, 29, 30 Sep,
    8, 9, 10 (Sat, worked), 12–16, 19 Oct → due Mon 19 Oct); accepted and given to the mediator on 22 Sep."""
    with time_machine.travel(at(2026, 9, 21), tick=False):
        case = register_dispute(zhuzhou, people, category)
    assert case.deadline == end_of(2026, 10, 19)
    case = act(case, people.clerk, "accept", at(2026, 9, 22, 9))
    return act(case, people.clerk, "assign_mediator", at(2026, 9, 22, 10), mediator=people.mediator.username)


def test_a_dispute_suspended_and_resumed_is_due_later_by_exactly_the_paused_working_days(mediating, people):
    case = act(mediating, people.mediator, "suspend", at(2026, 9, 23, 15), comment="申请人住院治疗,暂无法参加调解")
    assert case.status == S.SUSPENDED and case.paused_at == at(2026, 9, 23, 15)
    handling = CaseClock.objects.get(case=case)
    assert (handling.state, handling.remaining) == (ClockState.PAUSED, datetime.timedelta(days=13))  # 2 of 15 used

    # Past the deadline it had, it is neither 临期 nor 超期: it is 挂起.
    later = at(2026, 10, 20)
    assert case.light(later) == Light.PAUSED
    assert not Case.objects.filter(open_overdue_q(later)).exists()

    case = act(case, people.clerk, "resume", at(2026, 10, 12, 9))
    assert case.status == S.MEDIATING and case.paused_at is None and case.light(at(2026, 10, 12, 9)) == Light.GREEN
    # 13 working days after Mon 12 Oct: 13–16, 19–23, 26–29 Oct → Thu 29 Oct.
    assert case.deadline == end_of(2026, 10, 29)
    calendar = WorkCalendar()
    paused_working_days = calendar.working_days_between(datetime.date(2026, 9, 23), datetime.date(2026, 10, 12))
    assert paused_working_days == 8  # 24, 28, 29, 30 Sep; 8, 9, 10, 12 Oct
    assert calendar.working_days_between(datetime.date(2026, 10, 19), datetime.date(2026, 10, 29)) == 8

    suspended, resumed = case.events.filter(type__in=[EventType.SUSPENDED, EventType.RESUMED]).order_by("id")
    assert (suspended.from_status, suspended.to_status) == (S.MEDIATING, S.SUSPENDED)
    assert suspended.comment == "申请人住院治疗,暂无法参加调解" and suspended.params["remaining"] == "13 工作日"
    assert (resumed.from_status, resumed.to_status) == (S.SUSPENDED, S.MEDIATING)
    assert resumed.params["deadline"] == end_of(2026, 10, 29).isoformat()

    # Concluded and closed after the old deadline but before the new one: on time.
    case = act(case, people.mediator, "record_session", at(2026, 10, 26), **session())
    case = act(case, people.mediator, "conclude", at(2026, 10, 27), **agreement_data(case))
    case = act(case, people.head, "verify", at(2026, 10, 28), passed=True)
    case = act(case, people.head, "close", at(2026, 10, 28, 15))
    assert case.on_time is True


def session() -> dict:
    return {"held_at": at(2026, 10, 26), "place": "嵩山路街道调解室", "attendees": "双方当事人", "notes": "达成协议"}


def test_a_suspended_dispute_is_not_worked_until_resumed(mediating, people, zhuzhou):
    case = act(mediating, people.mediator, "suspend", at(2026, 9, 23, 15), comment="等待伤情鉴定")
    refused = [
        (people.mediator, "record_session", session()),
        (people.mediator, "conclude", {"outcome": "failure", "advised_route": "litigation"}),
        (people.mediator, "request_extension", {"amount": 5, "comment": "x"}),
        (people.clerk, "escalate", {"comment": "x"}),
        (people.clerk, "suspend", {"comment": "x"}),
    ]
    for actor, action, data in refused:
        with pytest.raises(TransitionNotAllowed):
            act(case, actor, action, at(2026, 9, 24), **data)
    with time_machine.travel(at(2026, 9, 24), tick=False):
        from pingan.cases import workflows

        assert [t.action for t in workflows.allowed_transitions(case, people.mediator)] == ["resume"]
        assert "supervise" in [t.action for t in workflows.allowed_transitions(case, people.district_clerk)]


def test_who_may_suspend_is_who_may_ask_for_more_time(mediating, people):
    with time_machine.travel(at(2026, 9, 23), tick=False):
        from pingan.cases import workflows

        for actor in (people.clerk, people.head, people.mediator):  # the centre, and the assigned mediator
            assert "suspend" in [t.action for t in workflows.allowed_transitions(mediating, actor)]
        assert "suspend" not in [t.action for t in workflows.allowed_transitions(mediating, people.leader)]
    with pytest.raises(ApplicationError) as refused:  # the reason is required: a 400, nothing written
        act(mediating, people.clerk, "suspend", at(2026, 9, 23), comment="")
    assert "comment" in refused.value.fields
    assert mediating.events.filter(type=EventType.SUSPENDED).count() == 0


def test_working_hours_left_resume_into_the_tiaoxiu_saturday(zhuzhou, people, category):
    """A 特急 dispute (24 working hours) registered Tue 10 Feb 2026 08:30, suspended Thu 12 Feb 17:00 with 3.5
    hours left (7 + 7 + 6.5 used), resumed Fri 13 Feb 16:00: 1.5 hours that day and 2 on Sat 14 Feb, worked
    by the notice → due Sat 14 Feb 10:30 (the Spring Festival holiday starts the next day)."""
    from pingan.cases.services import case_register

    with time_machine.travel(at(2026, 2, 10, 8, 30), tick=False):
        case = case_register(
            actor=people.clerk,
            kind="dispute",
            category=category,
            title="工地噪声纠纷",
            description="夜间施工噪声,双方冲突有激化可能。",
            channel="visit",
            region=zhuzhou.songshan,
            urgency=Urgency.CRITICAL,
            parties=[{"name": "张三", "role": "applicant"}],
        )
    assert (case.sla_amount, case.sla_unit) == (24, "working_hours")
    case = act(case, people.clerk, "accept", at(2026, 2, 10, 9))
    case = act(case, people.clerk, "suspend", at(2026, 2, 12, 17), comment="等待警方处置结果")
    assert CaseClock.objects.get(case=case).remaining == datetime.timedelta(hours=3.5)
    assert case.events.get(type=EventType.SUSPENDED).params["remaining"] == "3.5 工作小时"
    case = act(case, people.clerk, "resume", at(2026, 2, 13, 16))
    assert case.deadline == at(2026, 2, 14, 10, 30)


def test_the_api_and_the_page_show_a_suspended_dispute(mediating, people, api, client):
    clerk = api(people.clerk)
    with time_machine.travel(at(2026, 9, 23, 15), tick=False):
        response = clerk.post(
            f"/api/v1/cases/{mediating.pk}/transitions/", {"action": "suspend", "comment": "当事人外出"}, format="json"
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["status"] == S.SUSPENDED and body["light"] == "paused" and body["light_label"] == "挂起"
        assert "resume" in body["allowed_actions"] and "record_session" not in body["allowed_actions"]
        listed = clerk.get("/api/v1/cases/?light=paused").json()["results"]
        assert [row["number"] for row in listed] == [mediating.number]
        client.force_login(people.clerk)
        page = client.get(reverse("case-detail", args=[mediating.pk])).content.decode()
    assert 'data-light="paused"' in page and 'data-state="paused"' in page
    assert "尚余 13 工作日" in page and "当事人外出" in page


def test_the_api_shows_each_clock_with_its_pause(mediating, people, api, django_assert_max_num_queries):
    """The case detail lists the case's clocks (时限): the paused 办理 clock with the time it had left and its
    pause with the reason; the clocks and their pauses are read in a fixed number of queries."""
    case = act(mediating, people.mediator, "suspend", at(2026, 9, 23, 15), comment="申请人住院治疗,暂无法参加调解")
    client = api(people.clerk)
    with time_machine.travel(at(2026, 9, 24), tick=False), django_assert_max_num_queries(7):
        detail = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["light"] == Light.PAUSED
    [clock] = detail["clocks"]
    assert (clock["name"], clock["label"], clock["is_primary"]) == ("handling", "办理", True)
    assert (clock["state"], clock["light"], clock["unit"], clock["amount"]) == ("paused", "paused", "working_days", 15)
    assert clock["remaining"] == "13 00:00:00"  # 2 of 15 working days used (22 and 23 September)
    assert [(p["kind"], p["reason"], p["ended_at"]) for p in clock["pauses"]] == [
        ("pause", "申请人住院治疗,暂无法参加调解", None)
    ]
