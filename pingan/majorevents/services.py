"""Writes of major-event security (重大活动安保).

Who may do what, always inside the jurisdiction of the organisation they act for:
- centre staff and heads (综治中心) whose jurisdiction covers the event's region create the event from a
  scenario template, move it along (筹备 → 进行中 → 已结束), sweep, keep the roster, draw up, edit and send
  the daily reports, write the review and save its lessons into the template;
- a task is done by those managers or by anyone working in the task's unit, with a record and, when the
  task asks for it, an evidence file;
- a sweep finding becomes a risk (risks.services.risk_raise), a dispute or an incident (cases.services.
  case_register with the kind's category) in one step, linked both ways.

Every function is keyword-only and atomic; views and serializers only call these."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.cases import services as cs
from pingan.cases.choices import Channel, Urgency
from pingan.cases.files import inspect_upload
from pingan.cases.models import Case, Category
from pingan.core.audit import audit_log
from pingan.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from pingan.core.models import AuditAction
from pingan.geo.locator import locate
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Organization, Region
from pingan.risks.choices import RiskSource
from pingan.risks.services import risk_raise

from . import selectors
from .choices import (
    MAX_RADIUS_M,
    STATUS_ORDER,
    EventStatus,
    FindingTarget,
    LessonKind,
    ReportStatus,
    SectionKind,
    SecurityLevel,
    Shift,
    TaskStatus,
)
from .models import (
    DailyReport,
    Event,
    Lesson,
    PlanSection,
    PlanTask,
    Review,
    RosterShift,
    ScenarioTemplate,
    Sweep,
    SweepFinding,
    TemplateSection,
    TemplateTask,
    Venue,
)

MANAGER_ROLES = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})
MAX_EVENT_DAYS = 60
MAX_VENUES = 20
NAME_LENGTH = 100
TITLE_LENGTH = 31
RISK_SCORE_RANGE = range(1, 6)
# A phone's clock may run a few minutes ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=5)

# --- rights ----------------------------------------------------------------------------------------


def can_manage(actor: User, code: str) -> bool:
    """Centre staff or head in an organisation whose jurisdiction contains the region `code`."""
    return any(
        m.role in MANAGER_ROLES and code.startswith(m.organization.region.prefix) for m in actor.active_memberships
    )


def can_complete(actor: User, task: PlanTask) -> bool:
    return can_manage(actor, task.event.region_code) or any(
        m.organization_id == task.org_id for m in actor.active_memberships
    )


def _require_manager(actor: User, event: Event) -> None:
    if not can_manage(actor, event.region_code):
        raise PermissionDeniedError(_("您无权管理该重大活动的安保工作"))


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("region", "lead_org__region").get(pk=event.pk)


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise ApplicationError(_("请填写%(label)s") % {"label": label}, field=field)
    if len(text) > max_length:
        raise ApplicationError(
            _("%(label)s不能超过 %(n)s 个字") % {"label": label, "n": max_length}, field=field, code="too_long"
        )
    return text


def _point(lat: Any, lng: Any, *, field: str) -> tuple[Decimal | None, Decimal | None]:
    """A WGS-84 point, both coordinates or neither, rounded to the column's six decimals."""
    if lat in (None, "") and lng in (None, ""):
        return None, None
    try:
        lat_d, lng_d = Decimal(str(lat)), Decimal(str(lng))
    except (InvalidOperation, ValueError, TypeError):
        raise ApplicationError(_("经纬度须成对填写且为数字"), field=field) from None
    if not lat_d.is_finite() or not lng_d.is_finite() or not (-90 <= lat_d <= 90 and -180 <= lng_d <= 180):
        raise ApplicationError(_("经纬度超出范围"), field=field)
    return lat_d.quantize(Decimal("0.000001")), lng_d.quantize(Decimal("0.000001"))


def _in_event_days(event: Event, day: datetime.date, *, field: str) -> None:
    if not event.start_date <= day <= event.end_date:
        raise ApplicationError(
            _("日期须在活动期间(%(start)s 至 %(end)s)") % {"start": event.start_date, "end": event.end_date},
            field=field,
        )


def _past(at: datetime.datetime | None, *, field: str) -> datetime.datetime:
    """A moment given for a record (the demo's history): now when left out, never in the future."""
    now = timezone.now()
    if at is None:
        return now
    if at > now + CLOCK_SKEW:
        raise ApplicationError(_("时间不能晚于现在"), field=field)
    return at


# --- events ----------------------------------------------------------------------------------------


def _units_by_type(region: Region, org_types: Iterable[str]) -> dict[str, Organization]:
    """For each organisation type, the active organisation of that type whose region is `region` or the
    nearest above it (one query for all types)."""
    wanted = {t for t in org_types if t}
    if not wanted:
        return {}
    codes = [r.code for r in region.ancestors_and_self()]
    found: dict[str, Organization] = {}
    candidates = Organization.objects.filter(org_type__in=wanted, is_active=True, region__code__in=codes)
    for org in candidates.select_related("region").order_by("region__level", "code"):
        found[org.org_type] = org  # deeper regions come later and win
    return found


def _grids(codes: Iterable[str], event_region: Region, *, field: str) -> list[Region]:
    codes = [str(code).strip() for code in codes if str(code).strip()]
    found = {g.code: g for g in Region.objects.filter(code__in=codes, level=RegionLevel.GRID, is_active=True)}
    for code in codes:
        grid = found.get(code)
        if grid is None or not event_region.contains_code(grid.code):
            raise ApplicationError(_("网格“%(code)s”不存在或不在活动区划内") % {"code": code}, field=field)
    return [found[code] for code in dict.fromkeys(codes)]


def _clean_venues(venues: Iterable[Mapping[str, Any]], region: Region) -> list[tuple[dict[str, Any], list[Region]]]:
    cleaned = []
    for venue in venues:
        name = _text(venue.get("name"), field="venues", label=_("场所名称"), max_length=100)
        address = _text(venue.get("address"), field="venues", label=_("地址"), max_length=200, required=False)
        lat, lng = _point(venue.get("lat"), venue.get("lng"), field="venues")
        grids = _grids(venue.get("grids") or (), region, field="venues")
        if lat is not None and lng is not None and not grids:
            code = locate(lng=float(lng), lat=float(lat))
            if code and region.contains_code(code):
                grids = list(Region.objects.filter(code=code))
        if lat is None and not grids:
            raise ApplicationError(_("场所“%(name)s”须有坐标或所在网格") % {"name": name}, field="venues")
        cleaned.append(({"name": name, "address": address, "lat": lat, "lng": lng}, grids))
    if len(cleaned) > MAX_VENUES:
        raise ApplicationError(_("活动场所最多 %(n)s 处") % {"n": MAX_VENUES}, field="venues")
    return cleaned


def plan_from_template(*, event: Event, template: ScenarioTemplate) -> int:
    """Copy the template's sections and tasks into the event's plan: each task's deadline is counted from the
    event's first day, its unit is the nearest organisation of the task's type (else the lead unit).
    Returns the number of tasks."""
    count = 0
    sections = list(template.sections.prefetch_related("tasks").order_by("order", "id"))
    units = _units_by_type(event.region, (task.org_type for section in sections for task in section.tasks.all()))
    for section in sections:
        plan_section = PlanSection.objects.create(
            event=event, kind=section.kind, title=section.title, description=section.description, order=section.order
        )
        tasks = [
            PlanTask(
                event=event,
                section=plan_section,
                title=task.title,
                org=units.get(task.org_type, event.lead_org),
                due_date=event.start_date + datetime.timedelta(days=task.due_offset_days),
                required_evidence=task.required_evidence,
                template_task=task,
                order=task.order,
            )
            for task in section.tasks.all()
        ]
        PlanTask.objects.bulk_create(tasks)
        count += len(tasks)
    return count


@transaction.atomic
def event_create(
    *,
    actor: User,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    security_level: str,
    lead_org: Organization,
    template: ScenarioTemplate | None = None,
    region: Region | None = None,
    venues: Iterable[Mapping[str, Any]] = (),
    description: str = "",
    risk_radius_m: int | None = None,
) -> Event:
    """Register a major event and, from its scenario template, its plan (sections and tasks). The event's
    region is the lead unit's unless a region inside it is given; the actor must manage that region."""
    name = _text(name, field="name", label=_("活动名称"), max_length=NAME_LENGTH)
    if start_date is None or end_date is None:
        raise ApplicationError(_("请填写活动日期"), field="start_date")
    if end_date < start_date:
        raise ApplicationError(_("结束日期不能早于开始日期"), field="end_date")
    if (end_date - start_date).days + 1 > MAX_EVENT_DAYS:
        raise ApplicationError(_("活动期间不能超过 %(n)s 天") % {"n": MAX_EVENT_DAYS}, field="end_date")
    if security_level not in SecurityLevel.values:
        raise ApplicationError(_("安保等级无效"), field="security_level")
    if lead_org is None or not lead_org.is_active or not actor.can_see_code(lead_org.region.code):
        raise ApplicationError(_("牵头单位不存在或不在您的辖区内"), field="lead_org")
    region = region or lead_org.region
    if not lead_org.region.contains_code(region.code) or not actor.can_see_code(region.code):
        raise ApplicationError(_("活动区划须在牵头单位的辖区内"), field="region")
    if not can_manage(actor, region.code):
        raise PermissionDeniedError(_("您无权在该区划登记重大活动"))
    if template is not None and not template.is_active:
        raise ApplicationError(_("预案模板已停用"), field="template")
    radius = risk_radius_m if risk_radius_m is not None else None
    if radius is not None and not 0 < radius <= MAX_RADIUS_M:
        raise ApplicationError(_("周边风险范围须在 1 至 %(n)s 米之间") % {"n": MAX_RADIUS_M}, field="risk_radius_m")
    cleaned_venues = _clean_venues(venues, region)
    event = Event(
        name=name,
        start_date=start_date,
        end_date=end_date,
        security_level=security_level,
        lead_org=lead_org,
        region=region,
        template=template,
        description=(description or "").strip(),
        created_by=actor,
    )
    if radius is not None:
        event.risk_radius_m = radius
    event.save()
    for values, grids in cleaned_venues:
        venue = Venue.objects.create(event=event, **values)
        venue.grids.set(grids)
    tasks = plan_from_template(event=event, template=template) if template is not None else 0
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=event,
        changes={"template": template.name if template else "", "tasks": tasks},
    )
    return event


@transaction.atomic
def event_advance(*, actor: User, event: Event, status: str) -> Event:
    """Move the event one step along: 筹备 → 进行中 → 已结束. 已复盘 comes only with the review."""
    event = _locked(event)
    _require_manager(actor, event)
    if status not in STATUS_ORDER or status == EventStatus.REVIEWED:
        raise ApplicationError(_("状态无效(复盘后自动变为已复盘)"), field="status")
    if STATUS_ORDER.index(status) != STATUS_ORDER.index(event.status) + 1:
        raise ConflictError(
            _("活动当前为“%(now)s”,不能改为“%(to)s”")
            % {"now": event.get_status_display(), "to": EventStatus(status).label},
            code="status_not_allowed",
        )
    before = event.status
    event.status = status
    event.save(update_fields=["status"])
    audit_log(actor=actor, action=AuditAction.TRANSITION, obj=event, changes={"status": [before, status]})
    return event


# --- plan tasks ------------------------------------------------------------------------------------


def _evidence(upload: File[Any] | None) -> tuple[File[Any] | None, str]:
    if not upload:
        return None, ""
    inspect_upload(upload, field="evidence")
    return upload, PurePath(upload.name or "").suffix.lower()[:10]


@transaction.atomic
def task_complete(
    *,
    actor: User,
    task: PlanTask,
    record: str,
    evidence: File[Any] | None = None,
    done_at: datetime.datetime | None = None,
) -> PlanTask:
    """Mark a task done with what was done and, when the task names required evidence, the evidence file.
    Lateness follows from the completion day and the deadline (PlanTask.days_late)."""
    task = PlanTask.objects.select_for_update(of=("self",)).select_related("event", "org").get(pk=task.pk)
    if not can_complete(actor, task):
        raise PermissionDeniedError(_("您无权办理该安保任务"))
    if task.status != TaskStatus.OPEN:
        raise ConflictError(_("该任务已完成或已取消"), code="task_not_open")
    record = _text(record, field="record", label=_("完成情况"), max_length=2000)
    upload, extension = _evidence(evidence)
    if task.required_evidence and upload is None:
        raise ApplicationError(_("该任务须上传佐证材料:%(what)s") % {"what": task.required_evidence}, field="evidence")
    done_at = _past(done_at, field="done_at")
    task.status, task.record, task.done_at, task.done_by = TaskStatus.DONE, record, done_at, actor
    if upload is not None:
        task.evidence_ext = extension
        task.evidence_name = PurePath(upload.name or "").name[:200]
        task.evidence.save(task.evidence_name, upload, save=False)
    task.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=task,
        region_code=task.event.region_code,
        changes={"status": "done", "days_late": task.days_late()},
    )
    return task


# --- sweeps ----------------------------------------------------------------------------------------


@transaction.atomic
def sweep_create(
    *,
    actor: User,
    event: Event,
    region: Region | None,
    swept_on: datetime.date,
    org: Organization | None = None,
    note: str = "",
    findings: Iterable[Mapping[str, Any]] = (),
) -> Sweep:
    """Record a pre-event sweep of a region or a grid inside the event's region, with its findings."""
    event = _locked(event)
    _require_manager(actor, event)
    if region is None or not region.is_active or not event.region.contains_code(region.code):
        raise ApplicationError(_("排查区域须在活动区划内"), field="region")
    if swept_on is None:
        raise ApplicationError(_("请填写排查日期"), field="swept_on")
    if swept_on > event.end_date or swept_on > timezone.localdate():
        raise ApplicationError(_("排查日期不能晚于活动结束日期或今天"), field="swept_on")
    org = org or event.lead_org
    if not actor.can_see_code(org.region.code):
        raise ApplicationError(_("排查单位不在您的辖区内"), field="org")
    note = _text(note, field="note", label=_("排查情况"), max_length=2000, required=False)
    cleaned = [_clean_finding(item) for item in findings]
    sweep = Sweep.objects.create(event=event, region=region, swept_on=swept_on, org=org, note=note, created_by=actor)
    SweepFinding.objects.bulk_create(SweepFinding(sweep=sweep, **values) for values in cleaned)
    audit_log(actor=actor, action=AuditAction.CREATE, obj=sweep, changes={"findings": len(cleaned)})
    return sweep


def _clean_finding(item: Mapping[str, Any]) -> dict[str, Any]:
    description = _text(item.get("description"), field="findings", label=_("发现情况"), max_length=2000)
    address = _text(item.get("address"), field="findings", label=_("地址"), max_length=200, required=False)
    lat, lng = _point(item.get("lat"), item.get("lng"), field="findings")
    return {"description": description, "address": address, "lat": lat, "lng": lng}


@transaction.atomic
def finding_add(
    *, actor: User, sweep: Sweep, description: str, address: str = "", lat: Any = None, lng: Any = None
) -> SweepFinding:
    sweep = Sweep.objects.select_for_update(of=("self",)).select_related("event").get(pk=sweep.pk)
    _require_manager(actor, sweep.event)
    values = _clean_finding({"description": description, "address": address, "lat": lat, "lng": lng})
    finding = SweepFinding.objects.create(sweep=sweep, **values)
    audit_log(actor=actor, action=AuditAction.CREATE, obj=finding, region_code=sweep.region_code)
    return finding


def _category(kind: str, category: Category | str | None) -> Category:
    code = category.code if isinstance(category, Category) else category
    found = Category.objects.filter(kind=kind, code=code or "", is_active=True).first()
    if found is None:
        raise ApplicationError(_("请选择%(kind)s的类别") % {"kind": FindingTarget(kind).label}, field="category")
    return found


def _score(value: Any, *, field: str) -> int:
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = 0
    if score not in RISK_SCORE_RANGE:
        raise ApplicationError(_("可能性和影响程度须为 1 至 5"), field=field)
    return score


@transaction.atomic
def finding_to_case(
    *,
    actor: User,
    finding: SweepFinding,
    target: str,
    category: Category | str | None,
    title: str = "",
    parties: Iterable[Mapping[str, Any]] = (),
    likelihood: Any = None,
    impact: Any = None,
    urgency: str = Urgency.NORMAL,
    registered_at: datetime.datetime | None = None,
) -> Case:
    """Turn a sweep finding into a risk, a dispute or an incident in one step (channel 排查): the case lies
    at the finding's point, else in the swept region; the finding keeps the case (`finding.case`) and the
    case points back (`case.sweep_finding`). A finding becomes at most one case."""
    finding = (
        SweepFinding.objects.select_for_update(of=("self",))
        .select_related("sweep__event__lead_org", "sweep__region")
        .get(pk=finding.pk)
    )
    sweep = finding.sweep
    _require_manager(actor, sweep.event)
    if finding.case_id is not None:
        raise ConflictError(_("该排查发现已转立案件"), code="finding_already_converted")
    if target not in FindingTarget.values:
        raise ApplicationError(_("请选择转为风险、矛盾纠纷或网格事件"), field="target")
    if urgency not in Urgency.values:
        raise ApplicationError(_("紧急程度无效"), field="urgency")
    chosen = _category(target, category)
    title = _text(title, field="title", label=_("标题"), max_length=100, required=False) or cs.case_title(
        chosen, finding.description, length=TITLE_LENGTH
    )
    description = _("由重大活动“%(event)s”活动前排查发现。%(text)s") % {
        "event": sweep.event.name,
        "text": finding.description,
    }
    located = finding.lat is not None
    if registered_at is not None:  # else the engine's own now, the same on every row it writes
        registered_at = _past(registered_at, field="registered_at")
    if target == FindingTarget.RISK:
        case = _raise_risk(
            actor=actor,
            finding=finding,
            category=chosen,
            title=title,
            description=description,
            likelihood=_score(likelihood, field="likelihood"),
            impact=_score(impact, field="impact"),
            parties=parties,
            urgency=urgency,
            registered_at=registered_at,
        )
    else:
        case = cs.case_register(
            actor=actor,
            kind=target,
            category=chosen,
            title=title,
            description=description,
            channel=Channel.SCREENING,
            region=None if located else sweep.region,
            urgency=urgency,
            address=finding.address,
            lat=finding.lat,
            lng=finding.lng,
            parties=list(parties),
            registered_at=registered_at,
        )
    finding.case, finding.target = case, target
    finding.save(update_fields=["case", "target"])
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=finding,
        region_code=sweep.region_code,
        changes={"case": case.number, "target": target},
    )
    return case


def _raise_risk(
    *,
    actor: User,
    finding: SweepFinding,
    category: Category,
    title: str,
    description: str,
    likelihood: int,
    impact: int,
    parties: Iterable[Mapping[str, Any]],
    urgency: str,
    registered_at: datetime.datetime | None,
) -> Case:
    """A finding raised as a risk (来源:活动前排查) through the risks app, owned by the sweeping unit."""
    sweep = finding.sweep
    located = finding.lat is not None
    grid_codes = [sweep.region_code] if sweep.region.level == RegionLevel.GRID else []
    return risk_raise(
        actor=actor,
        category=category,
        title=title,
        description=description,
        source=RiskSource.PRE_EVENT_SWEEP,
        likelihood=likelihood,
        impact=impact,
        region=None if located else sweep.region,
        owner_org=sweep.org,
        lat=finding.lat,
        lng=finding.lng,
        address=finding.address,
        parties=list(parties),
        grid_codes=grid_codes,
        urgency=urgency,
        registered_at=registered_at,
    )


# --- duty roster -----------------------------------------------------------------------------------


@transaction.atomic
def roster_add(
    *, actor: User, event: Event, date: datetime.date, shift: str, org: Organization, user: User, post: str = ""
) -> RosterShift:
    """Put an on-duty account on a shift of an event day, for a unit inside the actor's jurisdiction."""
    event = _locked(event)
    _require_manager(actor, event)
    if date is None:
        raise ApplicationError(_("请填写日期"), field="date")
    _in_event_days(event, date, field="date")
    if shift not in Shift.values:
        raise ApplicationError(_("班次无效"), field="shift")
    if org is None or not org.is_active or not actor.can_see_code(org.region.code):
        raise ApplicationError(_("值班单位不存在或不在您的辖区内"), field="org")
    if user is None or not user.is_active:
        raise ApplicationError(_("值班人员账号不存在或已停用"), field="user")
    post = _text(post, field="post", label=_("岗位"), max_length=50, required=False)
    try:
        with transaction.atomic():
            entry = RosterShift.objects.create(event=event, date=date, shift=shift, org=org, user=user, post=post)
    except IntegrityError:
        raise ConflictError(_("该人员在此班次已有排班"), field="user", code="duplicate_shift") from None
    audit_log(actor=actor, action=AuditAction.CREATE, obj=entry, region_code=event.region_code)
    return entry


@transaction.atomic
def roster_remove(*, actor: User, entry: RosterShift) -> None:
    _require_manager(actor, entry.event)
    audit_log(actor=actor, action=AuditAction.DELETE, obj=entry, region_code=entry.event.region_code)
    entry.delete()


# --- daily reports ---------------------------------------------------------------------------------


@transaction.atomic
def report_generate(*, actor: User, event: Event, day: datetime.date) -> DailyReport:
    """Draw up the daily report of an event day from that day's records (selectors.report_draft), numbered
    第N期 after the reports already drawn up for the event. One report per day."""
    event = _locked(event)
    _require_manager(actor, event)
    if day is None:
        raise ApplicationError(_("请选择日期"), field="day")
    _in_event_days(event, day, field="day")
    if day > timezone.localdate():
        raise ApplicationError(_("不能为尚未到来的日期生成日报"), field="day")
    if event.reports.filter(day=day).exists():
        raise ConflictError(_("该日的日报已生成"), field="day", code="report_exists")
    number = (event.reports.aggregate(n=Max("number"))["n"] or 0) + 1
    report = DailyReport.objects.create(event=event, day=day, number=number, **selectors.report_draft(event, day))
    audit_log(actor=actor, action=AuditAction.CREATE, obj=report, region_code=event.region_code)
    return report


def _editable(report: DailyReport) -> DailyReport:
    report = DailyReport.objects.select_for_update(of=("self",)).select_related("event").get(pk=report.pk)
    if report.status == ReportStatus.SENT:
        raise ConflictError(_("日报已报送,不能再修改"), code="report_sent")
    return report


@transaction.atomic
def report_edit(*, actor: User, report: DailyReport, **texts: str) -> DailyReport:
    """Edit a draft's texts (only the fields given). A sent report is frozen (409)."""
    report = _editable(report)
    _require_manager(actor, report.event)
    unknown = set(texts) - set(DailyReport.TEXT_FIELDS)
    if unknown:
        raise ApplicationError(_("未知字段:%(names)s") % {"names": "、".join(sorted(unknown))})
    changed = {}
    for name, value in texts.items():
        label = str(getattr(DailyReport._meta.get_field(name), "verbose_name", name))
        text = _text(value, field=name, label=label, max_length=5000, required=name == "overview")
        if getattr(report, name) != text:
            setattr(report, name, text)
            changed[name] = True
    report.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=report,
        region_code=report.event.region_code,
        changes={"fields": sorted(changed)},
    )
    return report


@transaction.atomic
def report_send(*, actor: User, report: DailyReport, sent_at: datetime.datetime | None = None) -> DailyReport:
    """Send the report (报送): from now on it is frozen."""
    report = _editable(report)
    _require_manager(actor, report.event)
    if not report.overview.strip():
        raise ApplicationError(_("请填写总体情况"), field="overview")
    report.status, report.sent_at, report.sent_by = ReportStatus.SENT, _past(sent_at, field="sent_at"), actor
    report.save(update_fields=["status", "sent_at", "sent_by", "updated_at"])
    audit_log(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=report,
        region_code=report.event.region_code,
        changes={"status": "sent"},
    )
    return report


# --- review and lessons ----------------------------------------------------------------------------


@transaction.atomic
def review_write(
    *,
    actor: User,
    event: Event,
    summary: str,
    worked: str = "",
    failed: str = "",
    lessons: Iterable[Mapping[str, Any] | str] = (),
    written_at: datetime.datetime | None = None,
) -> Review:
    """Write (or amend) the review of a finished event; the event becomes 已复盘. `lessons` are added to the
    review's lessons (each `{"text", "kind"}`, kind 任务 or 机制)."""
    event = _locked(event)
    _require_manager(actor, event)
    if event.status not in (EventStatus.FINISHED, EventStatus.REVIEWED):
        raise ConflictError(_("活动结束后才能复盘"), code="event_not_finished")
    summary = _text(summary, field="summary", label=_("总体评价"), max_length=5000)
    worked = _text(worked, field="worked", label=_("经验做法"), max_length=5000, required=False)
    failed = _text(failed, field="failed", label=_("问题不足"), max_length=5000, required=False)
    cleaned = []
    for item in lessons:
        values = {"text": item} if isinstance(item, str) else dict(item)
        text = _text(values.get("text"), field="lessons", label=_("改进措施"), max_length=200)
        kind = values.get("kind") or LessonKind.TASK
        if kind not in LessonKind.values:
            raise ApplicationError(_("改进措施类别无效"), field="lessons")
        cleaned.append(Lesson(text=text, kind=kind))
    review, created = Review.objects.update_or_create(
        event=event,
        defaults={
            "summary": summary,
            "worked": worked,
            "failed": failed,
            "written_by": actor,
            "written_at": _past(written_at, field="written_at"),
        },
    )
    for lesson in cleaned:
        lesson.review = review
    Lesson.objects.bulk_create(cleaned)
    if event.status != EventStatus.REVIEWED:
        event.status = EventStatus.REVIEWED
        event.save(update_fields=["status"])
    audit_log(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=review,
        region_code=event.region_code,
        changes={"lessons": len(cleaned)},
    )
    return review


@transaction.atomic
def lesson_save_to_template(*, actor: User, lesson: Lesson, section: TemplateSection | None = None) -> Lesson:
    """提升: save a lesson into the event's scenario template, so the next event created from it starts with
    it. A task lesson becomes a new task of `section` (a section of that template); a mechanism lesson a new
    mechanism (机制) section. A lesson is saved once."""
    lesson = Lesson.objects.select_for_update(of=("self",)).select_related("review__event__template").get(pk=lesson.pk)
    event = lesson.review.event
    _require_manager(actor, event)
    if lesson.saved_at is not None:
        raise ConflictError(_("该改进措施已存入模板"), code="lesson_saved")
    template = event.template
    if template is None:
        raise ApplicationError(_("该活动不是由预案模板创建的,无法存入模板"), field="section")
    now = timezone.now()
    if lesson.kind == LessonKind.MECHANISM:
        order = (template.sections.aggregate(n=Max("order"))["n"] or 0) + 1
        lesson.saved_section = TemplateSection.objects.create(
            template=template,
            kind=SectionKind.MECHANISM,
            title=lesson.text[:100],
            order=order,
            description=_("来自“%(event)s”复盘") % {"event": event.name},
        )
    else:
        if section is None or section.template_id != template.pk:
            raise ApplicationError(_("请选择模板“%(name)s”中的板块") % {"name": template.name}, field="section")
        order = (section.tasks.aggregate(n=Max("order"))["n"] or 0) + 1
        lesson.saved_task = TemplateTask.objects.create(
            section=section,
            title=lesson.text,
            order=order,
            from_lesson=lesson,
            due_offset_days=-1,
        )
    lesson.saved_at = now
    lesson.save(update_fields=["saved_task", "saved_section", "saved_at"])
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=template,
        region_code=event.region_code,
        changes={"lesson": lesson.pk, "kind": lesson.kind},
    )
    return lesson


# --- scenario templates ----------------------------------------------------------------------------


@transaction.atomic
def template_create(
    *, name: str, description: str = "", sections: Iterable[Mapping[str, Any]] = ()
) -> ScenarioTemplate:
    """A scenario template with its sections and tasks, e.g. the demo's "1+5+6+7": sections are
    `{"kind", "title", "description", "tasks": [{"title", "org_type", "due_offset_days", "required_evidence"}]}`.
    (Templates are otherwise kept in the back office.)"""
    name = _text(name, field="name", label=_("名称"), max_length=100)
    if ScenarioTemplate.objects.filter(name=name).exists():
        raise ConflictError(_("同名预案模板已存在"), field="name")
    template = ScenarioTemplate.objects.create(name=name, description=(description or "").strip())
    for order, section in enumerate(sections, start=1):
        if section.get("kind") not in SectionKind.values:
            raise ApplicationError(_("板块类别无效"), field="sections")
        row = TemplateSection.objects.create(
            template=template,
            kind=section["kind"],
            title=_text(section.get("title"), field="sections", label=_("板块名称"), max_length=100),
            description=(section.get("description") or "").strip(),
            order=order,
        )
        TemplateTask.objects.bulk_create(
            TemplateTask(
                section=row,
                title=_text(task.get("title"), field="sections", label=_("任务"), max_length=200),
                org_type=task.get("org_type", ""),
                due_offset_days=int(task.get("due_offset_days", 0)),
                required_evidence=task.get("required_evidence", ""),
                order=n,
            )
            for n, task in enumerate(section.get("tasks", ()), start=1)
        )
    return template
