"""Reads of the map dashboard (网格地图): the regions one level below the chosen one with their outlines
and figures, the case heat layer, and what the side panel of a grid cell shows.

Every figure starts from what the viewer may see (cases, regions, organisations, cameras and grid people
of their jurisdiction), so a number on the map never counts anything outside it. Outlines are read from
`RegionShape` rows directly; a region without one still has its row in the table."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, FloatField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.models import User
from pingan.cameras.selectors import (
    STATUS_ORDER,
    breadcrumbs,
    cameras_visible_to,
    child_regions,
    count_by_child,
)
from pingan.cases.models import open_overdue_q
from pingan.cases.selectors import cases_visible_to
from pingan.geo.models import RegionShape
from pingan.gridwork.selectors import grid_open_cases, grid_visible_or_404, members_visible_to
from pingan.regions.choices import OrgType, RegionLevel
from pingan.regions.models import Region
from pingan.regions.selectors import organizations_within, regions_within

# "Cases per grid" counts the cases registered in the last year, so that a quiet grid and a busy one
# compare on the same footing whatever the age of their records.
DENSITY_DAYS = 365
HEAT_DAYS = 365
MAX_HEAT_POINTS = 20_000
PANEL_CASES = 20
PANEL_CAMERAS = 30


def measure_labels() -> dict[str, str]:
    """The measures the map can colour regions by (keys of each row of `map_level`)."""
    return {"open": _("未结案件"), "overdue": _("超期案件"), "density": _("每网格案件数(近一年)")}


def _region_dict(region: Region | None) -> dict[str, Any] | None:
    if region is None:
        return None
    return {"code": region.code, "name": region.name, "level": region.level}


def map_level(*, user: User, region: Region | None) -> dict[str, Any]:
    """The children of `region` (or the user's roots) with their figures and outlines (one level of the
    drill-down: districts → townships → communities → grid cells)."""
    children = child_regions(user=user, region=region)
    prefixes = user.jurisdiction_prefixes()
    now = timezone.now()
    since = now - datetime.timedelta(days=DENSITY_DAYS)
    cases = count_by_child(
        cases_visible_to(user),
        "region_code",
        children,
        open=Count("pk", filter=Q(closed_at__isnull=True)),
        overdue=Count("pk", filter=open_overdue_q(now)),  # (a case whose clock is paused is not overdue)
        recent=Count("pk", filter=Q(registered_at__gte=since)),
    )
    grids = count_by_child(
        regions_within(prefixes).filter(level=RegionLevel.GRID, is_active=True), "code", children, grids=Count("pk")
    )
    centres = count_by_child(
        organizations_within(prefixes).filter(org_type=OrgType.CENTRE, is_active=True),
        "region__code",
        children,
        centres=Count("pk"),
    )
    cameras = count_by_child(cameras_visible_to(user), "region_code", children, cameras=Count("pk"))
    shapes = dict(
        RegionShape.objects.filter(region__in=[child.pk for child in children]).values_list("region_code", "geometry")
    )
    rows: list[dict[str, Any]] = []
    features: list[dict[str, Any]] = []
    for child in children:
        code = child.code
        row: dict[str, Any] = {
            "code": code,
            "name": child.name,
            "level": child.level,
            **cases[code],
            **grids[code],
            **centres[code],
            **cameras[code],
            "has_shape": code in shapes,
        }
        row["density"] = round(row["recent"] / row["grids"], 2) if row["grids"] else None
        rows.append(row)
        if code in shapes:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": code, "name": child.name, "level": child.level},
                    "geometry": shapes[code],
                }
            )
    totals = {
        name: sum(row[name] for row in rows) for name in ("open", "overdue", "recent", "grids", "centres", "cameras")
    }
    return {
        "region": _region_dict(region),
        "breadcrumbs": [_region_dict(r) for r in breadcrumbs(user=user, region=region)],
        "rows": rows,
        "totals": totals,
        "features": {"type": "FeatureCollection", "features": features},
    }


def case_heat(*, user: User, region: Region | None) -> dict[str, Any]:
    """Locations of the cases of the last year inside `region`, newest first: [lng, lat] (WGS-84)."""
    cases = cases_visible_to(user).filter(
        lat__isnull=False, lng__isnull=False, registered_at__gte=timezone.now() - datetime.timedelta(days=HEAT_DAYS)
    )
    if region is not None:
        cases = cases.filter(region_code__startswith=region.prefix)
    rows = list(
        cases.order_by("-registered_at").values_list(Cast("lng", FloatField()), Cast("lat", FloatField()))[
            : MAX_HEAT_POINTS + 1
        ]
    )
    return {
        "points": [[lng, lat] for lng, lat in rows[:MAX_HEAT_POINTS]],
        "truncated": len(rows) > MAX_HEAT_POINTS,
    }


def grid_panel(*, user: User, code: str) -> dict[str, Any]:
    """What the side panel of a grid cell shows: its people (masked), cameras and open cases."""
    grid = grid_visible_or_404(user=user, code=code)
    members = list(members_visible_to(user).active().filter(grid=grid).order_by("role", "name"))
    cameras = cameras_visible_to(user).filter(grid=grid)
    camera_counts = cameras.aggregate(
        total=Count("pk"), **{status: Count("pk", filter=Q(status=status)) for status in STATUS_ORDER}
    )
    open_cases = grid_open_cases(user=user, grid=grid)
    return {
        "grid": grid,
        "places": breadcrumbs(user=user, region=grid),
        "members": members,
        "cameras": list(cameras.order_by("code")[:PANEL_CAMERAS]),
        "camera_counts": camera_counts,
        "open_cases": list(open_cases[:PANEL_CASES]),
        "open_count": open_cases.count(),
        "now": timezone.now(),
    }
