"""The camera register in the web UI: each district sees and maintains its own cameras."""

from __future__ import annotations

import pytest
from lxml import html

from pingan.cameras.models import Camera
from pingan.core.testing import csv_bytes, upload

from .test_import import GOOD_ROWS, HEADER


@pytest.fixture
def tianyuan_client(client, people):
    client.force_login(people.district_clerk)
    return client


@pytest.mark.django_db
def test_the_list_shows_only_the_cameras_of_the_jurisdiction(client, cameras, people):
    client.force_login(people.hetang_clerk)
    body = client.get("/cameras/").content.decode()
    assert "XL430202000001" in body
    assert "XL430211000001" not in body and "泰山" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=fault", {"XL430211000002"}),
        ("type=bullet", {"XL430211000001"}),
        ("grid=430211004001001", {"XL430211000001"}),
        ("region=430211004", {"XL430211000001", "XL430211000002"}),
        ("owner=公安", {"XL430211000001", "XL430211000002"}),
        ("q=泰山路", {"XL430211000001"}),
    ],
)
def test_the_list_filters(tianyuan_client, cameras, query, expected):
    body = tianyuan_client.get(f"/cameras/?{query}").content.decode()
    shown = {code for code in ("XL430211000001", "XL430211000002") if code in body}
    assert shown == expected


@pytest.mark.django_db
def test_on_a_phone_the_list_is_cards_under_a_folded_filter(tianyuan_client, cameras):
    tree = html.fromstring(tianyuan_client.get("/cameras/?status=fault").content.decode())
    [cards] = tree.xpath('//div[contains(@class, "list-cards")]')
    assert "d-md-none" in cards.classes
    [card] = cards.xpath("a")
    assert card.get("href") == f"/cameras/{cameras.taishan_park.pk}/"
    assert card.text_content().split() == [
        "泰山社区第2网格002号点位",
        "故障",
        "XL430211000002",
        "·",
        "球机",
        "泰山社区第2网格",
        "·",
        "株洲市公安局",
    ]
    [table] = tree.xpath("//table")
    assert {"d-none", "d-md-block"} <= set(table.getparent().classes)
    [form] = tree.xpath('//form[@id="camera-filter"]')
    assert {"collapse", "d-md-block"} <= set(form.classes)
    [button] = tree.xpath('//button[@data-bs-target="#camera-filter"]')
    assert button.text_content().split() == ["筛选", "已筛选"]


@pytest.mark.django_db
def test_a_camera_of_another_district_is_not_found(client, cameras, people):
    client.force_login(people.hetang_clerk)
    assert client.get(f"/cameras/{cameras.taishan_gate.pk}/").status_code == 404
    assert client.get(f"/cameras/{cameras.taishan_gate.pk}/edit/").status_code == 404


@pytest.mark.django_db
def test_the_detail_shows_where_the_camera_is(tianyuan_client, cameras):
    body = tianyuan_client.get(f"/cameras/{cameras.taishan_gate.pk}/").content.decode()
    assert "嵩山路街道" in body and "泰山社区第1网格" in body and "113.090000" in body


@pytest.mark.django_db
def test_registering_a_camera_on_the_page(tianyuan_client, grids):
    data = {
        "code": "XL9",
        "name": "泰山路口",
        "camera_type": "bullet",
        "status": "online",
        "lng": "113.11",
        "lat": "27.80",
        "coord_system": "wgs84",
        "owner_unit": "株洲市公安局",
    }
    response = tianyuan_client.post("/cameras/new/", data)
    camera = Camera.objects.get(code="XL9")
    assert response.status_code == 302 and response["Location"] == f"/cameras/{camera.pk}/"
    assert camera.grid == grids.taishan_2


@pytest.mark.django_db
def test_a_point_outside_every_grid_is_shown_as_an_error_on_the_form(tianyuan_client, grids):
    data = {
        "code": "XL9",
        "name": "城外",
        "camera_type": "bullet",
        "status": "online",
        "lng": "112.0",
        "lat": "26.0",
        "coord_system": "wgs84",
        "owner_unit": "株洲市公安局",
    }
    response = tianyuan_client.post("/cameras/new/", data)
    assert response.status_code == 400
    assert "不在任何网格内" in response.content.decode()
    assert not Camera.objects.exists()


@pytest.mark.django_db
def test_editing_a_camera_on_the_page(tianyuan_client, cameras):
    camera = cameras.taishan_gate
    response = tianyuan_client.post(
        f"/cameras/{camera.pk}/edit/",
        {
            "name": "泰山路口(新)",
            "camera_type": "dome",
            "status": "offline",
            "lng": "113.09",
            "lat": "27.80",
            "coord_system": "wgs84",
            "owner_unit": "株洲市公安局",
        },
    )
    assert response.status_code == 302
    camera.refresh_from_db()
    assert (camera.name, camera.camera_type, camera.status) == ("泰山路口(新)", "dome", "offline")


@pytest.mark.django_db
def test_people_who_do_not_maintain_cameras_get_no_forms(client, cameras, people):
    client.force_login(people.mediator)
    assert client.get("/cameras/new/").status_code == 403
    assert client.get("/cameras/import/").status_code == 403
    assert client.get(f"/cameras/{cameras.taishan_gate.pk}/edit/").status_code == 403
    assert "登记点位" not in client.get("/cameras/").content.decode()


@pytest.mark.django_db
def test_importing_a_file_on_the_page(tianyuan_client, grids):
    file = upload("cameras.csv", csv_bytes(HEADER, GOOD_ROWS))
    response = tianyuan_client.post("/cameras/import/", {"file": file, "coord_system": "wgs84"})
    assert response.status_code == 200
    assert "新增 3 个" in response.content.decode()
    assert Camera.objects.count() == 3


@pytest.mark.django_db
def test_a_bad_file_on_the_page_lists_its_rows_and_imports_nothing(tianyuan_client, grids):
    rows = [GOOD_ROWS[0], ["XL030", "城外", "枪机", "在线", "112.0", "26.0", "", "株洲市公安局", ""]]
    response = tianyuan_client.post(
        "/cameras/import/", {"file": upload("c.csv", csv_bytes(HEADER, rows)), "coord_system": "wgs84"}
    )
    assert response.status_code == 400
    assert "第 3 行:位置(112.000000, 26.000000)不在任何网格内" in response.content.decode()
    assert not Camera.objects.exists()


@pytest.mark.django_db
def test_counts_by_child_region_and_status(client, cameras, people):
    client.force_login(people.leader)
    response = client.get("/cameras/counts/")
    rows = {row["code"]: row for row in response.context["rows"]}
    assert rows["430211"] == {
        "code": "430211",
        "name": "天元区",
        "total": 2,
        "online": 1,
        "offline": 0,
        "fault": 1,
        "retired": 0,
    }
    assert rows["430202"]["total"] == 1
    assert response.context["totals"]["total"] == 3
    township = client.get("/cameras/counts/?region=430211").context["rows"]
    assert [(row["name"], row["total"]) for row in township] == [("嵩山路街道", 2)]


@pytest.mark.django_db
def test_counts_of_another_district_are_not_found(client, cameras, people):
    client.force_login(people.hetang_clerk)
    assert client.get("/cameras/counts/?region=430211").status_code == 404
