"""The map dashboard: one level of regions with outlines and figures, the heat layer and a grid's side
panel — every number limited to the viewer's jurisdiction (checked with the 荷塘区 user)."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.utils import timezone

from pingan.cameras.tests.factories import make_camera
from pingan.cases.choices import Channel
from pingan.cases.models import Case
from pingan.cases.services import case_register


def located_case(actor, category, *, lng: float, lat: float, title: str = "楼道堆物纠纷") -> Case:
    return case_register(
        actor=actor,
        kind="dispute",
        category=category,
        title=title,
        description="邻里之间因楼道堆放杂物发生争执,需要调解。",
        channel=Channel.VISIT,
        lng=lng,
        lat=lat,
        parties=[{"name": "张三", "role": "applicant", "phone": "13800138000"}],
    )


@pytest.fixture
def scene(grids, people, category):
    """Two open cases in 泰山社区第1网格 (one overdue), one in 第2网格, one in 月塘; cameras in each."""

    class Scene:
        pass

    s = Scene()
    s.taishan_a = located_case(people.clerk, category, lng=113.09, lat=27.80, title="泰山甲")
    s.taishan_b = located_case(people.clerk, category, lng=113.085, lat=27.81, title="泰山乙")
    s.taishan_east = located_case(people.clerk, category, lng=113.11, lat=27.80, title="泰山东")
    s.yuetang = located_case(people.hetang_clerk, category, lng=113.26, lat=27.86, title="月塘")
    Case.objects.filter(pk=s.taishan_b.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    make_camera("XL1", grids.taishan_1, "113.090000", "27.800000")
    make_camera("XL2", grids.yuetang_1, "113.260000", "27.860000")
    return s


def rows_by_code(body) -> dict:
    return {row["code"]: row for row in body["rows"]}


@pytest.mark.django_db
def test_the_city_leader_sees_the_districts_with_their_figures_and_outlines(api, scene, people):
    body = api(people.leader).get("/api/v1/map/regions/").json()
    assert body["region"] == {"code": "430200", "name": "株洲市", "level": 1}
    rows = rows_by_code(body)
    assert rows["430211"] == {
        "code": "430211",
        "name": "天元区",
        "level": 2,
        "open": 3,
        "overdue": 1,
        "recent": 3,
        "grids": 2,
        "centres": 3,
        "cameras": 1,
        "has_shape": True,
        "density": 1.5,
    }
    assert (rows["430202"]["open"], rows["430202"]["grids"], rows["430202"]["centres"]) == (1, 1, 2)
    assert body["totals"]["grids"] == 3 and body["totals"]["centres"] == 5
    features = {f["properties"]["code"]: f for f in body["features"]["features"]}
    assert set(features) == {"430211", "430202"}
    assert features["430211"]["geometry"]["type"] == "Polygon"


@pytest.mark.django_db
def test_the_drill_down_reaches_the_grid_cells(api, scene, people):
    client = api(people.leader)
    body = client.get("/api/v1/map/regions/?region=430211004001").json()
    assert [b["name"] for b in body["breadcrumbs"]] == ["株洲市", "天元区", "嵩山路街道", "泰山社区"]
    rows = rows_by_code(body)
    assert (rows["430211004001001"]["open"], rows["430211004001001"]["overdue"]) == (2, 1)
    assert rows["430211004001002"]["open"] == 1
    assert {f["properties"]["level"] for f in body["features"]["features"]} == {5}


@pytest.mark.django_db
def test_the_hetang_user_sees_only_hetang(api, scene, people):
    client = api(people.hetang_clerk)
    body = client.get("/api/v1/map/regions/").json()
    assert body["region"]["name"] == "荷塘区"
    assert [b["name"] for b in body["breadcrumbs"]] == ["荷塘区"]
    assert [(r["name"], r["open"], r["grids"], r["cameras"]) for r in body["rows"]] == [("月塘街道", 1, 1, 1)]
    assert body["totals"]["open"] == 1
    text = json.dumps(body, ensure_ascii=False)
    assert "天元" not in text and "泰山" not in text and "嵩山" not in text
    for url in ("/api/v1/map/regions/?region=430211", "/api/v1/map/heat/?region=430211004001001"):
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_heat_layer_holds_the_located_cases_of_the_jurisdiction(api, scene, people):
    assert api(people.hetang_clerk).get("/api/v1/map/heat/").json()["points"] == [[113.26, 27.86]]
    tianyuan = api(people.district_clerk).get("/api/v1/map/heat/").json()
    assert sorted(tianyuan["points"]) == [[113.085, 27.81], [113.09, 27.8], [113.11, 27.8]]
    assert tianyuan["truncated"] is False


@pytest.mark.django_db
def test_map_data_is_bounded_in_queries(api, scene, people, django_assert_max_num_queries):
    client = api(people.leader)
    with django_assert_max_num_queries(10):
        client.get("/api/v1/map/regions/?region=430211004001")
    with django_assert_max_num_queries(3):
        client.get("/api/v1/map/heat/")


@pytest.mark.django_db
def test_the_grid_panel_shows_people_masked_cameras_and_open_cases(client, scene, people):
    client.force_login(people.district_clerk)
    response = client.get("/map/grids/430211004001001/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "黄**" in body and "139****0001" in body and "13907330001" not in body and "黄网格" not in body
    assert "XL1" in body
    assert scene.taishan_a.number in body and scene.taishan_b.number in body
    assert scene.taishan_east.number not in body and scene.yuetang.number not in body


@pytest.mark.django_db
def test_the_grid_panel_of_another_district_is_not_found(client, scene, people):
    client.force_login(people.hetang_clerk)
    assert client.get("/map/grids/430211004001001/").status_code == 404
    assert client.get("/map/grids/430202001001/").status_code == 404  # a community is not a grid cell


@pytest.mark.django_db
def test_the_map_page_has_its_table_config_and_no_inline_script(client, scene, people):
    client.force_login(people.hetang_clerk)
    response = client.get("/map/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "月塘街道" in body and "天元区" not in body
    config = json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', body, re.S)[1])
    assert config["region"] == "430202" and config["regionsUrl"] == "/api/v1/map/regions/"
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert 'src="' in tag or 'type="application/json"' in tag, tag
    assert "/static/map/map.js" in body and "/static/vendor/echarts/echarts.min.js" in body


@pytest.mark.django_db
def test_the_table_partial_follows_the_drill_down(client, scene, people):
    client.force_login(people.leader)
    response = client.get("/map/table/?region=430211004001")
    body = response.content.decode()
    assert "泰山社区第1网格" in body and "泰山社区第2网格" in body and 'hx-get="/map/grids/430211004001001/"' in body
    assert [row["open"] for row in response.context["rows"]] == [2, 1]


@pytest.mark.django_db
def test_a_level_without_outlines_still_has_its_table(api, zhuzhou, people):
    body = api(people.hetang_clerk).get("/api/v1/map/regions/").json()
    assert body["features"]["features"] == []
    assert [(r["name"], r["has_shape"], r["density"]) for r in body["rows"]] == [("月塘街道", False, None)]


@pytest.mark.django_db
def test_the_map_answers_agree_with_the_published_schema(api, scene, people):
    from drf_spectacular.generators import SchemaGenerator

    from tests.test_openapi_conformance import assert_conforms

    openapi = SchemaGenerator().get_schema(request=None, public=True)
    client = api(people.hetang_clerk)
    for url in ["/api/v1/map/regions/", "/api/v1/map/regions/?region=430211", "/api/v1/map/heat/"]:
        assert_conforms(openapi, "get", url, client.get(url))


@pytest.mark.django_db
def test_the_grid_panel_opened_on_its_own_is_a_page_leading_back_to_the_map(client, scene, people):
    client.force_login(people.district_clerk)
    body = client.get("/map/grids/430211004001001/").content.decode()
    assert "<nav" in body and 'href="/map/?region=430211004001"' in body and "黄**" in body


@pytest.mark.django_db
def test_someone_with_two_jurisdictions_starts_from_both(api, scene, zhuzhou):
    from conftest import make_user
    from pingan.accounts.choices import Role

    both = make_user(
        "two_posts", "两岗", (zhuzhou.songshan_centre, Role.CENTRE_STAFF), (zhuzhou.yuetang_centre, Role.CENTRE_STAFF)
    )
    body = api(both).get("/api/v1/map/regions/").json()
    assert body["region"] is None and body["breadcrumbs"] == []
    assert [(r["name"], r["open"], r["grids"]) for r in body["rows"]] == [("月塘街道", 1, 1), ("嵩山路街道", 3, 2)]
