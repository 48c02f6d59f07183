"""Writes of 法治护航's register. Every write is here (pages, API, the kinds above and the demo call these)."""

from __future__ import annotations

import datetime
import io
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from pingan.accounts.choices import UNMASK_ROLES, Role
from pingan.accounts.models import User
from pingan.accounts.services import password_change_require
from pingan.cases.models import Case
from pingan.core.audit import audit_log, unmask_reason
from pingan.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from pingan.core.models import AuditAction
from pingan.core.validators import normalize_credit_code, normalize_phone
from pingan.geo.coords import check_system, to_wgs84
from pingan.geo.locator import grid_at, locate_many
from pingan.regions.choices import OrgType, RegionLevel
from pingan.regions.models import Organization, Region
from pingan.regions.services import ImportResult, check_table, error_sort_key, row_error

from .choices import GuardRole, Industry, LinkRelation, ProviderRole, Scale, Severity, SpecialisationLevel, Speciality
from .models import (
    Enterprise,
    EnterpriseAccount,
    EnterpriseContact,
    Expert,
    GuardAssignment,
    ServiceLink,
    Suggestion,
    Workstation,
)


def link_case(
    *,
    enterprise: Enterprise,
    case: Case,
    relation: str,
    workstation: Workstation | None = None,
    provider_role: str = "",
    provider_name: str = "",
) -> ServiceLink:
    """Record that `case` concerns `enterprise` (once per pair; a second call updates the workstation and the
    provider when given). The workstation defaults to the enterprise's own."""
    if relation not in LinkRelation.values:
        raise ApplicationError(_("关联类型无效"), field="relation")
    if provider_role and provider_role not in ProviderRole.values:
        raise ApplicationError(_("服务人员角色无效"), field="provider_role")
    link, created = ServiceLink.objects.get_or_create(
        enterprise=enterprise,
        case=case,
        defaults={
            "relation": relation,
            "workstation": workstation or enterprise.workstation,
            "provider_role": provider_role,
            "provider_name": provider_name,
            "created_at": case.registered_at,
        },
    )
    if not created and (workstation or provider_role or provider_name):
        link_provider_set(link, workstation=workstation, provider_role=provider_role, provider_name=provider_name)
    return link


def link_provider_set(
    link: ServiceLink, *, workstation: Workstation | None = None, provider_role: str = "", provider_name: str = ""
) -> ServiceLink:
    """Who delivered the service (the answer, the 体检): the ledger counts by role and workstation."""
    if provider_role and provider_role not in ProviderRole.values:
        raise ApplicationError(_("服务人员角色无效"), field="provider_role")
    fields = []
    if workstation is not None:
        link.workstation = workstation
        fields.append("workstation")
    if provider_role:
        link.provider_role = provider_role
        fields.append("provider_role")
    if provider_name:
        link.provider_name = provider_name
        fields.append("provider_name")
    if fields:
        link.save(update_fields=fields)
    return link


@transaction.atomic
def suggestion_issue(
    *,
    actor: User,
    enterprise: Enterprise,
    title: str,
    content: str,
    severity: str,
    revisit_on: datetime.date,
    source_case: Case | None = None,
    implement_by: datetime.date | None = None,
    issued_at: datetime.datetime | None = None,
) -> Suggestion:
    """Issue a risk-prevention suggestion (风险防范建议) to an enterprise, with its 回访 date."""
    issued_at = issued_at or timezone.now()
    errors = {}
    if not title.strip():
        errors["title"] = _("请填写建议标题")
    if not content.strip():
        errors["content"] = _("请填写建议内容")
    if severity not in Severity.values:
        errors["severity"] = _("风险等级无效")
    if revisit_on < timezone.localtime(issued_at).date():
        errors["revisit_on"] = _("回访日期不能早于发出日期")
    if implement_by and implement_by > revisit_on:
        errors["implement_by"] = _("整改期限不能晚于回访日期")
    if errors:
        field, message = next(iter(errors.items()))
        raise ApplicationError(message, field=field)
    suggestion = Suggestion(
        number="",
        enterprise=enterprise,
        source_case=source_case,
        workstation=enterprise.workstation,
        title=title.strip(),
        content=content.strip(),
        severity=severity,
        issued_at=issued_at,
        issued_by=actor,
        implement_by=implement_by,
        revisit_on=revisit_on,
    )
    suggestion.number = _provisional_number()
    suggestion.save()
    suggestion.number = f"JY{timezone.localtime(issued_at):%Y}{suggestion.pk:07d}"
    suggestion.save(update_fields=["number"])
    return suggestion


def _provisional_number() -> str:
    import uuid

    return f"tmp-{uuid.uuid4().hex[:20]}"


def portal_intake_user(enterprise: Enterprise) -> User:
    """The account a portal request is registered through (the engine's `actor`): the intake account of the
    workstation that serves the enterprise (法治护航工作站·网上受理), created on first use, inactive, without a
    password, holding a 职能部门工作人员 post at the workstation, as Open311's service accounts do. An enterprise
    without a workstation cannot file through the portal. The enterprise user who asked is recorded by the
    kind (its own record and the timeline), never as the engine's actor."""
    from pingan.accounts.choices import Role
    from pingan.accounts.models import Membership

    station = enterprise.workstation
    if station is None or not station.is_active or not station.organization.is_active:
        raise ApplicationError(_("该企业尚无服务工作站,请联系所在地法治护航工作站开通"), field="enterprise")
    org = station.organization
    username = f"portal-{org.code}".lower()[:150]
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": f"{org.name}·网上受理"[:50], "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, organization=org, role=Role.DEPARTMENT_STAFF)
    return user


# === The register's staff side: enterprises, contacts, 三官一律, workstations, experts, portal accounts ===========
#
# Who keeps the register: the centre staff and heads (综治中心) inside their jurisdiction, and the staff of a
# 法治护航工作站 inside the workstation's region and the regions it serves. An enterprise is placed in a region
# (located to its grid cell when coordinates are given) and must lie inside the actor's register jurisdiction.

REGISTER_ROLES = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})
ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "industry",
    "scale",
    "level",
    "legal_representative",
    "address",
    "region",
    "lng",
    "lat",
    "workstation",
)


def station_memberships(actor: User) -> list[Workstation]:
    """The workstations where `actor` holds a post (read once per user object, like its memberships)."""
    cached: list[Workstation] | None = actor.__dict__.get("_lawguard_stations")
    if cached is None:
        org_ids = [
            m.organization_id for m in actor.active_memberships if m.organization.org_type == OrgType.LAW_WORKSTATION
        ]
        cached = (
            list(
                Workstation.objects.filter(organization_id__in=org_ids, is_active=True)
                .select_related("organization__region")
                .prefetch_related("regions")
            )
            if org_ids
            else []
        )
        actor.__dict__["_lawguard_stations"] = cached
    return cached


def register_prefixes(actor: User) -> list[str] | None:
    """Code prefixes where `actor` may keep the register (None: everywhere, for a superuser)."""
    if actor.is_superuser:
        return None
    prefixes = {m.organization.region.prefix for m in actor.active_memberships if m.role in REGISTER_ROLES}
    for station in station_memberships(actor):
        prefixes.add(station.organization.region.prefix)
        prefixes.update(region.prefix for region in station.regions.all())
    return sorted(prefixes)


def can_keep_register(actor: User) -> bool:
    return register_prefixes(actor) != []


def _require_register(actor: User) -> list[str] | None:
    prefixes = register_prefixes(actor)
    if prefixes == []:
        raise PermissionDeniedError(_("只有综治中心工作人员和法治护航工作站人员可以维护企业名录"))
    return prefixes


def _inside(prefixes: list[str] | None, code: str) -> bool:
    return prefixes is None or any(code.startswith(prefix) for prefix in prefixes)


def _require_enterprise(actor: User, enterprise: Enterprise) -> None:
    prefixes = _require_register(actor)
    if not (_inside(prefixes, enterprise.region_code) or enterprise.workstation_id in _station_ids(actor)):
        raise PermissionDeniedError(_("该企业不在您可以维护的范围内"))


def _station_ids(actor: User) -> set[int]:
    return {station.pk for station in station_memberships(actor)}


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise ApplicationError(_("请填写%(label)s") % {"label": label}, field=field)
    if len(value) > max_length:
        raise ApplicationError(_("%(label)s不能超过%(max)d个字") % {"label": label, "max": max_length}, field=field)
    return value


def credit_code_clean(value: str, *, exclude: int | None = None) -> str:
    """The credit code in canonical form, checked (GB 32100) and not yet in the register."""
    try:
        code = normalize_credit_code(value or "")
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], field="credit_code") from None
    taken = Enterprise.objects.filter(credit_code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ApplicationError(
            _("统一社会信用代码 %(code)s 已登记,同一企业不能重复登记") % {"code": code},
            field="credit_code",
            code="duplicate",
        )
    return code


def phone_clean(value: str, *, field: str = "phone", required: bool = True) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            raise ApplicationError(_("请填写联系电话"), field=field)
        return ""
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], field=field) from None


@dataclass
class Place:
    """Where an enterprise is: its region (a community or above), its grid cell if located, the point."""

    region: Region
    grid_code: str = ""
    lng: float | None = None
    lat: float | None = None


def place_resolve(
    *, region: Region | None = None, lng: float | None = None, lat: float | None = None, system: str = "wgs84"
) -> Place:
    """An address's place: with coordinates, the grid cell they fall in (geo.locator) and its community; else
    the region given (a grid cell given as region stands for its community and itself)."""
    if (lng is None) != (lat is None):
        raise ApplicationError(_("经度和纬度须同时填写"), field="lng")
    if lng is not None and lat is not None:
        lng, lat = to_wgs84(lng=lng, lat=lat, system=check_system(system))
        grid = grid_at(lng=lng, lat=lat)
        return Place(region=grid.parent or grid, grid_code=grid.code, lng=round(lng, 6), lat=round(lat, 6))
    if region is None:
        raise ApplicationError(_("请选择所在区划,或填写经纬度以定位到网格"), field="region")
    if region.level == RegionLevel.GRID:
        return Place(region=region.parent or region, grid_code=region.code)
    return Place(region=region)


def workstation_serving(region_code: str) -> Workstation | None:
    """The active workstation whose served regions (or own region) hold `region_code` most closely."""
    candidates = {region_code[:length] for length in range(1, len(region_code) + 1)}
    through = Workstation.regions.through.objects.filter(workstation__is_active=True, region__prefix__in=candidates)
    found = [
        *through.values_list("region__prefix", "workstation_id"),
        *Workstation.objects.filter(is_active=True, organization__region__prefix__in=candidates).values_list(
            "organization__region__prefix", "pk"
        ),
    ]
    if not found:
        return None
    _prefix, station_id = max(found, key=lambda item: (len(item[0]), -item[1]))
    return Workstation.objects.get(pk=station_id)


def _enterprise_values(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = {
        "name": _text(values.get("name"), field="name", label=_("企业名称"), max_length=100),
        "legal_representative": _text(
            values.get("legal_representative"),
            field="legal_representative",
            label=_("法定代表人"),
            max_length=50,
            required=False,
        ),
        "address": _text(values.get("address"), field="address", label=_("地址"), max_length=200),
    }
    if values.get("industry") not in Industry.values:
        raise ApplicationError(_("请选择行业门类(GB/T 4754-2017)"), field="industry")
    if values.get("scale") not in Scale.values:
        raise ApplicationError(_("请选择企业规模"), field="scale")
    level = values.get("level") or ""
    if level not in SpecialisationLevel.values:
        raise ApplicationError(_("专精特新等级无效"), field="level")
    return {**cleaned, "industry": values["industry"], "scale": values["scale"], "level": level}


def _enterprise_place(actor_prefixes: list[str] | None, place: Place) -> None:
    if not _inside(actor_prefixes, place.region.code):
        # Not named: another jurisdiction's places are not this user's to know.
        raise ApplicationError(_("该企业所在区划不在您的辖区内"), field="region", code="outside_jurisdiction")


@transaction.atomic
def enterprise_create(
    *,
    actor: User,
    name: str,
    credit_code: str,
    industry: str,
    scale: str,
    address: str,
    level: str = "",
    legal_representative: str = "",
    region: Region | None = None,
    lng: float | None = None,
    lat: float | None = None,
    coord_system: str = "wgs84",
    workstation: Workstation | None = None,
    created_at: datetime.datetime | None = None,
) -> Enterprise:
    """登记企业: credit code checked and unique, placed in its region (and grid cell), served by the given
    workstation or the one whose regions hold it."""
    prefixes = _require_register(actor)
    values = _enterprise_values(
        {
            "name": name,
            "industry": industry,
            "scale": scale,
            "level": level,
            "address": address,
            "legal_representative": legal_representative,
        }
    )
    code = credit_code_clean(credit_code)
    place = place_resolve(region=region, lng=lng, lat=lat, system=coord_system)
    _enterprise_place(prefixes, place)
    if workstation is not None and not workstation.is_active:
        raise ApplicationError(_("该工作站已停止运行"), field="workstation")
    enterprise = Enterprise(
        **values,
        credit_code=code,
        region=place.region,
        grid_code=place.grid_code,
        lng=place.lng,
        lat=place.lat,
        workstation=workstation or workstation_serving(place.region.code),
        created_at=created_at or timezone.now(),
    )
    enterprise.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=enterprise, changes={"credit_code": code})
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor: User, enterprise: Enterprise, coord_system: str = "wgs84", **changes: Any
) -> Enterprise:
    """修改企业信息: what is given changes; a new place is located and checked again."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _require_enterprise(actor, enterprise)
    unknown = set(changes) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise ApplicationError(_("不能修改的字段:%(fields)s") % {"fields": "、".join(sorted(unknown))})
    current = {name: getattr(enterprise, name) for name in ENTERPRISE_FIELDS}
    merged = {**current, **changes}
    values: dict[str, Any] = _enterprise_values(merged)
    if "credit_code" in changes:
        values["credit_code"] = credit_code_clean(changes["credit_code"], exclude=enterprise.pk)
    if {"region", "lng", "lat"} & set(changes):
        located = "lng" in changes or "lat" in changes
        place = place_resolve(
            region=merged["region"],
            lng=merged["lng"] if located else None,
            lat=merged["lat"] if located else None,
            system=coord_system,
        )
        _enterprise_place(register_prefixes(actor), place)
        values.update(region=place.region, grid_code=place.grid_code, lng=place.lng, lat=place.lat)
    if "workstation" in changes:
        station = changes["workstation"]
        if station is not None and not station.is_active:
            raise ApplicationError(_("该工作站已停止运行"), field="workstation")
        values["workstation"] = station
    changed = {
        name: [str(getattr(enterprise, name)), str(value)]
        for name, value in values.items()
        if getattr(enterprise, name) != value
    }
    if not changed:
        return enterprise
    for name, value in values.items():
        setattr(enterprise, name, value)
    enterprise.save()
    audit_log(actor=actor, action=AuditAction.UPDATE, obj=enterprise, changes=changed)
    return enterprise


@transaction.atomic
def enterprise_deactivate(*, actor: User, enterprise: Enterprise, reason: str) -> Enterprise:
    """移出名录 (注销、迁出): the enterprise stays with its history; its portal accounts stop working."""
    _require_enterprise(actor, enterprise)
    reason = _text(reason, field="reason", label=_("原因"), max_length=200)
    if not enterprise.is_active:
        raise ConflictError(_("该企业已移出名录"))
    enterprise.is_active = False
    enterprise.save(update_fields=["is_active"])
    audit_log(actor=actor, action=AuditAction.UPDATE, obj=enterprise, reason=reason, changes={"is_active": False})
    return enterprise


# --- contacts ---


@transaction.atomic
def contact_add(
    *, actor: User, enterprise: Enterprise, name: str, phone: str, position: str = "", is_primary: bool = False
) -> EnterpriseContact:
    """添加联系人: the phone is checked and stored encrypted; a new primary contact replaces the old one."""
    _require_enterprise(actor, enterprise)
    contact = EnterpriseContact(
        enterprise=enterprise,
        name=_text(name, field="name", label=_("姓名"), max_length=50),
        position=_text(position, field="position", label=_("职务"), max_length=50, required=False),
        phone=phone_clean(phone),
        is_primary=is_primary or not enterprise.contacts.exists(),
    )
    if contact.is_primary:
        enterprise.contacts.filter(is_primary=True).update(is_primary=False)
    contact.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=contact, region_code=enterprise.region_code)
    return contact


@transaction.atomic
def contact_remove(*, actor: User, contact: EnterpriseContact) -> None:
    _require_enterprise(actor, contact.enterprise)
    audit_log(actor=actor, action=AuditAction.DELETE, obj=contact, region_code=contact.enterprise.region_code)
    contact.delete()


def can_unmask_contacts(actor: User, enterprise: Enterprise) -> bool:
    try:
        _require_enterprise(actor, enterprise)
    except PermissionDeniedError:
        return False
    return actor.is_superuser or actor.has_role(*UNMASK_ROLES)


@transaction.atomic
def contacts_unmask(*, actor: User, enterprise: Enterprise, reason: str) -> list[EnterpriseContact]:
    """Show an enterprise's contacts (and its 三官一律's phones) in full: with a reason, always logged, as a
    case's parties are (cases.services.parties_unmask)."""
    reason = unmask_reason(reason)
    if not can_unmask_contacts(actor, enterprise):
        raise PermissionDeniedError(_("您无权查看该企业联系人的完整信息"))
    contacts = list(enterprise.contacts.all())
    audit_log(
        actor=actor,
        action=AuditAction.UNMASK,
        obj=enterprise,
        reason=reason,
        changes={"contacts": [c.pk for c in contacts]},
    )
    return contacts


# --- 三官一律 ---


@transaction.atomic
def guard_assign(
    *,
    actor: User,
    enterprise: Enterprise,
    role: str,
    person_name: str,
    unit: str,
    started_on: datetime.date,
    phone: str = "",
    user: User | None = None,
    end_reason: str = "",
) -> GuardAssignment:
    """派驻三官一律: the current holder of `role` (if any) ends the day before `started_on` (the same day if
    they started that day) with `end_reason`, and the new holder starts: one current per role, history kept."""
    _require_enterprise(actor, enterprise)
    if role not in GuardRole.values:
        raise ApplicationError(_("角色无效"), field="role")
    person_name = _text(person_name, field="person_name", label=_("姓名"), max_length=50)
    unit = _text(unit, field="unit", label=_("所在单位"), max_length=100)
    phone = phone_clean(phone, required=False)
    if started_on is None:
        raise ApplicationError(_("请填写开始日期"), field="started_on")
    current = (
        GuardAssignment.objects.select_for_update()
        .filter(enterprise=enterprise, role=role, ended_on__isnull=True)
        .first()
    )
    if current is not None:
        if started_on < current.started_on:
            raise ApplicationError(
                _("开始日期不能早于现任(%(name)s,%(date)s 起)的开始日期")
                % {"name": current.person_name, "date": current.started_on.isoformat()},
                field="started_on",
            )
        current.ended_on = max(started_on - datetime.timedelta(days=1), current.started_on)
        current.end_reason = (end_reason or "").strip()[:200] or _("人员调整")
        current.save(update_fields=["ended_on", "end_reason"])
    assignment = GuardAssignment.objects.create(
        enterprise=enterprise,
        role=role,
        person_name=person_name,
        unit=unit,
        phone=phone,
        user=user,
        started_on=started_on,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=assignment,
        region_code=enterprise.region_code,
        changes={"role": role, "replaced": current.pk if current else None},
    )
    return assignment


@transaction.atomic
def guard_end(*, actor: User, assignment: GuardAssignment, ended_on: datetime.date, reason: str) -> GuardAssignment:
    """结束派驻 without a successor (the role stays vacant until the next assignment)."""
    assignment = GuardAssignment.objects.select_for_update().select_related("enterprise").get(pk=assignment.pk)
    _require_enterprise(actor, assignment.enterprise)
    if assignment.ended_on is not None:
        raise ConflictError(_("该派驻已结束"))
    if ended_on is None or ended_on < assignment.started_on:
        raise ApplicationError(_("结束日期不能早于开始日期"), field="ended_on")
    assignment.ended_on = ended_on
    assignment.end_reason = _text(reason, field="reason", label=_("结束原因"), max_length=200)
    assignment.save(update_fields=["ended_on", "end_reason"])
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=assignment,
        region_code=assignment.enterprise.region_code,
        changes={"ended_on": ended_on.isoformat()},
    )
    return assignment


# --- workstations ---


def _require_region_inside(prefixes: list[str] | None, region: Region, field: str) -> None:
    if not _inside(prefixes, region.code):
        raise ApplicationError(_("所选区划不在您的辖区内"), field=field, code="outside_jurisdiction")


def _centre_prefixes(actor: User) -> list[str] | None:
    """Workstations and the expert team are set up by the centres (综治中心) over their jurisdiction."""
    if actor.is_superuser:
        return None
    prefixes = sorted({m.organization.region.prefix for m in actor.active_memberships if m.role in REGISTER_ROLES})
    if not prefixes:
        raise PermissionDeniedError(_("只有综治中心工作人员可以设立工作站、维护专家库"))
    return prefixes


def can_set_up(actor: User) -> bool:
    return actor.is_superuser or actor.has_role(*REGISTER_ROLES)


@transaction.atomic
def workstation_create(
    *,
    actor: User,
    code: str,
    name: str,
    region: Region,
    address: str,
    regions: list[Region] | None = None,
    phone: str = "",
    lng: float | None = None,
    lat: float | None = None,
    opened_on: datetime.date | None = None,
    description: str = "",
) -> Workstation:
    """设立工作站: its organisation (type 法治护航工作站, so cases can be routed to it and staff posted there)
    and the workstation, serving `regions` (its own region when none are given)."""
    prefixes = _centre_prefixes(actor)
    code = _text(code, field="code", label=_("机构代码"), max_length=40)
    if Organization.objects.filter(code=code).exists():
        raise ApplicationError(_("机构代码 %(code)s 已存在") % {"code": code}, field="code", code="duplicate")
    _require_region_inside(prefixes, region, "region")
    served = list(regions or [region])
    for served_region in served:
        _require_region_inside(prefixes, served_region, "regions")
    org = Organization.objects.create(
        code=code,
        name=_text(name, field="name", label=_("名称"), max_length=100),
        org_type=OrgType.LAW_WORKSTATION,
        region=region,
        phone=_text(phone, field="phone", label=_("联系电话"), max_length=30, required=False),
        address=_text(address, field="address", label=_("地址"), max_length=200),
    )
    station = Workstation.objects.create(
        organization=org,
        address=org.address,
        lng=lng,
        lat=lat,
        opened_on=opened_on,
        description=description.strip(),
    )
    station.regions.set(served)
    audit_log(actor=actor, action=AuditAction.CREATE, obj=station, region_code=region.code, changes={"code": code})
    return station


@transaction.atomic
def workstation_update(
    *,
    actor: User,
    workstation: Workstation,
    name: str | None = None,
    address: str | None = None,
    phone: str | None = None,
    regions: list[Region] | None = None,
    opened_on: datetime.date | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> Workstation:
    prefixes = _centre_prefixes(actor)
    org = workstation.organization
    _require_region_inside(prefixes, org.region, "region")
    if name is not None:
        org.name = _text(name, field="name", label=_("名称"), max_length=100)
    if address is not None:
        org.address = workstation.address = _text(address, field="address", label=_("地址"), max_length=200)
    if phone is not None:
        org.phone = _text(phone, field="phone", label=_("联系电话"), max_length=30, required=False)
    if is_active is not None:
        org.is_active = workstation.is_active = is_active
    org.save()
    if opened_on is not None:
        workstation.opened_on = opened_on
    if description is not None:
        workstation.description = description.strip()
    workstation.save()
    if regions is not None:
        for served_region in regions:
            _require_region_inside(prefixes, served_region, "regions")
        workstation.regions.set(regions)
    audit_log(actor=actor, action=AuditAction.UPDATE, obj=workstation, region_code=org.region.code)
    return workstation


# --- the expert team ---


def _specialities_clean(values: list[str]) -> list[str]:
    chosen = [value for value in Speciality.values if value in set(values or [])]
    unknown = set(values or []) - set(Speciality.values)
    if unknown or not chosen:
        raise ApplicationError(_("请选择专业领域"), field="specialities")
    return chosen


@transaction.atomic
def expert_team_create(*, actor: User, code: str, name: str, region: Region) -> Organization:
    """组建法律专家团: an organisation of that type (escalated questions are routed to it)."""
    prefixes = _centre_prefixes(actor)
    _require_region_inside(prefixes, region, "region")
    code = _text(code, field="code", label=_("机构代码"), max_length=40)
    if Organization.objects.filter(code=code).exists():
        raise ApplicationError(_("机构代码 %(code)s 已存在") % {"code": code}, field="code", code="duplicate")
    team = Organization.objects.create(
        code=code,
        name=_text(name, field="name", label=_("名称"), max_length=100),
        org_type=OrgType.EXPERT_TEAM,
        region=region,
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=team, region_code=region.code)
    return team


EXPERT_FIELDS = ("name", "unit", "title", "specialities", "phone", "user", "joined_on", "is_active")


@transaction.atomic
def expert_create(
    *,
    actor: User,
    team: Organization,
    name: str,
    unit: str,
    specialities: list[str],
    joined_on: datetime.date,
    title: str = "",
    phone: str = "",
    user: User | None = None,
    is_active: bool = True,
) -> Expert:
    """专家入库: a member of a 法律专家团 (an organisation of that type inside the actor's jurisdiction)."""
    prefixes = _centre_prefixes(actor)
    if team.org_type != OrgType.EXPERT_TEAM:
        raise ApplicationError(_("请选择法律专家团"), field="team")
    _require_region_inside(prefixes, team.region, "team")
    expert = Expert.objects.create(
        team=team,
        name=_text(name, field="name", label=_("姓名"), max_length=50),
        unit=_text(unit, field="unit", label=_("工作单位"), max_length=100),
        title=_text(title, field="title", label=_("职称/职务"), max_length=50, required=False),
        specialities=_specialities_clean(specialities),
        phone=phone_clean(phone, required=False),
        user=user,
        joined_on=joined_on,
        is_active=is_active,
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=expert, region_code=team.region.code)
    return expert


@transaction.atomic
def expert_update(*, actor: User, expert: Expert, **changes: Any) -> Expert:
    prefixes = _centre_prefixes(actor)
    _require_region_inside(prefixes, expert.team.region, "team")
    unknown = set(changes) - set(EXPERT_FIELDS)
    if unknown:
        raise ApplicationError(_("不能修改的字段:%(fields)s") % {"fields": "、".join(sorted(unknown))})
    if "name" in changes:
        expert.name = _text(changes["name"], field="name", label=_("姓名"), max_length=50)
    if "unit" in changes:
        expert.unit = _text(changes["unit"], field="unit", label=_("工作单位"), max_length=100)
    if "title" in changes:
        expert.title = _text(changes["title"], field="title", label=_("职称/职务"), max_length=50, required=False)
    if "specialities" in changes:
        expert.specialities = _specialities_clean(changes["specialities"])
    if "phone" in changes:
        expert.phone = phone_clean(changes["phone"], required=False)
    for name in ("user", "joined_on", "is_active"):
        if name in changes:
            setattr(expert, name, changes[name])
    expert.save()
    audit_log(actor=actor, action=AuditAction.UPDATE, obj=expert, region_code=expert.team.region.code)
    return expert


# --- enterprise portal accounts ---


def can_open_accounts(actor: User, enterprise: Enterprise) -> bool:
    """A portal account is opened by the staff of the workstation that serves the enterprise."""
    return actor.is_superuser or (
        enterprise.workstation_id is not None and enterprise.workstation_id in _station_ids(actor)
    )


def temporary_password() -> str:
    """A one-time password shown once (letters, digits and a sign: the password policy's three classes)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    body = "".join(secrets.choice(alphabet) for _index in range(10))
    return f"{body[:5]}-{body[5:]}{secrets.choice('23456789')}"


@transaction.atomic
def enterprise_account_create(
    *, actor: User, enterprise: Enterprise, username: str, full_name: str = "", password: str | None = None
) -> tuple[EnterpriseAccount, str]:
    """开通企业账号: a user without any post, tied to the enterprise, with a temporary password (returned
    once, never stored in clear) that must be changed at the first sign-in."""
    if not can_open_accounts(actor, enterprise):
        raise PermissionDeniedError(_("只有为该企业提供服务的工作站人员可以开通企业账号"))
    if not enterprise.is_active:
        raise ConflictError(_("该企业已移出名录,不能开通账号"))
    username = _text(username, field="username", label=_("用户名"), max_length=150)
    if not username.replace("_", "").replace("-", "").replace(".", "").isalnum() or not username.isascii():
        raise ApplicationError(_("用户名只能包含字母、数字和 _ - ."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(_("用户名 %(name)s 已被使用") % {"name": username}, field="username", code="duplicate")
    password = password or temporary_password()
    user = User(
        username=username,
        full_name=_text(full_name or enterprise.name, field="full_name", label=_("姓名"), max_length=50),
    )
    user.set_password(password)
    user.save()
    password_change_require([user.pk])
    account = EnterpriseAccount.objects.create(user=user, enterprise=enterprise, created_by=actor)
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=account,
        region_code=enterprise.region_code,
        changes={"username": username, "enterprise": enterprise.credit_code},
    )
    return account, password


@transaction.atomic
def enterprise_account_deactivate(*, actor: User, account: EnterpriseAccount, reason: str = "") -> EnterpriseAccount:
    """停用企业账号: the user can no longer sign in."""
    if not can_open_accounts(actor, account.enterprise):
        raise PermissionDeniedError(_("只有为该企业提供服务的工作站人员可以停用企业账号"))
    if not account.is_active:
        raise ConflictError(_("该账号已停用"))
    account.is_active = False
    account.save(update_fields=["is_active"])
    account.user.is_active = False
    account.user.save(update_fields=["is_active"])
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=account,
        region_code=account.enterprise.region_code,
        reason=reason[:200],
        changes={"is_active": False, "username": account.user.username},
    )
    return account


# --- import ---

ENTERPRISE_COLUMNS = {
    "name": ("企业名称", "名称", "name"),
    "credit_code": ("统一社会信用代码", "信用代码", "credit_code"),
    "industry": ("行业门类", "行业", "industry"),
    "scale": ("企业规模", "规模", "scale"),
    "level": ("专精特新等级", "等级", "level"),
    "legal_representative": ("法定代表人", "legal_representative"),
    "address": ("地址", "企业地址", "address"),
    "region": ("区划代码", "所在区划", "region", "region_code"),
    "lng": ("经度", "lng"),
    "lat": ("纬度", "lat"),
    "workstation": ("工作站代码", "服务工作站", "workstation"),
}
REQUIRED_ENTERPRISE_COLUMNS = ("name", "credit_code", "industry", "scale", "address")


def choice_lookup(choices: type[TextChoices]) -> dict[str, str]:
    """A choice by what people type: its value, its label, or (for 门类) the label's words after the letter."""
    table: dict[str, str] = {}
    for choice in choices:
        label = str(choice.label)
        table[label] = table[choice.value] = table[choice.value.lower()] = choice.value
        if " " in label:
            table[label.split(" ", 1)[1]] = choice.value
    return table


@dataclass
class _EnterpriseRow:
    row: int
    values: dict[str, Any]
    region_code: str
    lng: float | None
    lat: float | None
    workstation_code: str


def _column_error(errors: list[str], row: int, column: str, message: str) -> None:
    row_error(errors, row, _("【%(column)s】%(message)s") % {"column": column, "message": message})


def _check_enterprise_rows(rows: list[tuple[int, dict[str, str]]], errors: list[str]) -> list[_EnterpriseRow]:
    label = {name: names[0] for name, names in ENTERPRISE_COLUMNS.items()}
    industries, scales, levels = choice_lookup(Industry), choice_lookup(Scale), choice_lookup(SpecialisationLevel)
    registered = set(
        Enterprise.objects.filter(
            credit_code__in=[v["credit_code"].upper().replace(" ", "") for _r, v in rows]
        ).values_list("credit_code", flat=True)
    )
    first_seen: dict[str, int] = {}
    checked: list[_EnterpriseRow] = []
    for row, values in rows:
        problems: list[tuple[str, str]] = []
        for name, max_length in (("name", 100), ("address", 200), ("legal_representative", 50)):
            text = values.get(name, "")
            if name != "legal_representative" and not text:
                problems.append((name, _("不能为空")))
            elif len(text) > max_length:
                problems.append((name, _("不能超过%(max)d个字") % {"max": max_length}))
        code = ""
        try:
            code = normalize_credit_code(values["credit_code"])
        except ValidationError as exc:
            problems.append(("credit_code", exc.messages[0]))
        if code and code in first_seen:
            problems.append(
                ("credit_code", _("%(code)s 与第 %(first)d 行重复") % {"code": code, "first": first_seen[code]})
            )
        elif code and code in registered:
            problems.append(("credit_code", _("%(code)s 已在企业名录中登记") % {"code": code}))
        elif code:
            first_seen[code] = row
        industry = industries.get(values["industry"].upper()) if len(values["industry"]) == 1 else None
        industry = industry or industries.get(values["industry"])
        if industry is None:
            problems.append(("industry", _("“%(value)s”不是 GB/T 4754-2017 的门类") % {"value": values["industry"]}))
        scale = scales.get(values["scale"].lower()) or scales.get(values["scale"])
        if scale is None:
            problems.append(("scale", _("“%(value)s”无效,应为 大型、中型、小型 或 微型") % {"value": values["scale"]}))
        level_text = values.get("level", "")
        level = levels.get(level_text.lower()) or levels.get(level_text) if level_text else ""
        if level is None:
            problems.append(("level", _("“%(value)s”无效") % {"value": level_text}))
        lng_text, lat_text = values.get("lng", ""), values.get("lat", "")
        lng = lat = None
        if lng_text or lat_text:
            try:
                lng, lat = float(lng_text), float(lat_text)
            except ValueError:
                problems.append(("lng", _("经纬度应为数字,且须同时填写")))
        elif not values.get("region"):
            problems.append(("region", _("请填写区划代码,或填写经纬度")))
        for name, message in problems:
            _column_error(errors, row, label[name], message)
        if problems:
            continue
        fields = {
            "name": values["name"],
            "credit_code": code,
            "industry": industry,
            "scale": scale,
            "level": level or "",
            "legal_representative": values.get("legal_representative", ""),
            "address": values["address"],
        }
        checked.append(_EnterpriseRow(row, fields, values.get("region", ""), lng, lat, values.get("workstation", "")))
    return checked


@transaction.atomic
def enterprises_import(*, rows: list[dict[str, Any]], actor: User) -> ImportResult:
    """Register enterprises from spreadsheet rows (企业名称, 统一社会信用代码, 行业门类, 企业规模, 专精特新等级,
    法定代表人, 地址, 区划代码 or 经度/纬度, 工作站代码). All or nothing: every problem is named by its row and
    column; a credit code twice in the file or already in the register is refused."""
    prefixes = _require_register(actor)
    result, checked = check_table(rows, ENTERPRISE_COLUMNS, REQUIRED_ENTERPRISE_COLUMNS, _check_enterprise_rows)
    # The rows that passed are located and checked against the jurisdiction too: every problem is reported.
    regions = {r.code: r for r in Region.objects.filter(code__in={c.region_code for c in checked if c.region_code})}
    stations = {
        s.organization.code: s
        for s in Workstation.objects.select_related("organization").filter(
            organization__code__in={c.workstation_code for c in checked if c.workstation_code}
        )
    }
    located = [c for c in checked if c.lng is not None]
    grid_codes = locate_many([c.lng or 0.0 for c in located], [c.lat or 0.0 for c in located]) if located else []
    grids = {r.code: r for r in Region.objects.filter(code__in={g for g in grid_codes if g})}
    places: dict[int, Place] = {}
    for c, grid_code in zip(located, grid_codes, strict=True):
        if grid_code is None:
            _column_error(result.errors, c.row, _("经度"), _("位置不在任何网格内"))
            continue
        grid = grids[grid_code]
        places[c.row] = Place(
            region=grid.parent or grid, grid_code=grid.code, lng=round(c.lng or 0, 6), lat=round(c.lat or 0, 6)
        )
    for c in checked:
        if c.lng is None:
            region = regions.get(c.region_code)
            if region is None:
                _column_error(result.errors, c.row, _("区划代码"), _("区划 %(code)s 不存在") % {"code": c.region_code})
                continue
            places[c.row] = place_resolve(region=region)
        if c.row in places and not _inside(prefixes, places[c.row].region.code):
            _column_error(result.errors, c.row, _("区划代码"), _("不在您的辖区内"))
        if c.workstation_code and c.workstation_code not in stations:
            _column_error(
                result.errors, c.row, _("工作站代码"), _("工作站 %(code)s 不存在") % {"code": c.workstation_code}
            )
    if result.errors:
        result.errors.sort(key=error_sort_key)
        return result
    now = timezone.now()
    for c in checked:
        place = places[c.row]
        Enterprise(
            **c.values,
            region=place.region,
            grid_code=place.grid_code,
            lng=place.lng,
            lat=place.lat,
            workstation=stations.get(c.workstation_code) or workstation_serving(place.region.code),
            created_at=now,
        ).save()
    result.created = len(checked)
    audit_log(
        actor=actor, action=AuditAction.IMPORT, object_type=Enterprise._meta.label_lower, changes=result.as_dict()
    )
    return result


def import_template() -> bytes:
    """The import template (.xlsx): the header row and one example row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("企业名录")))
    sheet.append([names[0] for names in ENTERPRISE_COLUMNS.values()])
    sheet.append(
        [
            "株洲示例科技有限公司",
            "91350100M000100Y43",
            "C",
            "小型",
            "创新型中小企业",
            "张三",
            "株洲市天元区示例路1号",
            "430211004001",
            "",
            "",
            "",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
