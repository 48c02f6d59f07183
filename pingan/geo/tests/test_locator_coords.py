"""Points from Chinese map apps (GCJ-02, BD-09) are converted to WGS-84 before they are located."""

from __future__ import annotations

import pytest
from shapely.geometry import Polygon

from pingan.core.errors import ApplicationError
from pingan.geo.coords import CoordSystem, geometry_to_wgs84, to_wgs84, to_wgs84_many

# A published test vector of the GCJ-02 transform (eviltransform): WGS-84 → GCJ-02 in Shanghai.
SHANGHAI_WGS = (121.5272106, 31.1774276)
SHANGHAI_GCJ = (121.531541859215, 31.17530398364597)
# The same place in Zhuzhou in the three systems (BD-09 from the GCJ-02 point by Baidu's formula).
ZHUZHOU_WGS = (113.09, 27.80)
ZHUZHOU_GCJ = (113.09584312220417, 27.796887311297755)
ZHUZHOU_BD = (113.10240952359047, 27.802552336599607)


def close(a, b, tolerance=1e-6) -> bool:  # 1e-6 degree ≈ 0.1 m
    return abs(a[0] - b[0]) < tolerance and abs(a[1] - b[1]) < tolerance


def test_wgs84_is_returned_as_given():
    assert to_wgs84(lng=113.09, lat=27.80, system=CoordSystem.WGS84) == (113.09, 27.80)


def test_gcj02_is_converted_back_to_the_published_wgs84_point():
    lng, lat = SHANGHAI_GCJ
    assert close(to_wgs84(lng=lng, lat=lat, system="gcj02"), SHANGHAI_WGS)


@pytest.mark.parametrize(("system", "given"), [("gcj02", ZHUZHOU_GCJ), ("bd09", ZHUZHOU_BD)])
def test_map_app_points_in_zhuzhou_come_back_to_wgs84(system, given):
    assert close(to_wgs84(lng=given[0], lat=given[1], system=system), ZHUZHOU_WGS)


def test_gcj02_outside_china_is_wgs84_unchanged():
    assert to_wgs84(lng=2.35, lat=48.85, system="gcj02") == (2.35, 48.85)


def test_many_points_and_outlines_are_converted_alike():
    lngs, lats = to_wgs84_many([ZHUZHOU_GCJ[0], SHANGHAI_GCJ[0]], [ZHUZHOU_GCJ[1], SHANGHAI_GCJ[1]], "gcj02")
    assert close((lngs[0], lats[0]), ZHUZHOU_WGS) and close((lngs[1], lats[1]), SHANGHAI_WGS)
    outline = geometry_to_wgs84(Polygon([ZHUZHOU_GCJ, SHANGHAI_GCJ, (115.0, 30.0)]), "gcj02")
    assert close(outline.exterior.coords[0], ZHUZHOU_WGS) and close(outline.exterior.coords[1], SHANGHAI_WGS)


@pytest.mark.parametrize(
    ("lng", "lat", "system", "field"),
    [
        (113.09, 27.80, "wgs-84", "coord_system"),
        (113.09, 27.80, "", "coord_system"),
        (27.80, 213.09, "wgs84", "location"),  # latitude and longitude swapped and mistyped
        (float("nan"), 27.80, "wgs84", "location"),
        ("东经113度", 27.80, "gcj02", "location"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(lng, lat, system, field):
    with pytest.raises(ApplicationError) as refused:
        to_wgs84(lng=lng, lat=lat, system=system)
    assert field in refused.value.fields
