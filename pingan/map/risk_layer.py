"""The map's risk layer (风险分布): the open risks of the viewer's jurisdiction inside the region on the map,
by level, 红/橙/黄/蓝, drawn over the grid outlines. A risk is drawn at its point; without one, at the label
point of its first grid cell (Risk.grid_codes), else of its region. Each grid cell a risk names is listed
with the highest level of its open risks (the outline's colour). Closed risks (已闭环) are not on the map."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from pingan.accounts.models import User
from pingan.core.errors import ApplicationError
from pingan.geo.models import RegionShape
from pingan.regions.models import Region
from pingan.risks.choices import RiskLevel
from pingan.risks.selectors import risks_for

# The colours of the levels on the map (and its legend): 红 / 橙 / 黄 / 蓝.
LEVEL_COLOURS = {
    RiskLevel.RED: "#d32f2f",
    RiskLevel.ORANGE: "#f57c00",
    RiskLevel.YELLOW: "#fbc02d",
    RiskLevel.BLUE: "#1976d2",
}
MAX_RISK_POINTS = 5_000


def parse_levels(values: list[str]) -> list[str]:
    """The levels asked for (`level=red&level=orange`, or `level=red,orange`); none: every level."""
    levels = [part.strip() for value in values for part in value.split(",") if part.strip()]
    unknown = [level for level in levels if level not in RiskLevel.values]
    if unknown:
        raise ApplicationError(
            _("风险等级应为 red、orange、yellow、blue 之一:%(levels)s") % {"levels": "、".join(unknown)}, field="level"
        )
    return levels or list(RiskLevel.values)


def legend() -> list[dict[str, str]]:
    return [{"level": level.value, "label": str(level.label), "colour": LEVEL_COLOURS[level]} for level in RiskLevel]


def risk_layer(*, user: User, region: Region | None, levels: list[str]) -> dict[str, Any]:
    """The open risks by level inside `region` (or the whole jurisdiction), their points, and the grid cells
    they name with the highest level of each."""
    risks = risks_for(user).filter(closed_at__isnull=True)
    if region is not None:
        risks = risks.filter(region_code__startswith=region.prefix)
    counts = dict.fromkeys(RiskLevel.values, 0)
    for row in risks.order_by().values("risk__level").annotate(n=Count("pk")):
        counts[row["risk__level"]] = row["n"]
    chosen = risks.filter(risk__level__in=levels)
    rows = list(
        chosen.values_list("pk", "number", "title", "risk__level", "lat", "lng", "region_code", "risk__grid_codes")[
            : MAX_RISK_POINTS + 1
        ]
    )
    needed = {codes[0] if codes else code for _pk, _n, _t, _l, lat, _lng, code, codes in rows if lat is None}
    grid_codes = {code for *_rest, codes in rows for code in (codes or [])}
    labels = {
        code: (lng, lat)
        for code, lng, lat in RegionShape.objects.filter(region_code__in=needed | grid_codes).values_list(
            "region_code", "label_lng", "label_lat"
        )
    }
    points: list[dict[str, Any]] = []
    grids: dict[str, str] = {}
    for pk, number, title, level, lat, lng, code, codes in rows[:MAX_RISK_POINTS]:
        where = (
            (float(lng), float(lat)) if lat is not None and lng is not None else labels.get(codes[0] if codes else code)
        )
        for grid in codes or []:
            if RiskLevel.rank(level) > RiskLevel.rank(grids.get(grid, "")):
                grids[grid] = level
        if where is None:
            continue
        points.append(
            {
                "id": pk,
                "number": number,
                "title": title,
                "level": level,
                "lng": where[0],
                "lat": where[1],
                "url": reverse("case-detail", args=[pk]),
            }
        )
    return {
        "legend": legend(),
        "levels": levels,
        "counts": counts,
        "points": points,
        "grids": [{"code": code, "level": level} for code, level in sorted(grids.items())],
        "truncated": len(rows) > MAX_RISK_POINTS,
    }
