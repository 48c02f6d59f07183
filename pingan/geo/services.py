"""Importing outlines of regions and grid cells (边界导入) from GeoJSON, or from CSV/Excel with a WKT column.

An import is all or nothing: every feature is checked first — geometry, coordinates, region code, the
jurisdiction of the person importing, no overlap with sibling cells, inside the parent's outline — and
every problem is reported naming its feature (number and code). Only a clean file is written, with bulk
operations, and logged once in the audit log; the grid locator is refreshed.

Overlap and containment are measured as areas (m², on a local equirectangular projection, see
`shapes.area_km2`) and tolerated up to the larger of a share of the smaller cell (default 1%) and an
absolute area (default 100 m²): outlines digitised from different sources never meet exactly.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import shapely
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely import wkt
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from simple_history.utils import bulk_create_with_history

from pingan.core.audit import audit_log
from pingan.core.errors import ApplicationError
from pingan.core.models import AuditAction
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region, scope_prefix
from pingan.regions.services import LEVEL_ALIASES, ImportResult, check_table, read_table

from . import locator
from .choices import ShapeSource
from .coords import CoordSystem, check_system, geometry_to_wgs84
from .models import RegionShape
from .shapes import area_km2, shape_fields

if TYPE_CHECKING:
    from pingan.accounts.models import User


MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_FEATURES = 50_000
DEFAULT_OVERLAP_SHARE = 0.01
DEFAULT_OVERLAP_M2 = 100.0
M2_PER_KM2 = 1_000_000
# A generous box around China: coordinates outside it are projected metres, swapped axes or typos.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)

TABLE_COLUMNS = {
    "code": ("区划代码", "代码", "code", "adcode"),
    "name": ("名称", "区划名称", "name"),
    "level": ("层级", "级别", "level"),
    "parent": ("上级代码", "上级区划代码", "parent", "parent_code"),
    "wkt": ("边界", "边界wkt", "wkt", "geometry", "geom"),
}
PROPERTY_ALIASES = {name: tuple(alias.lower() for alias in aliases) for name, aliases in TABLE_COLUMNS.items()}

# GEOS's reasons for invalid geometry, as a person fixing the file reads them.
VALIDITY_REASONS = {
    "Self-intersection": gettext_lazy("边界自相交"),
    "Ring Self-intersection": gettext_lazy("环自相交"),
    "Too few points": gettext_lazy("点数过少"),
    "Hole lies outside shell": gettext_lazy("内环(洞)位于外环之外"),
    "Nested holes": gettext_lazy("内环相互嵌套"),
    "Interior is disconnected": gettext_lazy("内部不连通"),
    "Nested shells": gettext_lazy("多个外环相互嵌套"),
    "Duplicate Rings": gettext_lazy("环重复"),
    "Invalid Coordinate": gettext_lazy("坐标无效"),
    "Ring is not closed": gettext_lazy("环未闭合"),
}


@dataclass
class RawFeature:
    """One outline as read from a file, before any check. `where` names it in messages."""

    where: str
    code: str
    name: str = ""
    level: str = ""
    parent: str = ""
    geometry: dict[str, Any] | None = None  # GeoJSON geometry
    wkt: str = ""


@dataclass
class _Checked:
    where: str
    code: str
    level: int
    geometry: BaseGeometry
    region: Region | None  # None: a grid cell to create
    parent: Region | None
    name: str


# --- reading files --------------------------------------------------------------------------------


def read_features(file: str | Path | IO[bytes]) -> list[RawFeature]:
    """Features of a GeoJSON FeatureCollection (or Feature), or rows of a CSV/Excel table with a WKT column."""
    if isinstance(file, str | Path):
        name, data = str(file), Path(file).read_bytes()
    else:
        name, data = getattr(file, "name", "") or "", file.read()
    if len(data) > MAX_FILE_BYTES:
        raise ApplicationError(
            _("文件不能超过 %(mb)d MB,请分批导入") % {"mb": MAX_FILE_BYTES // 1024 // 1024}, field="file"
        )
    suffix = Path(name).suffix.lower()
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix in (".geojson", ".json") or head.startswith(b"{"):
        return features_from_geojson(data)
    if suffix in ("", ".csv", ".txt", ".xlsx") or data.startswith(b"PK\x03\x04"):
        upload = io.BytesIO(data)
        upload.name = name or "shapes.csv"
        return features_from_table(read_table(upload))
    raise ApplicationError(_("仅支持 GeoJSON(.geojson/.json)、CSV 或 Excel(.xlsx,含 WKT 边界列)文件"), field="file")


def _property(properties: dict[str, Any], name: str) -> str:
    for key, value in properties.items():
        if str(key).strip().lower() in PROPERTY_ALIASES[name] and value is not None:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return str(value).strip()
    return ""


def features_from_geojson(data: bytes) -> list[RawFeature]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApplicationError(
            _("文件不是合法的 GeoJSON(JSON 解析失败:%(error)s)") % {"error": exc}, field="file"
        ) from None
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = {"type": "FeatureCollection", "features": [document]}
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ApplicationError(_("GeoJSON 顶层应为 FeatureCollection"), field="file")
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise ApplicationError(_("GeoJSON 中没有要素(features)"), field="file")
    if len(features) > MAX_FEATURES:
        raise ApplicationError(_("文件超过 %(max)d 个要素,请分批导入") % {"max": MAX_FEATURES}, field="file")
    raw: list[RawFeature] = []
    for number, feature in enumerate(features, start=1):
        feature = feature if isinstance(feature, dict) else {}
        properties = feature.get("properties")
        if not isinstance(properties, dict):
            properties = {}
        code = _property(properties, "code") or str(feature.get("id") or "").strip()
        raw.append(
            RawFeature(
                where=_("第 %(n)d 个要素(%(code)s)") % {"n": number, "code": code or _("无代码")},
                code=code,
                name=_property(properties, "name"),
                level=_property(properties, "level"),
                parent=_property(properties, "parent"),
                geometry=feature.get("geometry") if isinstance(feature.get("geometry"), dict) else None,
            )
        )
    return raw


def features_from_table(rows: list[dict[str, Any]]) -> list[RawFeature]:
    """Rows of read_table with columns 区划代码, 边界(WKT) and optional 名称, 层级, 上级代码."""
    result, checked = check_table(rows, TABLE_COLUMNS, ("code", "wkt"), lambda rows, errors: rows)
    if result.errors:
        raise ApplicationError(result.errors[0], fields={"file": result.errors})
    return [
        RawFeature(
            where=_("第 %(row)d 行(%(code)s)") % {"row": row, "code": values["code"] or _("无代码")},
            code=values["code"],
            name=values.get("name", ""),
            level=values.get("level", ""),
            parent=values.get("parent", ""),
            wkt=values["wkt"],
        )
        for row, values in checked
    ]


# --- checking one feature -------------------------------------------------------------------------


def _parse_level(text: str) -> int | None:
    text = text.strip()
    if text.isdigit() and int(text) in RegionLevel.values:
        return int(text)
    if text.lower() in LEVEL_ALIASES:
        return int(LEVEL_ALIASES[text.lower()])
    for level in RegionLevel:
        if text == str(level.label):
            return level.value
    return None


def _rings(geometry: dict[str, Any]) -> Iterable[Any]:
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "Polygon":
        yield from coordinates if isinstance(coordinates, list) else [None]
    else:
        for polygon in coordinates if isinstance(coordinates, list) else [None]:
            yield from polygon if isinstance(polygon, list) else [None]


def _geojson_problem(geometry: dict[str, Any] | None) -> str | None:
    """What is wrong with a GeoJSON geometry's structure (before shapely sees it, which would close rings)."""
    if geometry is None:
        return _("缺少几何(geometry)")
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        return _("几何类型为 %(type)s,仅支持 Polygon 或 MultiPolygon") % {"type": kind}
    for ring in _rings(geometry):
        if not isinstance(ring, list) or not all(isinstance(p, list) and len(p) >= 2 for p in ring):
            return _("坐标结构不符合 %(type)s 的格式") % {"type": kind}
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for p in ring for v in p[:2]):
            return _("坐标应为数字")
        if len(ring) < 4:
            return _("环的点数少于 4 个(闭合环至少需要 4 个点)")
        if ring[0][:2] != ring[-1][:2]:
            return _("环未闭合:首点 %(first)s 与末点 %(last)s 不同") % {"first": ring[0][:2], "last": ring[-1][:2]}
    return None


def _geometry_of(raw: RawFeature) -> tuple[BaseGeometry | None, str | None]:
    if raw.geometry is not None or not raw.wkt:
        problem = _geojson_problem(raw.geometry)
        if problem or raw.geometry is None:
            return None, problem
        return shape(raw.geometry), None
    try:
        geometry = wkt.loads(raw.wkt)
    except shapely.errors.ShapelyError as exc:
        message = str(exc)
        if "closed linestring" in message:
            return None, _("环未闭合")
        return None, _("WKT 无法解析:%(error)s") % {"error": message[:120]}
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        return None, _("几何类型为 %(type)s,仅支持 Polygon 或 MultiPolygon") % {"type": geometry.geom_type}
    return geometry, None


def _validity_problem(geometry: BaseGeometry) -> str | None:
    if geometry.is_empty:
        return _("边界为空")
    if shapely.is_valid(geometry):
        return None
    reason = shapely.is_valid_reason(geometry)
    name, _bracket, where = reason.partition("[")
    label = VALIDITY_REASONS.get(name.strip(), name.strip())
    return _("边界无效:%(reason)s%(where)s") % {
        "reason": label,
        "where": _("(位置 %(point)s)") % {"point": where.rstrip("]")} if where else "",
    }


def _coordinates_problem(geometry: BaseGeometry) -> str | None:
    coords = shapely.get_coordinates(geometry)
    if not np.isfinite(coords).all():
        return _("坐标含有非数值")
    min_lng, min_lat, max_lng, max_lat = geometry.bounds
    if max(abs(min_lng), abs(max_lng)) > 180 or max(abs(min_lat), abs(max_lat)) > 90:
        return _("坐标超出经纬度范围(是否为投影坐标,或经纬度顺序颠倒?GeoJSON 中经度在前)")
    west, south, east, north = CHINA_BOUNDS
    if min_lng < west or max_lng > east or min_lat < south or max_lat > north:
        return _("坐标不在中国境内(范围 %(bounds)s;是否经纬度顺序颠倒?GeoJSON 中经度在前)") % {
            "bounds": [round(v, 4) for v in geometry.bounds]
        }
    return None


def _m2(geometry: BaseGeometry) -> float:
    return 0.0 if geometry.is_empty else area_km2(geometry) * M2_PER_KM2


# --- the service ----------------------------------------------------------------------------------


def _chunks[T](values: list[T], size: int = 900) -> Iterator[list[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _regions_by_code(codes: Iterable[str]) -> dict[str, Region]:
    found: dict[str, Region] = {}
    for chunk in _chunks(sorted(set(codes))):
        found.update({r.code: r for r in Region.objects.filter(code__in=chunk).select_related("parent")})
    return found


def _code_problem(raw: RawFeature, first_seen: dict[str, str]) -> str | None:
    if not raw.code:
        return _("缺少区划代码(properties.code)")
    if not raw.code.isdigit() or len(raw.code) > 20:
        return _("区划代码“%(code)s”应为不超过20位的数字") % {"code": raw.code}
    if raw.code in first_seen:
        return _("区划代码与%(first)s重复") % {"first": first_seen[raw.code]}
    first_seen[raw.code] = raw.where
    return None


def _new_grid_problem(raw: RawFeature, parent: Region | None) -> str | None:
    """Why a feature cannot create the grid cell it names (level 网格, a name, under a known community)."""
    if parent is None or parent.level != RegionLevel.COMMUNITY:
        return _("新建网格须在已有的村(社区)之下:上级代码 %(parent)s 不是已有的村(社区)") % {
            "parent": raw.parent or raw.code[:-3]
        }
    if not raw.code.startswith(parent.prefix) or len(raw.code) <= len(parent.code):
        return _("网格代码 %(code)s 应以所在社区代码 %(parent)s 开头") % {"code": raw.code, "parent": parent.code}
    if len(raw.name) > 100:
        return _("名称不能超过100个字")
    return None


def _region_of(
    raw: RawFeature, known: dict[str, Region], first_seen: dict[str, str]
) -> tuple[Region | None, Region | None, int | None, list[str]]:
    """(region, parent of a new grid, level, problems) of a feature's code and level."""
    problem = _code_problem(raw, first_seen)
    level = _parse_level(raw.level) if raw.level else None
    if problem is None and raw.level and level is None:
        problem = _("层级“%(level)s”无效,应为 市、县、乡镇、村社区、网格 或 1–5") % {"level": raw.level}
    if problem is not None:
        return None, None, level, [problem]
    region = known.get(raw.code)
    if region is not None:
        if level is not None and level != region.level:
            problem = _("层级为“%(given)s”,但系统中 %(code)s 是“%(actual)s”") % {
                "given": RegionLevel(level).label,
                "code": raw.code,
                "actual": region.get_level_display(),
            }
        return region, None, region.level, [problem] if problem else []
    if level == RegionLevel.GRID and raw.name:
        parent = known.get(raw.parent or raw.code[:-3])
        problem = _new_grid_problem(raw, parent)
        return None, parent, level, [problem] if problem else []
    return (
        None,
        None,
        level,
        [_("区划代码 %(code)s 不存在(新建网格须注明 level 为“网格”并填写名称)") % {"code": raw.code}],
    )


def _geometry_problem(raw: RawFeature, coord_system: str) -> tuple[BaseGeometry | None, str | None]:
    """The feature's outline in WGS-84, or what is wrong with it."""
    geometry, problem = _geometry_of(raw)
    if geometry is None:
        return None, problem
    problem = _coordinates_problem(geometry)
    if problem is None:
        geometry = geometry_to_wgs84(geometry, coord_system)
        problem = _validity_problem(geometry)
    return geometry, problem


def _check_features(
    raw_features: list[RawFeature], *, actor: User | None, coord_system: str, errors: list[str]
) -> list[_Checked]:
    """Each feature on its own: code, level, jurisdiction, geometry. Returns the ones without a problem."""
    codes = [raw.code for raw in raw_features if raw.code]
    known = _regions_by_code([*codes, *(raw.parent or raw.code[:-3] for raw in raw_features if raw.code)])
    prefixes = None if actor is None or actor.is_superuser else actor.jurisdiction_prefixes()
    first_seen: dict[str, str] = {}
    checked: list[_Checked] = []
    for raw in raw_features:
        region, parent, level, problems = _region_of(raw, known, first_seen)
        if raw.code and prefixes is not None and not any(raw.code.startswith(p) for p in prefixes):
            problems.append(_("区划 %(code)s 不在您的管辖范围内") % {"code": raw.code})
        geometry, problem = _geometry_problem(raw, coord_system)
        if problem:
            problems.append(problem)
        errors.extend(f"{raw.where}:{problem}" for problem in problems)
        if not problems:
            assert geometry is not None and level is not None  # a feature without problems has both
            checked.append(_Checked(raw.where, raw.code, level, geometry, region, parent, raw.name))
    return checked


def _final_outlines(checked: list[_Checked]) -> tuple[dict[str, tuple[str, BaseGeometry]], dict[str, str]]:
    """The outlines as they will be after the import, for the codes the checks need: the file's features,
    their parents, their siblings and their children. Returns code → (where, geometry) and code → parent
    code (of the file's features and of the stored outlines loaded)."""
    final = {c.code: (c.where, c.geometry) for c in checked}
    parent_of = {c.code: _parent_code(c) for c in checked}
    parent_codes = sorted({p for p in parent_of.values() if p})
    stored = (
        RegionShape.objects.filter(region__is_active=True)
        .filter(_neighbourhood(parent_codes, [c.code for c in checked]))
        .values_list("region_code", "region__parent__code", "geometry")
    )
    for code, parent_code, geometry in stored:
        parent_of.setdefault(code, parent_code or "")
        if code not in final:
            final[code] = (_("已有边界 %(code)s") % {"code": code}, shape(geometry))
    return final, parent_of


def _parent_code(c: _Checked) -> str:
    parent = c.parent if c.region is None else c.region.parent
    return parent.code if parent is not None else ""


def _neighbourhood(parent_codes: list[str], codes: list[str]) -> Q:
    """Outlines of the parents, of the siblings (children of the parents) and of the children of `codes`."""
    query = Q(pk__in=[])
    for chunk in _chunks(parent_codes):
        query |= Q(region__parent__code__in=chunk) | Q(region_code__in=chunk)
    for chunk in _chunks(codes):
        query |= Q(region__parent__code__in=chunk)
    return query


def _tolerance(area_m2: float, share: float, minimum_m2: float) -> float:
    return max(area_m2 * share, minimum_m2)


def _check_overlaps(
    final: dict[str, tuple[str, BaseGeometry]],
    parent_of: dict[str, str],
    file_codes: set[str],
    *,
    share: float,
    minimum_m2: float,
    errors: list[str],
) -> None:
    """Sibling outlines (same parent) may overlap only within the tolerance; pairs with a file feature."""
    siblings: dict[str, list[str]] = defaultdict(list)
    for code in final:
        if code in parent_of:
            siblings[parent_of[code]].append(code)
    for codes in siblings.values():
        if len(codes) < 2 or not any(code in file_codes for code in codes):
            continue
        codes.sort()
        geometries = np.array([final[code][1] for code in codes], dtype=object)
        left, right = shapely.STRtree(geometries).query(geometries, predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            if i >= j or (codes[i] not in file_codes and codes[j] not in file_codes):
                continue  # each pair once; pairs of stored outlines are not this import's business
            overlap = _m2(shapely.intersection(geometries[i], geometries[j]))
            smaller = min(_m2(geometries[i]), _m2(geometries[j]))
            if overlap > _tolerance(smaller, share, minimum_m2):
                where = final[codes[i]][0] if codes[i] in file_codes else final[codes[j]][0]
                other = codes[j] if codes[i] in file_codes else codes[i]
                errors.append(
                    _("%(where)s:与同级区划 %(other)s 重叠 %(overlap).0f 平方米,超过允许的 %(allowed).0f 平方米")
                    % {
                        "where": where,
                        "other": other,
                        "overlap": overlap,
                        "allowed": _tolerance(smaller, share, minimum_m2),
                    }
                )


def _check_containment(
    final: dict[str, tuple[str, BaseGeometry]],
    parent_of: dict[str, str],
    file_codes: set[str],
    *,
    share: float,
    minimum_m2: float,
    errors: list[str],
) -> None:
    """Every outline lies inside its parent's outline (when the parent has one), within the tolerance."""
    for code, (where, geometry) in final.items():
        parent_code = parent_of.get(code, "")
        if parent_code not in final or (code not in file_codes and parent_code not in file_codes):
            continue
        parent_geometry = final[parent_code][1]
        outside = _m2(shapely.difference(geometry, parent_geometry))
        if outside > _tolerance(_m2(geometry), share, minimum_m2):
            errors.append(
                _("%(where)s:有 %(outside).0f 平方米超出上级区划 %(parent)s 的边界(允许 %(allowed).0f 平方米)")
                % {
                    "where": where,
                    "outside": outside,
                    "parent": parent_code,
                    "allowed": _tolerance(_m2(geometry), share, minimum_m2),
                }
            )


def _feature_number(message: str) -> float:
    """Errors in file order: "第 12 个要素…" / "第 12 行…" sort by 12; messages about stored outlines last."""
    match = re.match(r"第 (\d+) ", message)
    return int(match.group(1)) if match else math.inf


def _write(checked: list[_Checked], *, source: str, actor: User | None, result: ImportResult) -> None:
    now = timezone.now()
    new_grids = [
        Region(
            code=c.code,
            name=c.name,
            level=RegionLevel.GRID,
            parent=c.parent,
            prefix=scope_prefix(c.code, RegionLevel.GRID),
            is_generated=source == ShapeSource.GENERATED,
        )
        for c in checked
        if c.region is None
    ]
    region_of = {c.code: c.region for c in checked if c.region is not None}
    if new_grids:
        bulk_create_with_history(new_grids, Region, default_user=actor if getattr(actor, "pk", None) else None)
        region_of.update(_regions_by_code([r.code for r in new_grids]))
    existing = {
        s.region_id: s
        for chunk in _chunks([region_of[c.code].pk for c in checked])
        for s in RegionShape.objects.filter(region_id__in=chunk)
    }
    to_create: list[RegionShape] = []
    to_update: list[RegionShape] = []
    for c in checked:
        fields = shape_fields(c.geometry)
        region = region_of[c.code]
        shape_row = existing.get(region.pk)
        if shape_row is None:
            to_create.append(
                RegionShape(region=region, region_code=c.code, level=c.level, source=source, updated_at=now, **fields)
            )
        elif shape_row.geometry == fields["geometry"] and shape_row.source == source:
            result.unchanged += 1
        else:
            for name, value in fields.items():
                setattr(shape_row, name, value)
            shape_row.source, shape_row.level, shape_row.updated_at = source, c.level, now
            to_update.append(shape_row)
    RegionShape.objects.bulk_create(to_create, batch_size=500)
    RegionShape.objects.bulk_update(
        to_update, [*shape_fields(checked[0].geometry).keys(), "source", "level", "updated_at"], batch_size=500
    )
    result.created, result.updated = len(to_create), len(to_update)
    result.details["grids_created"] = len(new_grids)


@transaction.atomic
def shapes_import(
    *,
    features: list[RawFeature],
    actor: User | None,
    coord_system: str = CoordSystem.WGS84,
    source: str = ShapeSource.IMPORTED,
    overlap_share: float = DEFAULT_OVERLAP_SHARE,
    overlap_m2: float = DEFAULT_OVERLAP_M2,
    dry_run: bool = False,
) -> ImportResult:
    """Create or update the outlines of regions and grid cells (creating grid cells that the file names
    with level 网格 under a known community). All or nothing: the result's `errors` name every problem
    and nothing is written unless there are none. `dry_run` checks only."""
    check_system(coord_system)
    if source not in ShapeSource.values:
        raise ApplicationError(_("来源“%(source)s”无效") % {"source": source}, field="source")
    if not (0 <= overlap_share < 1) or not (0 <= overlap_m2 < 1e9):  # NaN fails both comparisons too
        raise ApplicationError(_("重叠容差无效:比例应在 0 到 1 之间,面积不能为负"), field="overlap_share")
    result = ImportResult(total=len(features))
    if not features:
        result.errors.append(_("文件中没有要素"))
        return result
    checked = _check_features(features, actor=actor, coord_system=coord_system, errors=result.errors)
    if checked:  # the features that passed on their own, against each other and the stored outlines
        final, parent_of = _final_outlines(checked)
        file_codes = {c.code for c in checked}
        _check_overlaps(final, parent_of, file_codes, share=overlap_share, minimum_m2=overlap_m2, errors=result.errors)
        _check_containment(
            final, parent_of, file_codes, share=overlap_share, minimum_m2=overlap_m2, errors=result.errors
        )
    result.errors.sort(key=_feature_number)
    if result.errors or dry_run:
        return result
    _write(checked, source=source, actor=actor, result=result)
    audit_log(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type=RegionShape._meta.label_lower,
        changes={**result.as_dict(), "coord_system": coord_system, "source": source},
    )
    locator.invalidate()
    transaction.on_commit(locator.invalidate, robust=True)  # a failure here must not fail the committed import
    return result
