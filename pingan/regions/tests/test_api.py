"""Browsing regions and finding organisations through the API, always within the user's jurisdiction."""

from __future__ import annotations

import pytest


def assert_404(response) -> None:
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_without_parent_the_roots_of_my_jurisdiction(people, api):
    assert api(people.clerk).get("/api/v1/regions/").json() == [
        {"code": "430211004", "name": "嵩山路街道", "level": "township", "level_label": "乡镇(街道)"}
    ]
    assert [r["code"] for r in api(people.leader).get("/api/v1/regions/").json()] == ["430200"]
    assert api(people.leader).get("/api/v1/regions/").json()[0]["level"] == "city"


@pytest.mark.django_db
def test_children_of_a_parent_inside_my_jurisdiction(people, api):
    children = api(people.clerk).get("/api/v1/regions/?parent=430211004").json()
    assert children == [{"code": "430211004001", "name": "泰山社区", "level": "community", "level_label": "村(社区)"}]
    counties = api(people.leader).get("/api/v1/regions/?parent=430200").json()
    assert [(r["code"], r["level"]) for r in counties] == [("430202", "county"), ("430211", "county")]


@pytest.mark.django_db
def test_parent_outside_my_jurisdiction_is_404(people, api):
    assert_404(api(people.hetang_clerk).get("/api/v1/regions/?parent=430211004"))
    assert_404(api(people.clerk).get("/api/v1/regions/?parent=430211"))  # above me
    assert_404(api(people.clerk).get("/api/v1/regions/?parent=000000"))


@pytest.mark.django_db
def test_region_detail(people, api):
    assert api(people.clerk).get("/api/v1/regions/430211004001/").json()["name"] == "泰山社区"
    assert_404(api(people.hetang_clerk).get("/api/v1/regions/430211004001/"))


@pytest.mark.django_db
def test_organizations_inside_and_above_my_jurisdiction(people, api):
    rows = api(people.clerk).get("/api/v1/organizations/?page_size=100").json()["results"]
    codes = {row["code"] for row in rows}
    # Inside 嵩山路街道, plus the district and city centres (and court) that cover it from above.
    assert {"C430211004", "C430211004001", "M430211004", "J430211004", "C430211", "F430211", "C430200"} == codes
    centre = next(row for row in rows if row["code"] == "C430211")
    assert centre == {
        "code": "C430211",
        "name": "天元区综治中心",
        "org_type": "centre",
        "org_type_label": "综治中心",
        "region": {"code": "430211", "name": "天元区"},
    }
    hetang_codes = {row["code"] for row in api(people.hetang_clerk).get("/api/v1/organizations/").json()["results"]}
    assert hetang_codes == {"C430202", "C430202001", "C430200"}


@pytest.mark.django_db
def test_organization_detail(people, api):
    assert api(people.clerk).get("/api/v1/organizations/C430211/").json()["name"] == "天元区综治中心"
    assert_404(api(people.clerk).get("/api/v1/organizations/C430202/"))  # 荷塘区: neither inside nor above
    assert_404(api(people.hetang_clerk).get("/api/v1/organizations/M430211004/"))


@pytest.mark.django_db
def test_organization_filters(people, api):
    client = api(people.clerk)

    def codes(query: str) -> set[str]:
        return {row["code"] for row in client.get(f"/api/v1/organizations/?{query}").json()["results"]}

    assert codes("type=centre") == {"C430211004", "C430211004001", "C430211", "C430200"}
    assert codes("type=court") == {"F430211"}
    assert codes("region=430211004001") == {"C430211004001"}
    assert codes("covering=430211004&type=centre") == {"C430211004", "C430211", "C430200"}
    assert codes("region=430202") == set()  # outside: nothing
    assert client.get("/api/v1/organizations/?type=spaceship").status_code == 400


@pytest.mark.django_db
def test_organization_list_is_bounded_in_queries(people, api, django_assert_max_num_queries):
    client = api(people.district_clerk)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/organizations/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/regions/?parent=430211").status_code == 200


@pytest.mark.django_db
def test_regions_need_authentication(zhuzhou, api):
    response = api().get("/api/v1/regions/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
