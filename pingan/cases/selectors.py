"""Reads of the case engine. Every list, detail, export and statistic starts from `cases_visible_to`."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from pingan.accounts.models import User
from pingan.core.errors import NotFoundError
from pingan.regions.models import Organization
from pingan.regions.selectors import user_prefixes

from .models import Case, CaseEvent


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Cases inside the jurisdiction subtrees of the user's organisations; nothing for anyone else."""
    return Case.objects.within(user_prefixes(user))


def case_list(*, user: User) -> QuerySet[Case]:
    return cases_visible_to(user).select_related("category", "region", "assigned_org", "assignee")


def case_detail(*, user: User) -> QuerySet[Case]:
    return (
        case_list(user=user)
        .select_related("assigned_org__region", "intake_org", "created_by", "parent")
        .prefetch_related("parties", "attachments__uploaded_by", "children")
    )


def case_visible_or_404(queryset: QuerySet[Case], case_id) -> Case:
    """One case out of a visible queryset (case_list / case_detail); anything else is simply not found."""
    case = queryset.filter(pk=case_id).first()
    if case is None:
        raise NotFoundError(_("案件不存在或不在您的辖区内"))
    return case


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor", "actor_org").order_by("created_at", "id")


def my_work(*, user: User) -> QuerySet[Case]:
    """The workbench: open cases of my organisations or assigned to me, soonest deadline first."""
    org_ids = [m.organization_id for m in user.active_memberships]
    return (
        case_list(user=user).open().filter(Q(assigned_org_id__in=org_ids) | Q(assignee=user)).order_by("deadline", "id")
    )


def organizations_visible_to(user: User) -> QuerySet[Organization]:
    from pingan.regions.selectors import organizations_within

    return organizations_within(user.jurisdiction_prefixes())
