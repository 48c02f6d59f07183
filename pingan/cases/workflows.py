"""Workflows as data: each case kind declares its states, guarded transitions and default clocks once.

The UI's buttons, the API's `allowed_actions` and the guard in the services all read the same
declaration, so they cannot disagree. Adding a kind means adding an app that registers a Workflow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from pingan.accounts.choices import Role
from pingan.core.errors import ApplicationError, TransitionNotAllowed
from pingan.regions.choices import OrgType

from .choices import StateType, Urgency
from .events import EventSpec, register_event_types, unregister_event_types

if TYPE_CHECKING:
    from django import forms
    from django.utils.functional import Promise

    from pingan.accounts.models import User
    from pingan.regions.models import Organization

    from .models import Case


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


Handler = Callable[..., Effect]


@dataclass(frozen=True)
class Transition:
    """One guarded action. Who may take it: roles held in the case's assigned organisation (`roles`),
    roles held in a centre above it whose jurisdiction covers the case (`superior_roles`), or the case's
    assignee. `forbid` names case attributes holding users who may not take it (four-eyes rules)."""

    action: str
    label: str
    sources: frozenset[str]
    target: str | None
    handler: Handler
    form: type[forms.Form]
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
class Workflow:
    """A kind's declaration, registered from its app's `ready()`: everything the engine needs to know of
    the kind. `org_types` names the organisation types (OrgType) that may hold and work its cases:
    dispatch, transfer, escalation and routing refuse any other. Routing falls back to the nearest
    governance centre, so every kind admits centres.

    The rest plugs the kind into the engine's pages and API without the engine importing it:
    `event_types` its timeline events; `param_labels` how its events' parameters read (key → label and
    formatter); `intake_check(parties=…, category=…, channel=…)` refuses an intake the kind cannot take
    (raise ApplicationError); `panels` the parts it adds to the detail page; `api_fields()` the fields it
    adds to the API's case detail (name → serializer field), with `detail_related` / `detail_prefetch`
    loading what they read; `reference_data` the functions that put its migration data (categories,
    clocks) back after a test flushes the database."""

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
    intake_check: Callable[..., None] | None = None
    panels: tuple[Panel, ...] = ()
    api_fields: Callable[[], Mapping[str, Any]] | None = None
    detail_related: tuple[str, ...] = ()
    detail_prefetch: tuple[str, ...] = ()
    reference_data: tuple[Callable[[Any, Any], None], ...] = ()

    def __post_init__(self) -> None:
        if OrgType.CENTRE not in self.org_types:
            raise ValueError(f"workflow {self.kind}: org_types must include centres (routing falls back to them)")
        states = {state.value for state in self.states}
        for transition in self.transitions:
            unknown = (transition.sources | ({transition.target} if transition.target else set())) - states
            if unknown:
                raise ValueError(f"workflow {self.kind}: {transition.action} names undeclared states {unknown}")

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


def _refusal(case: Case, actor: User, transition: Transition, rel: Relation) -> str | None:
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
        if getattr(case, attribute) == actor.pk:
            return _("“%(action)s”须由办理人以外的人员执行") % {"action": transition.label}
    if transition.condition is not None and not transition.condition(case):
        return str(transition.condition_message) or _("当前条件下不能执行“%(action)s”") % {"action": transition.label}
    return None


def guard(case: Case, actor: User, action: str) -> Transition:
    """Return the transition if the actor may take it now; otherwise raise TransitionNotAllowed (409)."""
    transition = get(case.kind).transition(action)
    if transition is None:
        raise TransitionNotAllowed(_("未知的操作:%(action)s") % {"action": action}, field="action")
    refusal = _refusal(case, actor, transition, relation(case, actor))
    if refusal:
        raise TransitionNotAllowed(refusal)
    return transition


def allowed_transitions(case: Case, actor: User) -> list[Transition]:
    rel = relation(case, actor)
    return [t for t in get(case.kind).transitions if _refusal(case, actor, t, rel) is None]
