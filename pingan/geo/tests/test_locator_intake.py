"""A case that arrives with a location lies in the grid cell at that point and is routed from there.
Points from map apps are converted first; a point outside every grid (without a region) or outside the
region given is refused and nothing is written."""

from __future__ import annotations

import prcoords
import pytest
from django.urls import reverse

from conftest import GOOD_ID
from pingan.cases.choices import Channel, EventType
from pingan.cases.models import Case
from pingan.cases.services import case_register
from pingan.core.errors import ApplicationError

TAISHAN_1, TAISHAN_2 = "430211004001001", "430211004001002"
# 30 m west of the border of 第1 and 第2网格 (lng 113.10): GCJ-02 shifts it ~570 m east, into 第2网格.
NEAR_BORDER_WGS = (113.0997, 27.80)
_gcj = prcoords.wgs_gcj((NEAR_BORDER_WGS[1], NEAR_BORDER_WGS[0]))
NEAR_BORDER_GCJ = (_gcj.lon, _gcj.lat)
PARTIES = [{"name": "张三", "role": "applicant", "phone": "13800138000"}, {"name": "李四", "role": "respondent"}]


def register(actor, category, channel=Channel.VISIT, **where):
    return case_register(
        actor=actor,
        kind="dispute",
        category=category,
        title="噪音扰民纠纷",
        description="楼下商铺夜间噪音扰民,协商未果。",
        channel=channel,
        parties=PARTIES,
        **where,
    )


def location_of(case: Case) -> dict:
    return case.events.get(type=EventType.REGISTERED).params["location"]


def test_a_case_with_a_location_and_no_region_lies_in_its_grid_and_goes_to_its_centre(grids, category):
    case = register(grids.worker, category, channel=Channel.GRID, lng=113.11, lat=27.80)
    assert case.region == grids.taishan_2 and case.region_code == TAISHAN_2
    assert case.assigned_org.name == "泰山社区综治中心"
    assert location_of(case) == {
        "coord_system": "wgs84",
        "given": [113.11, 27.80],
        "resolved_by": "grid",
        "grid": TAISHAN_2,
    }


def test_a_gcj02_point_is_converted_to_wgs84_before_it_is_located(grids, people, category):
    as_given = register(people.clerk, category, lng=NEAR_BORDER_GCJ[0], lat=NEAR_BORDER_GCJ[1])
    assert as_given.region_code == TAISHAN_2  # taken for WGS-84, the map app's point lies ~570 m off

    case = register(people.clerk, category, lng=NEAR_BORDER_GCJ[0], lat=NEAR_BORDER_GCJ[1], coord_system="gcj02")
    assert case.region_code == TAISHAN_1
    assert (float(case.lng), float(case.lat)) == pytest.approx(NEAR_BORDER_WGS, abs=1e-6)
    assert location_of(case)["coord_system"] == "gcj02"
    assert location_of(case)["given"] == list(NEAR_BORDER_GCJ)


def test_a_region_given_with_the_point_is_narrowed_to_the_grid(grids, zhuzhou, people, category):
    case = register(people.clerk, category, region=zhuzhou.songshan, lng=113.09, lat=27.80)
    assert case.region == grids.taishan_1 and location_of(case)["resolved_by"] == "grid"


def test_a_point_in_a_grid_outside_the_region_given_is_refused(grids, zhuzhou, people, category):
    with pytest.raises(ApplicationError) as refused:
        register(people.district_clerk, category, region=zhuzhou.songshan, lng=113.26, lat=27.86)
    assert "月塘社区第1网格" in refused.value.message and "location" in refused.value.fields
    assert not Case.objects.exists()


def test_a_point_outside_every_grid_without_a_region_is_refused(grids, people, category):
    with pytest.raises(ApplicationError) as refused:
        register(people.clerk, category, lng=112.0, lat=26.0)
    assert "不在任何网格内" in refused.value.message and "location" in refused.value.fields
    assert not Case.objects.exists()


def test_a_point_outside_every_grid_but_inside_the_region_given_keeps_the_region(grids, zhuzhou, people, category):
    case = register(people.clerk, category, region=zhuzhou.songshan, lng=113.06, lat=27.76)
    assert case.region == zhuzhou.songshan and location_of(case)["resolved_by"] == "region"


def test_a_point_outside_the_outline_of_the_region_given_is_refused(grids, zhuzhou, people, category):
    with pytest.raises(ApplicationError) as refused:
        register(people.clerk, category, region=zhuzhou.songshan, lng=113.0, lat=27.6)
    assert "不在所选区划" in refused.value.message
    assert not Case.objects.exists()


def test_a_located_grid_outside_my_jurisdiction_is_refused(grids, people, category):
    with pytest.raises(ApplicationError) as refused:
        register(people.hetang_clerk, category, lng=113.09, lat=27.80)
    assert "location" in refused.value.fields
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "where",
    [{}, {"lat": 27.80}, {"lng": 113.09, "lat": 27.80, "coord_system": "baidu"}],
    ids=["nothing", "latitude only", "unknown coordinate system"],
)
def test_without_a_usable_place_nothing_is_registered(grids, people, category, where):
    with pytest.raises(ApplicationError):
        register(people.clerk, category, **where)
    assert not Case.objects.exists()


def test_without_a_location_the_region_given_is_used_as_before(zhuzhou, people, category):
    case = register(people.clerk, category, region=zhuzhou.taishan)
    assert case.region == zhuzhou.taishan and location_of(case) == {"resolved_by": "region"}


# --- the API and the web form ----------------------------------------------------------------------


def api_intake(**where) -> dict:
    return {
        "kind": "dispute",
        "category": "neighbour",
        "title": "楼道堆物纠纷",
        "description": "邻居长期在楼道堆放杂物,影响通行。",
        "channel": "visit",
        "parties": [{"name": "王五", "role": "applicant", "id_number": GOOD_ID}],
        **where,
    }


def test_the_api_registers_a_case_by_its_gcj02_location(api, grids, people, category):
    body = api_intake(lng=NEAR_BORDER_GCJ[0], lat=NEAR_BORDER_GCJ[1], coord_system="gcj02")
    response = api(people.clerk).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["region"]["code"] == TAISHAN_1


@pytest.mark.parametrize(
    ("where", "field"),
    [
        ({}, "region"),
        ({"lng": 113.09}, "lng"),
        ({"lng": 113.09, "lat": 27.80, "coord_system": "baidu"}, "coord_system"),
        ({"lng": 112.0, "lat": 26.0}, "location"),
    ],
)
def test_the_api_refuses_a_case_without_a_usable_place(api, grids, people, category, where, field):
    response = api(people.clerk).post("/api/v1/cases/", api_intake(**where), format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Case.objects.exists()


def form_intake(category, **where) -> dict:
    return {
        "kind": "dispute",
        "category": category.pk,
        "title": "邻里噪音纠纷",
        "description": "楼下商铺夜间噪音扰民。",
        "channel": Channel.VISIT,
        "urgency": "normal",
        "region": "",
        "address": "",
        "lat": "",
        "lng": "",
        "coord_system": "wgs84",
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "50",
        "parties-0-name": "王五",
        "parties-0-role": "applicant",
        **where,
    }


def test_the_intake_form_locates_a_case_given_by_a_gcj02_point(client, grids, people, category):
    client.force_login(people.clerk)
    data = form_intake(category, lng=str(NEAR_BORDER_GCJ[0]), lat=str(NEAR_BORDER_GCJ[1]), coord_system="gcj02")
    response = client.post(reverse("case-new"), data)
    assert response.status_code == 302
    assert Case.objects.get().region_code == TAISHAN_1


def test_the_intake_form_asks_for_a_region_or_a_location(client, grids, people, category):
    client.force_login(people.clerk)
    response = client.post(reverse("case-new"), form_intake(category))
    assert response.status_code == 400
    assert "请选择所在区划,或填写经纬度" in response.content.decode()
    response = client.post(reverse("case-new"), form_intake(category, lng="112.0", lat="26.0"))
    assert response.status_code == 400 and "不在任何网格内" in response.content.decode()
    assert not Case.objects.exists()
