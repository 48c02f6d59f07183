"""Timeline events: the registry of event types and one factory for every event the engine writes.

The engine registers its own types (registration, routing, the common transitions, the clock's alerts);
each kind registers its own from its app's `ready()` through its Workflow's `event_types`. `CaseEvent.type`
is free text validated against this registry, so a new kind needs no migration in `cases`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from .choices import EventType

if TYPE_CHECKING:
    import datetime

    from django.utils.functional import Promise

    from pingan.accounts.models import User
    from pingan.regions.models import Organization

    from .models import Case, CaseEvent


@dataclass(frozen=True)
class EventSpec:
    """One type of timeline event: its label, and whether the public tracking page (群众查询) shows it."""

    type: str
    label: str | Promise
    public: bool = False


_EVENT_TYPES: dict[str, EventSpec] = {}


def register_event_types(specs: Iterable[EventSpec]) -> None:
    """Add event types to the registry. Registering a type twice with another label is a programming error
    (two kinds would write one type that means two things)."""
    for spec in specs:
        known = _EVENT_TYPES.get(spec.type)
        if known is not None and (str(known.label), known.public) != (str(spec.label), spec.public):
            raise ValueError(f"event type {spec.type!r} is already registered as {known.label!r}")
        _EVENT_TYPES[spec.type] = spec


def unregister_event_types(types: Iterable[str]) -> None:
    """Remove event types (for a kind declared inside a test only)."""
    for type_ in types:
        _EVENT_TYPES.pop(type_, None)


def event_spec(type_: str) -> EventSpec | None:
    return _EVENT_TYPES.get(type_)


def event_label(type_: str) -> str:
    spec = _EVENT_TYPES.get(type_)
    return str(spec.label) if spec else type_


def event_types() -> list[EventSpec]:
    return list(_EVENT_TYPES.values())


def public_event_types() -> set[str]:
    return {spec.type for spec in _EVENT_TYPES.values() if spec.public}


PUBLIC_ENGINE_EVENTS = {
    EventType.REGISTERED,
    EventType.ROUTED,
    EventType.ACCEPTED,
    EventType.DISPATCHED,
    EventType.ESCALATED,
    EventType.TRANSFERRED,
    EventType.CLOSED,
    EventType.RATED,
    EventType.SUSPENDED,
    EventType.RESUMED,
}

register_event_types(
    EventSpec(choice.value, choice.label, public=choice in PUBLIC_ENGINE_EVENTS) for choice in EventType
)


def event_record(
    *,
    case: Case,
    actor: User | None,
    type: str,
    previous: str = "",
    comment: str = "",
    params: Mapping[str, Any] | None = None,
    actor_org: Organization | None = None,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    from .models import CaseEvent

    if type not in _EVENT_TYPES:
        raise ValueError(f"unregistered event type {type!r}: register it with the kind's Workflow.event_types")
    return CaseEvent.objects.create(
        case=case,
        type=type,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_org=actor_org,
        from_status=previous,
        to_status=case.status,
        comment=comment,
        params=dict(params or {}),
        created_at=at or timezone.now(),
    )
