"""Writes to the camera register (雪亮工程点位): one camera at a time, or a whole file at once.

A camera's grid is never typed in: it is where the point lies (`pingan.geo.locator`). Coordinates may be
given in GCJ-02 or BD-09 (as map apps export them) and are stored in WGS-84. Only centre staff and system
administrators maintain the register, and only inside the jurisdiction of the organisation where they hold
that role. An import is all or nothing, with every problem named by its spreadsheet row.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.core.audit import audit_log
from pingan.core.concurrency import check_unchanged, edit_token
from pingan.core.errors import ApplicationError, PermissionDeniedError
from pingan.core.models import AuditAction
from pingan.geo.coords import CoordSystem, check_system, to_wgs84, to_wgs84_many
from pingan.geo.locator import grid_at, locate_many
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region
from pingan.regions.services import ImportResult, check_table, error_sort_key, row_error

from . import bulk
from .choices import CameraStatus, CameraType
from .models import Camera

EDIT_ROLES = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD, Role.SYSADMIN})
# Parameters per statement stay under SQLite's limit (32,766) and PostgreSQL's comfort zone.
CHUNK = 2_000
EDITABLE_FIELDS = ("name", "camera_type", "status", "lng", "lat", "address", "owner_unit", "installed_on")

CAMERA_COLUMNS = {
    "code": ("点位编码", "编码", "code"),
    "name": ("点位名称", "名称", "name"),
    "camera_type": ("类型", "摄像机类型", "camera_type", "type"),
    "status": ("状态", "status"),
    "lng": ("经度", "lng", "lon", "longitude"),
    "lat": ("纬度", "lat", "latitude"),
    "address": ("安装地址", "地址", "address"),
    "owner_unit": ("建设/权属单位", "权属单位", "建设单位", "owner_unit", "owner"),
    "installed_on": ("安装日期", "installed_on"),
}
REQUIRED_COLUMNS = ("code", "name", "camera_type", "lng", "lat", "owner_unit")


def edit_prefixes(actor: User) -> list[str] | None:
    """Jurisdiction prefixes where `actor` may maintain cameras (None: everywhere, for a superuser)."""
    if actor.is_superuser:
        return None
    return sorted({m.organization.region.prefix for m in actor.active_memberships if m.role in EDIT_ROLES})


def _require_editor(actor: User) -> list[str] | None:
    prefixes = edit_prefixes(actor)
    if prefixes == []:
        raise PermissionDeniedError(_("只有综治中心工作人员和系统管理员可以维护视频监控点位"))
    return prefixes


def _inside(prefixes: list[str] | None, code: str) -> bool:
    return prefixes is None or any(code.startswith(prefix) for prefix in prefixes)


def choice_table(choices: type[TextChoices]) -> dict[str, str]:
    """Values of a choices class by what people type in a spreadsheet: the value or the label."""
    table = {str(choice.label): choice.value for choice in choices}
    table.update({choice.value: choice.value for choice in choices})
    return table


def _coordinate(value: Any) -> Decimal:
    return Decimal(f"{float(value):.6f}")


def _located_grid(
    *, actor_prefixes: list[str] | None, lng: float, lat: float, system: str
) -> tuple[Region, float, float]:
    lng, lat = to_wgs84(lng=lng, lat=lat, system=system)
    grid = grid_at(lng=lng, lat=lat)
    if not _inside(actor_prefixes, grid.code):
        # Not named: the grid cells of another jurisdiction are not this user's to know.
        raise ApplicationError(_("该位置不在您的辖区内"), field="location", code="outside_jurisdiction")
    return grid, lng, lat


def _check_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("%(label)s不能为空") % {"label": label}, field=field)
    if len(value) > max_length:
        raise ApplicationError(_("%(label)s不能超过%(max)d个字") % {"label": label, "max": max_length}, field=field)
    return value


@transaction.atomic
def camera_create(
    *,
    actor: User,
    code: str,
    name: str,
    camera_type: str,
    lng: float,
    lat: float,
    owner_unit: str,
    status: str = CameraStatus.ONLINE,
    address: str = "",
    installed_on: datetime.date | None = None,
    coord_system: str = CoordSystem.WGS84,
) -> Camera:
    """登记点位: a new camera point, placed in the grid cell where it stands."""
    prefixes = _require_editor(actor)
    code = _check_text(code, field="code", label=_("点位编码"), max_length=40)
    if Camera.objects.filter(code=code).exists():
        raise ApplicationError(_("点位编码 %(code)s 已存在") % {"code": code}, field="code", code="duplicate")
    values = _checked_values(
        name=name,
        camera_type=camera_type,
        status=status,
        address=address,
        owner_unit=owner_unit,
        installed_on=installed_on,
    )
    grid, lng, lat = _located_grid(actor_prefixes=prefixes, lng=lng, lat=lat, system=check_system(coord_system))
    camera = Camera(code=code, grid=grid, lng=_coordinate(lng), lat=_coordinate(lat), **values)
    camera.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=camera, changes={"grid": grid.code})
    return camera


@transaction.atomic
def camera_update(
    *,
    actor: User,
    camera: Camera,
    coord_system: str = CoordSystem.WGS84,
    edit_token: str | None = None,
    **changes: Any,
) -> Camera:
    """修改点位: change what is given; a moved point is located again. `edit_token` (camera_edit_token of
    the copy edited): refused with 409 if the camera changed since (core.concurrency)."""
    prefixes = _require_editor(actor)
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    if not _inside(prefixes, camera.region_code):
        raise PermissionDeniedError(_("该点位不在您可以维护的辖区内"))
    check_unchanged(camera, EDITABLE_FIELDS, edit_token)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(_("不能修改的字段:%(fields)s") % {"fields": "、".join(sorted(unknown))})
    current = {name: getattr(camera, name) for name in EDITABLE_FIELDS}
    merged = {**current, **changes}
    values = _checked_values(**{k: merged[k] for k in EDITABLE_FIELDS if k not in ("lng", "lat")})
    if coord_system != CoordSystem.WGS84 and ("lng" in changes) != ("lat" in changes):
        # The stored half of the point is WGS-84: it cannot be paired with a half in another system.
        raise ApplicationError(_("按 GCJ-02 或 BD-09 修改位置时须同时提供经度和纬度"), field="location")
    if "lng" in changes or "lat" in changes:
        grid, lng, lat = _located_grid(
            actor_prefixes=prefixes, lng=merged["lng"], lat=merged["lat"], system=check_system(coord_system)
        )
        camera.grid = grid
        values.update(lng=_coordinate(lng), lat=_coordinate(lat))
    before = {name: _jsonable(current[name]) for name in values}
    changed = {name: [before[name], _jsonable(value)] for name, value in values.items() if current[name] != value}
    if not changed:
        return camera
    for name, value in values.items():
        setattr(camera, name, value)
    camera.save()
    audit_log(actor=actor, action=AuditAction.UPDATE, obj=camera, changes=changed)
    return camera


def camera_edit_token(camera: Camera) -> str:
    """The version of a camera's details that an edit starts from (hidden field, API ETag)."""
    return edit_token(camera, EDITABLE_FIELDS)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | datetime.date):
        return str(value)
    return value


def _checked_values(
    *,
    name: str,
    camera_type: str,
    status: str,
    address: str,
    owner_unit: str,
    installed_on: datetime.date | None,
) -> dict[str, Any]:
    values = {
        "name": _check_text(name, field="name", label=_("点位名称"), max_length=100),
        "address": _check_text(address, field="address", label=_("安装地址"), max_length=200, required=False),
        "owner_unit": _check_text(owner_unit, field="owner_unit", label=_("建设/权属单位"), max_length=100),
    }
    if camera_type not in CameraType.values:
        raise ApplicationError(_("摄像机类型“%(type)s”无效") % {"type": camera_type}, field="camera_type")
    if status not in CameraStatus.values:
        raise ApplicationError(_("状态“%(status)s”无效") % {"status": status}, field="status")
    if installed_on is not None and installed_on > timezone.localdate():
        raise ApplicationError(_("安装日期不能晚于今天"), field="installed_on")
    return {**values, "camera_type": camera_type, "status": status, "installed_on": installed_on}


# --- import ---------------------------------------------------------------------------------------


@dataclass
class _CameraRow:
    row: int
    code: str
    lng: float
    lat: float
    values: dict[str, Any]


def _parse_date(text: str) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    # Excel date cells come back as "2021-05-06 00:00:00"; people also type 2021/5/6 or 2021.5.6.
    text = text.split(" ", 1)[0].replace("/", "-").replace(".", "-")
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(text) from None


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _check_camera_rows(rows: list[tuple[int, dict[str, str]]], errors: list[str]) -> list[_CameraRow]:
    today = timezone.localdate()
    types, statuses = choice_table(CameraType), choice_table(CameraStatus)
    first_seen: dict[str, int] = {}
    checked: list[_CameraRow] = []
    for row, values in rows:
        problems: list[str] = []
        code = values["code"]
        if not code:
            problems.append(_("点位编码不能为空"))
        elif len(code) > 40:
            problems.append(_("点位编码不能超过40个字符"))
        elif code in first_seen:
            problems.append(_("点位编码 %(code)s 与第 %(first)d 行重复") % {"code": code, "first": first_seen[code]})
        else:
            first_seen[code] = row
        if not values["name"]:
            problems.append(_("点位名称不能为空"))
        elif len(values["name"]) > 100:
            problems.append(_("点位名称不能超过100个字"))
        camera_type = types.get(values["camera_type"].lower())
        if camera_type is None:
            problems.append(_("类型“%(type)s”无效") % {"type": values["camera_type"]})
        status = statuses.get(values["status"].lower()) if values.get("status") else CameraStatus.ONLINE
        if status is None:
            problems.append(_("状态“%(status)s”无效,应为 在线、离线、故障 或 停用") % {"status": values["status"]})
        lng, lat = _float(values["lng"]), _float(values["lat"])
        if lng is None or lat is None:
            problems.append(_("经纬度应为数字"))
        elif not (-180 <= lng <= 180 and -90 <= lat <= 90):
            problems.append(_("经纬度超出范围(注意经度在前、纬度在后)"))
        if not values["owner_unit"]:
            problems.append(_("建设/权属单位不能为空"))
        elif len(values["owner_unit"]) > 100:
            problems.append(_("建设/权属单位不能超过100个字"))
        address = values.get("address", "")
        if len(address) > 200:
            problems.append(_("安装地址不能超过200个字"))
        installed_on = None
        try:
            installed_on = _parse_date(values.get("installed_on", ""))
        except ValueError:
            problems.append(_("安装日期“%(date)s”无效,应为 YYYY-MM-DD") % {"date": values["installed_on"]})
        if installed_on and installed_on > today:
            problems.append(_("安装日期不能晚于今天"))
        for problem in problems:
            row_error(errors, row, problem)
        if problems:
            continue
        assert lng is not None and lat is not None  # a row without them has a problem
        fields: dict[str, Any] = {
            "name": values["name"],
            "camera_type": camera_type,
            "owner_unit": values["owner_unit"],
        }
        # Optional columns left out of the file leave the stored values alone on update.
        if "status" in values:
            fields["status"] = status
        if "address" in values:
            fields["address"] = address
        if "installed_on" in values:
            fields["installed_on"] = installed_on
        checked.append(_CameraRow(row, code, lng, lat, fields))
    return checked


def _chunks[T](items: list[T], size: int = CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def cameras_import(*, rows: list[dict[str, Any]], actor: User, coord_system: str = CoordSystem.WGS84) -> ImportResult:
    """Create or update camera points by 点位编码 from spreadsheet rows (点位编码, 点位名称, 类型, 状态, 经度,
    纬度, 安装地址, 建设/权属单位, 安装日期). Every point is located in bulk; a point outside every grid cell
    or outside the actor's jurisdiction is an error of its row, and then nothing is written."""
    prefixes = _require_editor(actor)
    check_system(coord_system)
    result, checked = check_table(rows, CAMERA_COLUMNS, REQUIRED_COLUMNS, _check_camera_rows)
    if result.errors:
        return result
    lngs, lats = to_wgs84_many([r.lng for r in checked], [r.lat for r in checked], coord_system)
    codes = locate_many(lngs, lats)
    for r, lng, lat, grid_code in zip(checked, lngs.tolist(), lats.tolist(), codes, strict=True):
        if grid_code is None:
            row_error(
                result.errors, r.row, _("位置(%(lng).6f, %(lat).6f)不在任何网格内") % {"lng": r.lng, "lat": r.lat}
            )
        elif not _inside(prefixes, grid_code):
            row_error(
                result.errors, r.row, _("位置(%(lng).6f, %(lat).6f)不在您的辖区内") % {"lng": r.lng, "lat": r.lat}
            )
        r.values.update(lng=_coordinate(lng), lat=_coordinate(lat), region_code=grid_code or "")
    if result.errors:
        result.errors.sort(key=error_sort_key)
        return result

    grid_codes = sorted({r.values["region_code"] for r in checked})
    grid_ids: dict[str, int] = {}
    for chunk in _chunks(grid_codes):
        grid_ids.update(Region.objects.filter(code__in=chunk, level=RegionLevel.GRID).values_list("code", "pk"))
    names = [field.attname for field in Camera._meta.concrete_fields]
    existing: dict[str, dict[str, Any]] = {}
    for chunk in _chunks([r.code for r in checked]):
        existing.update((row["code"], row) for row in Camera.objects.filter(code__in=chunk).values(*names))

    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    changed_fields: set[str] = set()
    for r in checked:
        r.values["grid_id"] = grid_ids[r.values["region_code"]]
        current = existing.get(r.code)
        if current is None:
            new.append({"code": r.code, "is_generated": False, **r.values})
            continue
        differing = [name for name, value in r.values.items() if current[name] != value]
        if differing:
            changed.append({**current, **r.values})
            changed_fields.update(differing)
        else:
            result.unchanged += 1
    bulk.cameras_insert(new)
    bulk.cameras_update(changed, sorted(changed_fields))
    # The history rows of new cameras need the ids the database gave them.
    created: list[dict[str, Any]] = []
    for chunk in _chunks([row["code"] for row in new]):
        created.extend(Camera.objects.filter(code__in=chunk).values(*names))
    bulk.history_insert(created, history_type="+", user_id=actor.pk)
    bulk.history_insert(changed, history_type="~", user_id=actor.pk)
    result.created, result.updated = len(new), len(changed)
    audit_log(actor=actor, action=AuditAction.IMPORT, object_type=Camera._meta.label_lower, changes=result.as_dict())
    return result
