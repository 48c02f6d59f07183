"""Reads of geography: outlines, the place at a point and the grid cells of a jurisdiction. Every read starts
from the user's jurisdiction: an outline outside it is not shown, a parent outside it is not found, a grid
outside it is not named."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from shapely.geometry import shape

from pingan.accounts.models import User
from pingan.core.errors import ApplicationError, NotFoundError
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Organization, Region, prefix_q
from pingan.regions.selectors import user_prefixes

from . import locator
from .coords import CoordSystem, to_wgs84
from .models import RegionShape
from .shapes import KM_PER_DEGREE, as_geojson

MAX_SIMPLIFY_M = 1000


# --- grid cells ------------------------------------------------------------------------------------


def grids_visible_to(user: User) -> QuerySet[Region]:
    """The grid cells (网格) inside the user's jurisdiction."""
    return Region.objects.filter(prefix_q("code", user_prefixes(user)), level=RegionLevel.GRID, is_active=True)


GridsOfUser = Callable[[User], QuerySet[Region]]
_grids_of_user: GridsOfUser | None = None


def grids_of_user_register(provider: GridsOfUser) -> None:
    """Name the function that knows which grid cells a user works. Grid work (`pingan.gridwork`, where the
    grid people are) registers it from its `ready()`, so that apps that may not import grid work (the
    incident kind's report page) can ask here."""
    global _grids_of_user
    _grids_of_user = provider


def grids_of_user(user: User) -> QuerySet[Region]:
    """The grid cells the user works as an active grid member (网格力量), inside their jurisdiction; none
    when no app has registered who works which grid."""
    if _grids_of_user is None:
        return Region.objects.none()
    return _grids_of_user(user)


# --- outlines --------------------------------------------------------------------------------------


def shapes_for(*, user: User, level: int | None = None, parent_code: str = "") -> list[Mapping[str, Any]]:
    """The outlines the user may see, as rows (code, name, level, parent, geometry, label, area, source):

    - `parent_code` alone: its direct children; with `level`: its descendants at that level;
    - `level` alone: every outline of that level in the jurisdiction;
    - neither: the outlines of the jurisdiction's top regions.
    A parent outside the jurisdiction (or unknown) is not found."""
    prefixes = user_prefixes(user)
    shapes = RegionShape.objects.within(prefixes).filter(region__is_active=True)
    if level is not None and level not in RegionLevel.values:
        raise ApplicationError(_("层级应为 1–5(市、县区、乡镇街道、村社区、网格)"), field="level")
    if parent_code:
        parent = Region.objects.within(prefixes).filter(code=parent_code, is_active=True).first()
        if parent is None:
            raise NotFoundError(_("区划 %(code)s 不存在或不在您的辖区内") % {"code": parent_code})
        if level is None:
            shapes = shapes.filter(region__parent=parent)
        else:
            shapes = shapes.filter(region_code__startswith=parent.prefix, level=level).exclude(region=parent)
    elif level is not None:
        shapes = shapes.filter(level=level)
    else:
        shapes = shapes.filter(region__prefix__in=prefixes)
    return list(
        shapes.order_by("region_code").values(
            "region_code",
            "region__name",
            "level",
            "region__parent__code",
            "geometry",
            "min_lng",
            "min_lat",
            "max_lng",
            "max_lat",
            "label_lng",
            "label_lat",
            "area_km2",
            "source",
        )
    )


def feature_collection(rows: Sequence[Mapping[str, Any]], *, simplify_m: float = 0) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of `shapes_for` rows (see docs/grids-geometry.md for its shape)."""
    if not (0 <= simplify_m <= MAX_SIMPLIFY_M):  # NaN fails too
        raise ApplicationError(
            _("简化容差应在 0 到 %(max)d 米之间") % {"max": MAX_SIMPLIFY_M},
            field="simplify",
        )
    features = []
    for row in rows:
        geometry = row["geometry"]
        if simplify_m:
            geometry = as_geojson(
                shapely.simplify(shape(geometry), simplify_m / 1000 / KM_PER_DEGREE, preserve_topology=True)
            )
        features.append(
            {
                "type": "Feature",
                "id": row["region_code"],
                "geometry": geometry,
                "properties": {
                    "code": row["region_code"],
                    "name": row["region__name"],
                    "level": row["level"],
                    "parent": row["region__parent__code"] or "",
                    "label": [row["label_lng"], row["label_lat"]],
                    "area_km2": row["area_km2"],
                    "source": row["source"],
                },
            }
        )
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if rows:
        collection["bbox"] = [
            min(row["min_lng"] for row in rows),
            min(row["min_lat"] for row in rows),
            max(row["max_lng"] for row in rows),
            max(row["max_lat"] for row in rows),
        ]
    return collection


# --- the place at a point --------------------------------------------------------------------------


@dataclass
class Place:
    """Where a point lies: the WGS-84 point, its grid and the regions above, and the responsible centre.
    `reason` says why there is no grid: "outside" (no grid cell) or "outside_jurisdiction"."""

    lng: float
    lat: float
    coord_system: str
    grid: Region | None = None
    community: Region | None = None
    township: Region | None = None
    district: Region | None = None
    centre: Organization | None = None
    reason: str | None = None


def place_at(
    *,
    user: User,
    lng: float,
    lat: float,
    coord_system: str = CoordSystem.WGS84,
    centre_of: Callable[[Region], Organization] | None = None,
) -> Place:
    """The grid at a point (converted to WGS-84 first) and what it belongs to, for a user: a grid outside
    the user's jurisdiction is not named. Reported, never guessed: no grid, no answer.

    `centre_of` names the responsible centre of a grid (the case engine's routing, which lies above
    geography, passes it in); without it, or when it finds none, `centre` is None."""
    wgs_lng, wgs_lat = to_wgs84(lng=lng, lat=lat, system=coord_system)
    place = Place(lng=round(wgs_lng, 6), lat=round(wgs_lat, 6), coord_system=coord_system)
    code = locator.locate(lng=wgs_lng, lat=wgs_lat)
    if code is None:
        place.reason = "outside"
        return place
    prefixes = user_prefixes(user)
    if not any(code.startswith(prefix) for prefix in prefixes):
        place.reason = "outside_jurisdiction"
        return place
    grid = Region.objects.filter(code=code).first()
    if grid is None:  # deleted since the index was built
        place.reason = "outside"
        return place
    by_level = {region.level: region for region in grid.ancestors(include_self=True)}
    place.grid = grid
    place.community = by_level.get(RegionLevel.COMMUNITY)
    place.township = by_level.get(RegionLevel.TOWNSHIP)
    place.district = by_level.get(RegionLevel.COUNTY)
    if centre_of is not None:
        try:
            place.centre = centre_of(grid)
        except ApplicationError:
            place.centre = None  # no centre above this grid: the place is still known
    return place
