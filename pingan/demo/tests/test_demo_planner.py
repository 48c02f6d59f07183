"""The demo's planner (pingan.demo.planner) on the test scene: a planned history is checked step by step
against the kind's declared workflow before anything is written, and what it writes is what the services
leave; its guard agrees with the engine's on a case walked through `case_transition`."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from simple_history.utils import get_history_model_for_model

from conftest import make_user, register_dispute
from pingan.accounts.choices import Role
from pingan.cases.choices import Channel, ClockUnit, EventType, Outcome, StateType, Urgency
from pingan.cases.models import Case, CaseEvent, Party
from pingan.cases.services import case_transition
from pingan.cases.workflows import allowed_transitions
from pingan.core.models import AuditAction, AuditLog
from pingan.demo import disputes, incidents
from pingan.demo.actors import actors_load, orgs_load
from pingan.demo.planner import PlanRefused, Step, step_refusal
from pingan.demo.rows import Row
from pingan.demo.writer import Clock
from pingan.disputes.choices import AdvisedRoute, DisputeEvent
from pingan.disputes.choices import DisputeState as S
from pingan.disputes.models import MediationResult, MediationSession
from pingan.incidents.choices import IncidentState
from pingan.workcalendar.calendar import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime.datetime(2026, 11, 16, 9, 0, tzinfo=TZ)  # a working day


def hours(n: float) -> datetime.datetime:
    return MONDAY + datetime.timedelta(hours=n)


@pytest.fixture
def cast(people):
    """The scene's people as the planner sees them, by username."""
    return actors_load(user_ids=[user.pk for user in vars(people).values()])


@pytest.fixture
def planner(db):
    return disputes.make_planner()


def registered(planner, cast, zhuzhou, category):
    """A neighbour dispute registered by the 嵩山路街道 clerk and routed to the street's centre."""
    return planner.register(
        actor=cast["songshan_clerk"],
        at=MONDAY,
        assigned_org=orgs_load()["C430211004"],
        fields={
            "category_id": category.pk,
            "title": "楼上漏水纠纷",
            "description": "楼上卫生间漏水导致楼下天花板受损。",
            "channel": Channel.VISIT,
            "urgency": Urgency.NORMAL,
            "region_id": zhuzhou.taishan.pk,
            "region_code": zhuzhou.taishan.code,
            "address": "泰山路88号",
            "sla_amount": 15,
            "sla_unit": ClockUnit.WORKING_DAYS,
        },
    )


def session(cast, at: datetime.datetime) -> Row:
    return Row(
        held_at=at,
        place="调解室",
        attendees="张三、李四",
        notes="双方陈述。",
        recorded_by_id=cast["songshan_mediator"].pk,
    )


def failure(cast, at: datetime.datetime) -> Row:
    mediator = cast["songshan_mediator"]
    return Row(outcome=Outcome.FAILURE, advised_route=AdvisedRoute.LITIGATION, mediator_id=mediator.pk, concluded_at=at)


def mediated(cast) -> list[Step]:
    """Accepted, mediated once, concluded without agreement, verified, closed and rated."""
    clerk, head, mediator = cast["songshan_clerk"], cast["songshan_head"], cast["songshan_mediator"]
    return [
        Step("accept", clerk, hours(1)),
        Step("assign_mediator", clerk, hours(2), {"mediator": mediator}),
        Step("record_session", mediator, hours(3), {"session": session(cast, hours(3))}),
        Step("conclude", mediator, hours(4), {"outcome": Outcome.FAILURE, "result": failure(cast, hours(4))}),
        Step("verify", head, hours(5), {"passed": True}),
        Step("close", head, hours(6)),
        Step("rate", clerk, hours(7), {"satisfaction": "satisfied", "method": "phone"}),
    ]


ACTIONS = ["accept", "assign_mediator", "record_session", "conclude", "verify", "close", "rate"]


def written() -> list[int]:
    return [
        Case.objects.count(),
        CaseEvent.objects.count(),
        get_history_model_for_model(Case).objects.count(),
        get_history_model_for_model(Party).objects.count(),
        AuditLog.objects.count(),
        MediationSession.objects.count(),
    ]


def test_a_planned_history_is_written_as_the_services_leave_it(planner, cast, zhuzhou, category):
    plan = registered(planner, cast, zhuzhou, category)
    plan.parties = [Row(role="applicant", name="张三", phone="13800138000")]
    plan.steps = mediated(cast)
    counts = disputes.plans_write([plan], planner=planner)
    assert counts["cases"] == 1 and counts["history"] == 8 and counts["audit"] == 8
    case = Case.objects.get()
    # The states come from the declaration: accept → 已受理, assign → 调解中, … close → 已结案; rate keeps it.
    events = list(case.events.order_by("created_at", "id"))
    assert [(e.type, e.from_status, e.to_status) for e in events] == [
        (EventType.REGISTERED, "", S.REGISTERED),
        (EventType.ROUTED, "", S.REGISTERED),
        (EventType.ACCEPTED, S.REGISTERED, S.ACCEPTED),
        (DisputeEvent.MEDIATOR_ASSIGNED, S.ACCEPTED, S.MEDIATING),
        (DisputeEvent.SESSION_RECORDED, S.MEDIATING, S.MEDIATING),
        (DisputeEvent.CONCLUDED, S.MEDIATING, S.CONCLUDED),
        (EventType.VERIFIED, S.CONCLUDED, S.VERIFIED),
        (EventType.CLOSED, S.VERIFIED, S.CLOSED),
        (EventType.RATED, S.CLOSED, S.CLOSED),
    ]
    assert events[4].params["session"] == MediationSession.objects.get().pk
    assert case.status == S.CLOSED and case.state_type == StateType.CLOSED and case.on_time
    assert case.assignee_id == case.resolved_by_id == cast["songshan_mediator"].pk
    assert MediationResult.objects.get(case=case).outcome == Outcome.FAILURE
    # One historical record per save of the case, by the actor at the step's time; the last one is the case.
    records = list(case.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in records] == ["+"] + ["~"] * 7
    assert [r.status for r in records] == [e.to_status for e in events[1:]]
    assert [(r.history_date, r.history_user_id) for r in records[1:]] == [
        (e.created_at, e.actor_id) for e in events[2:]
    ]
    assert records[-1].closed_at == case.closed_at and records[-1].satisfaction == case.satisfaction
    party = Party.objects.get(case=case)
    assert party.history.get().history_user_id == cast["songshan_clerk"].pk
    assert MediationResult.history.model.objects.filter(case_id=case.pk).count() == 1
    # The audit entries of cases.services: CREATE, then TRANSITION with the action and the states.
    audit = list(AuditLog.objects.filter(object_type="cases.case", object_id=str(case.pk)).order_by("created_at", "id"))
    assert audit[0].action == AuditAction.CREATE and audit[0].changes == {"number": case.number, "kind": "dispute"}
    assert [a.changes for a in audit[1:]] == [
        {"action": action, "from": e.from_status, "to": e.to_status}
        for action, e in zip(
            ["accept", "assign_mediator", "record_session", "conclude", "verify", "close", "rate"],
            events[2:],
            strict=True,
        )
    ]
    assert {a.action for a in audit[1:]} == {AuditAction.TRANSITION}
    assert [a.actor_id for a in audit] == [cast["songshan_clerk"].pk] + [e.actor_id for e in events[2:]]


def test_a_failed_verification_goes_where_the_declaration_says(planner, cast, zhuzhou, category):
    plan = registered(planner, cast, zhuzhou, category)
    plan.steps = mediated(cast)[:4] + [Step("verify", cast["songshan_head"], hours(5), {"passed": False}, "重新调解")]
    planner.apply(plan)
    assert plan.case.status == S.MEDIATING  # the verify transition's options["rework_to"]
    assert plan.case.rework_count == 1 and plan.case.outcome == "" and plan.events[-1]["type"] == EventType.REWORK


REFUSALS = {
    "an undeclared step": (lambda cast: Step("reopen", cast["songshan_clerk"], hours(1)), 1, "未知的操作:reopen"),
    "a step from the wrong state": (
        lambda cast: Step("close", cast["songshan_head"], hours(1)),
        1,
        "案件当前状态为“待受理”,不能执行“结案”",
    ),
    "an actor of another district": (
        lambda cast: Step("accept", cast["hetang_clerk"], hours(1)),
        1,
        "您没有对本案件执行“受理”的权限",
    ),
    "a mediator who is not the assignee": (
        lambda cast: Step("record_session", cast["songshan_justice"], hours(3), {"session": session(cast, hours(3))}),
        3,
        "您没有对本案件执行“记录调解”的权限",
    ),
    "a conclusion without a session": (
        lambda cast: Step("conclude", cast["songshan_mediator"], hours(3), {"outcome": Outcome.FAILURE}),
        3,
        "请先记录至少一次调解",
    ),
    "a decision on no request": (
        lambda cast: Step("approve_extension", cast["songshan_head"], hours(3), {"approve": True}),
        3,
        "没有待审批的延期申请",
    ),
}


@pytest.mark.parametrize("refusal", list(REFUSALS))
def test_a_plan_the_workflow_refuses_stops_the_load_before_anything_is_written(
    refusal, planner, cast, zhuzhou, category
):
    good = registered(planner, cast, zhuzhou, category)
    good.steps = mediated(cast)
    bad = registered(planner, cast, zhuzhou, category)
    make_step, position, message = REFUSALS[refusal]
    bad.steps = mediated(cast)[: position - 1] + [make_step(cast)]
    before = written()
    with pytest.raises(PlanRefused) as refused:
        disputes.plans_write([good, bad], planner=planner)
    assert message in str(refused.value)
    assert "楼上漏水纠纷" in str(refused.value) and f"第 {position} 步" in str(refused.value)  # names case and step
    assert written() == before  # not even the good plan


def test_the_four_eyes_rule_refuses_the_mediator_as_verifier(planner, people, zhuzhou, category):
    # A centre clerk who is also a mediator mediates the case: they may not verify it themselves.
    both = make_user("songshan_both", "两岗", (zhuzhou.songshan_centre, Role.CENTRE_STAFF))
    both.memberships.create(organization=zhuzhou.songshan_mediation, role=Role.MEDIATOR)
    cast = actors_load(user_ids=[user.pk for user in [*vars(people).values(), both]])
    plan = registered(planner, cast, zhuzhou, category)
    clerk, mediator = cast["songshan_clerk"], cast["songshan_both"]
    plan.steps = [
        Step("accept", clerk, hours(1)),
        Step("assign_mediator", clerk, hours(2), {"mediator": mediator}),
        Step("record_session", mediator, hours(3), {"session": session(cast, hours(3))}),
        Step("conclude", mediator, hours(4), {"outcome": Outcome.FAILURE, "result": failure(cast, hours(4))}),
        Step("verify", mediator, hours(5), {"passed": True}),
    ]
    with pytest.raises(PlanRefused, match="“核查”须由办理人以外的人员执行"):
        planner.apply(plan)
    plan.steps[-1] = Step("verify", cast["tianyuan_clerk"], hours(5), {"passed": True})  # a centre above: admitted
    assert planner.apply(plan).case.status == S.VERIFIED


def test_incidents_go_through_the_same_checker(db, people, zhuzhou, category):
    cast = actors_load(user_ids=[user.pk for user in vars(people).values()])
    orgs = orgs_load()
    planner = incidents.incident_planner(Clock(WorkCalendar()))
    plan = planner.register(
        actor=cast["songshan_clerk"],
        at=MONDAY,
        assigned_org=orgs["C430211004"],
        fields={
            "category_id": category.pk,  # the category plays no part in the guard
            "title": "井盖破损",
            "description": "井盖破损。",
            "channel": Channel.GRID,
            "urgency": Urgency.NORMAL,
            "region_id": zhuzhou.taishan.pk,
            "region_code": zhuzhou.taishan.code,
            "sla_amount": 5,
            "sla_unit": ClockUnit.WORKING_DAYS,
        },
    )
    clerk, justice = cast["songshan_clerk"], cast["songshan_justice"]
    plan.steps = [Step("file", clerk, hours(1)), Step("accept", justice, hours(2))]
    with pytest.raises(PlanRefused, match="不能执行“接收处置”"):  # not dispatched yet
        planner.apply(plan)
    plan.steps[1:] = [
        Step("dispatch", clerk, hours(2), {"to_org": orgs["J430211004"]}),
        Step("accept", justice, hours(3)),
        Step("feedback", justice, hours(4)),
        Step("verify", justice, hours(5), {"passed": True}),
    ]
    with pytest.raises(PlanRefused, match="您没有对本案件执行“核查结案”的权限"):
        planner.apply(plan)
    plan.steps[-1] = Step("verify", clerk, hours(5), {"passed": True})
    assert planner.apply(plan).case.status == IncidentState.CLOSED and plan.case.on_time
    plan.steps[1] = Step("dispatch", clerk, hours(2), {"to_org": orgs["M430211004"]})  # a committee works no incidents
    with pytest.raises(PlanRefused, match="不承办网格事件案件"):
        planner.apply(plan)


# --- the planner's guard and effects against the engine's -------------------------------------------


RATING = {"satisfaction": "satisfied", "method": "phone"}


def test_the_planner_and_the_engine_agree_step_by_step(planner, people, zhuzhou, category):
    """The same history taken by `case_transition` on a registered case and planned for the planner: after
    each step the case stands the same in both, and everyone of the scene may take the same actions in
    both (the engine's `allowed_transitions` against the planner's `step_refusal`)."""
    everyone = list(vars(people).values())
    cast = actors_load(user_ids=[user.pk for user in everyone])
    clerk, head, mediator = people.clerk, people.head, people.mediator
    with time_machine.travel(MONDAY, tick=False) as clock:
        case = register_dispute(zhuzhou, people, category)
        plan = planner.register(
            actor=cast[clerk.username],
            at=case.registered_at,
            assigned_org=orgs_load()[case.assigned_org.code],
            fields={
                name: getattr(case, name)
                for name in (
                    "category_id",
                    "title",
                    "description",
                    "channel",
                    "urgency",
                    "region_id",
                    "region_code",
                    "address",
                    "sla_amount",
                    "sla_unit",
                )
            },
        )
        planner.apply(plan)
        steps = [
            (clerk, "accept", {}, {}),
            (clerk, "assign_mediator", {"mediator": mediator.username}, {"mediator": cast[mediator.username]}),
            (
                mediator,
                "record_session",
                {"place": "调解室", "attendees": "张三、李四", "notes": "双方陈述。"},
                "session",
            ),
            (mediator, "request_extension", {"amount": 3, "comment": "需要鉴定"}, {"amount": 3}),
            (head, "approve_extension", {"approve": "true"}, {"approve": True}),
            (people.district_clerk, "supervise", {"comment": "请加快"}, {}),
            (mediator, "conclude", {"outcome": "failure", "advised_route": "litigation"}, "failure"),
            (head, "verify", {"passed": "false", "comment": "重新调解"}, {"passed": False}),
            (
                mediator,
                "record_session",
                {"place": "调解室", "attendees": "张三、李四", "notes": "再次调解。"},
                "session",
            ),
            (mediator, "conclude", {"outcome": "failure", "advised_route": "litigation"}, "failure"),
            (head, "verify", {"passed": "true"}, {"passed": True}),
            (head, "close", {}, {}),
            (
                clerk,
                "rate",
                {"satisfaction": "satisfied", "method": "phone"},
                {"satisfaction": "satisfied", "method": "phone"},
            ),
        ]
        workflow = planner.workflow
        for user, action, form, data in [(None, "", {}, {}), *steps]:
            if user is not None:
                clock.shift(datetime.timedelta(hours=1))
                now = datetime.datetime.now(TZ)
                if data == "session":
                    form = {**form, "held_at": now.isoformat()}
                    data = {"session": session(cast, now)}
                elif data == "failure":
                    data = {"outcome": Outcome.FAILURE, "result": failure(cast, now)}
                comment = form.get("comment", "")
                case = case_transition(case=case, actor=user, action=action, data=form)
                plan.steps.append(Step(action, cast[user.username], now, data, comment))
                planner.apply(plan)
            case = Case.objects.select_related("assigned_org__region").get(pk=case.pk)
            for name in ("status", "state_type", "assignee_id", "accepted_at", "resolved_at", "resolved_by_id"):
                assert getattr(plan.case, name) == getattr(case, name), (action, name)
            for name in ("verified_at", "closed_at", "on_time", "outcome", "rework_count", "supervision_count"):
                assert getattr(plan.case, name) == getattr(case, name), (action, name)
            for name in ("extension_amount", "deadline", "warn_at", "satisfaction", "rated_at"):
                assert getattr(plan.case, name) == getattr(case, name), (action, name)
            for person in everyone:
                person = type(person).objects.get(pk=person.pk)  # fresh memberships
                engine = {t.action for t in allowed_transitions(case, person)}
                planned = {
                    t.action
                    for t in workflow.transitions
                    if step_refusal(workflow, plan.case, cast[person.username], t, planner.conditions) is None
                }
                assert planned == engine, (action, person.username)
    events = list(case.events.order_by("created_at", "id"))
    assert [(e["type"], e["from_status"], e["to_status"], e["actor_org_id"]) for e in plan.events] == [
        (e.type, e.from_status, e.to_status, e.actor_org_id) for e in events
    ]
    drop = ("session", "request", "location", "basis")  # ids of rows written later; intake's own details
    assert [{k: v for k, v in e["params"].items() if k not in drop} for e in plan.events] == [
        {k: v for k, v in e.params.items() if k not in drop} for e in events
    ]
