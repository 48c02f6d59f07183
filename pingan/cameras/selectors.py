"""Reads of the camera register. Every list, count and map layer starts from `cameras_visible_to`.

Counting "by child region" is shared with the map dashboard: `child_regions` says which regions one level
below a region the user may see, and `count_by_child` groups any region-coded queryset under them with one
query (a code prefix of fixed length is the child's key, so no join through the tree is needed)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Aggregate, Count, FloatField, Q, QuerySet
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext as _

from pingan.accounts.models import User
from pingan.core.errors import NotFoundError
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region, prefix_q
from pingan.regions.selectors import jurisdiction_roots, region_for_user_or_404, user_prefixes

from .choices import CameraStatus
from .models import Camera

# The map layer draws every camera of the chosen region; a city-wide 雪亮工程 has about 100,000.
MAX_POINTS = 200_000
STATUS_ORDER = [status.value for status in CameraStatus]


def cameras_visible_to(user: User) -> QuerySet[Camera]:
    """Cameras inside the jurisdiction subtrees of the user's organisations; nothing for anyone else."""
    return Camera.objects.within(user_prefixes(user))


def camera_list(*, user: User) -> QuerySet[Camera]:
    return cameras_visible_to(user).select_related("grid")


def camera_get(*, user: User, camera_id: int | str) -> Camera:
    camera = camera_list(user=user).filter(pk=camera_id).first()
    if camera is None:
        raise NotFoundError(_("监控点位不存在或不在您的辖区内"))
    return camera


def scope_region(*, user: User, code: str = "") -> Region | None:
    """The region asked for (404 outside the jurisdiction); without one, the user's single jurisdiction
    root, or None when they have several (then their roots are the "children")."""
    code = (code or "").strip()
    if code:
        return region_for_user_or_404(user, code)
    roots = jurisdiction_roots(user)
    return roots[0] if len(roots) == 1 else None


def child_regions(*, user: User, region: Region | None) -> list[Region]:
    """The regions one level below `region` (a grid cell stands for itself); the roots when None."""
    if region is None:
        return jurisdiction_roots(user)
    if region.level >= RegionLevel.GRID:
        return [region]
    return list(Region.objects.filter(parent=region, is_active=True).order_by("code"))


def breadcrumbs(*, user: User, region: Region | None) -> list[Region]:
    """From the top of the user's jurisdiction down to `region` (never above what they may see)."""
    if region is None:
        return []
    return [r for r in region.ancestors(include_self=True) if user.can_see_code(r.code)]


def count_by_child(
    queryset: QuerySet[Any], field: str, children: Iterable[Region], **aggregates: Aggregate
) -> dict[str, dict[str, int]]:
    """`aggregates` of `queryset` grouped under each child region, keyed by the child's code.

    `field` holds a region code; a record belongs to the child whose prefix starts it."""
    regions = list(children)
    by_prefix = {child.prefix: child.code for child in regions}
    result: dict[str, dict[str, int]] = {child.code: dict.fromkeys(aggregates, 0) for child in regions}
    for length in sorted({len(prefix) for prefix in by_prefix}):
        prefixes = [prefix for prefix in by_prefix if len(prefix) == length]
        rows = (
            queryset.filter(prefix_q(field, prefixes))
            .annotate(_child=Substr(field, 1, length))
            .values("_child")
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            code = by_prefix.get(row.pop("_child"))
            if code is not None:
                result[code] = {name: row[name] or 0 for name in aggregates}
    return result


def camera_counts(*, user: User, region: Region | None) -> dict[str, Any]:
    """Cameras under each child region of `region`, by status, with the totals (点位统计)."""
    children = child_regions(user=user, region=region)
    aggregates: dict[str, Aggregate] = {"total": Count("pk")}
    aggregates.update({status: Count("pk", filter=Q(status=status)) for status in STATUS_ORDER})
    counts = count_by_child(cameras_visible_to(user), "region_code", children, **aggregates)
    rows: list[dict[str, Any]] = [{"code": child.code, "name": child.name, **counts[child.code]} for child in children]
    totals = {name: sum(row[name] for row in rows) for name in aggregates}
    return {"region": region, "rows": rows, "totals": totals}


def camera_points(*, user: User, region: Region | None, statuses: Iterable[str] = ()) -> dict[str, Any]:
    """The compact camera layer of the map: [lng, lat, status index] per camera, WGS-84."""
    cameras = cameras_visible_to(user)
    if region is not None:
        cameras = cameras.filter(region_code__startswith=region.prefix)
    wanted = [s for s in statuses if s in STATUS_ORDER]
    if wanted:
        cameras = cameras.filter(status__in=wanted)
    index = {status: i for i, status in enumerate(STATUS_ORDER)}
    # Cast in the database: 100,000 Decimal objects made in Python would take most of a second.
    rows = list(
        cameras.order_by().values_list(Cast("lng", FloatField()), Cast("lat", FloatField()), "status")[: MAX_POINTS + 1]
    )
    return {
        "statuses": [{"code": status.value, "label": str(status.label)} for status in CameraStatus],
        "points": [[lng, lat, index[status]] for lng, lat, status in rows[:MAX_POINTS]],
        "truncated": len(rows) > MAX_POINTS,
    }
