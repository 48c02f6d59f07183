"""Reads of 法治护航's register. Every list starts from what the user may see: enterprises inside the
jurisdiction of their posts (region_code prefixes), those served by the workstations where they hold a post,
and those where they serve as one of the 三官一律; an enterprise user sees only their own (lawguard.portal)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from pingan.accounts.models import Membership, User
from pingan.core.errors import NotFoundError
from pingan.core.jurisdiction import prefix_q
from pingan.regions.choices import OrgType
from pingan.regions.selectors import user_prefixes

from .models import Enterprise, EnterpriseAccount, Expert, GuardAssignment, Workstation


def station_ids_of(user: User) -> QuerySet[Workstation, Any]:
    """The workstations where `user` holds an active post (their ids, as a subquery: no query of its own)."""
    return Workstation.objects.filter(
        organization__memberships__user=user,
        organization__memberships__is_active=True,
        organization__org_type=OrgType.LAW_WORKSTATION,
    ).values("pk")


def enterprises_for(user: User) -> QuerySet[Enterprise]:
    """Enterprises `user` may see: inside their posts' jurisdiction, served by their workstation, or where
    they currently serve as one of the 三官一律."""
    if not getattr(user, "is_authenticated", False):
        return Enterprise.objects.none()
    guarded = GuardAssignment.objects.filter(enterprise=OuterRef("pk"), user=user, ended_on__isnull=True)
    return Enterprise.objects.filter(
        prefix_q("region_code", user_prefixes(user)) | Q(workstation_id__in=station_ids_of(user)) | Q(Exists(guarded))
    )


def enterprise_list(*, user: User) -> QuerySet[Enterprise]:
    """The register's list: with what its rows show, in a fixed number of queries."""
    current = GuardAssignment.objects.filter(enterprise=OuterRef("pk"), ended_on__isnull=True)
    return (
        enterprises_for(user)
        .select_related("region", "workstation__organization")
        .annotate(has_guards=Exists(current))
        .order_by("name", "pk")
    )


def enterprise_get(*, user: User, enterprise_id: int | str) -> Enterprise:
    enterprise = enterprise_list(user=user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFoundError(_("企业不存在或不在您的辖区内"))
    return enterprise


def my_guard_enterprises(user: User) -> QuerySet[Enterprise]:
    """我联系的企业: enterprises where `user` currently serves as one of the 三官一律."""
    return enterprise_list(user=user).filter(guard_assignments__user=user, guard_assignments__ended_on__isnull=True)


def guard_history(enterprise: Enterprise) -> QuerySet[GuardAssignment]:
    """Who served when, per role: the current holders first, then their predecessors, newest first."""
    return enterprise.guard_assignments.select_related("user").order_by(
        "role", F("ended_on").asc(nulls_first=True), "-started_on"
    )


def workstations_for(user: User) -> QuerySet[Workstation]:
    """Workstations in the user's jurisdiction, or where they hold a post."""
    if not getattr(user, "is_authenticated", False):
        return Workstation.objects.none()
    return (
        Workstation.objects.filter(
            prefix_q("organization__region__code", user_prefixes(user)) | Q(pk__in=station_ids_of(user))
        )
        .select_related("organization__region")
        .annotate(enterprise_count=Count("enterprises", filter=Q(enterprises__is_active=True), distinct=True))
        .order_by("organization__code")
    )


def workstation_get(*, user: User, workstation_id: int | str) -> Workstation:
    station = workstations_for(user).filter(pk=workstation_id).first()
    if station is None:
        raise NotFoundError(_("工作站不存在或不在您的辖区内"))
    return station


def workstation_staff(station: Workstation) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=station.organization, is_active=True).select_related("user")


def experts_for(user: User) -> QuerySet[Expert]:
    """The experts of the teams whose region holds part of the user's jurisdiction or lies inside it: a city's
    team serves every workstation of the city."""
    prefixes = user_prefixes(user)
    if not prefixes:
        return Expert.objects.none()
    teams = [
        pk
        for pk, prefix in Expert.objects.values_list("team_id", "team__region__prefix").distinct()
        if any(p.startswith(prefix) or prefix.startswith(p) for p in prefixes)
    ]
    return Expert.objects.filter(team_id__in=teams).select_related("team", "user").order_by("name", "pk")


def expert_get(*, user: User, expert_id: int | str) -> Expert:
    expert = experts_for(user).filter(pk=expert_id).first()
    if expert is None:
        raise NotFoundError(_("专家不存在或不在您的辖区内"))
    return expert


def experts_for_question(
    specialities: Iterable[str], *, team_id: int | None = None, everyone: bool = False
) -> list[Expert]:
    """Active experts ranked for a question in these fields: most matching specialities first, then fewer
    specialities overall (the more specialised), then by name. Experts matching none are left out, unless
    `everyone` (an escalation may go to any member: they come last)."""
    wanted = set(specialities)
    experts = Expert.objects.filter(is_active=True).select_related("team", "user")
    if team_id is not None:
        experts = experts.filter(team_id=team_id)
    scored = [(len(wanted & set(e.specialities)), e) for e in experts]
    ranked = sorted(
        ((score, e) for score, e in scored if score or everyone),
        key=lambda item: (-item[0], len(item[1].specialities), item[1].name, item[1].pk),
    )
    return [expert for _score, expert in ranked]


def accounts_for(user: User) -> QuerySet[EnterpriseAccount]:
    return (
        EnterpriseAccount.objects.filter(enterprise__in=enterprises_for(user))
        .select_related("user", "enterprise", "created_by")
        .order_by("-created_at", "pk")
    )


def account_get(*, user: User, account_id: int | str) -> EnterpriseAccount:
    account = accounts_for(user).filter(pk=account_id).first()
    if account is None:
        raise NotFoundError(_("企业账号不存在或不在您的辖区内"))
    return account
