"""Writes of the case engine: intake, routing, clocks, and the guarded transitions.

Every function here is keyword-only and atomic; views and serializers only call these.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import shapely
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape
from simple_history.utils import bulk_create_with_history

from pingan.accounts.choices import UNMASK_ROLES, Role
from pingan.accounts.models import User
from pingan.core.audit import audit_log, unmask_reason
from pingan.core.concurrency import check_unchanged, edit_token
from pingan.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from pingan.core.models import AuditAction
from pingan.core.outbox import publish
from pingan.geo.coords import to_wgs84
from pingan.geo.locator import locate
from pingan.geo.models import RegionShape
from pingan.regions.choices import OrgType
from pingan.regions.models import Organization, Region
from pingan.regions.selectors import organization_by_code
from pingan.workcalendar.calendar import WorkCalendar

from . import clocks, workflows
from .choices import Channel, ClockState, EventType, ExtensionStatus, RoutingBasis, Urgency
from .events import event_record
from .files import UploadInfo, inspect_upload
from .models import (
    Attachment,
    Case,
    CaseNumberSequence,
    Category,
    ExtensionRequest,
    Notification,
    Party,
    RoutingRule,
    SlaPolicy,
)
from .parties import EDITABLE, PartyInput, clean_parties, party_corrected, party_model
from .tasks import notify_organization

INTAKE_ROLES = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD, Role.MEDIATOR, Role.DEPARTMENT_STAFF, Role.GRID_WORKER})


def can_register(user: User) -> bool:
    """Holds a post that registers cases and reports incidents somewhere (case_register checks where)."""
    return user.has_role(*INTAKE_ROLES)


# --- routing ---------------------------------------------------------------------------------------


def route(
    *,
    kind: str,
    category: Category,
    region: Region,
    channel: str = "",
    intake_org: Organization | None = None,
) -> tuple[Organization, RoutingBasis]:
    """Where a new case goes, and why: the most specific routing rule; else, for a walk-in at a centre's
    counter inside its own jurisdiction, that centre (首接负责制, it may dispatch down); else the nearest
    centre. A rule whose organisation the kind's workflow does not admit is skipped."""
    workflow = workflows.get(kind)
    rules = (
        RoutingRule.objects.filter(
            is_active=True, organization__is_active=True, organization__org_type__in=workflow.org_types
        )
        .filter(Q(kind="") | Q(kind=kind))
        .filter(Q(category__isnull=True) | Q(category=category))
        .select_related("region", "organization")
    )
    matching = [rule for rule in rules if region.code.startswith(rule.region.prefix)]
    if matching:
        best = max(matching, key=lambda r: (r.region.level, r.category_id is not None, bool(r.kind)))
        return best.organization, RoutingBasis.RULE
    if (
        channel == Channel.VISIT
        and intake_org is not None
        and intake_org.org_type == OrgType.CENTRE
        and region.code.startswith(intake_org.region.prefix)
    ):
        return intake_org, RoutingBasis.FIRST_CONTACT
    return nearest_centre(region), RoutingBasis.NEAREST_CENTRE


def nearest_centre(region: Region, *, above_level: int | None = None) -> Organization:
    """The governance centre of the smallest region containing `region` (strictly above `above_level`)."""
    ancestors = list(region.ancestors(include_self=True))
    centres = {
        org.region_id: org
        for org in Organization.objects.filter(org_type=OrgType.CENTRE, is_active=True, region__in=ancestors).order_by(
            "code"
        )
    }
    for ancestor in reversed(ancestors):
        if above_level is not None and ancestor.level >= above_level:
            continue
        if ancestor.pk in centres:
            return centres[ancestor.pk]
    raise ApplicationError(_("“%(region)s”及其上级均未设置综治中心,无法分流") % {"region": region.name}, field="region")


# --- clocks ----------------------------------------------------------------------------------------


def sla_for(*, kind: str, category: Category, urgency: str) -> tuple[int, str]:
    policies = SlaPolicy.objects.filter(kind=kind).filter(Q(category__isnull=True) | Q(category=category))
    policies = policies.filter(Q(urgency="") | Q(urgency=urgency))
    best = max(policies, key=lambda p: (p.category_id is not None, bool(p.urgency)), default=None)
    if best is not None:
        return best.amount, best.unit
    return workflows.get(kind).default_clock(urgency)


def clock_reset(case: Case, calendar: WorkCalendar | None = None) -> None:
    """Recompute the deadline and the warning time from the registration time, clock and extensions, and
    whether the deadline is provisional (counted through a year whose holiday notice is not known yet):
    the primary clock without pauses, for a case built in memory (see clocks.primary_reset)."""
    clocks.primary_reset(case, calendar)


@transaction.atomic
def case_clocks_recount(*, years: set[int]) -> int:
    """Count again the clocks of open cases that ran through `years`, after their calendar changed (a
    notice entered replaces the provisional statutory days). Closed cases keep the deadline their on-time
    verdict was frozen against. Returns how many deadlines changed."""
    return clocks.clocks_recount(years=years)


# --- titles ----------------------------------------------------------------------------------------


def case_title(category: Category, description: str, *, length: int) -> str:
    """A title for a case whose reporter gave none (a phone report, an Open311 request): the category,
    then the start of the description's first line, at most `length` characters of it with the ellipsis."""
    lines = description.strip().splitlines()
    first_line = re.sub(r"\s+", " ", lines[0]).strip() if lines else ""
    text = first_line if len(first_line) <= length else first_line[: length - 1] + "…"
    return f"{category.name}:{text}"[: Case._meta.get_field("title").max_length]


# --- case numbers ----------------------------------------------------------------------------------


def case_number_next(*, prefix: str, day: datetime.date) -> str:
    """A number a person can read out on the phone: prefix, date and a daily serial, e.g. MJ20221103-0042."""
    sequence, _created = CaseNumberSequence.objects.select_for_update().get_or_create(prefix=prefix, day=day)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}{day:%Y%m%d}-{sequence.last:04d}"


# --- intake ----------------------------------------------------------------------------------------


def _intake_org(actor: User, region: Region) -> Organization | None:
    orgs = [
        m.organization
        for m in actor.active_memberships
        if m.role in INTAKE_ROLES and region.code.startswith(m.organization.region.prefix)
    ]
    return max(orgs, key=lambda org: org.region.level, default=None)


def _resolve_location(
    *, region: Region | None, lat: float | Decimal | None, lng: float | Decimal | None, coord_system: str
) -> tuple[Region, Decimal | None, Decimal | None, dict[str, Any]]:
    """Where a new case lies: (region, WGS-84 lat, lng, how it was resolved — the timeline's record).

    A point is converted to WGS-84 and located: inside a grid cell, the case's region is that cell (it
    must lie inside `region` when one is given too); outside every cell, `region` is required, and the
    point must lie inside `region`'s outline when it has one. Without a point, `region` is required."""
    if lat is None and lng is None:
        if region is None:
            raise ApplicationError(_("请选择案件所在区划,或提供经纬度由系统按网格定位"), field="region")
        return region, None, None, {"resolved_by": "region"}
    if lat is None or lng is None:
        raise ApplicationError(_("经纬度须同时填写"), field="location")
    wgs_lng, wgs_lat = to_wgs84(lng=float(lng), lat=float(lat), system=coord_system)
    location: dict[str, Any] = {"coord_system": coord_system, "given": [float(lng), float(lat)]}
    stored_lat, stored_lng = Decimal(f"{wgs_lat:.6f}"), Decimal(f"{wgs_lng:.6f}")
    grid_code = locate(lng=wgs_lng, lat=wgs_lat)
    grid = Region.objects.filter(code=grid_code, is_active=True).first() if grid_code else None
    if grid is not None:
        if region is not None and not grid.is_within(region):
            raise ApplicationError(
                _("定位点位于“%(grid)s”,不在所选区划“%(region)s”内:请核对定位、坐标系或所选区划")
                % {"grid": grid.name, "region": region.name},
                field="location",
            )
        return grid, stored_lat, stored_lng, {**location, "resolved_by": "grid", "grid": grid.code}
    if region is None:
        raise ApplicationError(
            _("该位置不在任何网格内(经度 %(lng).6f,纬度 %(lat).6f):请核对定位与坐标系,或选择所在区划")
            % {"lng": wgs_lng, "lat": wgs_lat},
            field="location",
        )
    outline = RegionShape.objects.filter(region=region).values_list("geometry", flat=True).first()
    if outline is not None and not _covers(outline, lng=wgs_lng, lat=wgs_lat):
        raise ApplicationError(
            _("定位点不在所选区划“%(region)s”的范围内:请核对定位、坐标系或所选区划") % {"region": region.name},
            field="location",
        )
    return region, stored_lat, stored_lng, {**location, "resolved_by": "region"}


def _covers(geometry: dict[str, Any], *, lng: float, lat: float) -> bool:
    return bool(shapely.intersects_xy(shape(geometry), lng, lat))


@transaction.atomic
def case_register(
    *,
    actor: User,
    kind: str,
    category: Category,
    title: str,
    description: str,
    channel: str,
    region: Region | None = None,
    urgency: str = Urgency.NORMAL,
    address: str = "",
    lat: float | Decimal | None = None,
    lng: float | Decimal | None = None,
    coord_system: str = "wgs84",
    parties: Iterable[Mapping[str, Any] | PartyInput] = (),
    attachments: Iterable[File[Any]] = (),
    parent: Case | None = None,
    assigned_org: Organization | None = None,
    registered_at: datetime.datetime | None = None,
) -> Case:
    """Register a case through the one door, route it, start its clock, and write its first events.

    With `lat`/`lng` (in `coord_system`, stored as WGS-84) the case lies in the grid cell at that point
    and is routed from there; `region` may then be left out. See `_resolve_location`."""
    workflow = workflows.get(kind)
    region, lat, lng, location = _resolve_location(region=region, lat=lat, lng=lng, coord_system=coord_system)
    if category.kind != kind or not category.is_active:
        raise ApplicationError(_("类别“%(name)s”不属于该案件类型") % {"name": category.name}, field="category")
    if channel not in Channel.values:
        raise ApplicationError(_("受理渠道无效"), field="channel")
    if urgency not in Urgency.values:
        raise ApplicationError(_("紧急程度无效"), field="urgency")
    if not actor.can_see_code(region.code):
        raise ApplicationError(
            _("案件所在区划不在您的辖区内"), field="location" if location["resolved_by"] == "grid" else "region"
        )
    intake_org = _intake_org(actor, region)
    if intake_org is None:
        raise PermissionDeniedError(_("您没有在该区划登记案件的权限"))
    cleaned_parties = clean_parties(parties)
    if workflow.intake_check is not None:
        workflow.intake_check(parties=cleaned_parties, category=category, channel=channel, region=region)
    uploads = [(upload, inspect_upload(upload, field="attachments")) for upload in attachments]

    if assigned_org is None and workflow.intake_route is not None:
        assigned_org = workflow.intake_route(parties=cleaned_parties, category=category, region=region)
    if assigned_org is not None:
        workflow.org_check(assigned_org)
        routed_to, basis = assigned_org, RoutingBasis.ASSIGNED
    else:
        routed_to, basis = route(kind=kind, category=category, region=region, channel=channel, intake_org=intake_org)
    amount, unit = sla_for(kind=kind, category=category, urgency=urgency)
    registered_at = registered_at or timezone.now()
    case = Case(
        number=case_number_next(prefix=workflow.number_prefix, day=timezone.localdate(registered_at)),
        kind=kind,
        category=category,
        title=title.strip(),
        description=description.strip(),
        channel=channel,
        urgency=urgency,
        status=workflow.initial,
        state_type=workflow.state(workflow.initial).type,
        region=region,
        region_code=region.code,
        address=address,
        lat=lat,
        lng=lng,
        assigned_org=routed_to,
        intake_org=intake_org,
        created_by=actor,
        parent=parent,
        registered_at=registered_at,
        sla_amount=amount,
        sla_unit=unit,
    )
    new_clocks = clocks.registration_clocks(case)  # the primary one sets the case's deadline
    case.full_clean(exclude=["category", "region", "assigned_org", "deadline", "warn_at"])
    case.save()
    clocks.clocks_save(case, new_clocks)
    bulk_create_with_history(
        [party_model(p, case=case) for p in cleaned_parties],
        Party,
        default_user=actor,
    )
    for upload, info in uploads:
        _attachment_save(case=case, actor=actor, upload=upload, info=info)
    event_record(
        case=case,
        actor=actor,
        type=EventType.REGISTERED,
        actor_org=intake_org,
        at=registered_at,
        params={"channel": channel, "intake_org": intake_org.code, "location": location},
    )
    event_record(
        case=case,
        actor=None,
        type=EventType.ROUTED,
        at=registered_at,
        params={
            "to_org": routed_to.code,
            "to_org_name": routed_to.name,
            "basis": basis,
            "deadline": timezone.localtime(case.deadline).isoformat(),
        },
    )
    if workflow.on_register is not None:
        workflow.on_register(case=case, actor=actor, parties=cleaned_parties)
    audit_log(actor=actor, action=AuditAction.CREATE, obj=case, changes={"number": case.number, "kind": kind})
    _notify(case, _("新案件 %(number)s 已分流至本单位") % {"number": case.number})
    return case


def _notify(case: Case, message: str) -> None:
    # Through the outbox, in this transaction: a queue that fails after the commit never turns the
    # committed write into an error answer (core.outbox).
    publish(notify_organization, case_id=case.pk, org_id=case.assigned_org_id, message=str(message))


# --- transitions -----------------------------------------------------------------------------------


def _acting_org(case: Case, actor: User) -> Organization | None:
    own = [m.organization for m in actor.active_memberships if m.organization_id == case.assigned_org_id]
    if own:
        return own[0]
    covering = [
        m.organization for m in actor.active_memberships if case.region_code.startswith(m.organization.region.prefix)
    ]
    return max(covering, key=lambda org: org.region.level, default=None)


def _clean_params(transition: workflows.Transition, data: Mapping[str, Any] | None) -> dict[str, Any]:
    if isinstance(data, QueryDict):  # a browser form: one value per field, not lists
        data = data.dict()
    form = transition.form(data=dict(data or {}))
    if not form.is_valid():
        fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        raise ApplicationError(next(iter(fields.values()))[0], fields=fields)
    return form.cleaned_data


@transaction.atomic
def case_transition(*, case: Case, actor: User, action: str, data: Mapping[str, Any] | None = None) -> Case:
    """Take a guarded action on a case: lock, check state and right, apply, write one timeline event."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("assigned_org__region", "region", "category")
        .get(pk=case.pk)
    )
    transition = workflows.guard(case, actor, action)
    params = _clean_params(transition, data)
    effect = transition.handler(case=case, actor=actor, transition=transition, data=params)
    return _transition_apply(case=case, actor=actor, transition=transition, effect=effect, params=params)


def _transition_apply(
    *,
    case: Case,
    actor: User | None,
    transition: workflows.Transition,
    effect: workflows.Effect,
    params: Mapping[str, Any],
) -> Case:
    """The second half of a transition, once its handler has acted: the new state, one timeline event,
    the audit entry and the notification."""
    workflow = workflows.get(case.kind)
    previous = case.status
    target = effect.target or transition.target or previous
    case.status = target
    case.state_type = workflow.state(target).type
    clocks.on_transition(case=case, action=transition.action, target=target)
    case.save()
    event_record(
        case=case,
        actor=actor,
        type=effect.event_type,
        previous=previous,
        comment=params.get("comment", ""),
        params=effect.params,
        actor_org=_acting_org(case, actor) if actor is not None else None,
    )
    audit_log(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=case,
        changes={"action": transition.action, "from": previous, "to": target},
    )
    if effect.notify_org:
        _notify(case, _("案件 %(number)s:%(action)s") % {"number": case.number, "action": transition.label})
    return case


# --- generic handlers ------------------------------------------------------------------------------


def _move(case: Case, to_org: Organization) -> dict[str, str]:
    workflows.get(case.kind).org_check(to_org)
    from_org = case.assigned_org
    case.assigned_org = to_org
    case.assignee = None
    return {
        "from_org": from_org.code,
        "from_org_name": from_org.name,
        "to_org": to_org.code,
        "to_org_name": to_org.name,
    }


def handle_accept(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    case.accepted_at = case.accepted_at or timezone.now()
    return workflows.Effect(EventType.ACCEPTED, notify_org=False)


def handle_dispatch(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    to_org = organization_by_code(data["to_org"], field="to_org")
    here = case.assigned_org
    if to_org.pk == here.pk:
        raise ApplicationError(_("不能派遣给本单位"), field="to_org")
    if not to_org.region.code.startswith(here.region.prefix):
        raise ApplicationError(_("只能派遣给本辖区内的下级单位或部门"), field="to_org")
    if not case.region_code.startswith(to_org.region.prefix):
        raise ApplicationError(_("目标单位的管辖范围不包含案件所在地"), field="to_org")
    return workflows.Effect(EventType.DISPATCHED, _move(case, to_org))


def handle_escalate(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    here = case.assigned_org
    if data.get("to_org"):
        to_org = organization_by_code(data["to_org"], field="to_org")
        if to_org.region.level >= here.region.level or not case.region_code.startswith(to_org.region.prefix):
            raise ApplicationError(_("只能上报给管辖本案件的上级单位"), field="to_org")
    else:
        to_org = nearest_centre(here.region, above_level=here.region.level)
    return workflows.Effect(EventType.ESCALATED, _move(case, to_org))


def _last_sender(case: Case) -> str | None:
    moves = case.events.filter(type__in=[EventType.DISPATCHED, EventType.ESCALATED, EventType.TRANSFERRED]).order_by(
        "-created_at", "-id"
    )
    for event in moves[:1]:
        if event.params.get("to_org") == case.assigned_org.code:
            sender: str | None = event.params.get("from_org")
            return sender
    return None


def can_return(case: Case) -> bool:
    return _last_sender(case) is not None


def handle_return(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    sender = _last_sender(case)
    if sender is None:
        raise ApplicationError(_("本案件没有可退回的上一承办单位"))
    return workflows.Effect(EventType.RETURNED, _move(case, organization_by_code(sender, field="to_org")))


@transaction.atomic
def case_misplaced_return(*, case: Case, comment: str) -> Case:
    """Send a misplaced case back, by the workflow's own 退回 (`return`) transition: to the organisation
    that last sent it there when the workflow admits it, else to the centre of the case's region. One
    timeline event and one audit entry, as for any transition; the system is the actor."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("assigned_org__region", "region", "category")
        .get(pk=case.pk)
    )
    workflow = workflows.get(case.kind)
    if case.is_closed or workflow.allows(case.assigned_org.org_type):
        raise ConflictError(_("案件 %(number)s 的承办单位可以办理本案件,无需退回") % {"number": case.number})
    transition = workflow.transition("return")
    if transition is None:
        raise ConflictError(_("%(kind)s没有“退回”操作,请人工处理") % {"kind": workflow.label})
    sender = _last_sender(case)
    to_org = Organization.objects.select_related("region").filter(code=sender, is_active=True).first()
    if to_org is None or not workflow.allows(to_org.org_type):
        to_org = nearest_centre(case.region)
    effect = workflows.Effect(EventType.RETURNED, {**_move(case, to_org), "misplaced": True})
    return _transition_apply(case=case, actor=None, transition=transition, effect=effect, params={"comment": comment})


def handle_transfer(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    to_org = organization_by_code(data["to_org"], field="to_org")
    if to_org.pk == case.assigned_org_id:
        raise ApplicationError(_("不能转办给本单位"), field="to_org")
    if not case.region_code.startswith(to_org.region.prefix):
        raise ApplicationError(_("目标单位的管辖范围不包含案件所在地"), field="to_org")
    return workflows.Effect(EventType.TRANSFERRED, _move(case, to_org))


def handle_supervise(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    case.supervision_count += 1
    return workflows.Effect(EventType.SUPERVISED, {"count": case.supervision_count})


def has_no_pending_extension(case: Case) -> bool:
    return not case.extensions.filter(status=ExtensionStatus.PENDING).exists()


def has_pending_extension(case: Case) -> bool:
    return case.extensions.filter(status=ExtensionStatus.PENDING).exists()


def handle_request_extension(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    clock = clocks.clock_for_extension(case, data.get("clock") or "")
    request = ExtensionRequest.objects.create(
        case=case,
        clock="" if clock.is_primary else clock.name,
        amount=data["amount"],
        reason=data["comment"],
        requested_by=actor,
    )
    params: dict[str, Any] = {"request": request.pk, "amount": request.amount, "unit": clock.unit}
    if not clock.is_primary:
        params["clock_labels"] = clocks.clock_label(case.kind, clock.name)
    return workflows.Effect(EventType.EXTENSION_REQUESTED, params)


def handle_approve_extension(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    request = case.extensions.select_for_update().filter(status=ExtensionStatus.PENDING).first()
    if request is None:
        raise ApplicationError(_("没有待审批的延期申请"))
    if request.requested_by_id == actor.pk:
        raise PermissionDeniedError(_("不能审批本人提出的延期申请"))
    request.status = ExtensionStatus.APPROVED if data["approve"] else ExtensionStatus.REJECTED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    params: dict[str, Any] = {"request": request.pk, "approved": bool(data["approve"]), "amount": request.amount}
    if request.clock:
        params["clock_labels"] = clocks.clock_label(case.kind, request.clock)
    if data["approve"]:
        clock = clocks.clock_extend(case=case, name=request.clock, amount=request.amount)
        if clock.state == ClockState.PAUSED:
            params["remaining"] = clocks.remaining_text(clock)
        else:
            params["deadline"] = timezone.localtime(clock.deadline).isoformat()
    return workflows.Effect(EventType.EXTENSION_DECIDED, params)


def handle_verify(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    if data["passed"]:
        case.verified_at = timezone.now()
        return workflows.Effect(EventType.VERIFIED, {"passed": True})
    case.rework_count += 1
    case.resolved_at = None
    case.outcome = ""
    return workflows.Effect(
        EventType.REWORK, {"passed": False, "rework_count": case.rework_count}, target=transition.options["rework_to"]
    )


def handle_close(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    case.closed_at = timezone.now()
    clocks.clocks_stop_all(case=case, at=case.closed_at)  # the on-time verdict, frozen from here on
    return workflows.Effect(EventType.CLOSED, {"on_time": case.on_time}, notify_org=False)


def is_not_rated(case: Case) -> bool:
    return not case.satisfaction


def handle_rate(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    case.satisfaction = data["satisfaction"]
    case.rated_at = timezone.now()
    return workflows.Effect(
        EventType.RATED, {"satisfaction": data["satisfaction"], "method": data["method"]}, notify_org=False
    )


# --- attachments and personal data -----------------------------------------------------------------


def _attachment_save(*, case: Case, actor: User, upload: File[Any], info: UploadInfo) -> Attachment:
    attachment = Attachment(
        case=case,
        original_name=info["name"],
        content_type=info["content_type"],
        size=info["size"],
        sha256=info["sha256"],
        extension=info["extension"],
        uploaded_by=actor,
    )
    attachment.file.save(info["name"], upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_add(*, case: Case, actor: User, upload: File[Any]) -> Attachment:
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if case.is_closed:
        raise ApplicationError(_("已结案的案件不能再上传附件"), code="closed")
    if not workflows.relation(case, actor).own_roles and case.assignee_id != actor.pk:
        raise PermissionDeniedError(_("只有承办单位和承办人可以上传附件"))
    info = inspect_upload(upload)
    attachment = _attachment_save(case=case, actor=actor, upload=upload, info=info)
    event_record(
        case=case,
        actor=actor,
        type=EventType.ATTACHMENT_ADDED,
        previous=case.status,
        params={"attachment": attachment.pk, "name": attachment.original_name},
    )
    return attachment


def attachment_open(*, case: Case, actor: User, attachment_id: int) -> tuple[Attachment, File[Any]]:
    """Open a case's file for download (the caller has checked the case is visible); logged."""
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFoundError(_("附件不存在"))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise NotFoundError(_("文件已丢失")) from None
    audit_log(
        actor=actor,
        action=AuditAction.DOWNLOAD,
        obj=attachment,
        region_code=case.region_code,
        changes={"case": case.number, "name": attachment.original_name},
    )
    return attachment, handle


def can_unmask(case: Case, actor: User) -> bool:
    rel = workflows.relation(case, actor)
    return bool((rel.own_roles | rel.superior_roles) & UNMASK_ROLES) or rel.is_assignee


@transaction.atomic
def parties_unmask(*, case: Case, actor: User, reason: str) -> list[Party]:
    """Show a case's parties in full: only to those who work the case, only with a reason, always logged."""
    reason = unmask_reason(reason)
    if not can_unmask(case, actor):
        raise PermissionDeniedError(_("您无权查看本案件当事人的完整个人信息"))
    parties = list(case.parties.all())
    audit_log(
        actor=actor, action=AuditAction.UNMASK, obj=case, reason=reason, changes={"parties": [p.pk for p in parties]}
    )
    return parties


def _party_for_correction(case: Case, actor: User, party_id: int) -> Party:
    if not can_unmask(case, actor):
        raise PermissionDeniedError(_("您无权补充或更正本案件的当事人信息"))
    if case.is_closed:
        raise ConflictError(_("案件已结案,不能再修改当事人信息"))
    party = case.parties.filter(pk=party_id).first()
    if party is None:
        raise NotFoundError(_("当事人不存在"))
    return party


def party_open(*, case: Case, actor: User, party_id: int) -> Party:
    """A party in full, to be completed or corrected (补充/更正): for those who work the case while it is
    open; the view is logged."""
    party = _party_for_correction(case, actor, party_id)
    audit_log(
        actor=actor,
        action=AuditAction.VIEW_PERSONAL,
        obj=party,
        region_code=case.region_code,
        changes={"case": case.number, "purpose": "party_update"},
    )
    return party


@transaction.atomic
def party_update(
    *, case: Case, actor: User, party_id: int, data: Mapping[str, Any], edit_token: str | None = None
) -> Party:
    """Complete or correct a party's details (e.g. the basic details a 调解协议书 needs), checked as at
    intake. The audit log names the changed fields; the record's history keeps the values. `edit_token`
    (party_edit_token of the copy edited): refused with 409 if the party changed since (core.concurrency)."""
    party = _party_for_correction(case, actor, party_id)
    party = Party.objects.select_for_update().get(pk=party.pk)
    check_unchanged(party, EDITABLE, edit_token)
    item = party_corrected(party, data)
    changed = [name for name in EDITABLE if getattr(party, name) != getattr(item, name)]
    if changed:
        for name in changed:
            setattr(party, name, getattr(item, name))
        party._history_user = actor
        party.save(update_fields=changed)
        audit_log(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=party,
            region_code=case.region_code,
            changes={"case": case.number, "fields": changed},
        )
    return party


def party_edit_token(party: Party) -> str:
    """The version of a party's details that a correction starts from (hidden field, API ETag)."""
    return edit_token(party, EDITABLE)


def notification_mark_read(*, user: User, notification_id: int) -> int:
    """Mark one of the user's own reminders as read (bookkeeping of the inbox, not a change to a case)."""
    return Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
