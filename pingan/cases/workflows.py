"""Workflows as data: each case kind declares its states, guarded transitions and default clocks once.

The UI's buttons, the API's `allowed_actions` and the guard in the services all read the same
declaration, so they cannot disagree. Adding a kind means adding an app that registers a Workflow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.accounts.choices import Role
from pingan.core.errors import ApplicationError, TransitionNotAllowed
from pingan.regions.choices import OrgType

from .choices import ClockUnit, StateType, Urgency
from .events import EventSpec, register_event_types, unregister_event_types

if TYPE_CHECKING:
    from django.utils.functional import Promise
    from rest_framework import serializers

    from pingan.accounts.models import User
    from pingan.regions.models import Organization, Region

    from .action_forms import ActionForm
    from .models import Case, Category
    from .parties import PartyInput


@dataclass(frozen=True)
class State:
    value: str
    label: str | Promise
    type: str = StateType.OPEN


@dataclass(frozen=True)
class Effect:
    """What a transition's handler did: the timeline event to write, and where the case goes."""

    event_type: str
    params: Mapping[str, Any] = field(default_factory=dict)
    target: str | None = None  # overrides the declared target (e.g. a failed verification goes back)
    notify_org: bool = True


class Handler(Protocol):
    """What a transition does to the (locked) case before the engine saves it and writes the timeline event:
    `data` is the cleaned data of the transition's form. Raise ApplicationError to refuse."""

    def __call__(self, *, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect: ...


class IntakeCheck(Protocol):
    """A kind's check of a new case before it is registered (Workflow.intake_check): raise
    ApplicationError to refuse it."""

    def __call__(self, *, parties: list[PartyInput], category: Category, channel: str, region: Region) -> None: ...


class IntakeRoute(Protocol):
    """A kind's own routing of a new case whose caller named no organisation (Workflow.intake_route): the
    organisation that takes it (checked against the kind's org_types), or None for the routing rules."""

    def __call__(self, *, parties: list[PartyInput], category: Category, region: Region) -> Organization | None: ...


class OnRegister(Protocol):
    """What a kind writes of its own once the engine registered one of its cases (Workflow.on_register),
    whichever door the case came in by (the case form, the API, the kind's services), in the same
    transaction: e.g. the consultation's record of which enterprise asked."""

    def __call__(self, *, case: Case, actor: User, parties: list[PartyInput]) -> None: ...


@dataclass(frozen=True)
class Transition:
    """One guarded action. Who may take it: roles held in the case's assigned organisation (`roles`),
    roles held in a centre above it whose jurisdiction covers the case (`superior_roles`), or the case's
    assignee. `forbid` names case attributes holding users who may not take it (four-eyes rules); a dotted
    name follows related records from the case ("risk.review.author_id"), a missing link forbidding no one."""

    action: str
    label: str | Promise
    sources: frozenset[str]
    target: str | None
    handler: Handler
    form: type[ActionForm]
    roles: frozenset[str] = frozenset()
    superior_roles: frozenset[str] = frozenset()
    assignee: bool = False
    forbid: tuple[str, ...] = ()
    condition: Callable[[Case], bool] | None = None
    condition_message: str = ""
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    style: str = "primary"


@dataclass(frozen=True)
class Panel:
    """A part of the case detail page that a kind adds (e.g. the mediation record): a template included
    in the main column below the parties, or in the side column (`column="side"`), with what
    `context(case, user)` returns merged into the page's context."""

    template: str
    context: Callable[[Case, User], Mapping[str, Any]] | None = None
    column: str = "main"


ParamFormatter = Callable[[Any], str]


@dataclass(frozen=True)
class ClockTrigger:
    """When a clock starts or stops: at registration, on a transition (`action`), on reaching a state, or
    on reaching a state type (e.g. StateType.RESOLVED). Build one with the class methods."""

    on: str  # "registration" | "action" | "state" | "state_type"
    value: str = ""

    @classmethod
    def registration(cls) -> ClockTrigger:
        return cls("registration")

    @classmethod
    def action(cls, action: str) -> ClockTrigger:
        return cls("action", action)

    @classmethod
    def state(cls, state: str) -> ClockTrigger:
        return cls("state", state)

    @classmethod
    def state_type(cls, state_type: str) -> ClockTrigger:
        return cls("state_type", state_type)

    def fires(self, *, action: str, target: str, target_type: str) -> bool:
        """Whether a transition `action` into state `target` (of type `target_type`) fires this trigger."""
        return (
            (self.on == "action" and self.value == action)
            or (self.on == "state" and self.value == target)
            or (self.on == "state_type" and self.value == target_type)
        )

    def describe(self, workflow: Workflow) -> str:
        if self.on == "registration":
            return _("登记时")
        if self.on == "action":
            transition = workflow.transition(self.value)
            return _("“%(action)s”时") % {"action": transition.label if transition else self.value}
        if self.on == "state":
            return _("进入“%(state)s”时") % {"state": workflow.state_label(self.value)}
        return _("进入%(type)s状态时") % {"type": StateType(self.value).label}


AT_REGISTRATION = ClockTrigger.registration()


@dataclass(frozen=True)
class ClockSpec:
    """One named clock a kind's cases run (时限), e.g. 受理 (acceptance), 答复 (reply), 决定 (decision).

    Its rule: `amount` in `unit` (working days or hours, calendar days or hours), with the approved
    extensions added; it starts at `starts` and stops at any of `stops` — and every clock stops when the
    case closes, freezing its on-time verdict. `pausable` clocks pause while the case is suspended
    (中止/挂起) and resume with the time they had left; periods that do not count (鉴定、公告) are left
    out. A warning (临期) goes out when `warn_share` of its time is left (default
    PINGAN_SLA_WARNING_SHARE), a 超期 notice at the deadline, and, with `escalate_after` = (amount, unit),
    an escalation to the centre above that long after the deadline.

    The primary clock (exactly one) is the case's own: `Case.deadline`, `warn_at`, `on_time` and the
    list's light are its copy. It starts at registration and stops at closing; without an `amount`, its
    rule is the kind's `clocks` by urgency, narrowed by the SLA policies (SlaPolicy).

    Another clock's rule may depend on the case: `rule_for(case)` returns its (amount, unit) for that
    case — read when the clock starts and again by `clocks.clocks_rule_refresh(case=…)` when what it
    reads has changed (e.g. a risk's level, whose policy says how long it may take) — or None for the
    declared `amount` in `unit`, which stay the default and what the rule's description shows."""

    name: str
    label: str | Promise
    amount: int | None = None
    unit: str = ClockUnit.WORKING_DAYS
    primary: bool = False
    starts: ClockTrigger = AT_REGISTRATION
    stops: tuple[ClockTrigger, ...] = ()
    pausable: bool = True
    warn_share: float | None = None
    escalate_after: tuple[int, str] | None = None
    rule_for: Callable[[Case], tuple[int, str] | None] | None = None

    def rule(self) -> str:
        if self.amount is None:
            return _("按紧急程度及办理时限设置")
        declared = f"{self.amount} {ClockUnit(self.unit).label}"
        if self.rule_for is not None:
            return _("按案件的规则(默认 %(rule)s)") % {"rule": declared}
        return declared

    def rule_of(self, case: Case) -> tuple[int | None, str]:
        """The clock's rule for `case`: what `rule_for(case)` gives, else the declared amount and unit."""
        if self.rule_for is not None:
            rule = self.rule_for(case)
            if rule is not None:
                return rule
        return self.amount, self.unit


PRIMARY_CLOCK = "handling"


# The one clock of a kind that declares none: 办理, from registration to closing.
DEFAULT_CLOCK_SPECS = (ClockSpec(PRIMARY_CLOCK, gettext_lazy("办理"), primary=True),)


@dataclass(frozen=True)
class Workflow:
    """A kind's declaration, registered from its app's `ready()`: everything the engine needs to know of
    the kind. `org_types` names the organisation types (OrgType) that may hold and work its cases:
    dispatch, transfer, escalation and routing refuse any other. Routing falls back to the nearest
    governance centre, so every kind admits centres.

    The rest plugs the kind into the engine's pages and API without the engine importing it:
    `event_types` its timeline events; `param_labels` how its events' parameters read (key → label and
    formatter); `intake_check(parties=…, category=…, channel=…)` refuses an intake the kind cannot take
    (raise ApplicationError); `intake_route(parties=…, category=…, region=…)` where a new case goes when the
    caller named no organisation, before the routing rules (None: the rules); `on_register(case=…, actor=…,
    parties=…)` writes the kind's own record of a case just registered, whatever the door; `panels` the parts
    it adds to the detail page; `api_fields()` the fields it adds to the API's case detail (name →
    serializer field), with `detail_related` / `detail_prefetch` loading what they read; `reference_data`
    the functions that put its migration data (categories, clocks) back after a test flushes the database."""

    kind: str
    label: str | Promise
    number_prefix: str
    states: tuple[State, ...]
    initial: str
    transitions: tuple[Transition, ...]
    clocks: Mapping[str, tuple[int, str]]
    org_types: frozenset[str]
    work_state: str = ""  # where a failed verification sends the case back
    event_types: tuple[EventSpec, ...] = ()
    param_labels: Mapping[str, tuple[str | Promise, ParamFormatter]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    intake_check: IntakeCheck | None = None
    intake_route: IntakeRoute | None = None
    on_register: OnRegister | None = None
    panels: tuple[Panel, ...] = ()
    api_fields: Callable[[], Mapping[str, serializers.Field[Any, Any, Any, Any]]] | None = None
    detail_related: tuple[str, ...] = ()
    detail_prefetch: tuple[str, ...] = ()
    reference_data: tuple[Callable[[Any, Any], None], ...] = ()
    clock_specs: tuple[ClockSpec, ...] = ()

    def __post_init__(self) -> None:
        if OrgType.CENTRE not in self.org_types:
            raise ValueError(f"workflow {self.kind}: org_types must include centres (routing falls back to them)")
        states = {state.value for state in self.states}
        for transition in self.transitions:
            unknown = (transition.sources | ({transition.target} if transition.target else set())) - states
            if unknown:
                raise ValueError(f"workflow {self.kind}: {transition.action} names undeclared states {unknown}")
        self._check_clocks(states)

    def _check_clocks(self, states: set[str]) -> None:
        specs = self.clock_plan()
        where = f"workflow {self.kind}: clock"
        if len({spec.name for spec in specs}) != len(specs):
            raise ValueError(f"{where} names must be unique")
        primaries = [spec for spec in specs if spec.primary]
        if len(primaries) != 1:
            raise ValueError(f"{where}s: exactly one must be primary (the case's deadline and light)")
        if primaries[0].starts != AT_REGISTRATION or primaries[0].stops:
            raise ValueError(f"{where} {primaries[0].name}: the primary clock runs from registration to closing")
        actions = {transition.action for transition in self.transitions}
        for spec in specs:
            if (spec.amount is None) != spec.primary:
                raise ValueError(
                    f"{where} {spec.name}: the primary clock takes its rule from `clocks` and the SLA policies, "
                    "every other clock declares its amount"
                )
            if spec.unit not in ClockUnit.values:
                raise ValueError(f"{where} {spec.name}: unknown unit {spec.unit!r}")
            if spec.primary and spec.rule_for is not None:
                raise ValueError(
                    f"{where} {spec.name}: the primary clock's rule comes from the SLA policies, not rule_for"
                )
            if spec.escalate_after is not None and spec.escalate_after[1] not in ClockUnit.values:
                raise ValueError(f"{where} {spec.name}: unknown escalation unit {spec.escalate_after[1]!r}")
            for trigger in (spec.starts, *spec.stops):
                known = {
                    "registration": {""},
                    "action": actions,
                    "state": states,
                    "state_type": set(StateType.values),
                }.get(trigger.on, set())
                if trigger.value not in known:
                    raise ValueError(f"{where} {spec.name}: {trigger} names nothing declared")

    def clock_plan(self) -> tuple[ClockSpec, ...]:
        """The kind's clocks: those it declares, else the one 办理 clock."""
        return self.clock_specs or DEFAULT_CLOCK_SPECS

    @property
    def primary_clock(self) -> ClockSpec:
        return next(spec for spec in self.clock_plan() if spec.primary)

    def clock_spec(self, name: str) -> ClockSpec | None:
        return next((spec for spec in self.clock_plan() if spec.name == name), None)

    def allows(self, org_type: str) -> bool:
        return org_type in self.org_types

    def org_refusal(self, org: Organization) -> str | None:
        """Why `org` may not work this kind's cases, or None when its type may."""
        if self.allows(org.org_type):
            return None
        return _("“%(org)s”属于%(type)s,不承办%(kind)s案件,请选择其他单位") % {
            "org": org.name,
            "type": OrgType(org.org_type).label,
            "kind": self.label,
        }

    def org_check(self, org: Organization) -> None:
        """Refuse a target organisation whose type may not work this kind's cases (a 400 on `to_org`)."""
        refusal = self.org_refusal(org)
        if refusal:
            raise ApplicationError(refusal, field="to_org", code="org_type_not_allowed")

    def state(self, value: str) -> State:
        for state in self.states:
            if state.value == value:
                return state
        raise KeyError(value)

    def state_label(self, value: str) -> str:
        try:
            return str(self.state(value).label)
        except KeyError:
            return value

    def transition(self, action: str) -> Transition | None:
        return next((t for t in self.transitions if t.action == action), None)

    @property
    def actions(self) -> list[str]:
        return [t.action for t in self.transitions]

    def default_clock(self, urgency: str) -> tuple[int, str]:
        return self.clocks.get(urgency) or self.clocks[Urgency.NORMAL]


_REGISTRY: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    """Register a kind (from its app's `ready()`); its event types join the timeline's registry."""
    register_event_types(workflow.event_types)
    _REGISTRY[workflow.kind] = workflow
    return workflow


def unregister(kind: str) -> None:
    """Remove a kind and the event types only it declared (for a kind declared inside a test)."""
    workflow = _REGISTRY.pop(kind, None)
    if workflow is None:
        return
    still_declared = {spec.type for other in _REGISTRY.values() for spec in other.event_types}
    unregister_event_types(spec.type for spec in workflow.event_types if spec.type not in still_declared)


def param_labels() -> dict[str, tuple[str | Promise, ParamFormatter]]:
    """Every kind's parameter labels for the timeline, merged (a kind's own keys after the engine's)."""
    merged: dict[str, tuple[str | Promise, ParamFormatter]] = {}
    for workflow in _REGISTRY.values():
        merged.update(workflow.param_labels)
    return merged


def get(kind: str) -> Workflow:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise ApplicationError(_("未知的案件类型:%(kind)s") % {"kind": kind}, field="kind") from None


def kinds() -> list[Workflow]:
    return list(_REGISTRY.values())


def kind_choices() -> list[tuple[str, str]]:
    return [(w.kind, str(w.label)) for w in _REGISTRY.values()]


# --- who the actor is to the case ----------------------------------------------------------------

SUPERIOR_ORG_TYPES = frozenset({OrgType.CENTRE, OrgType.PLA_COMMITTEE})


@dataclass(frozen=True)
class Relation:
    own_roles: frozenset[str]  # roles in the assigned organisation
    superior_roles: frozenset[str]  # roles in a centre (or 政法委) above it that covers the case
    is_assignee: bool


def relation(case: Case, actor: User) -> Relation:
    assigned_level = case.assigned_org.region.level
    assigned_is_centre = case.assigned_org.org_type == OrgType.CENTRE
    own, superior = set(), set()
    for membership in actor.active_memberships:
        org = membership.organization
        if org.pk == case.assigned_org_id:
            own.add(membership.role)
        elif not case.region_code.startswith(org.region.prefix):
            continue
        elif membership.role == Role.LEADER or (
            org.org_type in SUPERIOR_ORG_TYPES
            and (org.region.level < assigned_level or (org.region.level == assigned_level and not assigned_is_centre))
        ):
            # A centre oversees everything below it, and the departments at its own level.
            superior.add(membership.role)
    return Relation(frozenset(own), frozenset(superior), actor.pk is not None and case.assignee_id == actor.pk)


def refusal(
    case: Case,
    actor: User,
    transition: Transition,
    rel: Relation,
    *,
    condition: Callable[[Case], bool] | None = None,
) -> str | None:
    """Why the workflow refuses `actor` the transition on the case as it stands, or None. `condition` stands
    in for the declared one where the caller knows the facts it reads (the demo's planner, before writing)."""
    if case.status not in transition.sources:
        return _("案件当前状态为“%(state)s”,不能执行“%(action)s”") % {
            "state": get(case.kind).state_label(case.status),
            "action": transition.label,
        }
    allowed = (
        bool(rel.own_roles & transition.roles)
        or bool(rel.superior_roles & transition.superior_roles)
        or (transition.assignee and rel.is_assignee)
    )
    if not allowed:
        return _("您没有对本案件执行“%(action)s”的权限") % {"action": transition.label}
    for attribute in transition.forbid:
        if forbidden_value(case, attribute) == actor.pk:
            return _("“%(action)s”须由办理人以外的人员执行") % {"action": transition.label}
    check = condition or transition.condition
    if check is not None and not check(case):
        return str(transition.condition_message) or _("当前条件下不能执行“%(action)s”") % {"action": transition.label}
    return None


def forbidden_value(case: Case, path: str) -> Any:
    """The value a `forbid` entry names: a case attribute, or a dotted path through related records
    (e.g. a kind's own record of who wrote what); None when a link along the way is missing."""
    value: Any = case
    for name in path.split("."):
        try:
            value = getattr(value, name)
        except ObjectDoesNotExist:
            return None
        if value is None:
            return None
    return value


def guard(case: Case, actor: User, action: str) -> Transition:
    """Return the transition if the actor may take it now; otherwise raise TransitionNotAllowed (409)."""
    transition = get(case.kind).transition(action)
    if transition is None:
        raise TransitionNotAllowed(_("未知的操作:%(action)s") % {"action": action}, field="action")
    reason = refusal(case, actor, transition, relation(case, actor))
    if reason:
        raise TransitionNotAllowed(reason)
    return transition


def allowed_transitions(case: Case, actor: User) -> list[Transition]:
    rel = relation(case, actor)
    return [t for t in get(case.kind).transitions if refusal(case, actor, t, rel) is None]
