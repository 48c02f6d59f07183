"""Reads of the legal-service kind. Staff reads start from the engine's visible cases (the user's
jurisdiction); the portal's from the enterprise's own services only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from pingan.cases import selectors as case_selectors
from pingan.cases.models import Case

from .choices import KIND, ServiceState
from .models import LegalService

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from pingan.accounts.models import User
    from pingan.lawguard.models import Enterprise


def services_for(user: User | AnonymousUser) -> QuerySet[Case]:
    """The legal-service cases in the user's jurisdiction, with their LegalService row."""
    return (
        case_selectors.case_list(user=user)
        .filter(kind=KIND)
        .select_related("legalservice", "legalservice__enterprise")
        .order_by("-registered_at", "-id")
    )


def awaiting_review_for(user: User) -> QuerySet[Case]:
    """体检 reports drafted and waiting for a reviewer, other than those the user drafted."""
    return (
        services_for(user)
        .filter(status=ServiceState.REVIEW, legalservice__reviewed_at__isnull=True)
        .exclude(legalservice__drafted_by=user)
    )


def awaiting_review_section(user: User) -> dict[str, Any]:
    """The workbench's 待审核体检报告 (shown when there is any)."""
    cases = list(awaiting_review_for(user)[:10])
    return {"lawchecks_review": cases or None}


def portal_services(enterprise: Enterprise) -> QuerySet[LegalService]:
    return (
        LegalService.objects.filter(enterprise=enterprise)
        .select_related("case", "case__category")
        .order_by("-case__registered_at")
    )
