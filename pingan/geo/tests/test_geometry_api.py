"""The outline API, the import command and the admin import page: each answers inside the user's
jurisdiction only, in the published shape, and refuses bad input with the one error shape. (The place at a
point, /api/v1/locate, is tested with the map app that serves it: pingan/map/tests/test_locate_api.py.)"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from shapely.geometry import box, mapping

from conftest import PASSWORD, make_user
from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.geo.models import RegionShape
from pingan.regions.models import Region
from tests.test_openapi_conformance import assert_conforms

TAISHAN_1, TAISHAN_2, YUETANG_1, YUETANG_2 = (
    "430211004001001",
    "430211004001002",
    "430202001001001",
    "430202001001002",
)


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def codes(response) -> list[str]:
    return [feature["properties"]["code"] for feature in response.json()["features"]]


# --- GET /api/v1/shapes/ ---------------------------------------------------------------------------


def test_the_outlines_of_a_communitys_grids_come_as_geojson(api, grids, people, openapi):
    response = api(people.clerk).get("/api/v1/shapes/?parent=430211004001")
    assert response.status_code == 200
    assert_conforms(openapi, "get", "/api/v1/shapes/", response)
    collection = response.json()
    assert collection["type"] == "FeatureCollection" and codes(response) == [TAISHAN_1, TAISHAN_2]
    first = collection["features"][0]
    assert first["id"] == TAISHAN_1 and first["geometry"]["type"] == "Polygon"
    assert first["properties"] == {
        "code": TAISHAN_1,
        "name": "泰山社区第1网格",
        "level": 5,
        "parent": "430211004001",
        "label": first["properties"]["label"],
        "area_km2": pytest.approx(8.76, abs=0.05),
        "source": "imported",
    }
    assert collection["bbox"] == pytest.approx([113.08, 27.78, 113.12, 27.82])


@pytest.mark.parametrize(
    ("user", "query", "expected"),
    [
        ("leader", "", ["430200"]),
        ("hetang_clerk", "", ["430202"]),
        ("leader", "?level=5", [YUETANG_1, TAISHAN_1, TAISHAN_2]),
        ("hetang_clerk", "?level=5", [YUETANG_1]),
        ("leader", "?parent=430200", ["430202", "430211"]),
        ("leader", "?parent=430211&level=5", [TAISHAN_1, TAISHAN_2]),
        ("clerk", "?level=2", []),  # a township clerk sees no district outline
    ],
)
def test_each_user_sees_the_outlines_of_the_jurisdiction(api, grids, people, user, query, expected):
    response = api(getattr(people, user)).get(f"/api/v1/shapes/{query}")
    assert response.status_code == 200 and codes(response) == expected


def test_a_parent_outside_the_jurisdiction_is_not_found(api, grids, people):
    response = api(people.hetang_clerk).get("/api/v1/shapes/?parent=430211004001")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("query", ["?level=9", "?level=grid", "?simplify=5000", "?parent=abc"])
def test_bad_parameters_are_refused(api, grids, people, query):
    response = api(people.leader).get(f"/api/v1/shapes/{query}")
    assert response.status_code == 400 and response.json()["error"]["fields"]


def test_simplified_outlines_have_fewer_vertices(api, grids, people):
    ring = [[113.24 + 0.04 * i / 100, 27.84] for i in range(101)]  # a jagged south edge: 100 segments
    ring += [[113.28, 27.88], [113.24, 27.88], [113.24, 27.84]]
    shape = RegionShape.objects.get(region_code=YUETANG_1)
    shape.geometry = {"type": "Polygon", "coordinates": [ring]}
    shape.save()
    full = api(people.leader).get("/api/v1/shapes/?level=5").json()["features"][0]["geometry"]
    thin = api(people.leader).get("/api/v1/shapes/?level=5&simplify=50").json()["features"][0]["geometry"]
    assert len(thin["coordinates"][0]) < len(full["coordinates"][0])


def test_the_outline_list_has_no_n_plus_one(api, grids, people, django_assert_max_num_queries):
    client = api(people.leader)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/shapes/?level=5")
    assert len(response.json()["features"]) == 3


# --- POST /api/v1/shapes/import --------------------------------------------------------------------


def geojson_upload(*features) -> SimpleUploadedFile:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": properties, "geometry": json.loads(json.dumps(mapping(geometry)))}
            for properties, geometry in features
        ],
    }
    return SimpleUploadedFile("grids.geojson", json.dumps(collection, ensure_ascii=False).encode())


@pytest.fixture
def hetang_sysadmin(zhuzhou):
    user = make_user("hetang_sysadmin", "荷塘系统管理员", (zhuzhou.hetang_centre, Role.SYSADMIN))
    user.is_staff = True
    user.save()
    return user


SPLIT_YUETANG = (
    ({"code": YUETANG_1}, box(113.24, 27.84, 113.26, 27.88)),
    ({"code": YUETANG_2, "name": "月塘社区第2网格", "level": "grid"}, box(113.26, 27.84, 113.28, 27.88)),
)


def test_a_system_administrator_imports_outlines_of_the_district(api, grids, hetang_sysadmin, openapi):
    response = api(hetang_sysadmin).post(
        "/api/v1/shapes/import", {"file": geojson_upload(*SPLIT_YUETANG)}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert_conforms(openapi, "post", "/api/v1/shapes/import", response)
    assert response.json() == {
        "total": 2,
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "grids_created": 1,
        "dry_run": False,
    }
    assert Region.objects.filter(code=YUETANG_2).exists()


def test_an_import_with_errors_answers_400_listing_them_and_writes_nothing(api, grids, hetang_sysadmin):
    upload = geojson_upload(
        ({"code": YUETANG_1}, box(113.24, 27.84, 113.30, 27.88)),  # reaches outside 月塘社区
        ({"code": TAISHAN_1}, box(113.08, 27.78, 113.10, 27.82)),  # another district
    )
    response = api(hetang_sysadmin).post("/api/v1/shapes/import", {"file": upload}, format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"].startswith("文件有 2 处错误,未导入任何数据")
    assert error["fields"]["file"][1] == f"第 2 个要素({TAISHAN_1}):区划 {TAISHAN_1} 不在您的管辖范围内"
    assert RegionShape.objects.get(region_code=YUETANG_1).max_lng == 113.28


@pytest.mark.parametrize("who", ["clerk", "hetang_clerk"])
def test_only_system_administrators_may_import(api, grids, people, who):
    response = api(getattr(people, who)).post(
        "/api/v1/shapes/import", {"file": geojson_upload(*SPLIT_YUETANG)}, format="multipart"
    )
    assert response.status_code == 403
    assert not Region.objects.filter(code=YUETANG_2).exists()


def test_an_import_request_without_a_file_is_refused(api, grids, hetang_sysadmin):
    response = api(hetang_sysadmin).post("/api/v1/shapes/import", {"coord_system": "gcj02"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["error"]["fields"]


# --- the command and the admin page ----------------------------------------------------------------


def test_the_import_command_imports_a_file_and_refuses_a_broken_one(grids, tmp_path, capsys):
    good = tmp_path / "good.geojson"
    good.write_bytes(geojson_upload(*SPLIT_YUETANG).read())
    call_command("import_shapes", str(good))
    assert "2 features: 1 created, 1 updated, 0 unchanged, 1 new grid cells" in capsys.readouterr().out
    broken = tmp_path / "broken.geojson"
    broken.write_bytes(geojson_upload(({"code": "430211999"}, box(113.0, 27.7, 113.1, 27.8))).read())
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_shapes", str(broken))
    assert "区划代码 430211999 不存在" in capsys.readouterr().err


def test_the_admin_import_page_imports_a_file(client, grids):
    client.force_login(User.objects.create_superuser(username="root", password=PASSWORD))
    url = reverse("admin:geo_regionshape_import")
    assert client.get(url).status_code == 200
    form = {"file": geojson_upload(*SPLIT_YUETANG), "coord_system": "wgs84", "source": "imported"}
    response = client.post(url, {**form, "overlap_share": "0.01", "overlap_m2": "100"})
    assert response.status_code == 200
    assert "导入完成:共 2 个要素,新增边界 1 个,更新 1 个" in response.content.decode()
    listing = client.get(reverse("admin:geo_regionshape_changelist"))
    assert YUETANG_2 in listing.content.decode() and reverse("admin:geo_regionshape_import") in listing.content.decode()


def test_the_admin_import_page_can_only_check_a_file(client, grids):
    client.force_login(User.objects.create_superuser(username="root", password=PASSWORD))
    form = {"file": geojson_upload(*SPLIT_YUETANG), "coord_system": "wgs84", "source": "imported", "dry_run": "on"}
    response = client.post(
        reverse("admin:geo_regionshape_import"), {**form, "overlap_share": "0.01", "overlap_m2": "100"}
    )
    assert "检查完成:共 2 个要素,没有发现错误(未导入)" in response.content.decode()
    assert not Region.objects.filter(code=YUETANG_2).exists()
