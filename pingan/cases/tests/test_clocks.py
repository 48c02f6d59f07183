"""A case's clocks: named clocks declared by a kind, pauses, excluded periods, extensions of a named clock, the
lights of a paused case, and the sweep that warns, marks 超期 and escalates — in sets, each alert once.

Dates are counted by hand from the State Council's 2026 notice (see workcalendar/tests/test_clock_time.py for
its text): 中秋 25–27 Sep off, 国庆 1–7 Oct off, Sun 20 Sep and Sat 10 Oct worked; November and early
December 2026 have no holiday, so their working days are Monday to Friday."""

from __future__ import annotations

import datetime
import importlib

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pingan.accounts.choices import Role
from pingan.cases import action_forms as af
from pingan.cases import clocks, workflows
from pingan.cases import common_transitions as ct
from pingan.cases import services as cs
from pingan.cases.choices import (
    AlertLevel,
    Channel,
    ClockState,
    ClockUnit,
    EventType,
    Light,
    PauseKind,
    StateType,
    Urgency,
)
from pingan.cases.common_transitions import T
from pingan.cases.events import EventSpec
from pingan.cases.models import (
    Case,
    CaseClock,
    CaseEvent,
    Category,
    ClockAlert,
    ClockPause,
    Notification,
    open_light_q,
    open_overdue_q,
)
from pingan.cases.services import case_register, case_transition
from pingan.cases.workflows import ClockSpec, ClockTrigger, Effect, State, Workflow
from pingan.core.errors import ApplicationError, TransitionNotAllowed
from pingan.regions.choices import OrgType

TZ = timezone.get_current_timezone()
DAY = datetime.timedelta(days=1)


def at(year, month, day, hour=10, minute=0, second=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=TZ)


def end_of(year, month, day) -> datetime.datetime:
    return at(year, month, day, 23, 59, 59)


def sweep_at(moment: datetime.datetime) -> clocks.SweepResult:
    with time_machine.travel(moment, tick=False):
        return clocks.sweep()


def messages(case) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(case=case).values_list("user__username", "message"))


# --- a statutory kind, declared inside the tests only ----------------------------------------------

KIND = "review_test"
CENTRE = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})


def handle_decide(*, case, actor, transition, data) -> Effect:
    case.resolved_at, case.resolved_by = timezone.now(), actor
    return Effect("review_decided")


def handle_reply(*, case, actor, transition, data) -> Effect:
    return Effect("review_replied")


REVIEW = Workflow(
    kind=KIND,
    label="行政复议(测试)",
    number_prefix="FY",
    initial="received",
    states=(
        State("received", "待审查"),
        State("accepted", "审理中"),
        State("suspended", "已中止"),
        State("decided", "已决定", StateType.RESOLVED),
        State("closed", "已结案", StateType.CLOSED),
    ),
    clocks={Urgency.NORMAL: (60, ClockUnit.CALENDAR_DAYS)},
    org_types=frozenset({OrgType.CENTRE, OrgType.JUSTICE}),
    event_types=(EventSpec("review_decided", "作出决定"), EventSpec("review_replied", "答复")),
    transitions=(
        T("accept", "受理", {"received"}, "accepted", cs.handle_accept, roles=CENTRE),
        T("dispatch", "派遣", {"received"}, "received", cs.handle_dispatch, af.OrgTargetForm, roles=CENTRE),
        T("reply", "答复", {"accepted"}, None, handle_reply, roles=CENTRE),
        ct.request_extension({"accepted"}, roles=CENTRE),
        ct.approve_extension({"accepted"}),
        ct.suspend({"received", "accepted"}, "suspended", roles=CENTRE),
        ct.resume({"suspended"}, roles=CENTRE),
        ct.exclude_period({"accepted"}, roles=CENTRE),
        T("decide", "作出决定", {"accepted"}, "decided", handle_decide, roles=CENTRE),
        T("close", "结案", {"decided"}, "closed", cs.handle_close, roles=CENTRE),
    ),
    clock_specs=(
        ClockSpec("handling", "办理", primary=True, escalate_after=(2, ClockUnit.WORKING_DAYS)),
        ClockSpec(
            "acceptance",
            "受理审查",
            amount=5,
            unit=ClockUnit.WORKING_DAYS,
            stops=(ClockTrigger.action("accept"),),
            pausable=False,
        ),
        ClockSpec(
            "decision",
            "决定",
            amount=30,
            unit=ClockUnit.CALENDAR_DAYS,
            starts=ClockTrigger.action("accept"),
            stops=(ClockTrigger.state_type(StateType.RESOLVED),),
        ),
        ClockSpec(
            "reply",
            "答复",
            amount=16,
            unit=ClockUnit.WORKING_HOURS,
            starts=ClockTrigger.state("accepted"),
            stops=(ClockTrigger.action("reply"),),
        ),
    ),
)


@pytest.fixture
def review_kind(db):
    workflows.register(REVIEW)
    Category.objects.create(kind=KIND, code="review_test_permit", name="行政许可")
    yield REVIEW
    workflows.unregister(KIND)


def register_review(people, zhuzhou, when: datetime.datetime) -> Case:
    with time_machine.travel(when, tick=False):
        return case_register(
            actor=people.clerk,
            kind=KIND,
            category=Category.objects.get(code="review_test_permit"),
            title="不服行政许可决定",
            description="申请人不服某局作出的行政许可决定,申请行政复议。",
            channel=Channel.VISIT,
            region=zhuzhou.songshan,
        )


def act(case, people, action, when, **data) -> Case:
    with time_machine.travel(when, tick=False):
        return case_transition(case=case, actor=people.clerk, action=action, data=data)


def clock(case, name) -> CaseClock:
    return CaseClock.objects.get(case=case, name=name)


# --- registration ----------------------------------------------------------------------------------


class TestRegistration:
    def test_a_kind_without_clocks_gets_its_handling_clock_as_the_case_shows_it(self, dispute):
        handling = dispute.clocks.get()
        assert (handling.name, handling.is_primary, handling.state) == ("handling", True, ClockState.RUNNING)
        assert (handling.amount, handling.unit) == (dispute.sla_amount, dispute.sla_unit) == (15, "working_days")
        assert (handling.deadline, handling.warn_at) == (dispute.deadline, dispute.warn_at)
        # 15 working days after Wed 18 Nov 2026 (no holiday): 19, 20, 23–27, 30 Nov, 1–4, 7–9 Dec.
        assert handling.deadline == end_of(2026, 12, 9)
        assert handling.next_alert_at == handling.warn_at

    def test_a_kind_declares_its_named_clocks(self, review_kind, people, zhuzhou):
        case = register_review(people, zhuzhou, at(2026, 9, 21))
        assert sorted(case.clocks.values_list("name", flat=True)) == ["acceptance", "handling"]
        assert case.deadline == clock(case, "handling").deadline == end_of(2026, 11, 20)  # 60 calendar days
        assert clock(case, "acceptance").deadline == end_of(2026, 9, 29)  # 5 working days: 22–24, 28, 29 Sep

    def test_a_declaration_must_have_one_primary_clock_from_registration_to_closing(self):
        def declare(*specs):
            return Workflow(
                kind="broken",
                label="x",
                number_prefix="X",
                initial="a",
                states=(State("a", "a"),),
                transitions=(),
                clocks={Urgency.NORMAL: (1, ClockUnit.WORKING_DAYS)},
                org_types=frozenset({OrgType.CENTRE}),
                clock_specs=specs,
            )

        with pytest.raises(ValueError, match="exactly one must be primary"):
            declare(ClockSpec("a", "a", amount=1))
        with pytest.raises(ValueError, match="runs from registration to closing"):
            declare(ClockSpec("a", "a", primary=True, stops=(ClockTrigger.state("a"),)))
        with pytest.raises(ValueError, match="names nothing declared"):
            declare(ClockSpec("p", "p", primary=True), ClockSpec("b", "b", amount=1, starts=ClockTrigger.action("x")))


# --- named clocks through a statutory kind ---------------------------------------------------------


class TestNamedClocks:
    def test_clocks_start_and_stop_on_declared_transitions(self, review_kind, people, zhuzhou):
        case = register_review(people, zhuzhou, at(2026, 9, 21))
        case = act(case, people, "accept", at(2026, 9, 24))
        acceptance, decision, reply = clock(case, "acceptance"), clock(case, "decision"), clock(case, "reply")
        assert (acceptance.state, acceptance.on_time) == (ClockState.STOPPED, True)
        assert decision.started_at == at(2026, 9, 24) and decision.deadline == end_of(2026, 10, 24)  # 30 days
        # 16 working hours from Thu 24 Sep 10:00: 5.5 h that day, Fri 25 Sep is 中秋, Mon 28 Sep 7 h, Tue 29
        # Sep 08:30 + 3.5 h = 12:00.
        assert reply.deadline == at(2026, 9, 29, 12)
        case = act(case, people, "reply", at(2026, 9, 29, 13))
        assert (clock(case, "reply").state, clock(case, "reply").on_time) == (ClockState.STOPPED, False)
        case = act(case, people, "decide", at(2026, 10, 20))
        assert clock(case, "decision").on_time is True
        assert clock(case, "handling").state == ClockState.RUNNING  # the primary one runs until closing
        case = act(case, people, "close", at(2026, 10, 21))
        assert case.on_time is True and clock(case, "handling").on_time is True

    def test_suspension_pauses_the_pausable_clocks_and_resumption_moves_their_deadlines(
        self, review_kind, people, zhuzhou
    ):
        case = register_review(people, zhuzhou, at(2026, 9, 21))
        case = act(case, people, "accept", at(2026, 9, 24))
        case = act(case, people, "suspend", at(2026, 9, 28, 15), comment="等待另案审理结果")
        assert case.status == "suspended" and case.light() == Light.PAUSED
        handling, decision, reply = clock(case, "handling"), clock(case, "decision"), clock(case, "reply")
        # Calendar days used: (21 Sep, 28 Sep] = 7 of 60, (24 Sep, 28 Sep] = 4 of 30. Working hours: Thu 24 Sep
        # 10:00–17:30 5.5 h, Mon 28 Sep 08:30–15:00 4.5 h: 10 of 16.
        assert (handling.state, handling.remaining) == (ClockState.PAUSED, 53 * DAY)
        assert (decision.state, decision.remaining) == (ClockState.PAUSED, 26 * DAY)
        assert (reply.state, reply.remaining) == (ClockState.PAUSED, datetime.timedelta(hours=6))
        assert ClockPause.objects.filter(clock__case=case, reason="等待另案审理结果", ended_at=None).count() == 3
        with pytest.raises(TransitionNotAllowed):
            act(case, people, "decide", at(2026, 10, 9))
        case = act(case, people, "resume", at(2026, 10, 12, 9))
        assert case.status == "accepted" and case.paused_at is None
        # (28 Sep, 12 Oct] = 14 calendar days do not count: 20 Nov → 4 Dec, 24 Oct → 7 Nov; the reply clock's
        # 6 working hours run from Mon 12 Oct 09:00: 3 h to noon, 3 h from 14:00 → 17:00.
        assert case.deadline == clock(case, "handling").deadline == end_of(2026, 12, 4)
        assert clock(case, "decision").deadline == end_of(2026, 11, 7)
        assert clock(case, "reply").deadline == at(2026, 10, 12, 17)
        events = list(case.events.filter(type__in=[EventType.SUSPENDED, EventType.RESUMED]).order_by("id"))
        assert [e.type for e in events] == [EventType.SUSPENDED, EventType.RESUMED]
        assert events[0].comment == "等待另案审理结果" and events[0].params["remaining"] == "53 自然日"
        assert events[1].params["deadline"] == end_of(2026, 12, 4).isoformat()

    def test_a_clock_that_may_not_pause_runs_on_through_a_suspension(self, review_kind, people, zhuzhou):
        case = register_review(people, zhuzhou, at(2026, 9, 21))
        case = act(case, people, "suspend", at(2026, 9, 22), comment="材料补正")
        assert clock(case, "handling").state == ClockState.PAUSED
        acceptance = clock(case, "acceptance")
        assert acceptance.state == ClockState.RUNNING and acceptance.deadline == end_of(2026, 9, 29)
        assert sweep_at(at(2026, 9, 30, 9)) == clocks.SweepResult(breach=1)  # 受理审查 only

    def test_an_extension_of_a_named_clock_moves_only_that_clock(self, review_kind, people, zhuzhou):
        case = register_review(people, zhuzhou, at(2026, 9, 21))
        case = act(case, people, "accept", at(2026, 9, 24))
        case = act(
            case, people, "request_extension", at(2026, 10, 9), clock="decision", amount=10, comment="需补充材料"
        )
        with time_machine.travel(at(2026, 10, 9, 11), tick=False):
            case = case_transition(case=case, actor=people.head, action="approve_extension", data={"approve": True})
        assert clock(case, "decision").deadline == end_of(2026, 11, 3)  # 24 Oct + 10 calendar days
        assert case.deadline == end_of(2026, 11, 20) and case.extension_amount == 0  # the case's own: unchanged
        event = case.events.get(type=EventType.EXTENSION_DECIDED)
        assert event.params["clock_labels"] == "决定"

    def test_an_excluded_period_does_not_count(self, review_kind, people, zhuzhou):
        case = register_review(people, zhuzhou, at(2026, 9, 21))
        case = act(case, people, "accept", at(2026, 9, 24))
        case = act(
            case,
            people,
            "exclude_period",
            at(2026, 10, 26),
            clock="decision",
            start=at(2026, 10, 5, 9),
            end=at(2026, 10, 15, 9),
            comment="鉴定期间",
        )
        # (5 Oct, 15 Oct] = 10 calendar days: 24 Oct → 3 Nov.
        assert clock(case, "decision").deadline == end_of(2026, 11, 3)
        assert ClockPause.objects.get(clock__name="decision").kind == PauseKind.EXCLUSION
        with pytest.raises(ApplicationError, match="重叠"):
            act(
                case,
                people,
                "exclude_period",
                at(2026, 10, 26),
                clock="decision",
                start=at(2026, 10, 10),
                end=at(2026, 10, 20),
                comment="公告",
            )


# --- pausing a dispute's clock, and what the lights say ------------------------------------------------


class TestLights:
    def test_a_paused_case_is_neither_near_nor_past_its_deadline(self, dispute, people):
        case = case_transition(case=dispute, actor=people.clerk, action="accept")
        case = case_transition(case=case, actor=people.clerk, action="suspend", data={"comment": "当事人住院"})
        later = case.deadline + 3 * DAY  # past the deadline it had when it was suspended
        assert case.light(later) == Light.PAUSED
        assert Case.objects.with_light(Light.PAUSED).get() == case
        for light in (Light.RED, Light.YELLOW, Light.GREEN):
            assert not Case.objects.filter(open_light_q(light, later)).exists()
        assert not Case.objects.filter(open_overdue_q(later)).exists()
        assert sweep_at(later).total == 0  # and nothing is sent while it is paused

    def test_a_case_past_its_deadline_cannot_be_suspended(self, dispute, people):
        case = case_transition(case=dispute, actor=people.clerk, action="accept")
        with time_machine.travel(case.deadline + DAY, tick=False), pytest.raises(TransitionNotAllowed, match="延期"):
            case_transition(case=case, actor=people.clerk, action="suspend", data={"comment": "x"})


# --- the sweep -----------------------------------------------------------------------------------------


class TestSweep:
    def test_a_warning_before_the_deadline_and_a_breach_after_it_each_once(self, dispute, people):
        warn = dispute.warn_at + datetime.timedelta(minutes=1)
        assert sweep_at(warn) == clocks.SweepResult(warning=1)
        assert sweep_at(warn + datetime.timedelta(hours=1)) == clocks.SweepResult()
        number = dispute.number
        assert messages(dispute) == [
            ("songshan_clerk", f"案件 {number} 的办理期限临近,请抓紧办理"),
            ("songshan_head", f"案件 {number} 的办理期限临近,请抓紧办理"),
        ]
        assert sweep_at(dispute.deadline + datetime.timedelta(minutes=1)) == clocks.SweepResult(breach=1)
        assert sweep_at(dispute.deadline + 2 * DAY) == clocks.SweepResult()
        event = CaseEvent.objects.get(case=dispute, type=EventType.OVERDUE)
        assert event.params["clock"] == "handling" and event.params["clock_labels"] == "办理"
        assert datetime.datetime.fromisoformat(event.params["deadline"]) == dispute.deadline
        assert event.actor is None and event.from_status == event.to_status == dispute.status
        assert CaseEvent.objects.filter(case=dispute, type=EventType.CLOCK_WARNING).count() == 1
        assert Notification.objects.filter(case=dispute, message__contains="已超过办理期限").count() == 2

    def test_the_assignee_is_told_too(self, dispute, people):
        from conftest import mediate

        case = mediate(dispute, people)
        sweep_at(case.deadline + datetime.timedelta(minutes=1))
        assert ("songshan_mediator", f"案件 {case.number} 已超过办理期限") in messages(case)

    def test_a_sweep_that_saw_the_clocks_before_another_committed_sends_nothing_twice(self, dispute):
        """A second worker that read the clocks as they were before the first one committed (its snapshot
        still says they are due) tries to send the same alerts: the unique constraint turns them away."""
        due_before = CaseClock.objects.get(case=dispute).next_alert_at
        moment = dispute.deadline + datetime.timedelta(minutes=1)
        assert sweep_at(moment).breach == 1
        CaseClock.objects.filter(case=dispute).update(next_alert_at=due_before)  # the other worker's view
        assert sweep_at(moment) == clocks.SweepResult()
        assert CaseEvent.objects.filter(case=dispute, type=EventType.OVERDUE).count() == 1
        assert Notification.objects.filter(case=dispute).count() == 2

    def test_a_new_deadline_is_watched_afresh(self, dispute, people):
        case = case_transition(case=dispute, actor=people.clerk, action="accept")
        moment = case.deadline + datetime.timedelta(hours=1)
        assert sweep_at(moment).breach == 1
        with time_machine.travel(moment, tick=False):
            case = case_transition(
                case=case, actor=people.clerk, action="request_extension", data={"amount": 5, "comment": "外出务工"}
            )
            case = case_transition(case=case, actor=people.head, action="approve_extension", data={"approve": True})
        assert case.deadline == end_of(2026, 12, 16)  # 9 Dec + 5 working days: 10, 11, 14, 15, 16 Dec
        assert case.light(moment) == Light.GREEN
        assert sweep_at(moment + datetime.timedelta(minutes=1)) == clocks.SweepResult()
        assert sweep_at(case.warn_at + datetime.timedelta(minutes=1)) == clocks.SweepResult(warning=1)
        assert sweep_at(case.deadline + datetime.timedelta(minutes=1)) == clocks.SweepResult(breach=1)
        assert ClockAlert.objects.filter(case=case, level=AlertLevel.BREACH).count() == 2

    def test_a_closed_case_is_not_swept(self, dispute, people):
        from conftest import mediate_to_agreement

        case = mediate_to_agreement(dispute, people)
        case = case_transition(case=case, actor=people.head, action="verify", data={"passed": True})
        case = case_transition(case=case, actor=people.head, action="close")
        assert CaseClock.objects.get(case=case).next_alert_at is None
        assert sweep_at(case.deadline + DAY).total == 0

    def test_escalation_after_the_declared_delay_goes_to_the_centre_above(self, review_kind, people, zhuzhou):
        case = register_review(people, zhuzhou, at(2026, 9, 21))
        # Handling due Fri 20 Nov 2026; escalated 2 working days later, at the end of Tue 24 Nov.
        assert clock(case, "handling").escalate_at == end_of(2026, 11, 24)
        assert sweep_at(at(2026, 11, 23, 9)) == clocks.SweepResult(breach=2)  # 受理审查 (29 Sep) and 办理
        assert sweep_at(at(2026, 11, 25, 9)) == clocks.SweepResult(escalation=1)
        assert sweep_at(at(2026, 11, 26, 9)) == clocks.SweepResult()
        number = case.number
        escalation = f"案件 {number} 超过办理期限未办结,已提请上级督办"
        assert messages(case) == [
            ("songshan_clerk", f"案件 {number} 已超过办理期限"),
            ("songshan_clerk", f"案件 {number} 已超过受理审查期限"),
            ("songshan_clerk", escalation),
            ("songshan_head", f"案件 {number} 已超过办理期限"),
            ("songshan_head", f"案件 {number} 已超过受理审查期限"),
            ("songshan_head", escalation),
            ("tianyuan_clerk", escalation),  # 天元区综治中心, above the township centre
        ]
        assert case.events.filter(type=EventType.OVERDUE_ESCALATED).count() == 1

    def test_a_departments_overseer_is_the_centre_at_its_level(self, review_kind, people, zhuzhou):
        case = register_review(people, zhuzhou, at(2026, 9, 21))
        case = act(case, people, "dispatch", at(2026, 9, 22), to_org=zhuzhou.songshan_justice.code)
        assert sweep_at(at(2026, 11, 25, 9)) == clocks.SweepResult(breach=2, escalation=1)
        escalated = Notification.objects.filter(case=case, message__contains="上级督办")
        # The 司法所 itself, and the township centre that oversees the departments at its level.
        assert set(escalated.values_list("user__username", flat=True)) == {
            "songshan_justice",
            "songshan_clerk",
            "songshan_head",
        }

    def test_the_sweep_costs_the_same_few_statements_for_one_case_or_many(self, zhuzhou, people, category):
        from conftest import register_dispute

        def statements(count: int) -> int:
            cases = [register_dispute(zhuzhou, people, category) for _ in range(count)]
            with CaptureQueriesContext(connection) as captured:
                sweep_at(cases[0].deadline + DAY)
            assert Notification.objects.filter(case__in=cases, message__contains="已超过").count() == 2 * count
            return len(captured)

        assert statements(1) == statements(12)


# --- cases written in bulk, and the upgrade -------------------------------------------------------------


class TestBackfill:
    def strip(self, case):
        """A case as an older installation (or a bulk writer) left it: no clock rows."""
        CaseClock.objects.filter(case=case).delete()

    def test_the_function_gives_cases_their_primary_clock_from_their_own_figures(self, dispute):
        self.strip(dispute)
        assert clocks.clocks_backfill(case_ids=[dispute.pk]) == 1
        handling = CaseClock.objects.get(case=dispute)
        assert (handling.name, handling.is_primary, handling.state) == ("handling", True, ClockState.RUNNING)
        assert (handling.deadline, handling.warn_at, handling.started_at) == (
            dispute.deadline,
            dispute.warn_at,
            dispute.registered_at,
        )
        assert clocks.clocks_backfill() == 0  # idempotent

    def test_a_case_written_without_clocks_gets_its_clock_when_first_needed(self, dispute, people):
        self.strip(dispute)
        case = case_transition(case=dispute, actor=people.clerk, action="accept")
        case = case_transition(case=case, actor=people.clerk, action="suspend", data={"comment": "当事人外出"})
        assert CaseClock.objects.get(case=case).state == ClockState.PAUSED and case.light() == Light.PAUSED

    def test_a_case_already_marked_overdue_by_the_old_sweep_is_not_told_again(self, dispute):
        self.strip(dispute)
        late = dispute.deadline + DAY
        CaseEvent.objects.create(case=dispute, type=EventType.OVERDUE, params={}, created_at=late)
        with time_machine.travel(late, tick=False):
            clocks.clocks_backfill()
        assert sweep_at(late + datetime.timedelta(hours=1)) == clocks.SweepResult()
        assert CaseEvent.objects.filter(case=dispute, type=EventType.OVERDUE).count() == 1

    def test_the_migration_does_the_same_in_one_statement(self, dispute, people):
        from conftest import mediate_to_agreement

        verified = case_transition(
            case=mediate_to_agreement(dispute, people), actor=people.head, action="verify", data={"passed": True}
        )
        closed = case_transition(case=verified, actor=people.head, action="close")
        self.strip(closed)
        migration = importlib.import_module("pingan.cases.migrations.0007_case_clocks_backfill")
        migration.backfill(None, type("Editor", (), {"connection": connection})())
        handling = CaseClock.objects.get(case=closed)
        assert (handling.state, handling.on_time, handling.stopped_at) == (ClockState.STOPPED, True, closed.closed_at)
        assert handling.next_alert_at is None

    def test_a_kinds_registration_clocks_are_counted_for_open_cases(self, review_kind, people, zhuzhou):
        case = register_review(people, zhuzhou, at(2026, 9, 21))
        self.strip(case)
        assert clocks.clocks_backfill(case_ids=[case.pk]) == 2
        assert clock(case, "acceptance").deadline == end_of(2026, 9, 29)
        assert clock(case, "handling").escalate_at == end_of(2026, 11, 24)
