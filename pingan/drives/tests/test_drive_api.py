"""The drive API: list, detail, figures, breakdowns, drill-down and tags, in the user's jurisdiction, with the
one error shape on bad input; and its OpenAPI description."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from pingan.cases.models import Case
from pingan.drives.models import DriveCase, DriveTagLog

from .conftest import make_drive

pytestmark = pytest.mark.django_db

BASE = "/api/v1/drives/"


def _error(response, status, field=None):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) >= {"code", "message", "fields"}
    if field:
        assert field in error["fields"]
    return error


def test_list_and_detail_in_the_users_jurisdiction(api, scene):
    s = scene
    tianyuan = make_drive(s.p.district_clerk, s.z.tianyuan, s.z.tianyuan_centre, name="天元区专项")
    listed = api(s.p.hetang_clerk).get(BASE).json()
    assert [d["name"] for d in listed["results"]] == [s.drive.name]
    assert api(s.p.hetang_clerk).get(f"{BASE}{tianyuan.pk}/").status_code == 404
    assert [d["id"] for d in api(s.p.clerk).get(BASE, {"q": "天元"}).json()["results"]] == [tianyuan.pk]
    _error(api(s.p.clerk).get(BASE, {"status": "x"}), 400, "status")
    detail = api(s.p.leader).get(f"{BASE}{s.drive.pk}/").json()
    assert detail["region_code"] == "430200" and detail["kinds"] == ["dispute"] and detail["tags"] == []
    assert api().get(BASE).status_code == 401


def test_figures_breakdowns_and_drilldowns_agree(api, scene):
    s = scene
    client = api(s.p.leader)
    figures = client.get(f"{BASE}{s.drive.pk}/figures/").json()
    assert (figures["found"], figures["mediated"], figures["successful"], figures["success_rate"]) == (4, 2, 1, 0.5)
    assert figures["success_rate_display"] == "50.00%"
    by_region = client.get(f"{BASE}{s.drive.pk}/breakdown/", {"by": "region"}).json()
    assert by_region["region"] == "430200" and {r["key"] for r in by_region["rows"]} == {"430211", "430202"}
    for row in by_region["rows"]:
        for code in ("found", "mediated", "successful"):
            drilled = client.get(f"{BASE}{s.drive.pk}/cases/", {"figure": code, "region": "430200", "area": row["key"]})
            assert drilled.json()["count"] == row[code]
    by_week = client.get(f"{BASE}{s.drive.pk}/breakdown/", {"by": "week"}).json()
    for row in by_week["rows"]:
        drilled = client.get(f"{BASE}{s.drive.pk}/cases/", {"figure": "mediated", "week": row["key"]})
        assert drilled.json()["count"] == row["mediated"]
    numbers = {c["number"] for c in client.get(f"{BASE}{s.drive.pk}/cases/").json()["results"]}
    assert numbers == {s.agreed.number, s.failed.number, s.open.number, s.hetang.number}
    # The 荷塘区 clerk counts only 荷塘区.
    assert api(s.p.hetang_clerk).get(f"{BASE}{s.drive.pk}/figures/").json()["found"] == 1
    township = api(s.p.clerk).get(f"{BASE}{s.drive.pk}/breakdown/", {"by": "region"}).json()
    assert township["region"] == "430211004"  # the township clerk starts at his township inside the city drive


@pytest.mark.parametrize(
    "path, params, status, field",
    [
        ("breakdown/", {"by": "month"}, 400, "by"),
        ("breakdown/", {}, 400, "by"),
        ("breakdown/", {"by": "region", "region": "430202"}, 404, None),  # not the clerk's
        ("cases/", {"figure": "closed"}, 400, "figure"),
        ("cases/", {"week": "2026-11-18"}, 400, "week"),
        ("cases/", {"area": "430211004"}, 400, "area"),
    ],
)
def test_bad_parameters_answer_in_the_error_shape(api, scene, path, params, status, field):
    _error(api(scene.p.clerk).get(f"{BASE}{scene.drive.pk}/{path}", params), status, field)


def test_tag_and_untag(api, scene):
    s = scene
    client = api(s.p.clerk)
    created = client.post(
        f"{BASE}{s.drive.pk}/tag/", {"case": s.october.number, "reason": "十月排查发现,纳入专项"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["mode"] == "include" and created.json()["case_number"] == s.october.number
    assert client.get(f"{BASE}{s.drive.pk}/figures/").json()["found"] == 4
    assert [t["case_number"] for t in api(s.p.leader).get(f"{BASE}{s.drive.pk}/").json()["tags"]] == [s.october.number]
    assert api(s.p.hetang_clerk).get(f"{BASE}{s.drive.pk}/").json()["tags"] == []  # not his case
    _error(
        client.post(f"{BASE}{s.drive.pk}/tag/", {"case": s.october.pk, "reason": "再次"}, format="json"), 400, "case"
    )
    _error(client.post(f"{BASE}{s.drive.pk}/tag/", {"case": s.open.pk}, format="json"), 400, "reason")
    _error(client.post(f"{BASE}{s.drive.pk}/tag/", {"case": s.hetang.pk, "reason": "纳入"}, format="json"), 404)
    _error(
        client.post(f"{BASE}{s.drive.pk}/tag/", {"case": s.open.pk, "mode": "x", "reason": "纳入"}, format="json"),
        400,
        "mode",
    )
    _error(
        api(s.grid_worker).post(f"{BASE}{s.drive.pk}/tag/", {"case": s.open.pk, "reason": "纳入"}, format="json"), 403
    )
    assert DriveCase.objects.count() == 1 and DriveTagLog.objects.count() == 1
    removed = client.post(f"{BASE}{s.drive.pk}/untag/", {"case": s.october.pk, "reason": "误标"}, format="json")
    assert removed.status_code == 200 and removed.json()["action"] == "removed"
    _error(
        client.post(f"{BASE}{s.drive.pk}/untag/", {"case": s.october.pk, "reason": "误标"}, format="json"), 400, "case"
    )
    assert not DriveCase.objects.exists() and DriveTagLog.objects.count() == 2


def test_the_api_is_documented(api, people):
    schema = api(people.clerk).get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/drives/",
        "/api/v1/drives/{id}/",
        "/api/v1/drives/{id}/figures/",
        "/api/v1/drives/{id}/breakdown/",
        "/api/v1/drives/{id}/cases/",
        "/api/v1/drives/{id}/tag/",
        "/api/v1/drives/{id}/untag/",
    ):
        assert path in paths, path
        for operation in paths[path].values():
            assert operation["summary"] and "drives" in operation["tags"]


def test_the_list_takes_the_same_queries_for_one_drive_or_many(api, zhuzhou, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_drive(people.leader, zhuzhou.city, zhuzhou.city_centre, name="一")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api(people.leader).get(BASE).status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for name in ("二", "三", "四"):
        make_drive(people.district_clerk, zhuzhou.tianyuan, zhuzhou.tianyuan_centre, name=name)
    assert queries() == one


def test_create_and_replace_a_drive_through_the_api(api, scene):
    """The same rules as the form (docs/drives.md): records by their codes, the service's checks, 400 on
    the field at fault with nothing written, and a drive replaced only by those who may run it."""
    s = scene
    body = {
        "name": "婚恋家庭纠纷排查化解",
        "start_date": "2026-11-01",
        "end_date": "2026-11-30",
        "kinds": ["dispute"],
        "categories": [s.agreed.category.code],
        "region": s.z.tianyuan.code,
        "target_regions": [s.z.songshan.code],
        "lead_org": s.z.tianyuan_centre.code,
    }
    clerk = api(s.p.district_clerk)
    created = clerk.post(BASE, body, format="json")
    assert created.status_code == 201, created.content
    drive = created.json()
    assert drive["region_code"] == s.z.tianyuan.code and drive["status"] == "active"
    assert drive["categories"] == [s.agreed.category.code] and drive["target_regions"] == [s.z.songshan.code]
    figures = clerk.get(f"{BASE}{drive['id']}/figures/").json()
    raw = Case.objects.filter(
        kind="dispute",
        category=s.agreed.category,
        region_code__startswith=s.z.songshan.code,
        registered_at__date__range=(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)),
    )
    assert figures["found"] == raw.count() > 0  # that category in 嵩山路街道 in November, counted raw

    count = len(clerk.get(BASE).json()["results"])
    _error(clerk.post(BASE, {**body, "region": "999999"}, format="json"), 400, "region")
    _error(clerk.post(BASE, {**body, "categories": ["no_such"]}, format="json"), 400, "categories")
    _error(clerk.post(BASE, {**body, "end_date": "2026-10-01"}, format="json"), 400, "end_date")
    _error(clerk.post(BASE, {**body, "kinds": []}, format="json"), 400, "kinds")
    # A district clerk may not run a city-wide drive; 荷塘区's centre does not cover 天元区.
    _error(clerk.post(BASE, {**body, "region": s.z.city.code, "target_regions": []}, format="json"), 400, "region")
    _error(clerk.post(BASE, {**body, "lead_org": s.z.hetang_centre.code}, format="json"), 400, "lead_org")
    assert len(clerk.get(BASE).json()["results"]) == count  # nothing written

    replaced = clerk.put(
        f"{BASE}{drive['id']}/", {**body, "name": "婚恋家庭纠纷专项", "status": "finished"}, format="json"
    )
    assert replaced.status_code == 200 and replaced.json()["name"] == "婚恋家庭纠纷专项"
    assert replaced.json()["status"] == "finished"
    assert api(s.p.hetang_clerk).put(f"{BASE}{drive['id']}/", body, format="json").status_code == 404
    # The township clerk sees the district's drive but may not change it.
    _error(api(s.p.clerk).put(f"{BASE}{drive['id']}/", body, format="json"), 403)
