"""Reads of 法治护航's outcomes: suggestions, recovered losses and ratings, from the staff side (the user's
jurisdiction) and from the portal (the enterprise's own records only); the ledger's totals."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone

from pingan.cases.events import event_label, public_event_types
from pingan.cases.models import Case

from .choices import OPEN_SUGGESTION_STATUSES, LinkRelation, SuggestionStatus
from .models import Enterprise, RecoveredLoss, ServiceLink, ServiceRating, Suggestion
from .outcome_services import FINISHED_STATE_TYPES
from .selectors import enterprises_for

S = SuggestionStatus


# --- suggestions ----------------------------------------------------------------------------------------


def suggestions_for(user: Any) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(enterprise__in=enterprises_for(user)).select_related(
        "enterprise", "workstation__organization", "source_case"
    )


def suggestion_visible_or_404(queryset: QuerySet[Suggestion], suggestion_id: int | str) -> Suggestion:
    suggestion = queryset.filter(pk=suggestion_id).first()
    if suggestion is None:
        raise Http404
    return suggestion


def suggestions_of(enterprise: Enterprise) -> QuerySet[Suggestion]:
    """The portal: the enterprise's own suggestions."""
    return Suggestion.objects.filter(enterprise=enterprise).select_related("workstation__organization")


def revisit_due(queryset: QuerySet[Suggestion], today: datetime.date | None = None) -> QuerySet[Suggestion]:
    """回访 due today or overdue: open (accepted or implemented) and its 回访 date has come."""
    today = today or timezone.localdate()
    return queryset.filter(status__in=[S.ACCEPTED, S.IMPLEMENTED], revisit_on__lte=today)


def implement_overdue(queryset: QuerySet[Suggestion], today: datetime.date | None = None) -> QuerySet[Suggestion]:
    """整改逾期: not reported implemented by its implement-by date."""
    today = today or timezone.localdate()
    return queryset.filter(status__in=[S.ISSUED, S.ACCEPTED], implement_by__lt=today)


def suggestion_history(suggestion: Suggestion) -> list[Any]:
    """The suggestion's own timeline: its versions (simple_history), oldest first."""
    history = cast(Any, suggestion).history
    return list(history.select_related("history_user").order_by("history_date", "history_id"))


# --- the enterprise's cases -----------------------------------------------------------------------------


def linked_cases(enterprise: Enterprise, relation: str | None = None) -> QuerySet[Case]:
    links = ServiceLink.objects.filter(enterprise=enterprise)
    if relation:
        links = links.filter(relation=relation)
    return Case.objects.filter(pk__in=links.values("case_id")).select_related("category").order_by("-registered_at")


def disputes_of(enterprise: Enterprise) -> QuerySet[Case]:
    return linked_cases(enterprise, LinkRelation.DISPUTE)


def enterprise_case_or_404(enterprise: Enterprise, case_id: int | str, relation: str | None = None) -> Case:
    case = linked_cases(enterprise, relation).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def public_timeline(case: Case) -> list[tuple[datetime.datetime, str]]:
    """What the public tracking page shows of a case's timeline (no names, no notes of the staff):
    (when, what) pairs."""
    events = case.events.filter(type__in=public_event_types()).order_by("created_at", "id")
    return [(event.created_at, event_label(event.type)) for event in events]


def ratable_cases(enterprise: Enterprise) -> QuerySet[Case]:
    """Finished services of the enterprise it has not rated yet."""
    return (
        linked_cases(enterprise)
        .filter(Q(state_type__in=FINISHED_STATE_TYPES) | Q(closed_at__isnull=False))
        .exclude(enterprise_ratings__enterprise=enterprise)
    )


def ratings_of(enterprise: Enterprise) -> QuerySet[ServiceRating]:
    return ServiceRating.objects.filter(enterprise=enterprise).select_related("case").order_by("-rated_at")


def ratings_for(user: Any) -> QuerySet[ServiceRating]:
    return ServiceRating.objects.filter(enterprise__in=enterprises_for(user))


def case_ratings(case: Case, user: Any) -> list[ServiceRating]:
    """The ratings of one case the user may see (its enterprises inside the jurisdiction)."""
    return list(ratings_for(user).filter(case=case).select_related("enterprise"))


# --- recovered losses -----------------------------------------------------------------------------------


def losses_for(user: Any) -> QuerySet[RecoveredLoss]:
    return RecoveredLoss.objects.filter(enterprise__in=enterprises_for(user)).select_related(
        "enterprise", "case", "workstation__organization"
    )


def loss_visible_or_404(queryset: QuerySet[RecoveredLoss], loss_id: int | str) -> RecoveredLoss:
    loss = queryset.filter(pk=loss_id).first()
    if loss is None:
        raise Http404
    return loss


def loss_totals(losses: QuerySet[RecoveredLoss], ratings: QuerySet[ServiceRating] | None = None) -> dict[str, Any]:
    """The ledger's figures over `losses` (already filtered): total and count, by method, by workstation,
    by year; with `ratings`, their count and average score. Four aggregate queries (five with ratings)."""
    from .choices import RecoveryMethod

    base = losses.order_by()
    overall = base.aggregate(total=Sum("amount"), count=Count("id"))
    labels = dict(RecoveryMethod.choices)
    by_method = [
        {"method": row["method"], "label": str(labels.get(row["method"], row["method"])), **_money(row)}
        for row in base.values("method").annotate(total=Sum("amount"), count=Count("id")).order_by("method")
    ]
    by_workstation = [
        {"workstation": row["workstation__organization__name"] or "", **_money(row)}
        for row in base.values("workstation__organization__name")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("workstation__organization__name")
    ]
    by_year = [
        {"year": row["year"], **_money(row)}
        for row in base.annotate(year=ExtractYear("recovered_on"))
        .values("year")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("year")
    ]
    totals: dict[str, Any] = {
        **_money(overall),
        "by_method": by_method,
        "by_workstation": by_workstation,
        "by_year": by_year,
    }
    if ratings is not None:
        figures = ratings.aggregate(count=Count("id"), average=Avg("score"))
        average = figures["average"]
        totals["ratings"] = {
            "count": figures["count"],
            "average": round(float(average), 2) if average is not None else None,
        }
    return totals


def _money(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"total": (row.get("total") or Decimal("0")).quantize(Decimal("0.01")), "count": row.get("count") or 0}


# --- the portal's home ----------------------------------------------------------------------------------


def portal_summary(enterprise: Enterprise) -> dict[str, Any]:
    """Counts for the portal's home and its "to do" list."""
    suggestions = Suggestion.objects.filter(enterprise=enterprise)
    counts = suggestions.aggregate(
        open=Count("id", filter=Q(status__in=OPEN_SUGGESTION_STATUSES)),
        to_answer=Count("id", filter=Q(status=S.ISSUED)),
        to_implement=Count("id", filter=Q(status=S.ACCEPTED)),
    )
    cases = linked_cases(enterprise).order_by()
    case_counts = cases.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(state_type="open")),
    )
    return {
        **counts,
        "cases": case_counts["total"],
        "open_cases": case_counts["open"],
        "to_rate": ratable_cases(enterprise).count(),
    }
