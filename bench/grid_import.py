#!/usr/bin/env python
"""Import of the whole city's outlines (run by hand; figures go to docs/benchmarks.md).

    .venv/bin/python bench/grid_import.py            # SQLite (in memory)
    DATABASE_URL=postgres://… .venv/bin/python bench/grid_import.py   # PostgreSQL (a throwaway test_… database)

Works in a throwaway test database (Django's test database machinery: created, migrated, dropped), so
it needs no demo data and leaves none. It loads the demo's region tree (city, 9 counties, townships,
communities) without the grid cells, writes the city as one GeoJSON FeatureCollection — every outline of
`pingan.demo.shapes.tessellation()`: the city, the counties, the generated townships, communities and the
3,261 grid cells, the cells with `name` and `level=网格` so that the import creates them — and times:

1. reading the file (`read_features`);
2. the import (checks: geometry, coordinates, codes, sibling overlaps, containment in the parent; then
   the bulk writes, 3,261 new grid regions with their history rows, the outlines, the audit entry);
3. the same file again (everything unchanged: all checks, no writes);
4. the file converted to GCJ-02, checked with `coord_system=gcj02` (`--dry-run`: conversion + checks);
5. rebuilding the locator's index from the database after the import;
6. the map's read of every grid outline of the city through the API (as a city centre's staff member).
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingan.settings")

import django  # noqa: E402

django.setup()

import prcoords  # noqa: E402
import shapely  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from shapely.geometry import mapping  # noqa: E402


class Clock:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float]] = []

    def __call__(self, label: str, function, *args, **kwargs):
        started = time.perf_counter()
        value = function(*args, **kwargs)
        seconds = time.perf_counter() - started
        self.rows.append((label, seconds))
        print(f"{label:<58} {seconds:7.2f} s", flush=True)
        return value


def city_geojson(tessellation: dict, levels: dict[str, int], names: dict[str, str], convert=None) -> bytes:
    from pingan.regions.choices import RegionLevel

    features = []
    for code in sorted(tessellation):
        geometry = tessellation[code]
        if convert is not None:
            geometry = shapely.transform(geometry, convert)
        properties = {"code": code}
        if levels[code] == RegionLevel.GRID:
            properties.update(name=names[code], level="网格")
        features.append({"type": "Feature", "properties": properties, "geometry": mapping(geometry)})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


def to_gcj(coords):
    import numpy as np

    return np.array([list(reversed(prcoords.wgs_gcj((lat, lng)))) for lng, lat in coords])


def main() -> None:
    from pingan.demo import geography
    from pingan.demo.shapes import tessellation
    from pingan.geo import locator
    from pingan.geo.models import RegionShape
    from pingan.geo.services import read_features, shapes_import
    from pingan.regions.choices import RegionLevel

    clock = Clock()
    outlines = clock("draw the demo tessellation (not part of the import)", tessellation)
    grid_rows = geography.grid_rows()
    levels = {row.code: row.level for row in geography.region_rows()} | {
        row.code: RegionLevel.GRID for row in grid_rows
    }
    names = {row.code: row.name for row in grid_rows}
    ids: dict[str, int] = {}
    for level in (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.COMMUNITY):
        geography._upsert_regions(geography.rows_at(level), ids, generated=False)
    data = city_geojson(outlines, levels, names)
    vertices = int(shapely.get_num_coordinates(list(outlines.values())).sum())
    print(
        f"database: {connection.vendor}; file: {len(outlines):,} features "
        f"({sum(1 for c in outlines if levels[c] == RegionLevel.GRID):,} grid cells), {vertices:,} vertices, "
        f"{len(data) / 1e6:.1f} MB"
    )

    features = clock("1. read the GeoJSON", read_features, io.BytesIO(data))
    result = clock(
        "2. import: check everything, create 3,261 grids, write outlines", shapes_import, features=features, actor=None
    )
    if result.errors:
        raise SystemExit("\n".join(result.errors[:20]))
    print(f"   {result.as_dict()}")
    again = clock("3. the same file again (all unchanged)", shapes_import, features=features, actor=None)
    print(f"   {again.as_dict()}")
    gcj = city_geojson(outlines, levels, names, convert=to_gcj)
    gcj_features = read_features(io.BytesIO(gcj))
    checked = clock(
        "4. the file in GCJ-02, converted and checked (dry run)",
        shapes_import,
        features=gcj_features,
        actor=None,
        coord_system="gcj02",
        dry_run=True,
    )
    print(f"   {len(checked.errors)} errors")
    locator.invalidate()
    index = clock("5. locator index rebuilt from the database", locator.current_index)
    print(f"   {len(index.codes):,} cells indexed; outlines stored: {RegionShape.objects.count():,}")

    viewer = city_viewer(ids[geography.CITY_CODE])
    for label, options in (("6. GET /api/v1/shapes/?level=5, whole city", ""), ("   … &simplify=20", "&simplify=20")):
        response = clock(label, viewer.get, f"/api/v1/shapes/?level=5{options}")
        assert response.status_code == 200, response.content[:200]
        print(f"   {len(response.json()['features']):,} features, {len(response.content) / 1e6:.2f} MB of JSON")


def city_viewer(city_id: int):
    """A test client signed in as a city centre's staff member (whose jurisdiction is the whole city)."""
    from rest_framework.test import APIClient

    from pingan.accounts.choices import Role
    from pingan.accounts.models import Membership, User
    from pingan.regions.choices import OrgType
    from pingan.regions.models import Organization

    centre = Organization.objects.create(
        code="C430200", name="株洲市综治中心", org_type=OrgType.CENTRE, region_id=city_id
    )
    user = User.objects.create_user(username="bench_city", full_name="市级")
    Membership.objects.create(user=user, organization=centre, role=Role.CENTRE_STAFF)
    client = APIClient()
    client.force_authenticate(user=user)
    return client


if __name__ == "__main__":
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
