"""The plan of a case's history as a sequence of the transitions its kind's workflow declares, checked step
by step against the declaration before anything is written.

A generator (`disputes`, `incidents`) registers a case (`Planner.register`: who registers it, where it is
routed, its clock) and lists its steps: an action of the workflow, who takes it, when, and the data its form
would carry. `Planner.apply` replays the plan from the registration, as `cases.services.case_register` and
`case_transition` would have taken it:

- the registrar holds a role that registers cases in an organisation whose jurisdiction covers the case,
  and the organisation the case is routed to is of a type the workflow admits (`Workflow.org_types`);
- each step is a declared transition (`workflows.get(kind).transition(action)`), allowed from the state the
  case is in, to an actor the declaration admits — a role in the assigned organisation, a role in a centre
  above it (`workflows.relation`, the engine's own function), or the assignee — and not refused by its
  four-eyes `forbid` rules or its condition (`step_refusal`, the guard's `refusal` with planned facts for the database);
- the state after a step is the declared target (`Transition.target`, or the state it is in for a step that
  keeps it), or one of the alternatives the declaration names for the handler (a failed verification's
  `options["rework_to"]`); never a state written by hand.

What a step changes on the case mirrors the engine's handler for it (`cases.services.handle_*`, and the
kinds' own in `disputes.py` and `incidents.py` here). Each step leaves what the service leaves: one timeline
event, one historical record of the case (simple_history) and one audit entry; the registration leaves the
REGISTERED and ROUTED events, the first historical records of the case and its parties and the CREATE audit
entry. The writer (`writer.cases_write`) turns them into rows in bulk. A plan the workflow would refuse
raises `PlanRefused` (an `InvalidDemoData`): the load stops with the case and the step named, nothing
written.

`step_refusal`, `intake_org` and `acting_org` are pure versions of the engine's guard, `_intake_org` and
`_acting_org` over the shapes in `actors.py`; they belong in `pingan.cases.workflows` once the engine offers
a check of a step without a database round trip.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, SimpleNamespace
from typing import TYPE_CHECKING, Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.cases import clocks, workflows
from pingan.cases import services as cs
from pingan.cases.choices import EventType, ExtensionStatus
from pingan.core.errors import ApplicationError

from .actors import Actor, OrgRef
from .checks import InvalidDemoData
from .rows import Row

if TYPE_CHECKING:
    from pingan.accounts.models import User
    from pingan.cases.models import Case
    from pingan.regions.models import Organization

    from .writer import Clock

TZ = ZoneInfo(settings.TIME_ZONE)


class PlanRefused(InvalidDemoData):
    """A planned step (or registration) the workflow would refuse: the load stops before writing anything."""


# --- the guard, without a database -----------------------------------------------------------------

# The engine's pure functions (the guard, the clock, the light, an agreement's number) are declared on the
# models, and read of them only the fields the demo's shapes carry (a `CaseDraft` for a Case, an `Actor` for a
# User, an `OrgRef` for an Organization): these hand a shape to them as the model, a cast for the type checker.


def as_case(draft: SimpleNamespace) -> Case:
    return cast("Case", draft)


def as_user(actor: Actor) -> User:
    return cast("User", actor)


def as_org(org: OrgRef) -> Organization:
    return cast("Organization", org)


def intake_org(actor: Actor, region_code: str) -> OrgRef | None:
    """Where `actor` registers a case in `region_code`, as `cases.services._intake_org` finds it: the
    lowest organisation whose jurisdiction covers the case and in which the actor holds an intake role."""
    orgs = [
        m.organization
        for m in actor.active_memberships
        if m.role in cs.INTAKE_ROLES and region_code.startswith(m.organization.region.prefix)
    ]
    return max(orgs, key=lambda org: org.region.level, default=None)


def acting_org(case: CaseDraft, actor: Actor) -> OrgRef | None:
    """In whose name `actor` acts on the case (the event's actor_org), as `cases.services._acting_org`."""
    own = [m.organization for m in actor.active_memberships if m.organization.pk == case.assigned_org_id]
    if own:
        return own[0]
    covering = [
        m.organization for m in actor.active_memberships if case.region_code.startswith(m.organization.region.prefix)
    ]
    return max(covering, key=lambda org: org.region.level, default=None)


Condition = Callable[[Any], bool]


class _Unverifiable(Exception):
    """A condition that reads the database and has no planned fact to stand in for it."""


def step_refusal(
    workflow: workflows.Workflow,
    case: CaseDraft,
    actor: Actor,
    transition: workflows.Transition,
    conditions: Mapping[Condition, Condition],
    relation: Callable[[CaseDraft, Actor], workflows.Relation] | None = None,
) -> str | None:
    """Why the workflow refuses `actor` the transition on the case as it stands, or None: the engine's own
    check (`workflows.refusal`), with a condition that reads the database (pending extensions, sessions…)
    read from the case's planned facts through `conditions`; one that reads only the case's fields is the
    declaration's own function."""
    rel = relation(case, actor) if relation else workflows.relation(as_case(case), as_user(actor))
    check: Callable[[Case], bool] | None = None
    if transition.condition is not None:
        fact = conditions.get(transition.condition, transition.condition)

        def planned_check(planned: Case) -> bool:
            try:
                return bool(fact(planned))
            except (AttributeError, TypeError, ValueError):  # it needs the database and has no fact here
                raise _Unverifiable from None

        check = planned_check
    try:
        return workflows.refusal(as_case(case), as_user(actor), transition, rel, condition=check)
    except _Unverifiable:
        return _("演示数据无法核对“%(action)s”的前提条件") % {"action": transition.label}


# --- plans -----------------------------------------------------------------------------------------


class CaseDraft(SimpleNamespace):
    """A case being planned: the Case fields (by attname) as the services would set them, cheaper than a
    model instance, with `assigned_org` as the guard reads it and the facts that the workflow's conditions
    read from other tables (sessions held, a pending extension…). Only the Case's fields are written."""

    def __init__(self, **fields: Any) -> None:
        super().__init__(**{**DRAFT_DEFAULTS, **fields})


DRAFT_DEFAULTS: dict[str, Any] = {
    "extension_amount": 0,
    "rework_count": 0,
    "supervision_count": 0,
    "outcome": "",
    "satisfaction": "",
    "accepted_at": None,
    "resolved_at": None,
    "resolved_by_id": None,
    "verified_at": None,
    "closed_at": None,
    "on_time": None,
    "rated_at": None,
    "assignee_id": None,
    "assignee": None,  # the assignee as an Actor (not a column)
    "parent_id": None,
    "paused_at": None,
    "pk": None,
    # facts the conditions read (see `CONDITIONS`): not columns of the case
    "sessions": 0,
    "pending_extension": False,
    "confirmation": False,
    "followup": False,
    "last_move": None,
    "now": None,  # the time of the step being checked (a condition that reads the clock, e.g. 挂起)
}


@dataclass(eq=False, slots=True)
class Step:
    """One planned action: a transition of the workflow (`action`), who takes it, when, and what its form
    would carry (`data`; the comment is the form's 意见)."""

    action: str
    actor: Actor
    at: datetime.datetime
    data: dict[str, Any] = field(default_factory=dict)
    comment: str = ""


class Effect(NamedTuple):
    """What a step's handler did, as `workflows.Effect`: the event to write, the case's changed fields and,
    for a handler that may send the case elsewhere than the declared target, the name of the declared
    alternative (a key of `Transition.options`). Read only."""

    event_type: str
    params: Mapping[str, Any] = MappingProxyType({})
    changes: Mapping[str, Any] = MappingProxyType({})
    alternative: str = ""


@dataclass(eq=False, slots=True)
class CasePlan:
    """A case and its planned history. `registration` holds the case's fields as registered (with its clock);
    `case`, `events`, `history` and `records` are what `Planner.apply` derives from the steps."""

    kind: str
    registration: dict[str, Any]
    registrar: Actor
    assigned_org: OrgRef
    parties: list[Row]
    steps: list[Step] = field(default_factory=list)
    registered_params: dict[str, Any] = field(default_factory=dict)
    routed_params: dict[str, Any] = field(default_factory=dict)
    routed_from: str = ""  # the ROUTED event's from_status ("" as `case_register` writes it)
    case: CaseDraft = field(init=False)
    events: list[Row] = field(default_factory=list)
    # (when, who, the case's changed fields): the registration's, then one per step
    history: list[tuple[datetime.datetime, int | None, Mapping[str, Any]]] = field(default_factory=list)
    # the kind's own rows the steps wrote (sessions, the mediation result, an extension request…)
    records: dict[str, Any] = field(default_factory=dict)
    applied: bool = False

    def __post_init__(self) -> None:
        self.case = CaseDraft(**self.registration)

    @property
    def label(self) -> str:
        case = self.case
        number = getattr(case, "number", "") or f"{timezone.localtime(case.registered_at):%Y-%m-%d %H:%M}"
        return f"{number} {case.title}"


EffectFn = Callable[["Planner", CasePlan, Step], Effect]


class Planner:
    """Registers cases of one kind and applies their planned steps against its workflow."""

    def __init__(
        self,
        kind: str,
        clock: Clock,
        *,
        effects: Mapping[str, EffectFn],
        conditions: Mapping[Condition, Condition] | None = None,
    ) -> None:
        self.kind = kind
        self.workflow = workflows.get(kind)
        self.clock = clock
        self.effects = {**COMMON_EFFECTS, **effects}
        self.conditions = {**CONDITIONS, **(conditions or {})}
        self.transitions = {t.action: t for t in self.workflow.transitions}
        self.state_types = {s.value: s.type for s in self.workflow.states}
        self._relations: dict[tuple, workflows.Relation] = {}

    def relation(self, case: CaseDraft, actor: Actor) -> workflows.Relation:
        """`workflows.relation`, remembered: it depends only on the actor, the assigned organisation, where
        the case lies and whether the actor is its assignee."""
        key = (actor.pk, case.assigned_org_id, case.region_code, case.assignee_id == actor.pk)
        found = self._relations.get(key)
        if found is None:
            found = self._relations[key] = workflows.relation(as_case(case), as_user(actor))
        return found

    def register(
        self,
        *,
        actor: Actor,
        at: datetime.datetime,
        assigned_org: OrgRef,
        fields: Mapping[str, Any],
        parties: list[Row] | None = None,
        registered_params: Mapping[str, Any] | None = None,
        routed_params: Mapping[str, Any] | None = None,
        routed_from: str = "",
    ) -> CasePlan:
        """A case registered by `actor` at `at` and routed to `assigned_org`, with its clock started."""
        workflow = self.workflow
        intake = intake_org(actor, fields["region_code"])
        registration = {
            "kind": self.kind,
            "status": workflow.initial,
            "state_type": workflow.state(workflow.initial).type,
            "registered_at": at,
            "assigned_org": assigned_org,
            "assigned_org_id": assigned_org.pk,
            "intake_org_id": intake.pk if intake else None,
            "created_by_id": actor.pk,
            **fields,
        }
        plan = CasePlan(
            kind=self.kind,
            registration=registration,
            registrar=actor,
            assigned_org=assigned_org,
            parties=parties or [],
            registered_params=dict(registered_params or {}),
            routed_params=dict(routed_params or {}),
            routed_from=routed_from,
        )
        self.clock.start(plan)
        plan.registration = dict(vars(plan.case))
        return plan

    def refuse(self, plan: CasePlan, message: str, step: Step | None = None, position: int = 0) -> PlanRefused:
        if step is None:
            return PlanRefused(
                _("演示案件“%(case)s”的登记不符合流程定义:%(reason)s") % {"case": plan.label, "reason": message}
            )
        transition = self.workflow.transition(step.action)
        return PlanRefused(
            _("演示案件“%(case)s”第 %(n)s 步“%(action)s”(%(at)s,%(actor)s)不符合流程定义:%(reason)s")
            % {
                "case": plan.label,
                "n": position,
                "action": transition.label if transition else step.action,
                "at": f"{timezone.localtime(step.at):%Y-%m-%d %H:%M}",
                "actor": step.actor,
                "reason": message,
            }
        )

    def apply(self, plan: CasePlan) -> CasePlan:
        """Replay the plan from its registration, checking every step against the workflow; derive the case,
        its timeline, its history and the kind's records. Raises PlanRefused for a step the workflow refuses."""
        workflow = self.workflow
        case = plan.case = CaseDraft(**plan.registration)
        plan.events, plan.history, plan.records = [], [], {}
        actor = plan.registrar
        intake = intake_org(actor, case.region_code)
        if intake is None or intake.pk != case.intake_org_id:
            raise self.refuse(plan, _("%(actor)s没有在该区划登记案件的权限") % {"actor": actor})
        refusal = workflow.org_refusal(as_org(plan.assigned_org))
        if refusal:
            raise self.refuse(plan, refusal)
        at = case.registered_at
        plan.events.append(
            Row(
                type=EventType.REGISTERED,
                actor_id=actor.pk,
                actor_org_id=intake.pk,
                from_status="",
                to_status=case.status,
                comment="",
                params={"channel": case.channel, "intake_org": intake.code, **plan.registered_params},
                created_at=at,
            )
        )
        plan.events.append(
            Row(
                type=EventType.ROUTED,
                actor_id=None,
                actor_org_id=None,
                from_status=plan.routed_from,
                to_status=case.status,
                comment="",
                params={
                    "to_org": plan.assigned_org.code,
                    "to_org_name": plan.assigned_org.name,
                    **plan.routed_params,
                    "deadline": case.deadline.astimezone(TZ).isoformat(),
                },
                created_at=at,
            )
        )
        plan.history.append((at, actor.pk, {}))
        for position, step in enumerate(plan.steps, start=1):
            self.take(plan, step, position, at)
            at = step.at
        plan.applied = True
        return plan

    def take(self, plan: CasePlan, step: Step, position: int, after: datetime.datetime) -> None:
        workflow, case = self.workflow, plan.case
        if step.at < after:
            raise self.refuse(plan, _("办理时间早于上一步"), step, position)
        transition = self.transitions.get(step.action)
        if transition is None:
            raise self.refuse(plan, _("未知的操作:%(action)s") % {"action": step.action}, step, position)
        case.now = step.at
        refusal = step_refusal(workflow, case, step.actor, transition, self.conditions, self.relation)
        if refusal:
            raise self.refuse(plan, refusal, step, position)
        handler = self.effects.get(step.action)
        if handler is None:
            raise self.refuse(plan, _("演示数据不会执行该操作"), step, position)
        try:
            effect = handler(self, plan, step)
        except ApplicationError as exc:  # what the handler itself refuses (a target of the wrong type…)
            raise self.refuse(plan, exc.message, step, position) from exc
        previous = case.status
        target = transition.options[effect.alternative] if effect.alternative else transition.target or previous
        state_type = self.state_types.get(target)
        if state_type is None:
            raise self.refuse(plan, _("流程没有“%(state)s”状态") % {"state": target}, step, position)
        changes = {**effect.changes, "status": target, "state_type": state_type}
        vars(case).update(changes)
        org = acting_org(case, step.actor)
        plan.events.append(
            Row(
                type=effect.event_type,
                actor_id=step.actor.pk,
                actor_org_id=org.pk if org else None,
                from_status=previous,
                to_status=target,
                comment=step.comment,
                params=dict(effect.params),
                created_at=step.at,
                action=step.action,  # for the audit entry; not a column
            )
        )
        plan.history.append((step.at, step.actor.pk, changes))


# --- the engine's common handlers (cases.services), as effects on a plan ---------------------------


def _move(planner: Planner, plan: CasePlan, to_org: OrgRef) -> tuple[dict[str, Any], dict[str, Any]]:
    """`cases.services._move`: the target's type must be admitted; the case loses its assignee."""
    planner.workflow.org_check(as_org(to_org))
    here = plan.case.assigned_org
    params = {"from_org": here.code, "from_org_name": here.name, "to_org": to_org.code, "to_org_name": to_org.name}
    changes = {
        "assigned_org": to_org,
        "assigned_org_id": to_org.pk,
        "assignee_id": None,
        "assignee": None,
        "last_move": (here.code, to_org.code),
    }
    return params, changes


def accept(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_accept`."""
    return Effect(EventType.ACCEPTED, changes={"accepted_at": plan.case.accepted_at or step.at})


def dispatch(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_dispatch`: to an organisation inside the dispatching one's jurisdiction that covers the case."""
    to_org: OrgRef = step.data["to_org"]
    here = plan.case.assigned_org
    if to_org.pk == here.pk:
        raise ApplicationError(_("不能派遣给本单位"), field="to_org")
    if not to_org.region.code.startswith(here.region.prefix):
        raise ApplicationError(_("只能派遣给本辖区内的下级单位或部门"), field="to_org")
    if not plan.case.region_code.startswith(to_org.region.prefix):
        raise ApplicationError(_("目标单位的管辖范围不包含案件所在地"), field="to_org")
    params, changes = _move(planner, plan, to_org)
    return Effect(EventType.DISPATCHED, params, changes)


def escalate(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_escalate` to a named organisation above the case's that covers it."""
    to_org: OrgRef = step.data["to_org"]
    here = plan.case.assigned_org
    if to_org.region.level >= here.region.level or not plan.case.region_code.startswith(to_org.region.prefix):
        raise ApplicationError(_("只能上报给管辖本案件的上级单位"), field="to_org")
    params, changes = _move(planner, plan, to_org)
    return Effect(EventType.ESCALATED, params, changes)


def supervise(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_supervise`."""
    count = plan.case.supervision_count + 1
    return Effect(EventType.SUPERVISED, {"count": count}, {"supervision_count": count})


def request_extension(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_request_extension`: the request (its reason the comment) waits for a decision; the writer
    puts its id in the event (`params["request"]`)."""
    amount = step.data["amount"]
    plan.records["extension"] = Row(
        amount=amount,
        reason=step.comment,
        status=ExtensionStatus.PENDING,
        requested_by_id=step.actor.pk,
        requested_at=step.at,
    )
    return Effect(
        EventType.EXTENSION_REQUESTED,
        {"amount": amount, "unit": plan.case.sla_unit},
        {"pending_extension": True},
    )


def approve_extension(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_approve_extension`: never by the one who asked; approval moves the deadline (`Clock.extend`)."""
    request = plan.records["extension"]
    if request["requested_by_id"] == step.actor.pk:
        raise ApplicationError(_("不能审批本人提出的延期申请"))
    approved = bool(step.data["approve"])
    request.update(
        status=ExtensionStatus.APPROVED if approved else ExtensionStatus.REJECTED,
        decided_by_id=step.actor.pk,
        decided_at=step.at,
    )
    params: dict[str, Any] = {"approved": approved, "amount": request["amount"]}
    changes: dict[str, Any] = {"pending_extension": False}
    if approved:
        changes |= planner.clock.extend(plan, request["amount"])
        params["deadline"] = changes["deadline"].astimezone(TZ).isoformat()
    return Effect(EventType.EXTENSION_DECIDED, params, changes)


def verify(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_verify`: passed, the case is verified; failed, it goes back to the declared `rework_to`."""
    if step.data["passed"]:
        return Effect(EventType.VERIFIED, {"passed": True}, {"verified_at": step.at})
    count = plan.case.rework_count + 1
    return Effect(
        EventType.REWORK,
        {"passed": False, "rework_count": count},
        {"rework_count": count, "resolved_at": None, "outcome": ""},
        alternative="rework_to",
    )


def close(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_close`: the on-time verdict is frozen (`Clock.stop`)."""
    changes = planner.clock.stop(plan, step.at)
    return Effect(EventType.CLOSED, {"on_time": changes["on_time"]}, changes)


def rate(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_rate`."""
    satisfaction = step.data["satisfaction"]
    return Effect(
        EventType.RATED,
        {"satisfaction": satisfaction, "method": step.data["method"]},
        {"satisfaction": satisfaction, "rated_at": step.at},
    )


COMMON_EFFECTS: dict[str, EffectFn] = {
    "accept": accept,
    "dispatch": dispatch,
    "escalate": escalate,
    "supervise": supervise,
    "request_extension": request_extension,
    "approve_extension": approve_extension,
    "verify": verify,
    "close": close,
    "rate": rate,
}

# The engine's conditions that read other tables, read from the plan's facts instead (the kinds add theirs).
CONDITIONS: dict[Condition, Condition] = {
    cs.has_no_pending_extension: lambda case: not case.pending_extension,
    cs.has_pending_extension: lambda case: case.pending_extension,
    cs.can_return: lambda case: case.last_move is not None and case.last_move[1] == case.assigned_org.code,
    cs.is_not_rated: lambda case: not case.satisfaction,
    # 挂起 only before the deadline, asked at the time of the planned step
    clocks.can_suspend: lambda case: clocks.may_suspend_at(as_case(case), case.now),
}
