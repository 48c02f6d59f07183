"""The register's API (/api/v1/lawguard/): the same services, filters and jurisdiction as the pages."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import credit_code
from pingan.lawguard.models import Enterprise


@pytest.fixture
def scene(lawguard_scene):
    return lawguard_scene


def test_list_and_filters(api, scene):
    client = api(scene.staff)
    body = client.get("/api/v1/lawguard/enterprises/").json()
    assert [row["name"] for row in body["results"]] == [scene.enterprise.name]
    assert body["results"][0]["has_guards"] is True
    assert client.get("/api/v1/lawguard/enterprises/", {"has_guards": "false"}).json()["results"] == []
    assert client.get("/api/v1/lawguard/enterprises/", {"region": "430202"}).json()["results"] == []


def test_detail_masks_and_shows_the_guards(api, scene):
    client = api(scene.staff)
    body = client.get(f"/api/v1/lawguard/enterprises/{scene.enterprise.pk}/").json()
    assert {g["role"] for g in body["guards"]} == {"judge", "prosecutor", "police", "lawyer"}
    assert client.get(f"/api/v1/lawguard/enterprises/{scene.other.pk}/").status_code == 404


def test_create_update_and_refusals(api, scene, zhuzhou):
    client = api(scene.staff)
    data = {
        "name": "API企业",
        "credit_code": scene.enterprise.credit_code,
        "industry": "C",
        "scale": "small",
        "address": "泰山路",
        "region": zhuzhou.taishan.code,
    }
    refused = client.post("/api/v1/lawguard/enterprises/", data, format="json")
    assert refused.status_code == 400 and "credit_code" in refused.json()["error"]["fields"]
    created = client.post(
        "/api/v1/lawguard/enterprises/", {**data, "credit_code": credit_code("91430211MA4L9X8Y7")}, format="json"
    )
    assert created.status_code == 201 and created.json()["workstation"]["id"] == scene.station.pk
    pk = created.json()["id"]
    outside = client.patch(f"/api/v1/lawguard/enterprises/{pk}/", {"region": zhuzhou.yuetang_c.code}, format="json")
    assert outside.status_code == 400
    changed = client.patch(f"/api/v1/lawguard/enterprises/{pk}/", {"scale": "micro"}, format="json")
    assert changed.status_code == 200 and changed.json()["scale"] == "micro"
    assert client.patch(f"/api/v1/lawguard/enterprises/{scene.other.pk}/", {"scale": "micro"}).status_code == 404


def test_guards_list_and_assign(api, scene):
    client = api(scene.staff)
    url = f"/api/v1/lawguard/enterprises/{scene.enterprise.pk}/guards/"
    response = client.post(
        url,
        {"role": "judge", "person_name": "钱法官", "unit": "天元区人民法院", "started_on": "2022-07-01"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["is_current"]
    judges = [g for g in client.get(url).json() if g["role"] == "judge"]
    assert [(g["person_name"], g["ended_on"]) for g in judges] == [("钱法官", None), ("周法官", "2022-06-30")]
    assert api(scene.staff).get(f"/api/v1/lawguard/enterprises/{scene.other.pk}/guards/").status_code == 404


def test_import_all_or_nothing(api, scene):
    client = api(scene.staff)
    csv = (
        "企业名称,统一社会信用代码,行业门类,企业规模,地址,区划代码\n"
        "甲,91440300192317458F,C,小型,泰山路,430211004001\n"
        "乙,91440300192317458F,C,小型,泰山路,430211004001\n"
    )
    upload = SimpleUploadedFile("e.csv", csv.encode())
    response = client.post("/api/v1/lawguard/enterprises/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert any("第 3 行" in row for row in response.json()["error"]["fields"]["rows"])
    assert not Enterprise.objects.filter(credit_code="91440300192317458F").exists()
    upload = SimpleUploadedFile("e.csv", io.BytesIO(csv.rsplit("乙", 1)[0].encode()).getvalue())
    response = client.post("/api/v1/lawguard/enterprises/import/", {"file": upload}, format="multipart")
    assert response.status_code == 200 and response.json() == {"total": 1, "created": 1}


def test_workstations_experts_and_accounts(api, scene, people):
    client = api(scene.staff)
    stations = client.get("/api/v1/lawguard/workstations/").json()["results"]
    assert [s["name"] for s in stations] == ["嵩山路法治护航工作站"] and stations[0]["enterprise_count"] == 1
    assert api(people.hetang_clerk).get(f"/api/v1/lawguard/workstations/{scene.station.pk}/").status_code == 404
    experts = client.get("/api/v1/lawguard/experts/", {"speciality": "ip"}).json()["results"]
    assert [e["name"] for e in experts] == ["何教授"]
    created = client.post(
        "/api/v1/lawguard/accounts/", {"enterprise": scene.enterprise.pk, "username": "zs_api"}, format="json"
    )
    assert created.status_code == 201 and len(created.json()["temporary_password"]) >= 10
    assert "no-store" in created["Cache-Control"]
    account_id = created.json()["id"]
    assert {a["username"] for a in client.get("/api/v1/lawguard/accounts/").json()["results"]} == {"zuanshi", "zs_api"}
    assert api(people.hetang_clerk).post(f"/api/v1/lawguard/accounts/{account_id}/deactivate/").status_code == 404
    done = client.post(f"/api/v1/lawguard/accounts/{account_id}/deactivate/")
    assert done.status_code == 200 and done.json()["is_active"] is False
    refused = api(people.hetang_clerk).post(
        "/api/v1/lawguard/accounts/", {"enterprise": scene.other.pk, "username": "x1"}, format="json"
    )
    assert refused.status_code == 403  # a centre clerk does not open portal accounts


def test_the_portal_user_gets_nothing(api, scene):
    assert api(scene.portal_user).get(reverse("api-lawguard-enterprise-list")).status_code == 403


def test_the_workstation_filter_works_in_the_api(api, scene, people):
    client = api(scene.staff)
    rows = client.get("/api/v1/lawguard/enterprises/", {"workstation": scene.station.pk}).json()["results"]
    assert [row["name"] for row in rows] == [scene.enterprise.name]
    # A workstation the user may not see is no valid choice.
    assert (
        api(people.hetang_clerk).get("/api/v1/lawguard/enterprises/", {"workstation": scene.station.pk}).status_code
        == 400
    )
