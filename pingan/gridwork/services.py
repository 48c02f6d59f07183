"""Writes of grid people (网格力量), duty rosters (值班排班) and patrols and visits (巡查走访, 夜巡夜访夜话).

Who may do what, always inside the jurisdiction of the organisation they act for:
- centre staff and heads (综治中心) keep the people of their grids and plan the duty roster;
- they and grid workers (网格员) plan and log patrols and visits, record findings, and open a finding as
  an incident case in one step;
- the same people may see a grid member's phone and ID number in full, with a reason, logged.

Every function is keyword-only and atomic; views and serializers only call these."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.cases.choices import Channel, Urgency
from pingan.cases.models import Case, Category
from pingan.core.audit import audit_log, unmask_reason
from pingan.core.concurrency import check_unchanged, edit_token
from pingan.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from pingan.core.models import AuditAction
from pingan.core.validators import normalize_id_number, normalize_phone
from pingan.incidents.services import incident_report
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region
from pingan.regions.services import ImportResult, check_table, jurisdiction_check, row_error

from .choices import MemberRole, PatrolKind, PatrolStatus, Shift
from .models import DutyShift, GridMember, Patrol, PatrolFinding

MANAGER_ROLES = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})
PATROL_ROLES = MANAGER_ROLES | {Role.GRID_WORKER}
UNMASK_ROLES = MANAGER_ROLES | {Role.GRID_WORKER}
VISIT_KINDS = frozenset({PatrolKind.NIGHT_VISIT, PatrolKind.HOME_VISIT})
INCIDENT = "incident"

MAX_PLACES = 50
MAX_ROUTE_POINTS = 5_000
# A patrol cannot end in the future; a few minutes of clock skew between a phone and the server are forgiven.
CLOCK_SKEW = datetime.timedelta(minutes=5)


# --- rights ----------------------------------------------------------------------------------------


def roles_covering(actor: User, code: str) -> set[str]:
    """The actor's roles in organisations whose jurisdiction contains the region `code`."""
    return {m.role for m in actor.active_memberships if code.startswith(m.organization.region.prefix)}


def can_manage_grid(actor: User, grid: Region) -> bool:
    return bool(roles_covering(actor, grid.code) & MANAGER_ROLES)


def can_patrol_grid(actor: User, grid: Region) -> bool:
    return bool(roles_covering(actor, grid.code) & PATROL_ROLES)


def can_unmask_member(actor: User, member: GridMember) -> bool:
    return bool(roles_covering(actor, member.region_code) & UNMASK_ROLES)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def _require_grid(grid: Region | None, *, field: str = "grid") -> Region:
    if grid is None or grid.level != RegionLevel.GRID or not grid.is_active:
        raise ApplicationError(_("请选择一个启用的网格"), field=field)
    return grid


# --- grid people -----------------------------------------------------------------------------------

MEMBER_FIELDS = ("grid", "user", "role", "name", "phone", "id_number", "building", "started_on", "is_active", "note")


def member_edit_token(member: GridMember) -> str:
    """The version of a member's details that an edit starts from (hidden field, API ETag)."""
    return edit_token(member, MEMBER_FIELDS)


def _clean_member(values: dict[str, Any]) -> dict[str, Any]:
    """Trim, validate and normalise member fields (only those present); raise one error with all fields."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(values)
    for name in ("name", "phone", "id_number", "building", "note"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "name" in cleaned:
        if not cleaned["name"]:
            errors.setdefault("name", []).append(_("请填写姓名"))
        elif len(cleaned["name"]) > 50:
            errors.setdefault("name", []).append(_("姓名不能超过50个字"))
    if "role" in cleaned and cleaned["role"] not in MemberRole.values:
        errors.setdefault("role", []).append(_("身份无效,应为专职网格员、兼职网格员、楼栋长或格格平安志愿者"))
    for name, normalize in (("phone", normalize_phone), ("id_number", normalize_id_number)):
        if cleaned.get(name):
            try:
                cleaned[name] = normalize(cleaned[name])
            except ValidationError as exc:
                errors.setdefault(name, []).extend(exc.messages)
    if len(cleaned.get("building", "")) > 100:
        errors.setdefault("building", []).append(_("负责楼栋/片区不能超过100个字"))
    if len(cleaned.get("note", "")) > 200:
        errors.setdefault("note", []).append(_("备注不能超过200个字"))
    if "grid" in cleaned:
        try:
            _require_grid(cleaned["grid"])
        except ApplicationError as exc:
            errors.setdefault("grid", []).append(exc.message)
    account = cleaned.get("user")
    grid = cleaned.get("grid")
    if account is not None and grid is not None and not account.can_see_code(grid.code):
        errors.setdefault("user", []).append(
            _("账号 %(username)s 所在单位的辖区不包含该网格") % {"username": account.username}
        )
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], fields=errors)
    return cleaned


def _changed_fields(member: GridMember, values: Mapping[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(member, name) != value]


def _check_not_duplicate(member: GridMember) -> None:
    """One active record per person and grid: the import finds people by grid and name."""
    others = GridMember.objects.filter(grid=member.grid, name=member.name, is_active=True).exclude(pk=member.pk)
    if others.exists():
        raise ConflictError(_("该网格已有在岗人员“%(name)s”,请修改原记录") % {"name": member.name}, field="name")


@transaction.atomic
def member_create(
    *,
    actor: User,
    grid: Region,
    role: str,
    name: str,
    phone: str = "",
    id_number: str = "",
    building: str = "",
    started_on: datetime.date | None = None,
    user: User | None = None,
    note: str = "",
) -> GridMember:
    """Add a person to a grid. Phone and ID number are checked and stored in canonical form."""
    _require_grid(grid)
    _require(can_manage_grid(actor, grid), _("只有管辖该网格的综治中心工作人员可以维护网格人员"))
    values = _clean_member(
        {
            "grid": grid,
            "user": user,
            "role": role,
            "name": name,
            "phone": phone,
            "id_number": id_number,
            "building": building,
            "started_on": started_on,
            "note": note,
        }
    )
    member = GridMember(**values)
    _check_not_duplicate(member)
    member.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=member, changes={"fields": sorted(values)})
    return member


@transaction.atomic
def member_update(*, actor: User, member: GridMember, edit_token: str | None = None, **changes: Any) -> GridMember:
    """Change a grid member's details (any of MEMBER_FIELDS); moving them to another grid needs the right
    over both grids. `edit_token` (member_edit_token of the copy edited): refused with 409 if the member
    changed since (core.concurrency)."""
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise ApplicationError(_("不能修改的字段:%(fields)s") % {"fields": "、".join(sorted(unknown))})
    member = GridMember.objects.select_for_update(of=("self",)).select_related("grid").get(pk=member.pk)
    _require(can_manage_grid(actor, member.grid), _("只有管辖该网格的综治中心工作人员可以维护网格人员"))
    check_unchanged(member, MEMBER_FIELDS, edit_token)
    # The account and the grid are checked together: a linked account must cover the (new) grid.
    if "user" in changes and "grid" not in changes:
        changes["grid"] = member.grid
    if "grid" in changes and "user" not in changes and member.user_id:
        changes["user"] = member.user
    values = _clean_member(changes)
    if "grid" in values:
        _require(can_manage_grid(actor, values["grid"]), _("只有管辖该网格的综治中心工作人员可以维护网格人员"))
    changed = _changed_fields(member, values)
    for name in changed:
        setattr(member, name, values[name])
    if {"name", "grid", "is_active"} & set(changed) and member.is_active:
        _check_not_duplicate(member)
    if changed:
        member.save()
        # Field names only: the audit log must not become a second copy of the personal data.
        audit_log(actor=actor, action=AuditAction.UPDATE, obj=member, changes={"fields": sorted(changed)})
    return member


@transaction.atomic
def member_deactivate(*, actor: User, member: GridMember) -> GridMember:
    """Take a person off duty (离岗). The record stays: past rosters and patrols still name them."""
    return member_update(actor=actor, member=member, is_active=False)


def member_unmask(*, actor: User, member: GridMember, reason: str) -> GridMember:
    """Show a grid member's phone and ID number in full: only with a reason, always logged."""
    reason = unmask_reason(reason)
    _require(can_unmask_member(actor, member), _("您无权查看该网格人员的完整个人信息"))
    audit_log(
        actor=actor, action=AuditAction.UNMASK, obj=member, reason=reason, changes={"fields": ["phone", "id_number"]}
    )
    return member


# --- importing grid people -------------------------------------------------------------------------

MEMBER_COLUMNS = {
    "grid": ("网格代码", "网格", "grid", "grid_code"),
    "name": ("姓名", "name"),
    "role": ("身份", "类别", "角色", "role"),
    "phone": ("联系电话", "手机号", "电话", "phone"),
    "id_number": ("身份证号", "身份证号码", "id_number"),
    "building": ("负责楼栋/片区", "负责楼栋", "片区", "building"),
    "started_on": ("上岗日期", "started_on"),
    "user": ("平台账号", "账号", "用户名", "username"),
    "active": ("在岗", "active", "is_active"),
    "note": ("备注", "note"),
}
MEMBER_REQUIRED = ("grid", "name", "role")
YES = frozenset({"是", "y", "yes", "true", "1", "在岗"})
NO = frozenset({"否", "n", "no", "false", "0", "离岗"})


def _parse_role(text: str) -> str | None:
    cleaned = text.replace(" ", "").replace("\u3000", "")
    aliases = {"志愿者": MemberRole.VOLUNTEER, "格格平安": MemberRole.VOLUNTEER, "网格员": MemberRole.FULL_TIME}
    for role in MemberRole:
        if cleaned.lower() == role.value or cleaned == str(role.label):
            return role.value
    return aliases.get(cleaned)


def _parse_active(text: str) -> bool | None:
    cleaned = text.strip().lower()
    if not cleaned or cleaned in YES:
        return True
    return False if cleaned in NO else None


def _parse_day(text: str) -> datetime.date | None:
    text = text.strip().split(" ")[0].replace("/", "-").replace(".", "-")  # Excel dates come back as datetimes
    try:
        return parse_date(text)
    except ValueError:
        return None


@dataclass
class _MemberRow:
    row: int
    grid_code: str
    values: dict[str, Any]


def _check_member_rows(rows: list[tuple[int, dict[str, str]]], errors: list[str]) -> list[_MemberRow]:
    grid_codes = {values["grid"] for _row, values in rows if values["grid"]}
    grids = {g.code: g for g in Region.objects.filter(code__in=grid_codes, level=RegionLevel.GRID, is_active=True)}
    usernames = {values.get("user", "") for _row, values in rows} - {""}
    accounts = {u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)}
    first_seen: dict[tuple[str, str], int] = {}
    checked: list[_MemberRow] = []
    for row, values in rows:
        problems: list[str] = []
        grid = grids.get(values["grid"])
        if not values["grid"]:
            problems.append(_("网格代码不能为空"))
        elif grid is None:
            problems.append(_("网格代码 %(code)s 不存在或不是网格") % {"code": values["grid"]})
        role = _parse_role(values["role"])
        if role is None:
            problems.append(
                _("身份“%(role)s”无效,应为 专职网格员、兼职网格员、楼栋长 或 格格平安志愿者") % {"role": values["role"]}
            )
        key = (values["grid"], values["name"])
        if values["name"] and key in first_seen:
            problems.append(_("与第 %(first)d 行是同一网格的同一人") % {"first": first_seen[key]})
        else:
            first_seen[key] = row
        fields: dict[str, Any] = {"name": values["name"], "role": role or ""}
        for name in ("phone", "id_number", "building", "note"):
            if name in values:
                fields[name] = values[name]
        if values.get("started_on"):
            started = _parse_day(values["started_on"])
            if started is None:
                problems.append(_("上岗日期“%(value)s”无效,应为 2022-03-01 格式") % {"value": values["started_on"]})
            fields["started_on"] = started
        elif "started_on" in values:
            fields["started_on"] = None
        if "active" in values:
            active = _parse_active(values["active"])
            if active is None:
                problems.append(_("在岗“%(value)s”无效,应为 是 或 否") % {"value": values["active"]})
            fields["is_active"] = bool(active)
        if values.get("user"):
            account = accounts.get(values["user"])
            if account is None:
                problems.append(_("平台账号 %(username)s 不存在或已停用") % {"username": values["user"]})
            fields["user"] = account
        elif "user" in values:
            fields["user"] = None
        if grid is not None:
            fields["grid"] = grid
        if not problems:
            try:
                fields = _clean_member(fields)
            except ApplicationError as exc:
                problems.extend(message for messages in exc.fields.values() for message in messages)
        for problem in problems:
            row_error(errors, row, problem)
        if not problems:
            assert grid is not None  # a row without a grid has a problem
            checked.append(_MemberRow(row, grid.code, fields))
    return checked


@transaction.atomic
def members_import(*, rows: list[dict[str, Any]], actor: User | None) -> ImportResult:
    """Create or update grid people from spreadsheet rows (网格代码, 姓名, 身份, 联系电话, 身份证号, …).

    A person is identified by grid and name: a row for a name already in that grid updates the record
    (a column left out of the file leaves the stored value alone). All or nothing; logged once. Without an
    actor (the system, as for the other imports) no right is checked."""
    result, checked = check_table(rows, MEMBER_COLUMNS, MEMBER_REQUIRED, _check_member_rows)
    if result.errors or not jurisdiction_check(result, actor, [(r.row, r.grid_code) for r in checked]):
        return result
    for r in checked:
        if actor is not None and not can_manage_grid(actor, r.values["grid"]) and not actor.is_superuser:
            row_error(result.errors, r.row, _("您无权维护网格 %(code)s 的人员") % {"code": r.grid_code})
    if result.errors:
        return result
    existing = {
        (m.region_code, m.name): m
        for m in GridMember.objects.filter(
            region_code__in={r.grid_code for r in checked}, name__in={r.values["name"] for r in checked}
        ).order_by("is_active", "-pk")  # the active record wins (last in the dict)
    }
    for r in checked:
        member = existing.get((r.grid_code, r.values["name"]))
        if member is None:
            GridMember.objects.create(**r.values)
            result.created += 1
            continue
        changed = _changed_fields(member, r.values)
        if changed:
            for name in changed:
                setattr(member, name, r.values[name])
            member.save()
            result.updated += 1
        else:
            result.unchanged += 1
    audit_log(
        actor=actor, action=AuditAction.IMPORT, object_type=GridMember._meta.label_lower, changes=result.as_dict()
    )
    return result


# --- duty rosters ----------------------------------------------------------------------------------


@dataclass
class ShiftInput:
    date: datetime.date
    shift: str
    member_id: int
    note: str = ""


@transaction.atomic
def roster_week_plan(
    *, actor: User, grid: Region, week_start: datetime.date, shifts: Iterable[ShiftInput | Mapping[str, Any]]
) -> list[DutyShift]:
    """Plan a grid's duty roster for the week that starts on Monday `week_start`: the given shifts replace
    whatever was planned for that grid and week. Every person must be an active member of the grid."""
    _require_grid(grid)
    _require(can_manage_grid(actor, grid), _("只有管辖该网格的综治中心工作人员可以排班"))
    if week_start.weekday() != 0:
        raise ApplicationError(_("排班周应从星期一开始"), field="week_start")
    week_end = week_start + datetime.timedelta(days=6)
    members = {m.pk: m for m in GridMember.objects.filter(grid=grid, is_active=True)}
    errors: dict[str, list[str]] = {}
    planned: list[DutyShift] = []
    seen: set[tuple[datetime.date, str, int]] = set()
    for index, raw in enumerate(shifts):
        item = raw if isinstance(raw, ShiftInput) else ShiftInput(**raw)
        where = f"shifts[{index}]"
        if not isinstance(item.date, datetime.date) or not week_start <= item.date <= week_end:
            errors.setdefault(f"{where}.date", []).append(
                _("日期应在 %(start)s 至 %(end)s 之间") % {"start": week_start, "end": week_end}
            )
        if item.shift not in Shift.values:
            errors.setdefault(f"{where}.shift", []).append(_("班次无效"))
        if item.member_id not in members:
            errors.setdefault(f"{where}.member", []).append(_("值班人员应为本网格的在岗人员"))
        key = (item.date, item.shift, item.member_id)
        if key in seen:
            errors.setdefault(f"{where}.member", []).append(_("同一人同一班次重复排班"))
        seen.add(key)
        if len(item.note or "") > 200:
            errors.setdefault(f"{where}.note", []).append(_("备注不能超过200个字"))
        planned.append(
            DutyShift(
                grid=grid,
                region_code=grid.code,
                member_id=item.member_id,
                date=item.date,
                shift=item.shift,
                note=(item.note or "").strip(),
            )
        )
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], fields=errors)
    removed, _by_model = DutyShift.objects.filter(grid=grid, date__range=(week_start, week_end)).delete()
    created = DutyShift.objects.bulk_create(planned)
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=DutyShift._meta.label_lower,
        object_id=f"{grid.code}/{week_start.isoformat()}",
        region_code=grid.code,
        changes={"week_start": week_start.isoformat(), "removed": removed, "planned": len(created)},
    )
    return created


# --- patrols and visits ----------------------------------------------------------------------------


def _clean_places(places: Iterable[str]) -> list[str]:
    cleaned = [str(place).strip() for place in places or () if str(place).strip()]
    if len(cleaned) > MAX_PLACES:
        raise ApplicationError(_("巡查地点不能超过 %(max)d 处") % {"max": MAX_PLACES}, field="places")
    if any(len(place) > 100 for place in cleaned):
        raise ApplicationError(_("每处巡查地点不能超过100个字"), field="places")
    return cleaned


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _clean_route(route: Any) -> dict[str, Any] | None:
    """A GeoJSON LineString in WGS-84: [[lng, lat], …], at least two points."""
    if route in (None, "", {}):
        return None
    if not isinstance(route, dict) or route.get("type") != "LineString":
        raise ApplicationError(_("巡查路线应为 GeoJSON LineString"), field="route")
    coordinates = route.get("coordinates")
    if not isinstance(coordinates, list) or not 2 <= len(coordinates) <= MAX_ROUTE_POINTS:
        raise ApplicationError(_("巡查路线应有 2 至 %(max)d 个点") % {"max": MAX_ROUTE_POINTS}, field="route")
    points = []
    for point in coordinates:
        if not isinstance(point, list | tuple) or len(point) < 2 or not all(_is_number(v) for v in point[:2]):
            raise ApplicationError(_("巡查路线的每个点应为 [经度, 纬度]"), field="route")
        lng, lat = float(point[0]), float(point[1])
        if not (-180 <= lng <= 180 and -90 <= lat <= 90):
            raise ApplicationError(_("巡查路线的坐标超出经纬度范围(应为 [经度, 纬度])"), field="route")
        points.append([round(lng, 6), round(lat, 6)])
    return {"type": "LineString", "coordinates": points}


def _patrol_members(grid: Region, members: Iterable[GridMember | int]) -> list[GridMember]:
    """Members of the patrol: active people of the grid's community (a night patrol often joins grids)."""
    ids = {m.pk if isinstance(m, GridMember) else int(m) for m in members}
    community = grid.parent
    assert community is not None  # a grid lies in a community
    found = list(GridMember.objects.filter(pk__in=ids, is_active=True, region_code__startswith=community.code))
    if len(found) != len(ids):
        raise ApplicationError(_("参加人员应为本社区各网格的在岗人员"), field="members")
    return found


@transaction.atomic
def patrol_plan(
    *,
    actor: User,
    kind: str,
    grid: Region,
    planned_for: datetime.datetime,
    members: Iterable[GridMember | int] = (),
    places: Iterable[str] = (),
    route: dict[str, Any] | None = None,
    household: str = "",
) -> Patrol:
    """Plan a patrol or a visit. Without members, a grid worker who plans one for their own grid goes."""
    if kind not in PatrolKind.values:
        raise ApplicationError(_("巡查走访类型无效"), field="kind")
    _require_grid(grid)
    _require(can_patrol_grid(actor, grid), _("您无权为该网格安排巡查走访"))
    if planned_for is None or timezone.is_naive(planned_for):
        raise ApplicationError(_("请填写计划时间"), field="planned_for")
    chosen = _patrol_members(grid, members)
    if not chosen:
        chosen = list(GridMember.objects.filter(grid=grid, user=actor, is_active=True))
    if not chosen:
        raise ApplicationError(_("请选择参加人员"), field="members")
    household = (household or "").strip()
    if kind in VISIT_KINDS and not household:
        raise ApplicationError(_("走访须填写走访对象/住户"), field="household")
    if len(household) > 200:
        raise ApplicationError(_("走访对象/住户不能超过200个字"), field="household")
    patrol = Patrol.objects.create(
        kind=kind,
        grid=grid,
        planned_for=planned_for,
        places=_clean_places(places),
        route=_clean_route(route),
        household=household,
        created_by=actor,
    )
    patrol.members.set(chosen)
    audit_log(actor=actor, action=AuditAction.CREATE, obj=patrol, changes={"kind": kind, "members": len(chosen)})
    return patrol


def _locked_patrol(patrol: Patrol) -> Patrol:
    return Patrol.objects.select_for_update(of=("self",)).select_related("grid__parent").get(pk=patrol.pk)


@dataclass
class FindingInput:
    description: str
    lng: Any = None
    lat: Any = None


def _clean_point(lng: Any, lat: Any, *, where: str = "") -> tuple[Decimal | None, Decimal | None]:
    """Both coordinates or neither; WGS-84 degrees with 6 decimals."""
    if lng in (None, "") and lat in (None, ""):
        return None, None
    if lng in (None, "") or lat in (None, ""):
        raise ApplicationError(_("经度和纬度须同时填写"), field=f"{where}location")
    try:
        lng_value = Decimal(str(lng)).quantize(Decimal("0.000001"))
        lat_value = Decimal(str(lat)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise ApplicationError(_("经纬度应为数字"), field=f"{where}location") from None
    if not (-180 <= lng_value <= 180 and -90 <= lat_value <= 90):
        raise ApplicationError(_("经纬度超出范围"), field=f"{where}location")
    return lng_value, lat_value


def _clean_findings(findings: Iterable[FindingInput | Mapping[str, Any]]) -> list[FindingInput]:
    cleaned = []
    for index, raw in enumerate(findings):
        item = raw if isinstance(raw, FindingInput) else FindingInput(**raw)
        where = f"findings[{index}]."
        description = (item.description or "").strip()
        if not description:
            raise ApplicationError(_("请填写发现的情况"), field=f"{where}description")
        lng, lat = _clean_point(item.lng, item.lat, where=where)
        cleaned.append(FindingInput(description, lng, lat))
    return cleaned


@transaction.atomic
def patrol_log(
    *,
    actor: User,
    patrol: Patrol,
    started_at: datetime.datetime,
    ended_at: datetime.datetime,
    summary: str,
    members: Iterable[GridMember | int] | None = None,
    findings: Iterable[FindingInput | Mapping[str, Any]] = (),
) -> Patrol:
    """Record that a planned patrol or visit took place: when, who went (if not as planned), what was seen
    and found. A patrol is logged once; findings can be added later."""
    patrol = _locked_patrol(patrol)
    _require(can_patrol_grid(actor, patrol.grid), _("您无权登记该网格的巡查走访"))
    if patrol.status != PatrolStatus.PLANNED:
        raise ConflictError(_("该巡查走访已%(status)s,不能再登记") % {"status": patrol.get_status_display()})
    if started_at is None or ended_at is None:
        raise ApplicationError(_("请填写开始和结束时间"), field="started_at" if started_at is None else "ended_at")
    if ended_at < started_at:
        raise ApplicationError(_("结束时间不能早于开始时间"), field="ended_at")
    if ended_at > timezone.now() + CLOCK_SKEW:
        raise ApplicationError(_("结束时间不能晚于现在"), field="ended_at")
    summary = (summary or "").strip()
    if not summary:
        raise ApplicationError(_("请填写情况记录"), field="summary")
    cleaned_findings = _clean_findings(findings)
    if members is not None:
        chosen = _patrol_members(patrol.grid, members)
        if not chosen:
            raise ApplicationError(_("请选择参加人员"), field="members")
        patrol.members.set(chosen)
    patrol.status = PatrolStatus.DONE
    patrol.started_at, patrol.ended_at, patrol.summary = started_at, ended_at, summary
    patrol.save()
    PatrolFinding.objects.bulk_create(
        [PatrolFinding(patrol=patrol, description=f.description, lng=f.lng, lat=f.lat) for f in cleaned_findings]
    )
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=patrol,
        changes={"status": "done", "findings": len(cleaned_findings)},
    )
    return patrol


@transaction.atomic
def patrol_cancel(*, actor: User, patrol: Patrol, reason: str) -> Patrol:
    patrol = _locked_patrol(patrol)
    _require(can_patrol_grid(actor, patrol.grid), _("您无权取消该网格的巡查走访"))
    if patrol.status != PatrolStatus.PLANNED:
        raise ConflictError(_("只有计划中的巡查走访可以取消"))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ApplicationError(_("请填写取消原因"), field="reason")
    patrol.status = PatrolStatus.CANCELLED
    patrol.summary = _("取消原因:%(reason)s") % {"reason": reason}
    patrol.save()
    audit_log(actor=actor, action=AuditAction.UPDATE, obj=patrol, reason=reason, changes={"status": "cancelled"})
    return patrol


@transaction.atomic
def finding_add(*, actor: User, patrol: Patrol, description: str, lng: Any = None, lat: Any = None) -> PatrolFinding:
    """Add something found to a patrol that took place (or is under way)."""
    patrol = _locked_patrol(patrol)
    _require(can_patrol_grid(actor, patrol.grid), _("您无权登记该网格的巡查走访"))
    if patrol.status == PatrolStatus.CANCELLED:
        raise ConflictError(_("已取消的巡查走访不能记录发现问题"))
    (item,) = _clean_findings([FindingInput(description, lng, lat)])
    finding = PatrolFinding.objects.create(patrol=patrol, description=item.description, lng=item.lng, lat=item.lat)
    audit_log(actor=actor, action=AuditAction.CREATE, obj=finding, region_code=patrol.region_code)
    return finding


@transaction.atomic
def finding_open_case(
    *,
    actor: User,
    finding: PatrolFinding,
    category: Category,
    title: str = "",
    urgency: str = "",
) -> Case:
    """Open an incident case (网格事件) from a finding in one step, through the incidents' one-call report
    (channel 网格员上报): a finding with a location is located to its grid (a night patrol may cross a
    grid border); one without lies in the patrol's grid. `urgency` left empty takes the category's
    default. The finding keeps a link to the case; a finding opens at most one case."""
    finding = PatrolFinding.objects.select_for_update(of=("self",)).select_related("patrol__grid").get(pk=finding.pk)
    patrol = finding.patrol
    _require(can_patrol_grid(actor, patrol.grid), _("您无权为该网格的发现问题立案"))
    if finding.case_id is not None:
        raise ConflictError(_("该发现问题已转立案件"))
    if category is None or category.kind != INCIDENT:
        raise ApplicationError(_("请选择网格事件的类别"), field="category")
    if urgency and urgency not in Urgency.values:
        raise ApplicationError(_("紧急程度无效"), field="urgency")
    return incident_report(
        actor=actor,
        category=category,
        description=finding.description,
        title=(title or "").strip(),
        urgency=urgency or None,
        channel=Channel.GRID,
        source_patrol_finding=finding,
        region=None if finding.lng is not None else patrol.grid,
    )
