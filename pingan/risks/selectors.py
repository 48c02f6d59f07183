"""Reads of the risk register. Every read starts from the case engine's visible cases (the user's
jurisdiction): a risk outside it is simply not found."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from pingan.cases import selectors as case_selectors
from pingan.cases.models import Case

from .choices import KIND

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from pingan.accounts.models import User


def risks_for(user: User | AnonymousUser) -> QuerySet[Case]:
    """The risk cases in the user's jurisdiction, with their Risk row (`case.risk`)."""
    return (
        case_selectors.case_list(user=user)
        .filter(kind=KIND)
        .select_related("risk", "risk__owner_org")
        .order_by("-registered_at", "-id")
    )
