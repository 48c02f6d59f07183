"""Which grid cell (网格) a WGS-84 point lies in: one shapely STRtree per process over the outlines of
the grid cells, refreshed when they change.

Rules (the same for one point and for many):
- A point inside a cell, or on its outline, belongs to it. A point on the border that two or more cells
  share belongs to the one with the **smallest code**: the cells are indexed in code order and the
  smallest index wins, so the answer never depends on the order the index returns candidates in.
- Outlines are stored to 6 decimals (about 0.1 m), so rounding leaves slivers a few centimetres wide
  between neighbouring cells whose shared border was cut from their parents' outlines. A point in such a
  sliver — not inside any cell, but within `SNAP_DEGREES` (1e-6°, the storage precision) of one — belongs
  to the nearest-by-rule cell within that distance (again the smallest code). On the demo's tessellation
  every sliver is thinner than 1e-6° (measured: widest inscribed circle 5e-7°).
- A point farther than that from every cell has no grid: `locate` answers None and `grid_at` refuses it.
  It is reported, never guessed (no "nearest grid").
- Only cells whose region is active are indexed.

Refreshing: every service that writes grid outlines calls `invalidate()` (saving or deleting a
RegionShape through the ORM does it too, by signal), so this process sees its own writes at once. Other
processes (web workers, task workers) notice changes through a cheap fingerprint of the grid outlines —
their number and latest `updated_at` — compared at most once every `PINGAN_GRID_INDEX_TTL` seconds.
Writes that bypass `save()` (bulk_create, bulk_update, update) must set `updated_at` themselves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from numpy.typing import ArrayLike
from shapely.geometry.base import BaseGeometry

from pingan.core.errors import ApplicationError
from pingan.regions.models import Region

from .models import RegionShape, RegionShapeQuerySet

DEFAULT_TTL_SECONDS = 10.0
SNAP_DEGREES = 1e-6  # the precision outlines are stored with (6 decimals ≈ 0.1 m)


@dataclass(frozen=True)
class GridIndex:
    """The spatial index of the grid cells: an STRtree over their prepared outlines, in code order."""

    tree: shapely.STRtree
    geometries: np.ndarray  # prepared polygons, in code order
    codes: np.ndarray  # object array of grid codes, sorted
    fingerprint: tuple[Any, ...]


_lock = threading.Lock()
_index: GridIndex | None = None
_checked_at = 0.0


def _ttl() -> float:
    return float(getattr(settings, "PINGAN_GRID_INDEX_TTL", DEFAULT_TTL_SECONDS))


def _grid_shapes() -> RegionShapeQuerySet:
    return RegionShape.objects.grids().filter(region__is_active=True)


def _fingerprint() -> tuple[Any, ...]:
    summary = _grid_shapes().aggregate(count=Count("pk"), latest=Max("updated_at"))
    return summary["count"], summary["latest"]


def index_of(cells: Sequence[tuple[str, BaseGeometry]], fingerprint: tuple[Any, ...] = ()) -> GridIndex:
    """An index over (code, outline) pairs, in code order (the border rule depends on it)."""
    cells = sorted(cells, key=lambda cell: cell[0])
    codes = np.array([code for code, _geometry in cells], dtype=object)
    geometries = np.array([geometry for _code, geometry in cells], dtype=object)
    if len(geometries):
        shapely.prepare(geometries)
    return GridIndex(tree=shapely.STRtree(geometries), geometries=geometries, codes=codes, fingerprint=fingerprint)


def _build(fingerprint: tuple[Any, ...]) -> GridIndex:
    rows = _grid_shapes().values_list("region_code", "geometry")
    return index_of([(code, shapely.geometry.shape(geometry)) for code, geometry in rows], fingerprint)


def current_index() -> GridIndex:
    """The index, rebuilt if it is missing or (checked at most once per TTL) the outlines changed."""
    global _index, _checked_at
    index, now = _index, time.monotonic()
    if index is not None and now - _checked_at < _ttl():
        return index
    with _lock:
        if _index is not None and time.monotonic() - _checked_at < _ttl():
            return _index
        fingerprint = _fingerprint()
        if _index is None or _index.fingerprint != fingerprint:
            _index = _build(fingerprint)
        _checked_at = time.monotonic()
        return _index


def invalidate() -> None:
    """Forget the index: the next lookup in this process rebuilds it from the database."""
    global _index, _checked_at
    with _lock:
        _index, _checked_at = None, 0.0


@receiver(post_save, sender=RegionShape, dispatch_uid="geo.locator.saved")
@receiver(post_delete, sender=RegionShape, dispatch_uid="geo.locator.deleted")
def _shape_changed(sender: type[RegionShape], instance: RegionShape, **kwargs: Any) -> None:
    invalidate()


def locate(*, lng: float, lat: float) -> str | None:
    """The code of the grid cell at a WGS-84 point, or None when it is outside every cell."""
    return locate_in(current_index(), lng=lng, lat=lat)


def locate_in(index: GridIndex, *, lng: float, lat: float) -> str | None:
    """`locate` against a given index."""
    if not len(index.codes):
        return None
    x, y = float(lng), float(lat)
    point = shapely.Point(x, y)
    candidates = np.sort(index.tree.query(point))
    hits = shapely.intersects_xy(index.geometries[candidates], x, y)
    if hits.any():
        return index.codes[candidates[np.argmax(hits)]]
    near = index.tree.query(point, predicate="dwithin", distance=SNAP_DEGREES)
    return index.codes[near.min()] if len(near) else None


def locate_many(lngs: ArrayLike, lats: ArrayLike) -> list[str | None]:
    """`locate` for many WGS-84 points at once (vectorised; for imports, demo data and benchmarks)."""
    index = current_index()
    return [index.codes[i] if i >= 0 else None for i in locate_indices(index, lngs, lats).tolist()]


def locate_indices(index: GridIndex, lngs: ArrayLike, lats: ArrayLike) -> np.ndarray:
    """For each point, the position of its cell in `index.codes`, or -1 outside every cell (NaN too)."""
    xs, ys = np.asarray(lngs, dtype=float), np.asarray(lats, dtype=float)
    if xs.shape != ys.shape or xs.ndim != 1:
        raise ValueError("lngs and lats must be one-dimensional arrays of the same length")
    found = np.full(len(xs), -1, dtype=np.int64)
    if not len(xs) or not len(index.codes):
        return found
    finite = np.flatnonzero(np.isfinite(xs) & np.isfinite(ys))
    xs, ys = xs[finite], ys[finite]
    # Bounding-box candidates from the tree, then the exact test against the prepared cells.
    point_at, cell_at = index.tree.query(shapely.points(xs, ys))
    inside = shapely.intersects_xy(index.geometries[cell_at], xs[point_at], ys[point_at])
    point_at, cell_at = point_at[inside], cell_at[inside]
    point_at, cell_at = _smallest_per_point(point_at, cell_at)
    found[finite[point_at]] = cell_at
    # Points in the rounding slivers between cells: the smallest cell within the storage precision.
    missed = finite[found[finite] < 0]
    if len(missed):
        point_at, cell_at = index.tree.query(
            shapely.points(np.asarray(lngs, dtype=float)[missed], np.asarray(lats, dtype=float)[missed]),
            predicate="dwithin",
            distance=SNAP_DEGREES,
        )
        point_at, cell_at = _smallest_per_point(point_at, cell_at)
        found[missed[point_at]] = cell_at
    return found


def _smallest_per_point(point_at: np.ndarray, cell_at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Of (point, cell) pairs, each point once with its smallest cell position (= smallest code)."""
    order = np.lexsort((cell_at, point_at))
    point_at, cell_at = point_at[order], cell_at[order]
    first = np.ones(len(point_at), dtype=bool)
    first[1:] = point_at[1:] != point_at[:-1]
    return point_at[first], cell_at[first]


def grid_at(*, lng: float, lat: float) -> Region:
    """The grid cell (Region) at a WGS-84 point; refused when the point is outside every cell."""
    code = locate(lng=lng, lat=lat)
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        raise ApplicationError(
            _("该位置不在任何网格内(经度 %(lng).6f,纬度 %(lat).6f):请核对定位与坐标系,或选择所在区划")
            % {"lng": float(lng), "lat": float(lat)},
            field="location",
        )
    return region
