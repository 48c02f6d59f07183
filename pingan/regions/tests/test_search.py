"""Region filters are picked from the tree by name: the search answers only the caller's jurisdiction, with
each match's path; every list's region filter means "this region and below", the city code included."""

from __future__ import annotations

import pytest

from pingan.cameras.choices import CameraType
from pingan.cameras.services import camera_create


@pytest.mark.django_db
def test_a_name_finds_the_region_with_its_path(people, api):
    matches = api(people.leader).get("/api/v1/regions/search/?q=嵩山").json()
    assert matches == [
        {
            "code": "430211004",
            "name": "嵩山路街道",
            "level": "township",
            "level_label": "乡镇(街道)",
            "path": "天元区 › 嵩山路街道",
        }
    ]
    taishan = api(people.clerk).get("/api/v1/regions/search/?q=泰山").json()
    assert [(m["code"], m["path"]) for m in taishan] == [("430211004001", "天元区 › 嵩山路街道 › 泰山社区")]


@pytest.mark.django_db
def test_higher_levels_come_first_and_codes_match_by_prefix(people, api):
    matches = api(people.leader).get("/api/v1/regions/search/?q=塘").json()
    assert [m["name"] for m in matches] == ["荷塘区", "月塘街道", "月塘社区"]
    by_code = api(people.leader).get("/api/v1/regions/search/?q=4302110").json()
    assert [m["code"] for m in by_code] == ["430211004", "430211004001"]
    city = api(people.leader).get("/api/v1/regions/search/?q=株洲").json()
    assert [(m["code"], m["path"]) for m in city] == [("430200", "株洲市")]


@pytest.mark.django_db
def test_nothing_outside_the_jurisdiction(people, api):
    assert api(people.hetang_clerk).get("/api/v1/regions/search/?q=嵩山").json() == []
    assert api(people.clerk).get("/api/v1/regions/search/?q=天元").json() == []  # above the township
    assert api(people.clerk).get("/api/v1/regions/search/?q=").json() == []
    assert api().get("/api/v1/regions/search/?q=嵩山").status_code == 401


@pytest.mark.django_db
def test_search_queries_do_not_grow_with_matches(grids, people, api, django_assert_max_num_queries):
    # the user's jurisdiction (memberships), the matches, their tree paths, the ancestors' names
    with django_assert_max_num_queries(5):
        matches = api(people.leader).get("/api/v1/regions/search/?q=网格").json()
    assert len(matches) == 3


@pytest.mark.django_db
def test_case_list_page_and_api_agree_on_the_city_code(dispute, people, api, client):
    """/cases/?region=430200 showed nothing while the API returned the case: the page matched the raw code."""
    client.force_login(people.leader)
    for code in ("430200", "430211", "430211004"):
        page = client.get(f"/cases/?region={code}")
        assert dispute.number in page.content.decode()
        rows = api(people.leader).get(f"/api/v1/cases/?region={code}").json()["results"]
        assert [row["number"] for row in rows] == [dispute.number]
    assert dispute.number not in client.get("/cases/?region=430202").content.decode()
    assert api(people.leader).get("/api/v1/cases/?region=430202").json()["results"] == []


@pytest.mark.django_db
def test_the_page_shows_the_picked_region_by_name(dispute, people, client):
    client.force_login(people.leader)
    body = client.get("/cases/?region=430211004").content.decode()
    assert 'name="region" value="430211004"' in body
    assert 'value="天元区 › 嵩山路街道"' in body
    assert 'data-url="/api/v1/regions/search/"' in body
    bad = client.get("/cases/?region=嵩山").content.decode()
    assert "区划代码应为数字" in bad


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/grids/members/", "/patrols/", "/cameras/", "/dashboard/", "/map/"])
def test_every_region_filter_is_the_picker(grids, people, client, url):
    client.force_login(people.leader)
    body = client.get(f"{url}?region=430211004").content.decode()
    assert "data-region-picker" in body
    assert 'value="天元区 › 嵩山路街道"' in body


@pytest.mark.django_db
def test_grid_people_and_cameras_by_city_and_district_code(grids, people, api):
    camera_create(
        actor=people.district_clerk,
        code="43021100001",
        name="泰山路口",
        camera_type=CameraType.DOME,
        lng=113.09,
        lat=27.80,
        owner_unit="天元分局",
    )
    leader = api(people.leader)
    members = leader.get("/api/v1/grid-members/?region=430200").json()["results"]
    everyone = {grids.worker_post.pk, grids.volunteer.pk, grids.hetang_worker_post.pk}
    assert {m["id"] for m in members} == everyone
    hetang = leader.get("/api/v1/grid-members/?region=430202").json()["results"]
    assert {m["id"] for m in hetang} == {grids.hetang_worker_post.pk}
    assert [c["code"] for c in leader.get("/api/v1/cameras/?region=430200").json()["results"]] == ["43021100001"]
    assert leader.get("/api/v1/cameras/?region=430202").json()["results"] == []
