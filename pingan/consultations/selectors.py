"""Reads of the consultation register. Staff reads start from the case engine's visible cases (the user's
jurisdiction); an enterprise user's from its own enterprise (the portal)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from pingan.cases import selectors as case_selectors
from pingan.cases.choices import ClockState
from pingan.cases.models import Case, CaseClock
from pingan.lawguard import selectors as lawguard_selectors
from pingan.lawguard.choices import Speciality
from pingan.lawguard.models import Enterprise, Expert

from .choices import ANSWER_CLOCK, KIND, ConsultState

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from pingan.accounts.models import User

AWAITING = (ConsultState.PENDING, ConsultState.CONSULTING, ConsultState.SUPPLEMENT)


def consultations_for(user: User | AnonymousUser) -> QuerySet[Case]:
    """The consultation cases in the user's jurisdiction, with their record (`case.consultation`)."""
    return (
        case_selectors.case_list(user=user)
        .filter(kind=KIND)
        .select_related(
            "consultation__enterprise__workstation__organization",
            "consultation__escalated_to",
            "consultation__answered_by",
        )
        .order_by("-registered_at", "-id")
    )


def answer_overdue_q() -> Q:
    """超期: not yet answered, and its 答复时限 (the `answer` clock) running past its deadline."""
    late = CaseClock.objects.filter(
        case=OuterRef("pk"), name=ANSWER_CLOCK, state=ClockState.RUNNING, deadline__lt=timezone.now()
    )
    return Q(status__in=AWAITING) & Q(Exists(late))


def queue_q(user: User) -> Q:
    """我的待办: awaiting an answer, and handed to this user (the assignee: a 三官一律 or an expert), or escalated
    to the expert this user is."""
    return Q(status__in=AWAITING) & (Q(assignee=user) | Q(consultation__escalated_to__user=user))


@dataclass(frozen=True)
class RankedExpert:
    expert: Expert
    matched: int  # how many of the question's specialities the expert covers
    labels: str  # the expert's specialities, as they read


def experts_for_question(specialities: Iterable[str]) -> list[RankedExpert]:
    """Every active expert, ranked by the register (lawguard.selectors.experts_for_question: best match first),
    with how many of the question's specialities each covers and their fields for the escalation form."""
    wanted = set(specialities)
    names = dict(Speciality.choices)
    return [
        RankedExpert(
            expert,
            len(wanted & set(expert.specialities or [])),
            "、".join(str(names.get(value, value)) for value in expert.specialities or []),
        )
        for expert in lawguard_selectors.experts_for_question(wanted, everyone=True)
    ]


def workbench_context(user: User) -> dict[str, Any]:
    """待答复咨询 on the workbench: those of the user's own queue and those at the user's units, awaiting an
    answer, the overdue first (None for a user with none)."""
    if not user.is_authenticated:
        return {"consult_queue": None}
    org_ids = [m.organization_id for m in user.active_memberships]
    rows = list(
        consultations_for(user)
        .filter(status__in=AWAITING)
        .filter(Q(assigned_org_id__in=org_ids) | queue_q(user))
        .order_by("deadline", "id")[:10]
    )
    answer_deadlines = dict(
        CaseClock.objects.filter(case__in=[case.pk for case in rows], name=ANSWER_CLOCK).values_list(
            "case_id", "deadline"
        )
    )
    now = timezone.now()
    for case in rows:
        case.answer_deadline = answer_deadlines.get(case.pk)  # type: ignore[attr-defined]
        case.answer_late = bool(case.answer_deadline and case.answer_deadline < now)  # type: ignore[attr-defined]
    rows.sort(key=lambda case: (not case.answer_late, case.answer_deadline or now))  # type: ignore[attr-defined]
    return {"consult_queue": rows or None}


def portal_consultations(enterprise: Enterprise) -> QuerySet[Case]:
    """An enterprise's own consultations (the portal): nothing of any other enterprise."""
    return (
        Case.objects.filter(kind=KIND, consultation__enterprise=enterprise)
        .select_related("consultation", "consultation__answered_by")
        .order_by("-registered_at", "-id")
    )
