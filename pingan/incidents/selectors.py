"""Reads of incidents. Every read starts from the case engine's `case_list` (what the user may see):
an incident outside the user's jurisdiction is simply not found."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from pingan.accounts.models import User
from pingan.cases import selectors as case_selectors
from pingan.cases.models import Case, Category
from pingan.geo.selectors import grids_visible_to
from pingan.regions.models import Region

from .choices import KIND


def incident_list(*, user: User) -> QuerySet[Case]:
    return (
        case_selectors.case_list(user=user)
        .filter(kind=KIND)
        .annotate(photo_count=Count("attachments"))
        .order_by("-registered_at", "-id")  # an aggregate drops the model's default ordering
    )


def incident_or_404(*, user: User, case_id: int | str) -> Case:
    return case_selectors.case_visible_or_404(
        case_selectors.case_detail(user=user).filter(kind=KIND).prefetch_related("attachments"), case_id
    )


def my_reports(*, user: User, limit: int = 10) -> list[Case]:
    """The incidents this user reported lately (the phone page lists them under the form)."""
    return list(
        case_selectors.case_list(user=user).filter(kind=KIND, created_by=user).order_by("-registered_at", "-id")[:limit]
    )


def report_grids(*, user: User) -> QuerySet[Region]:
    """The grid cells a reporter may pick by hand when the phone has no position: those of their
    jurisdiction, their own grids first."""
    return grids_visible_to(user).select_related("parent").order_by("code")


def report_exists(*, user: User, client_ref: str) -> bool:
    """Whether this user's phone draft was received already (a resend returns the first report)."""
    from .models import ReportReceipt

    return ReportReceipt.objects.filter(reporter=user, client_ref=client_ref).exists()


def report_categories() -> QuerySet[Category]:
    """The incident categories a reporter chooses from, in their administrators' order."""
    return Category.objects.filter(kind=KIND, is_active=True).order_by("sort_order", "code")
