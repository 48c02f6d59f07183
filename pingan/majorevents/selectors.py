"""Reads of major-event security. Every read starts from the user's jurisdiction (`user_prefixes`): an event
is seen by those whose jurisdiction contains its region, and everything of an event (tasks, sweeps,
findings, rosters, reports, review) only through the event; anything else is "not found" (404)."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.models import User
from pingan.cases.models import Case, CaseQuerySet
from pingan.core.errors import NotFoundError
from pingan.regions.models import Organization
from pingan.regions.selectors import user_prefixes

from .choices import FindingTarget, SectionKind, TaskStatus
from .models import (
    DailyReport,
    Event,
    EventQuerySet,
    Lesson,
    PlanSection,
    PlanTask,
    RosterShift,
    Sweep,
    SweepFinding,
    Venue,
)

RISK_KIND = "risk"
# Mean earth radius (IUGG, km): what "within N metres of a venue" is measured with.
EARTH_RADIUS_KM = 6371.0088
METRES_PER_DEGREE_LAT = 111_320.0

# --- events ----------------------------------------------------------------------------------------


def events_visible_to(user: User) -> EventQuerySet:
    return Event.objects.within(user_prefixes(user))


def late_q(today: datetime.date, prefix: str = "") -> Q:
    """Tasks late as of `today`: open past their day, or done after it (PlanTask.days_late > 0). `prefix`
    reads them through a relation (e.g. "tasks__" from the event)."""
    return Q(**{f"{prefix}status": TaskStatus.OPEN, f"{prefix}due_date__lt": today}) | Q(
        **{f"{prefix}status": TaskStatus.DONE, f"{prefix}done_at__date__gt": F(f"{prefix}due_date")}
    )


def _one_or_404[M: models.Model](queryset: QuerySet[M], pk: int | str, message: str) -> M:
    """The record `pk` among those the user may see (`queryset`), else "not found" with `message`."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFoundError(message)
    return found


def event_list(*, user: User, today: datetime.date | None = None) -> QuerySet[Event]:
    """Events with the number of tasks, done tasks and late tasks."""
    today = today or timezone.localdate()
    return (
        events_visible_to(user)
        .select_related("lead_org", "region", "template")
        .annotate(
            task_count=Count("tasks", distinct=True),
            done_count=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE), distinct=True),
            late_count=Count("tasks", filter=late_q(today, "tasks__"), distinct=True),
        )
        .order_by("-start_date", "-id")
    )


def event_visible_or_404(*, user: User, event_id: int | str) -> Event:
    return _one_or_404(
        events_visible_to(user)
        .select_related("lead_org__region", "region", "template", "created_by")
        .prefetch_related(Prefetch("venues", queryset=Venue.objects.prefetch_related("grids"))),
        event_id,
        _("重大活动不存在或不在您的辖区内"),
    )


def tasks_of(event: Event) -> QuerySet[PlanTask]:
    return event.tasks.select_related("section", "org", "done_by").order_by(
        "section__order", "section_id", "order", "id"
    )


def task_visible_or_404(*, user: User, task_id: int | str) -> PlanTask:
    return _one_or_404(
        PlanTask.objects.filter(event__in=events_visible_to(user)).select_related(
            "event__region", "section", "org", "done_by"
        ),
        task_id,
        _("安保任务不存在或不在您的辖区内"),
    )


def sweeps_of(event: Event) -> QuerySet[Sweep]:
    return event.sweeps.select_related("region", "org", "created_by").prefetch_related(
        Prefetch("findings", queryset=SweepFinding.objects.select_related("case"))
    )


def sweep_visible_or_404(*, user: User, sweep_id: int | str) -> Sweep:
    return _one_or_404(
        sweeps_of_visible(user).select_related("event", "region", "org"), sweep_id, _("排查记录不存在或不在您的辖区内")
    )


def sweeps_of_visible(user: User) -> QuerySet[Sweep]:
    return Sweep.objects.filter(event__in=events_visible_to(user))


def finding_visible_or_404(*, user: User, finding_id: int | str) -> SweepFinding:
    return _one_or_404(
        SweepFinding.objects.filter(sweep__in=sweeps_of_visible(user)).select_related(
            "sweep__event", "sweep__region", "case"
        ),
        finding_id,
        _("排查发现不存在或不在您的辖区内"),
    )


def roster_of(event: Event, day: datetime.date | None = None) -> QuerySet[RosterShift]:
    shifts = event.shifts.select_related("org", "user")
    return shifts.filter(date=day) if day is not None else shifts


def shift_visible_or_404(*, user: User, shift_id: int | str) -> RosterShift:
    return _one_or_404(
        RosterShift.objects.filter(event__in=events_visible_to(user)).select_related("event", "org", "user"),
        shift_id,
        _("值班记录不存在或不在您的辖区内"),
    )


def report_visible_or_404(*, user: User, report_id: int | str) -> DailyReport:
    return _one_or_404(
        DailyReport.objects.filter(event__in=events_visible_to(user)).select_related(
            "event__lead_org", "event__region", "sent_by"
        ),
        report_id,
        _("日报不存在或不在您的辖区内"),
    )


def lesson_visible_or_404(*, user: User, lesson_id: int | str) -> Lesson:
    return _one_or_404(
        Lesson.objects.filter(review__event__in=events_visible_to(user)).select_related(
            "review__event__template", "saved_task", "saved_section"
        ),
        lesson_id,
        _("复盘经验不存在或不在您的辖区内"),
    )


# --- risks near the venues -------------------------------------------------------------------------


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float, *, radius_km: float = EARTH_RADIUS_KM) -> float:
    """Great-circle distance in metres between two WGS-84 points (the haversine formula)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius_km * 1000 * math.asin(math.sqrt(a))


@dataclass
class NearRisk:
    case: Case
    venue: str
    distance_m: int | None  # None: in a venue's grid, without a point near it


def risks_near_venues(event: Event, *, cases: CaseQuerySet | None = None) -> list[NearRisk]:
    """Open risk cases in the event's region whose point lies within `event.risk_radius_m` of a venue's
    point, or which lie in a venue's grid; nearest first. A bounding box narrows the rows in the database,
    the exact distance is measured here."""
    source = cases if cases is not None else Case.objects.all()
    risks = source.open().filter(kind=RISK_KIND).within([event.region.prefix])
    venues = list(event.venues.all())
    points = [(v, float(v.lat), float(v.lng)) for v in venues if v.lat is not None and v.lng is not None]
    grid_venue = {g.code: v for v in venues for g in v.grids.all()}
    radius = event.risk_radius_m
    near = Q(region_code__in=list(grid_venue)) if grid_venue else Q(pk__in=[])
    for _venue, lat, lng in points:
        dlat = radius / METRES_PER_DEGREE_LAT
        dlng = radius / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
        near |= Q(
            lat__range=(Decimal(lat - dlat), Decimal(lat + dlat)), lng__range=(Decimal(lng - dlng), Decimal(lng + dlng))
        )
    found: list[NearRisk] = []
    for case in risks.filter(near).select_related("category", "assigned_org", "risk").order_by("id")[:500]:
        best: tuple[float, Venue] | None = None
        if case.lat is not None and case.lng is not None:
            for venue, lat, lng in points:
                distance = haversine_m(lat, lng, float(case.lat), float(case.lng))
                if distance <= radius and (best is None or distance < best[0]):
                    best = (distance, venue)
        if best is not None:
            found.append(NearRisk(case, best[1].name, round(best[0])))
        elif case.region_code in grid_venue:
            found.append(NearRisk(case, grid_venue[case.region_code].name, None))
    found.sort(key=lambda r: (r.distance_m is None, r.distance_m or 0, r.case.pk))
    return found


# --- the board -------------------------------------------------------------------------------------


@dataclass
class UnitRow:
    org: Organization
    tasks: list[PlanTask] = field(default_factory=list)
    done: int = 0
    late: int = 0


@dataclass
class SectionRow:
    section: PlanSection
    units: list[UnitRow] = field(default_factory=list)
    total: int = 0
    done: int = 0
    late: int = 0


@dataclass
class Board:
    event: Event
    today: datetime.date
    sections: list[SectionRow]
    total: int
    done: int
    late: int
    risks: list[NearRisk]
    report: DailyReport | None
    reports: list[DailyReport]
    roster: list[RosterShift]
    findings: int
    converted: int


def task_rows(tasks: Iterable[PlanTask], today: datetime.date) -> list[SectionRow]:
    """Tasks grouped by section (in plan order) and, inside each, by unit; each task carries `late_days`."""
    sections: dict[int, SectionRow] = {}
    for task in tasks:
        task.late_days = task.days_late(today)  # type: ignore[attr-defined]
        row = sections.setdefault(task.section_id, SectionRow(task.section))
        units = {u.org.pk: u for u in row.units}
        unit = units.get(task.org_id)
        if unit is None:
            unit = UnitRow(task.org)
            row.units.append(unit)
        unit.tasks.append(task)
        done = task.status == TaskStatus.DONE
        late = task.late_days > 0  # type: ignore[attr-defined]
        unit.done += done
        unit.late += late
        row.total += 1
        row.done += done
        row.late += late
    return list(sections.values())


def board(*, user: User, event: Event, today: datetime.date | None = None) -> Board:
    today = today or timezone.localdate()
    sections = task_rows(tasks_of(event), today)
    reports = list(event.reports.order_by("-number"))
    findings = SweepFinding.objects.filter(sweep__event=event).aggregate(
        n=Count("id"), converted=Count("id", filter=Q(case__isnull=False))
    )
    return Board(
        event=event,
        today=today,
        sections=sections,
        total=sum(s.total for s in sections),
        done=sum(s.done for s in sections),
        late=sum(s.late for s in sections),
        risks=risks_near_venues(event),
        report=next((r for r in reports if r.day == today), None),
        reports=reports,
        roster=list(roster_of(event, today)),
        findings=findings["n"],
        converted=findings["converted"],
    )


# --- daily report drafts ---------------------------------------------------------------------------


def _day_range(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def _lines(items: Sequence[str], empty: str) -> str:
    return "\n".join(items) if items else empty


def report_draft(event: Event, day: datetime.date) -> dict[str, Any]:
    """The texts and figures of the daily report of `day`, from that day's records: tasks done that day
    (and how many late), tasks overdue at the end of the day, sweep findings of the day and what they
    became, cases registered in the event's region that day by kind, and the open risks near the venues."""
    start, end = _day_range(day)
    tasks = list(event.tasks.select_related("org", "section"))
    done_today = [t for t in tasks if t.done_at is not None and start <= t.done_at < end]
    late_done = [t for t in done_today if t.days_late() > 0]
    overdue = [
        t
        for t in tasks
        if t.status != TaskStatus.CANCELLED and t.due_date < day and (t.done_at is None or t.done_at >= end)
    ]
    findings = list(
        SweepFinding.objects.filter(sweep__event=event, sweep__swept_on=day).select_related("sweep__region", "case")
    )
    cases = (
        Case.objects.within([event.region.prefix])
        .filter(registered_at__gte=start, registered_at__lt=end)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    by_kind = {row["kind"]: row["n"] for row in cases}
    risks = risks_near_venues(event)
    kind_labels = {"dispute": _("矛盾纠纷"), "incident": _("网格事件"), "risk": _("风险")}
    day_no = (day - event.start_date).days + 1
    overview = _(
        "%(date)s(活动第%(n)s天),%(event)s安保工作总体平稳。完成安保任务 %(done)s 项,逾期未完成 %(overdue)s 项;"
        "排查发现问题 %(findings)s 条;辖区登记案事件 %(cases)s 件;场馆周边在办风险 %(risks)s 件。"
    ) % {
        "date": f"{day.year}年{day.month}月{day.day}日",
        "n": day_no,
        "event": event.name,
        "done": len(done_today),
        "overdue": len(overdue),
        "findings": len(findings),
        "cases": sum(by_kind.values()),
        "risks": len(risks),
    }
    return {
        "overview": overview,
        "tasks": _lines(
            [f"{t.section.title}:{t.title}({t.org.name}){'(逾期完成)' if t in late_done else ''}" for t in done_today]
            + [
                _("逾期未完成:%(title)s(%(org)s,期限 %(due)s)")
                % {"title": t.title, "org": t.org.name, "due": t.due_date}
                for t in overdue
            ],
            _("当日无完成的任务。"),
        ),
        "sweeps": _lines(
            [
                f"{f.sweep.region.name}:{f.description}"
                + (f"(已转{FindingTarget(f.target).label} {f.case.number})" if f.case is not None and f.target else "")
                for f in findings
            ],
            _("当日无排查发现。"),
        ),
        "cases": _lines(
            [_("%(kind)s %(n)s 件") % {"kind": kind_labels.get(k, k), "n": n} for k, n in by_kind.items()],
            _("当日辖区无新登记案事件。"),
        ),
        "risks": _lines(
            [
                f"{r.case.number} {r.case.title}({r.venue}"
                + (_("周边 %(m)s 米") % {"m": r.distance_m} if r.distance_m is not None else _("所在网格"))
                + ")"
                for r in risks
            ],
            _("场馆周边无在办风险。"),
        ),
        "next_steps": "",
        "figures": {
            "tasks_done": len(done_today),
            "tasks_done_late": len(late_done),
            "tasks_overdue": len(overdue),
            "findings": len(findings),
            "findings_converted": sum(1 for f in findings if f.case_id),
            "cases": by_kind,
            "risks_near": len(risks),
        },
    }


def domain_sections(event: Event) -> QuerySet[PlanSection]:
    return event.sections.filter(kind=SectionKind.DOMAIN)
