"""The camera register's API: scoped lists and counts, the map's point layer, writes and imports."""

from __future__ import annotations

import pytest

from pingan.cameras.models import Camera
from pingan.core.testing import csv_bytes, upload

from .factories import make_camera
from .test_import import GOOD_ROWS, HEADER


@pytest.mark.django_db
def test_the_list_shows_only_the_jurisdiction(api, cameras, people):
    body = api(people.hetang_clerk).get("/api/v1/cameras/").json()
    assert [row["code"] for row in body["results"]] == ["XL430202000001"]
    row = body["results"][0]
    assert row["grid"] == {"code": "430202001001001", "name": "月塘社区第1网格"}
    assert (row["lng"], row["lat"], row["status_label"]) == (113.26, 27.86, "在线")


@pytest.mark.django_db
def test_the_list_filters_by_status_and_grid(api, cameras, people):
    client = api(people.leader)
    assert [r["code"] for r in client.get("/api/v1/cameras/?status=fault").json()["results"]] == ["XL430211000002"]
    by_grid = client.get("/api/v1/cameras/?grid=430202001001001").json()["results"]
    assert [r["code"] for r in by_grid] == ["XL430202000001"]


@pytest.mark.django_db
def test_a_bad_filter_value_is_a_400_in_the_one_error_shape(api, cameras, people):
    response = api(people.leader).get("/api/v1/cameras/?status=broken")
    assert response.status_code == 400 and "status" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_the_list_has_no_n_plus_one(api, grids, people, django_assert_max_num_queries):
    for number in range(60):
        make_camera(f"XL{number:06d}", grids.taishan_1, "113.090000", "27.800000")
    with django_assert_max_num_queries(4):  # memberships, count, page (with grids)
        response = api(people.district_clerk).get("/api/v1/cameras/?page_size=100")
    assert response.json()["count"] == 60


@pytest.mark.django_db
def test_a_camera_of_another_district_is_not_found(api, cameras, people):
    client = api(people.hetang_clerk)
    assert client.get(f"/api/v1/cameras/{cameras.taishan_gate.pk}/").status_code == 404
    assert client.patch(f"/api/v1/cameras/{cameras.taishan_gate.pk}/", {"name": "x"}, format="json").status_code == 404


@pytest.mark.django_db
def test_registering_and_changing_a_camera(api, grids, people):
    client = api(people.district_clerk)
    response = client.post(
        "/api/v1/cameras/",
        {"code": "XL9", "name": "泰山路口", "camera_type": "bullet", "lng": 113.09, "lat": 27.80, "owner_unit": "公安"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["grid"]["code"] == "430211004001001"
    changed = client.patch(f"/api/v1/cameras/{response.json()['id']}/", {"lng": 113.11}, format="json")
    assert changed.status_code == 200 and changed.json()["grid"]["code"] == "430211004001002"


@pytest.mark.django_db
def test_a_point_outside_every_grid_is_a_400_naming_the_location(api, grids, people):
    response = api(people.district_clerk).post(
        "/api/v1/cameras/",
        {"code": "XL9", "name": "城外", "camera_type": "bullet", "lng": 112.0, "lat": 26.0, "owner_unit": "公安"},
        format="json",
    )
    assert response.status_code == 400
    assert "location" in response.json()["error"]["fields"]
    assert not Camera.objects.exists()


@pytest.mark.django_db
def test_someone_who_does_not_maintain_cameras_gets_403(api, grids, people):
    response = api(people.mediator).post(
        "/api/v1/cameras/",
        {"code": "XL9", "name": "泰山路口", "camera_type": "bullet", "lng": 113.09, "lat": 27.80, "owner_unit": "公安"},
        format="json",
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_counts_by_child_region(api, cameras, people):
    body = api(people.district_clerk).get("/api/v1/cameras/counts/?region=430211004").json()
    assert body["region"] == {"code": "430211004", "name": "嵩山路街道"}
    assert body["rows"] == [
        {"code": "430211004001", "name": "泰山社区", "total": 2, "online": 1, "offline": 0, "fault": 1, "retired": 0}
    ]
    assert api(people.hetang_clerk).get("/api/v1/cameras/counts/?region=430211").status_code == 404


@pytest.mark.django_db
def test_the_point_layer_is_compact_and_scoped(api, cameras, people, django_assert_max_num_queries):
    client = api(people.district_clerk)
    with django_assert_max_num_queries(3):
        body = client.get("/api/v1/cameras/points/").json()
    assert sorted(body["points"]) == [[113.09, 27.8, 0], [113.11, 27.8, 2]]
    assert body["statuses"][2] == {"code": "fault", "label": "故障"}
    assert client.get("/api/v1/cameras/points/?status=fault").json()["points"] == [[113.11, 27.8, 2]]
    assert api(people.hetang_clerk).get("/api/v1/cameras/points/?region=430211").status_code == 404


@pytest.mark.django_db
def test_importing_a_file_through_the_api(api, grids, people):
    file = upload("cameras.csv", csv_bytes(HEADER, GOOD_ROWS))
    response = api(people.district_clerk).post("/api/v1/cameras/import/", {"file": file}, format="multipart")
    assert response.status_code == 200
    assert response.json() == {"total": 3, "created": 3, "updated": 0, "unchanged": 0}


@pytest.mark.django_db
def test_a_bad_file_through_the_api_is_a_400_listing_its_rows(api, grids, people):
    rows = [GOOD_ROWS[0], ["XL030", "城外", "枪机", "在线", "112.0", "26.0", "", "株洲市公安局", ""]]
    file = upload("cameras.csv", csv_bytes(HEADER, rows))
    response = api(people.district_clerk).post("/api/v1/cameras/import/", {"file": file}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["rows"] == ["第 3 行:位置(112.000000, 26.000000)不在任何网格内"]
    assert not Camera.objects.exists()


@pytest.mark.django_db
def test_the_answers_agree_with_the_published_schema(api, cameras, people):
    from drf_spectacular.generators import SchemaGenerator

    from tests.test_openapi_conformance import assert_conforms

    openapi = SchemaGenerator().get_schema(request=None, public=True)
    client = api(people.district_clerk)
    for url in [
        "/api/v1/cameras/",
        f"/api/v1/cameras/{cameras.taishan_gate.pk}/",
        f"/api/v1/cameras/{cameras.yuetang_market.pk}/",  # 404: another district
        "/api/v1/cameras/counts/",
        "/api/v1/cameras/points/",
        "/api/v1/cameras/?status=broken",  # 400
    ]:
        path = url.split("?")[0]
        # A path written out in the document is its own operation (not /cameras/{id}/ with id "counts").
        document = {**openapi, "paths": {path: openapi["paths"][path]}} if path in openapi["paths"] else openapi
        assert_conforms(document, "get", url, client.get(url))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/map/regions/", "/api/v1/shapes/?level=5"])
def test_map_layers_are_compressed_for_clients_that_accept_gzip(api, cameras, people, url):
    """(The camera points and the case heat use the same decorator; in this small scene they stay under
    the 200 bytes below which Django does not compress.)"""
    """(The camera points and the case heat use the same decorator; in this small scene they stay under
    the 200 bytes below which Django does not compress.)"""
    import gzip
    import json

    client = api(people.district_clerk)
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert len(plain.content) >= 200  # Django leaves bodies under 200 bytes alone
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
