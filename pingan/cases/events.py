"""Timeline events: one factory for every event the case engine writes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from .models import Case, CaseEvent


def event_record(
    *,
    case: Case,
    actor,
    type: str,
    previous: str = "",
    comment: str = "",
    params: Mapping[str, Any] | None = None,
    actor_org=None,
    at=None,
) -> CaseEvent:
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
