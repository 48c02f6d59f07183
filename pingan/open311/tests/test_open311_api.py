"""Open311 GeoReport v2: what a client sees, what it may file, and how every bad request is refused in
the spec's error shape with nothing written."""

from __future__ import annotations

import datetime
import re

import pytest
import xmltodict
from django.http import HttpRequest
from django.utils import timezone

from pingan.accounts.models import User
from pingan.cases import workflows
from pingan.cases.choices import Channel, PartyRole
from pingan.cases.models import Case, Category, Party
from pingan.core.models import AuditLog
from pingan.open311.models import Open311Client, Open311Request

from .conftest import OUTSIDE, PARK, YUETANG

W3C_SHANGHAI = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def xml(response) -> dict:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return xmltodict.parse(response.content)


def written() -> tuple[int, int, int, int]:
    return Case.objects.count(), Party.objects.count(), Open311Request.objects.count(), AuditLog.objects.count()


# --- discovery and services --------------------------------------------------------------------------


def test_discovery_names_this_endpoint_and_both_formats(client, db):
    data = client.get("/open311/v2/discovery.json").json()
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert data["changeset"] and data["contact"] and data["key_service"]
    as_xml = xml(client.get("/open311/v2/discovery.xml"))["discovery"]
    assert as_xml["endpoints"]["endpoint"]["formats"]["format"] == ["text/xml", "application/json"]


def test_services_are_incident_and_dispute_categories_grouped_by_kind(client, db):
    services = {s["service_code"]: s for s in client.get("/open311/v2/services.json").json()}
    assert services["inc_fire"] | {"description": ""} == {
        "service_code": "inc_fire",
        "service_name": "消防",
        "description": "",
        "metadata": True,
        "type": "realtime",
        "keywords": "消防,网格事件",
        "group": "网格事件",
    }
    assert services["neighbour"]["group"] == "矛盾纠纷" and services["neighbour"]["type"] == "batch"
    assert (
        "不公开" in services["inc_special_groups"]["description"]
        and "不公开" not in services["inc_fire"]["description"]
    )
    offered = Category.objects.filter(kind__in=["incident", "dispute"], is_active=True)
    assert set(services) == set(offered.values_list("code", flat=True))
    as_xml = xml(client.get("/open311/v2/services.xml"))["services"]["service"]
    fire = next(s for s in as_xml if s["service_code"] == "inc_fire")
    assert (fire["metadata"], fire["type"], fire["group"]) == ("true", "realtime", "网格事件")


def test_inactive_category_is_not_offered(client, db):
    Category.objects.filter(code="inc_fire").update(is_active=False)
    codes = {s["service_code"] for s in client.get("/open311/v2/services.json").json()}
    assert "inc_fire" not in codes
    assert client.get("/open311/v2/services/inc_fire.json").status_code == 404


def test_service_definition_lists_attributes_with_their_values(client, zhuzhou):
    definition = client.get("/open311/v2/services/neighbour.json").json()
    assert definition["service_code"] == "neighbour"
    urgency, other_party, region = definition["attributes"]
    assert (urgency["code"], urgency["datatype"], urgency["required"], urgency["order"]) == (
        "urgency",
        "singlevaluelist",
        False,
        1,
    )
    assert urgency["values"] == [{"key": "normal", "name": "一般"}, {"key": "urgent", "name": "紧急"}]
    assert (other_party["code"], other_party["datatype"], other_party["variable"]) == ("other_party", "string", True)
    assert (region["code"], region["datatype"], region["required"], region["order"]) == (
        "region",
        "singlevaluelist",
        False,
        3,
    )
    assert region["values"] == [
        {"key": "430202", "name": "荷塘区"},
        {"key": "430202001", "name": "荷塘区月塘街道"},
        {"key": "430211", "name": "天元区"},
        {"key": "430211004", "name": "天元区嵩山路街道"},
    ]
    as_xml = xml(client.get("/open311/v2/services/neighbour.xml"))["service_definition"]
    assert as_xml["attributes"]["attribute"][0]["values"]["value"][1] == {"key": "urgent", "name": "紧急"}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_definition_is_404_in_the_spec_error_shape(client, db, fmt):
    response = client.get(f"/open311/v2/services/potholes.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        [error] = response.json()
        assert error["code"] == 404 and "potholes" in error["description"]
    else:
        error = xml(response)["errors"]["error"]
        assert error["code"] == "404" and "potholes" in error["description"]


def test_unknown_jurisdiction_is_404_and_ours_is_accepted(client, db):
    assert client.get("/open311/v2/services.json?jurisdiction_id=example.org").status_code == 404
    assert client.get("/open311/v2/services.json?jurisdiction_id=zhuzhou.gov.cn").status_code == 200
    assert client.get("/open311/v2/services.json?jurisdiction_id=").status_code == 200  # empty = not given


def test_unknown_resources_and_formats_answer_the_spec_404(client, db):
    for path in ["/open311/v2/services.csv", "/open311/v2/", "/open311/v2/nothing.json"]:
        response = client.get(path)
        assert response.status_code == 404, path
    assert client.get("/open311/v2/nothing.json").json()[0]["code"] == 404
    assert xml(client.get("/open311/v2/services.csv"))["errors"]["error"]["code"] == "404"


def test_wrong_method_is_refused_with_allow(client, db):
    response = client.post("/open311/v2/services.json")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert response.json()[0]["code"] == 405


# --- filing -------------------------------------------------------------------------------------------


def test_a_request_with_a_location_becomes_an_ordinary_case_in_its_grid(file_request, app, zhuzhou, grids):
    response = file_request(first_name="明", last_name="张", phone="13800138000", email="zm@example.com")
    assert response.status_code == 200
    [answer] = response.json()
    case = Case.objects.get()
    assert answer == {
        "service_request_id": case.number,
        "service_notice": answer["service_notice"],
        "account_id": None,
    }
    assert case.number.startswith("SJ") and case.kind == "incident" and case.category.code == "inc_sanitation"
    assert case.channel == Channel.ONLINE
    assert case.region == grids.taishan_1 and case.assigned_org == zhuzhou.taishan_centre
    assert case.created_by == app.client.service_user and case.intake_org == app.client.organization
    assert (float(case.lat), float(case.lng)) == (27.8, 113.09)
    assert case.address == "泰山路与长江南路交叉口" and case.title.startswith("环境卫生:泰山路口垃圾桶满溢")
    [reporter] = case.parties.all()
    assert (reporter.role, reporter.name, reporter.phone) == (PartyRole.REPORTER, "张明", "13800138000")
    filed = case.open311
    assert filed.client == app.client and filed.token is None
    assert answer["service_notice"].endswith(
        "所在区划:天元区 · 嵩山路街道 · 泰山社区 · 泰山社区第1网格(按经纬度定位);承办单位:泰山社区综治中心。"
    )
    assert filed.reporter_email == "zm@example.com"
    assert case.events.filter(type="registered").exists()


def test_gcj02_coordinates_are_converted_before_locating(file_request, grids):
    import prcoords

    shifted = prcoords.wgs_gcj((27.80, 113.09))  # what a Chinese map app shows for that spot (~600 m off)
    response = file_request(lat=str(shifted.lat), long=str(shifted.lon), coord_system="gcj02")
    assert response.status_code == 200, response.content
    case = Case.objects.get()
    assert case.region == grids.taishan_1
    assert abs(float(case.lng) - 113.09) < 1e-5 and abs(float(case.lat) - 27.80) < 1e-5


def test_a_dispute_is_filed_by_community_code_and_answers_a_token(client, file_request, zhuzhou):
    response = file_request(
        service_code="neighbour",
        lat="",
        long="",
        address_id=zhuzhou.taishan.code,
        address_string="泰山路88号3栋",
        description="楼上漏水,协商不成,申请调解。",
        first_name="三",
        last_name="张",
        phone="13800138000",
        **{"attribute[other_party]": "李四", "attribute[urgency]": "urgent"},
    )
    assert response.status_code == 200, response.content
    [answer] = response.json()
    assert set(answer) == {"token", "service_notice", "account_id"}
    case = Case.objects.get()
    assert case.kind == "dispute" and case.region == zhuzhou.taishan and case.urgency == "urgent"
    assert [(p.role, p.name) for p in case.parties.all()] == [
        (PartyRole.APPLICANT, "张三"),
        (PartyRole.RESPONDENT, "李四"),
    ]
    assert case.open311.attributes == {"urgency": "urgent"}  # the other party's name lives only in the party
    for fmt in ("json", "xml"):
        token = client.get(f"/open311/v2/tokens/{answer['token']}.{fmt}")
        assert token.status_code == 200
    assert client.get(f"/open311/v2/tokens/{answer['token']}.json").json() == [
        {"service_request_id": case.number, "token": answer["token"]}
    ]
    assert client.get("/open311/v2/tokens/no-such-token.json").status_code == 404


def test_urgency_is_the_reporters_or_the_categorys_default(file_request):
    fire = file_request(service_code="inc_fire").json()[0]["service_request_id"]
    calm = file_request(service_code="inc_fire", **{"attribute[urgency]": "normal"}).json()[0]["service_request_id"]
    litter = file_request().json()[0]["service_request_id"]
    urgency = dict(Case.objects.values_list("number", "urgency"))
    assert (urgency[fire], urgency[calm], urgency[litter]) == ("urgent", "normal", "normal")


def test_a_json_body_is_refused_with_a_clear_message(client, app, grids):
    before = written()
    response = client.post(
        "/open311/v2/requests.json",
        {"api_key": app.key, "service_code": "inc_fire", "description": "x", **PARK},
        content_type="application/json",
    )
    assert response.status_code == 400 and "x-www-form-urlencoded" in response.json()[0]["description"]
    assert written() == before


def test_the_answer_in_xml_follows_the_spec(file_request):
    response = file_request(fmt="xml", account_id="wx-123")
    assert response.status_code == 200
    request = xml(response)["service_requests"]["request"]
    assert request["service_request_id"] == Case.objects.get().number and request["account_id"] == "wx-123"


BAD_POSTS = [
    pytest.param({"api_key": None}, 403, "api_key", id="no key"),
    pytest.param({"api_key": "deadbeef.not-the-key"}, 403, "api_key", id="bad key"),
    pytest.param({"api_key": "no-dot"}, 403, "api_key", id="malformed key"),
    pytest.param({"service_code": "potholes"}, 404, "potholes", id="unknown service code"),
    pytest.param({"service_code": None}, 400, "service_code", id="no service code"),
    pytest.param({"lat": None, "long": None, "address_string": None}, 400, "缺少位置", id="no location"),
    pytest.param({"lat": None, "long": None}, 400, "attribute[region]", id="address text only, city-wide client"),
    pytest.param(
        {"lat": None, "long": None, "attribute[region]": "430299"}, 400, "attribute[region]", id="unknown region"
    ),
    pytest.param(
        {"lat": None, "long": None, "attribute[region]": "430211004001"},
        400,
        "attribute[region]",
        id="region below township level",
    ),
    pytest.param(
        {"lat": None, "long": None, "address_id": "430211004001", "attribute[region]": "430202"},
        400,
        "不在 attribute[region]",
        id="address_id outside the region",
    ),
    pytest.param({"attribute[region]": "430202"}, 400, "不在所选区划", id="point outside the region"),
    pytest.param({"long": None}, 400, "lat 与 long", id="lat without long"),
    pytest.param({"lat": "north"}, 400, "lat", id="lat not a number"),
    pytest.param({"lat": "95"}, 400, "lat", id="lat out of range"),
    pytest.param({"long": "nan"}, 400, "long", id="long not finite"),
    pytest.param(OUTSIDE, 400, "不在任何网格内", id="point outside every grid"),
    pytest.param({"coord_system": "mars"}, 400, "coord_system", id="unknown coordinate system"),
    pytest.param({"lat": None, "long": None, "address_id": "430299"}, 400, "address_id", id="unknown address_id"),
    pytest.param({"description": None}, 400, "description", id="no description"),
    pytest.param({"description": "长" * 4001}, 400, "4000", id="description too long"),
    pytest.param({"description": "<p> </p><script>alert(1)</script>"}, 400, "HTML", id="description only markup"),
    pytest.param({"phone": "12345"}, 400, "phone", id="bad phone"),
    pytest.param({"email": "not-an-email"}, 400, "email", id="bad email"),
    pytest.param({"media_url": "ftp://example.com/a.jpg"}, 400, "media_url", id="bad media url"),
    pytest.param({"attribute[urgency]": "critical"}, 400, "urgency", id="value not in the list"),
    pytest.param({"attribute[colour]": "red"}, 400, "colour", id="unknown attribute"),
    pytest.param({"service_code": "neighbour"}, 400, "申请人姓名", id="dispute without applicant"),
    pytest.param({"jurisdiction_id": "example.org"}, 404, "jurisdiction_id", id="unknown jurisdiction"),
]


@pytest.mark.parametrize(("fields", "status", "needle"), BAD_POSTS)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_requests_are_refused_and_nothing_is_written(file_request, fields, status, needle, fmt):
    before = written()
    response = file_request(fmt=fmt, **fields)
    assert response.status_code == status, response.content.decode()
    if fmt == "json":
        errors = response.json()
    else:
        found = xml(response)["errors"]["error"]
        errors = found if isinstance(found, list) else [found]
    assert all(int(error["code"]) == status for error in errors)
    assert any(needle in error["description"] for error in errors), errors
    assert written() == before


def test_all_mistakes_are_reported_at_once(file_request):
    response = file_request(lat=None, long=None, address_string=None, description=None, phone="1")
    assert response.status_code == 400
    descriptions = " ".join(error["description"] for error in response.json())
    assert "description" in descriptions and "缺少位置" in descriptions and "phone" in descriptions


def test_an_inactive_client_is_refused(file_request, app):
    Open311Client.objects.filter(pk=app.client.pk).update(is_active=False)
    assert file_request().status_code == 403


def test_a_district_app_cannot_file_outside_its_district(client, other_app, grids):
    before = written()
    response = client.post(
        "/open311/v2/requests.json",
        {"api_key": other_app.key, "service_code": "inc_fire", "description": "楼道堆放杂物", **PARK},
    )
    assert response.status_code == 400
    assert "辖区" in response.json()[0]["description"]
    assert written() == before
    inside = client.post(
        "/open311/v2/requests.json",
        {"api_key": other_app.key, "service_code": "inc_fire", "description": "楼道堆放杂物", **YUETANG},
    )
    assert inside.status_code == 200


def test_filing_is_limited_per_key_and_minute(file_request, app, monkeypatch):
    monkeypatch.setattr("pingan.open311.views._window", lambda: 29_000_000)  # all three in the same minute
    Open311Client.objects.filter(pk=app.client.pk).update(rate_limit=2)
    assert [file_request().status_code for _ in range(2)] == [200, 200]
    before = written()
    response = file_request()
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert response.json()[0]["code"] == 429
    assert written() == before


# --- reading ------------------------------------------------------------------------------------------


@pytest.fixture
def filed(file_request, zhuzhou):
    """A public incident (垃圾满溢) and a private dispute (邻里), both filed by the hotline's app."""
    incident = file_request(
        first_name="明",
        last_name="张",
        phone="13800138000",
        email="zm@example.com",
        media_url="https://img.example/1.jpg",
    ).json()[0]
    dispute = file_request(
        service_code="neighbour",
        description="楼上漏水,联系人电话13912345678或0731-22880000,身份证430211198503150016。",
        first_name="三",
        last_name="张",
        phone="13800138001",
    ).json()[0]
    return Case.objects.get(number=incident["service_request_id"]), Case.objects.get(open311__token=dispute["token"])


def test_anyone_reads_public_requests_without_personal_data(client, filed, zhuzhou):
    incident, dispute = filed
    response = client.get("/open311/v2/requests.json")
    [item] = response.json()
    assert item["service_request_id"] == incident.number
    assert item | {"updated_datetime": None} == {
        "service_request_id": incident.number,
        "status": "open",
        "status_notes": workflows.get("incident").state_label(incident.status),
        "service_name": "环境卫生",
        "service_code": "inc_sanitation",
        "description": "泰山路口垃圾桶满溢,臭味明显,已两天无人清运。",
        "agency_responsible": incident.assigned_org.name,
        "service_notice": item["service_notice"],
        "requested_datetime": timezone.localtime(incident.registered_at).isoformat(timespec="seconds"),
        "updated_datetime": None,
        "expected_datetime": timezone.localtime(incident.deadline).isoformat(timespec="seconds"),
        "address": "泰山路与长江南路交叉口",
        "address_id": "430211004001001",
        "zipcode": None,
        "lat": 27.8,
        "long": 113.09,
        "media_url": "https://img.example/1.jpg",
    }
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C_SHANGHAI.match(item[key]), item[key]
    body = response.content.decode()
    for secret in ("张明", "13800138000", "zm@example.com", "张三"):
        assert secret not in body


def test_a_private_request_is_read_only_by_the_client_that_filed_it(client, filed, app, other_app):
    _incident, dispute = filed
    url = f"/open311/v2/requests/{dispute.number}.json"
    assert client.get(url).status_code == 404
    assert client.get(url, {"api_key": other_app.key}).status_code == 404
    assert client.get(url, {"api_key": "deadbeef.wrong"}).status_code == 403
    [item] = client.get(url, {"api_key": app.key}).json()
    assert item["service_request_id"] == dispute.number and item["status_notes"] == workflows.get(
        "dispute"
    ).state_label(dispute.status)
    assert "13912345678" not in item["description"] and "139****5678" in item["description"]
    assert "430211198503150016" not in item["description"] and "430211********0016" in item["description"]
    assert "0731-22880000" not in item["description"] and "0731-****0000" in item["description"]
    listed = client.get("/open311/v2/requests.json", {"api_key": app.key}).json()
    assert {i["service_request_id"] for i in listed} == {dispute.number, _incident.number}
    # 荷塘区's app reads as its organisation: the public requests of 荷塘区, and the 天元区 incident is not one.
    assert client.get("/open311/v2/requests.json", {"api_key": other_app.key}).json() == []
    assert "13800138001" not in client.get(url, {"api_key": app.key}).content.decode()


def test_a_single_request_in_xml(client, filed):
    incident, _dispute = filed
    request = xml(client.get(f"/open311/v2/requests/{incident.number.lower()}.xml"))["service_requests"]["request"]
    assert request["service_request_id"] == incident.number and request["status"] == "open"
    assert request["lat"] == "27.8" and request["expected_datetime"].endswith("+08:00")


def test_requests_filter_by_ids_code_status_and_dates(client, filed, file_request):
    incident, dispute = filed
    fire = Case.objects.get(number=file_request(service_code="inc_fire").json()[0]["service_request_id"])
    Case.objects.filter(pk=fire.pk).update(closed_at=timezone.now(), state_type="closed")

    def numbers(**query):
        response = client.get("/open311/v2/requests.json", query)
        assert response.status_code == 200, response.content
        return {item["service_request_id"] for item in response.json()}

    assert numbers() == {incident.number, fire.number}
    assert numbers(service_code="inc_fire") == {fire.number}
    assert numbers(service_code="inc_fire,inc_sanitation") == {incident.number, fire.number}
    assert numbers(status="closed") == {fire.number}
    assert numbers(status="open") == {incident.number}
    assert numbers(status="open,closed") == {incident.number, fire.number}
    # service_request_id overrides every other filter; private ones stay hidden.
    assert numbers(service_request_id=f"{fire.number},{dispute.number}", status="open") == {fire.number}
    now = timezone.now()
    assert numbers(start_date=(now + datetime.timedelta(hours=1)).isoformat()) == set()
    assert numbers(end_date=(now - datetime.timedelta(hours=1)).isoformat()) == set()
    week_ago = timezone.localtime(now - datetime.timedelta(days=7)).isoformat(timespec="seconds")
    assert numbers(start_date=week_ago.replace("+", " ")) == {incident.number, fire.number}  # unencoded "+"
    assert numbers(start_date="2026-01-01T00:00:00Z", end_date="2026-02-01T00:00:00Z") == set()
    [closed] = client.get("/open311/v2/requests.json", {"status": "closed"}).json()
    fire.refresh_from_db()
    assert closed["updated_datetime"] == timezone.localtime(fire.closed_at).isoformat(timespec="seconds")


def test_old_requests_fall_outside_the_default_90_days(client, filed):
    incident, _dispute = filed
    Case.objects.filter(pk=incident.pk).update(registered_at=timezone.now() - datetime.timedelta(days=91))
    assert client.get("/open311/v2/requests.json").json() == []
    assert len(client.get("/open311/v2/requests.json", {"service_request_id": incident.number}).json()) == 1


BAD_QUERIES = [
    pytest.param({"start_date": "yesterday"}, "start_date", id="not a date"),
    pytest.param({"start_date": "2026-11-01T00:00:00"}, "时区", id="no timezone"),
    pytest.param({"end_date": "2026-13-01T00:00:00Z"}, "end_date", id="no such month"),
    pytest.param(
        {"start_date": "2026-11-02T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"}, "不能晚于", id="start after end"
    ),
    pytest.param({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90", id="over 90 days"),
    pytest.param({"status": "pending"}, "status", id="unknown status"),
    pytest.param({"service_code": "potholes"}, "potholes", id="unknown service code"),
]


@pytest.mark.parametrize(("query", "needle"), BAD_QUERIES)
def test_bad_request_queries_are_400(client, db, query, needle):
    response = client.get("/open311/v2/requests.json", query)
    assert response.status_code == 400
    assert any(needle in error["description"] for error in response.json())


def test_request_list_has_no_n_plus_one(client, file_request, django_assert_max_num_queries):
    for _ in range(5):
        file_request()
    with django_assert_max_num_queries(2):
        assert len(client.get("/open311/v2/requests.json").json()) == 5


def test_an_unknown_request_is_404(client, db):
    response = client.get("/open311/v2/requests/SJ20261130-9999.json")
    assert response.status_code == 404 and response.json()[0]["code"] == 404


def test_the_service_account_cannot_sign_in(client, app):
    user = User.objects.get(pk=app.client.service_user_id)
    assert not user.is_active and not user.has_usable_password()
    # A password sign-in passes the request, which the lockout backend (django-axes) needs.
    assert not client.login(request=HttpRequest(), username=user.username, password="")
