"""Reads of grid people, duty rosters and patrols. Every read starts from the user's jurisdiction
(`user.jurisdiction_prefixes()`): a grid, member or patrol outside it is simply not found."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TypedDict

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_stubs_ext import WithAnnotations

from pingan.accounts.models import User
from pingan.cases.models import Case
from pingan.cases.selectors import cases_visible_to
from pingan.core.errors import NotFoundError
from pingan.geo.selectors import grids_visible_to
from pingan.regions.models import Region, prefix_q
from pingan.regions.selectors import user_prefixes

from .choices import PatrolStatus
from .models import DutyShift, GridMember, GridMemberQuerySet, Patrol, PatrolFinding, PatrolQuerySet

# A planned patrol or visit is "due" on the workbench when it is planned within this many days (or overdue).
DUE_WITHIN_DAYS = 3


# --- grids -----------------------------------------------------------------------------------------


def grid_list(*, user: User) -> QuerySet[Region]:
    """Grids with their community and township, the number of active people and of open cases."""
    open_cases = (
        Case.objects.open()
        .filter(region_code=OuterRef("code"))
        .order_by()
        .values("region_code")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        grids_visible_to(user)
        .select_related("parent__parent")
        .annotate(
            member_count=Count("grid_members", filter=Q(grid_members__is_active=True), distinct=True),
            open_cases=Coalesce(Subquery(open_cases), 0),
        )
        .order_by("code")
    )


def grid_visible_or_404(*, user: User, code: str) -> Region:
    grid = grids_visible_to(user).select_related("parent__parent__parent").filter(code=code).first()
    if grid is None:
        raise NotFoundError(_("网格不存在或不在您的辖区内"))
    return grid


def grids_of_user(user: User) -> QuerySet[Region]:
    """The grid cells the user works as an active grid member (网格力量), inside their jurisdiction."""
    if not getattr(user, "is_authenticated", False):
        return Region.objects.none()
    return grids_visible_to(user).filter(grid_members__user=user, grid_members__is_active=True).distinct()


def grid_open_cases(*, user: User, grid: Region) -> QuerySet[Case]:
    """Open cases located in the grid, soonest deadline first."""
    return (
        cases_visible_to(user)
        .open()
        .filter(region_code=grid.code)
        .select_related("category", "region", "assigned_org", "assignee")
        .order_by("deadline", "id")
    )


# --- people ----------------------------------------------------------------------------------------


def members_visible_to(user: User) -> GridMemberQuerySet:
    return GridMember.objects.within(user_prefixes(user))


def member_list(*, user: User) -> GridMemberQuerySet:
    return members_visible_to(user).select_related("grid__parent", "user")


def member_visible_or_404(*, user: User, member_id: int | str) -> GridMember:
    member = member_list(user=user).filter(pk=member_id).first()
    if member is None:
        raise NotFoundError(_("网格人员不存在或不在您的辖区内"))
    return member


# --- duty rosters ----------------------------------------------------------------------------------


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the week of `day` (rosters are planned a week at a time)."""
    return day - datetime.timedelta(days=day.weekday())


def shifts_visible_to(user: User) -> QuerySet[DutyShift]:
    return DutyShift.objects.filter(prefix_q("region_code", user_prefixes(user))).select_related("member", "grid")


def grid_roster(*, user: User, grid: Region, start: datetime.date, days: int = 7) -> QuerySet[DutyShift]:
    """The grid's shifts from `start` for `days` days (the caller has checked the grid is visible)."""
    end = start + datetime.timedelta(days=days - 1)
    return shifts_visible_to(user).filter(grid=grid, date__range=(start, end))


# --- patrols ---------------------------------------------------------------------------------------


def patrols_visible_to(user: User) -> PatrolQuerySet:
    return Patrol.objects.within(user_prefixes(user))


def patrol_list(*, user: User) -> QuerySet[Patrol]:
    return (
        patrols_visible_to(user)
        .select_related("grid__parent", "created_by")
        .prefetch_related("members")
        .annotate(finding_count=Count("findings", distinct=True))
        .order_by("-planned_for", "-id")  # an aggregate drops Meta.ordering
    )


def patrol_detail(*, user: User) -> QuerySet[Patrol]:
    findings = PatrolFinding.objects.select_related("case").order_by("created_at", "id")
    return (
        patrols_visible_to(user)
        .select_related("grid__parent", "created_by")
        .prefetch_related("members", Prefetch("findings", queryset=findings))
    )


def patrol_visible_or_404(*, user: User, patrol_id: int | str, queryset: QuerySet[Patrol] | None = None) -> Patrol:
    source = queryset if queryset is not None else patrol_detail(user=user)
    patrol = source.filter(pk=patrol_id).first()
    if patrol is None:
        raise NotFoundError(_("巡查走访记录不存在或不在您的辖区内"))
    return patrol


def finding_visible_or_404(*, user: User, finding_id: int | str) -> PatrolFinding:
    finding = (
        PatrolFinding.objects.filter(patrol__in=patrols_visible_to(user), pk=finding_id)
        .select_related("patrol__grid", "case")
        .first()
    )
    if finding is None:
        raise NotFoundError(_("发现问题记录不存在或不在您的辖区内"))
    return finding


# --- counts ----------------------------------------------------------------------------------------


class GridCounts(TypedDict):
    """What `patrol_counts_by_grid` annotates each grid with."""

    done: int
    planned: int
    findings: int
    cases: int


class WorkerCounts(TypedDict):
    """What `patrol_counts_by_worker` annotates each grid member with."""

    done: int
    findings: int


def _period(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, end+1 00:00) in the local time zone (Asia/Shanghai)."""
    zone = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    finish = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return begin, finish


def _done_in(prefix: str, start: datetime.date, end: datetime.date) -> Q:
    begin, finish = _period(start, end)
    return Q(
        **{
            f"{prefix}status": PatrolStatus.DONE,
            f"{prefix}planned_for__gte": begin,
            f"{prefix}planned_for__lt": finish,
        }
    )


def patrol_counts_by_grid(
    *, user: User, start: datetime.date, end: datetime.date
) -> QuerySet[WithAnnotations[Region, GridCounts]]:
    """Per visible grid: patrols and visits done in the period (planned within it), findings recorded,
    and findings opened as cases. Grids without any activity are left out."""
    done = _done_in("patrols__", start, end)
    begin, finish = _period(start, end)
    in_period = Q(patrols__planned_for__gte=begin, patrols__planned_for__lt=finish)
    return (
        grids_visible_to(user)
        .select_related("parent")
        .annotate(
            done=Count("patrols", filter=done, distinct=True),
            planned=Count("patrols", filter=in_period & Q(patrols__status=PatrolStatus.PLANNED), distinct=True),
            findings=Count("patrols__findings", filter=done, distinct=True),
            cases=Count("patrols__findings", filter=done & Q(patrols__findings__case__isnull=False), distinct=True),
        )
        .filter(Q(done__gt=0) | Q(planned__gt=0))
        .order_by("-done", "code")
    )


def patrol_counts_by_worker(
    *, user: User, start: datetime.date, end: datetime.date
) -> QuerySet[WithAnnotations[GridMember, WorkerCounts]]:
    """Per visible grid member: patrols and visits they took part in during the period, and findings."""
    done = _done_in("patrols__", start, end)
    return (
        members_visible_to(user)
        .select_related("grid")
        .annotate(
            done=Count("patrols", filter=done, distinct=True),
            findings=Count("patrols__findings", filter=done, distinct=True),
        )
        .filter(done__gt=0)
        .order_by("-done", "region_code", "name")
    )


# --- the grid worker's workbench -------------------------------------------------------------------


@dataclass
class GridWork:
    """What a grid worker sees first (网格员工作台): their grids, open cases there, patrols and visits
    due (planned within DUE_WITHIN_DAYS days, or overdue), and today's duty in those grids."""

    grids: list[Region] = field(default_factory=list)
    open_cases: list[Case] = field(default_factory=list)
    open_case_count: int = 0
    due_patrols: list[Patrol] = field(default_factory=list)
    today_shifts: list[DutyShift] = field(default_factory=list)
    today: datetime.date | None = None
    now: datetime.datetime | None = None


def grid_work(*, user: User, limit: int = 20, now: datetime.datetime | None = None) -> GridWork | None:
    """The grid section of the workbench, or None for a user who works no grid."""
    grids = list(grids_of_user(user).select_related("parent").order_by("code"))
    if not grids:
        return None
    now = now or timezone.now()
    today = timezone.localdate(now)
    codes = [grid.code for grid in grids]
    cases = (
        cases_visible_to(user)
        .open()
        .filter(region_code__in=codes)
        .select_related("category", "region", "assigned_org", "assignee")
        .order_by("deadline", "id")
    )
    due = (
        patrols_visible_to(user)
        .filter(region_code__in=codes, status=PatrolStatus.PLANNED)
        .filter(planned_for__lt=now + datetime.timedelta(days=DUE_WITHIN_DAYS))
        .select_related("grid", "created_by")
        .prefetch_related("members")
        .order_by("planned_for", "id")
    )
    shifts = shifts_visible_to(user).filter(region_code__in=codes, date=today)
    return GridWork(
        grids=grids,
        open_cases=list(cases[:limit]),
        open_case_count=cases.count(),
        due_patrols=list(due[:limit]),
        today_shifts=list(shifts),
        today=today,
        now=now,
    )
