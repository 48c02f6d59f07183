"""The demo map: real county outlines in WGS-84, and generated townships, communities and grid cells that
tile their parents exactly, so that every point of Zhuzhou lies in one grid and the demo's people,
patrols and cameras stand where their grid is."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
import shapely

from pingan.demo import geography, shapes
from pingan.regions.choices import RegionLevel

KM2_PER_SQUARE_DEGREE = 111.32 * 111.32 * 0.885  # at Zhuzhou's latitude (cos 27.8°)


def outline_features() -> list[dict]:
    return json.loads(shapes.OUTLINES_FILE.read_text(encoding="utf-8"))["features"]


def children_by_parent() -> dict[str, list[str]]:
    children: dict[str, list[str]] = defaultdict(list)
    for row in [*geography.region_rows(), *geography.grid_rows()]:
        if row.parent:
            children[row.parent].append(row.code)
    return children


def test_the_outline_fixture_holds_the_nine_counties_of_the_region_fixture_with_lukou_relabelled():
    features = outline_features()
    by_code = {f["properties"]["code"]: f["properties"]["name"] for f in features}
    counties = {row.code: row.name for row in geography.rows_at(RegionLevel.COUNTY)}
    assert by_code == counties
    assert by_code["430212"] == "渌口区" and "430221" not in by_code


def test_the_county_outlines_are_valid_wgs84_polygons_that_do_not_overlap():
    outlines = shapes.county_outlines()
    for code, outline in outlines.items():
        assert outline.is_valid, (code, shapely.is_valid_reason(outline))
        assert outline.geom_type in ("Polygon", "MultiPolygon")
        min_lng, min_lat, max_lng, max_lat = outline.bounds
        assert 112.9 < min_lng < max_lng < 114.2 and 26.0 < min_lat < max_lat < 28.1, code
    assert shapely.coverage_is_valid(shapely.GeometryCollection(list(outlines.values())))
    city = shapely.union_all(list(outlines.values()))
    assert city.geom_type == "Polygon" and not city.interiors  # one city, no holes between counties
    assert 11000 < city.area * KM2_PER_SQUARE_DEGREE < 11700  # Zhuzhou: 11,262 km²


def test_the_county_centres_were_converted_from_gcj02():
    # The package gives 天元区 the centre (113.082216, 27.826866) in GCJ-02; in WGS-84 it is ~670 m north-west.
    centre = next(f["properties"]["centre"] for f in outline_features() if f["properties"]["code"] == "430211")
    assert centre == pytest.approx([113.0764, 27.8300], abs=0.0005)


def test_every_region_and_grid_gets_one_outline():
    outlines = shapes.tessellation()
    levels = defaultdict(int)
    for row in geography.region_rows():
        levels[row.level] += row.code in outlines
    assert dict(levels) == {
        RegionLevel.CITY: 1,
        RegionLevel.COUNTY: 9,
        RegionLevel.TOWNSHIP: 112,
        RegionLevel.COMMUNITY: 1400,
    }
    assert sum(row.code in outlines for row in geography.grid_rows()) == 3261
    assert all(g.is_valid and not g.is_empty for g in outlines.values())


def test_children_tile_their_parent_without_overlaps_and_stay_inside():
    outlines = shapes.tessellation()
    for parent, children in children_by_parent().items():
        whole, parts = outlines[parent], [outlines[c] for c in children]
        union = shapely.union_all(parts)
        # Rounding to 6 decimals leaves slivers a few centimetres wide along the parent's border, no more.
        sliver = whole.area * 1e-4
        assert sum(p.area for p in parts) - union.area < 1e-12, parent  # no overlaps
        assert whole.difference(union).area < sliver, parent  # no gaps
        assert union.difference(whole).area < sliver, parent  # nothing outside
        assert all(whole.buffer(1e-6).covers(p) for p in parts), parent


def test_urban_cells_are_smaller_than_village_cells():
    outlines = shapes.tessellation()
    communities = {row.code: row for row in geography.rows_at(RegionLevel.COMMUNITY)}

    def median_area(village: bool) -> float:
        areas = sorted(
            outlines[g.code].area
            for g in geography.grid_rows()
            if geography.is_village(communities[g.parent]) == village
        )
        return areas[len(areas) // 2]

    assert median_area(village=False) < median_area(village=True)


def test_the_tessellation_is_the_same_on_every_run():
    township = geography.rows_at(RegionLevel.TOWNSHIP)[0]
    communities = [row.code for row in geography.children_of(township.code)]
    outline = shapes.tessellation()[township.code]
    first = shapes.split(outline, communities, [1.0] * len(communities), township.code)
    again = shapes.split(outline, communities, [1.0] * len(communities), township.code)
    assert all(first[c].equals_exact(again[c], 0) for c in communities)
