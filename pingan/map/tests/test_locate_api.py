"""The place at a point (GET /api/v1/locate): the grid, its regions and the responsible centre, inside the
user's jurisdiction only, in the published shape; bad input is refused with the one error shape."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.test_openapi_conformance import assert_conforms

TAISHAN_1 = "430211004001001"


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


# --- GET /api/v1/locate ----------------------------------------------------------------------------


def test_locate_names_the_grid_its_regions_and_the_responsible_centre(api, grids, people, openapi):
    response = api(people.clerk).get("/api/v1/locate?lng=113.09&lat=27.80")
    assert response.status_code == 200
    assert_conforms(openapi, "get", "/api/v1/locate", response)
    assert response.json() == {
        "point": {"lng": 113.09, "lat": 27.80},
        "coord_system": "wgs84",
        "grid": {"code": TAISHAN_1, "name": "泰山社区第1网格"},
        "community": {"code": "430211004001", "name": "泰山社区"},
        "township": {"code": "430211004", "name": "嵩山路街道"},
        "district": {"code": "430211", "name": "天元区"},
        "centre": {"code": "C430211004001", "name": "泰山社区综治中心"},
        "reason": None,
    }


def test_locate_converts_a_gcj02_point_first(api, grids, people):
    # (113.0958…, 27.7969…) is how a Chinese map app shows the WGS-84 point (113.09, 27.80).
    response = api(people.clerk).get("/api/v1/locate?lng=113.09584312&lat=27.79688731&coord_system=gcj02")
    body = response.json()
    assert body["point"] == pytest.approx({"lng": 113.09, "lat": 27.80}, abs=1e-6)
    assert body["grid"]["code"] == TAISHAN_1


def test_locate_reports_a_point_outside_every_grid(api, grids, people):
    body = api(people.clerk).get("/api/v1/locate?lng=112.0&lat=26.0").json()
    assert body["grid"] is None and body["centre"] is None and body["reason"] == "outside"


def test_locate_does_not_name_a_grid_of_another_district(api, grids, people):
    body = api(people.hetang_clerk).get("/api/v1/locate?lng=113.09&lat=27.80").json()
    assert body["grid"] is None and body["reason"] == "outside_jurisdiction"
    assert "泰山" not in json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize(
    ("query", "field"),
    [("lng=113.09", "lat"), ("lng=213&lat=27.8", "lng"), ("lng=113.09&lat=27.80&coord_system=baidu", "coord_system")],
)
def test_locate_refuses_a_bad_point(api, grids, people, query, field):
    response = api(people.clerk).get(f"/api/v1/locate?{query}")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
