"""Open311 GeoReport v2 to the letter of the spec (http://wiki.open311.org/GeoReport_v2, the text of
open311/open311.github.io GeoReport_v2/index.md): a location may be an address_string alone; start_date
and end_date are W3C values (https://www.w3.org/TR/NOTE-datetime), a complete date among them; a
description is plain text; GET requests lists the public requests, however they came in, with every
field of the spec's response."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from pingan.cases.models import Case
from pingan.core.models import AuditLog
from pingan.incidents.services import incident_report
from pingan.open311.models import Open311Request

from .conftest import PARK

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The fields of a request in the response of GET Service Requests and GET Service Request, in the
# spec's order (GeoReport v2, "GET Service Requests" → "Response").
SPEC_REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def written() -> tuple[int, int]:
    return Case.objects.count(), Open311Request.objects.count()


# --- a location by address_string -----------------------------------------------------------------
# Spec, POST Service Request: "A full location parameter must be submitted": one of lat & long,
# address_string or address_id.


def test_an_address_string_with_a_region_attribute_goes_to_that_township(file_request, zhuzhou):
    response = file_request(
        lat=None, long=None, address_string="嵩山路与泰山路口东北角", **{"attribute[region]": "430211004"}
    )
    assert response.status_code == 200, response.content.decode()
    [answer] = response.json()
    case = Case.objects.get()
    assert case.region == zhuzhou.songshan and case.assigned_org == zhuzhou.songshan_centre
    assert case.address == "嵩山路与泰山路口东北角" and case.lat is None
    assert answer["service_notice"].endswith(
        "所在区划:天元区 · 嵩山路街道(按 attribute[region]);承办单位:嵩山路街道综治中心。"
    )
    assert case.open311.attributes == {"region": "430211004"}


def test_an_address_string_alone_goes_to_a_district_clients_jurisdiction(client, other_app, zhuzhou, grids):
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": other_app.key,
            "service_code": "inc_sanitation",
            "description": "建设南路公交站旁垃圾堆积。",
            "address_string": "建设南路公交站",
        },
    )
    assert response.status_code == 200, response.content.decode()
    case = Case.objects.get()
    assert case.region == zhuzhou.hetang and case.assigned_org == zhuzhou.hetang_centre
    assert "所在区划:荷塘区(按接入单位的辖区);承办单位:荷塘区综治中心。" in response.json()[0]["service_notice"]
    [item] = client.get(f"/open311/v2/requests/{case.number}.json").json()
    assert (item["address"], item["address_id"], item["agency_responsible"]) == (
        "建设南路公交站",
        "430202",
        "荷塘区综治中心",
    )


def test_a_region_outside_the_clients_jurisdiction_is_refused(client, other_app, grids):
    before = (*written(), AuditLog.objects.count())
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": other_app.key,
            "service_code": "inc_sanitation",
            "description": "路灯不亮。",
            "address_string": "嵩山路",
            "attribute[region]": "430211004",
        },
    )
    assert response.status_code == 400
    assert [error["code"] for error in response.json()] == [400]
    assert "辖区" in response.json()[0]["description"]
    assert (*written(), AuditLog.objects.count()) == before


def test_with_a_key_the_region_list_is_the_clients_jurisdiction(client, other_app, zhuzhou):
    url = "/open311/v2/services/inc_sanitation.json"
    [_urgency, region] = client.get(url, {"api_key": other_app.key}).json()["attributes"]
    assert region["values"] == [{"key": "430202", "name": "荷塘区"}, {"key": "430202001", "name": "荷塘区月塘街道"}]
    assert client.get(url, {"api_key": "deadbeef.wrong"}).status_code == 403


# --- description is plain text ----------------------------------------------------------------------
# Spec, POST Service Request, description: "This may contain line breaks, but not html or code."

HTML_DESCRIPTIONS = [
    pytest.param("<p>泰山路口<b>垃圾桶</b>满溢</p>", "泰山路口垃圾桶满溢", id="tags"),
    pytest.param("井盖破损<script>alert('x')</script>,行人易踩空", "井盖破损,行人易踩空", id="script is code"),
    pytest.param("第一处:泰山路<br>第二处:长江路", "第一处:泰山路\n第二处:长江路", id="br is a line break"),
    pytest.param(
        "噪音 &gt; 70 分贝 &amp; 持续整夜<!-- from a rich editor -->", "噪音 > 70 分贝 & 持续整夜", id="entities"
    ),
    pytest.param("温度<30度时结冰,a < b", "温度<30度时结冰,a < b", id="plain text with < is kept"),
]


@pytest.mark.parametrize(("given", "kept"), HTML_DESCRIPTIONS)
def test_html_is_taken_out_of_the_description_and_its_text_kept(file_request, client, given, kept):
    response = file_request(description=given)
    assert response.status_code == 200, response.content.decode()
    case = Case.objects.get()
    assert case.description == kept
    [item] = client.get(f"/open311/v2/requests/{case.number}.json").json()
    assert item["description"] == kept


# --- start_date / end_date as complete dates --------------------------------------------------------
# Spec, GET Service Requests: start_date and end_date "Must use w3 format"; the W3C note lists "Complete
# date: YYYY-MM-DD (eg 1997-07-16)" among its formats. A date is read as a day in Asia/Shanghai (UTC+8,
# no daylight saving): 2026-11-01 starts at 2026-10-31T16:00:00Z, and an end date includes its whole day.

MOMENTS = {
    "before": datetime.datetime(2026, 10, 31, 23, 59, 59, tzinfo=SHANGHAI),
    "first": datetime.datetime(2026, 11, 1, 0, 0, 0, tzinfo=SHANGHAI),
    "last": datetime.datetime(2026, 11, 30, 23, 59, 59, tzinfo=SHANGHAI),
    "after": datetime.datetime(2026, 12, 1, 0, 0, 0, tzinfo=SHANGHAI),
}


@pytest.fixture
def filed_at_the_edges(file_request) -> dict[str, str]:
    numbers = {}
    for name, moment in MOMENTS.items():
        with time_machine.travel(moment, tick=False):
            numbers[name] = file_request().json()[0]["service_request_id"]
    assert Case.objects.get(number=numbers["first"]).registered_at == datetime.datetime(
        2026, 10, 31, 16, 0, tzinfo=datetime.UTC
    )
    return numbers


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"start_date": "2026-11-01", "end_date": "2026-11-30"}, {"first", "last"}),
        ({"start_date": "2026-11-01T00:00:00+08:00", "end_date": "2026-11-30"}, {"first", "last"}),
        ({"start_date": "2026-10-31T16:00:00Z", "end_date": "2026-11-30T15:59:59Z"}, {"first", "last"}),
        ({"start_date": "2026-11-30"}, {"last", "after"}),  # 90 days from the date
        ({"end_date": "2026-10-31"}, {"before"}),  # 90 days up to the end of the date
        ({"start_date": "2026-09-02", "end_date": "2026-11-30"}, {"before", "first", "last"}),  # 89 days + 1 day
    ],
)
def test_complete_dates_are_whole_days_in_shanghai(client, filed_at_the_edges, query, expected):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI), tick=False):
        response = client.get("/open311/v2/requests.json", query)
    assert response.status_code == 200, response.content.decode()
    assert {item["service_request_id"] for item in response.json()} == {filed_at_the_edges[n] for n in expected}


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ({"start_date": "2026-11"}, "2026-11-30T08:00:00+08:00 或 2026-11-30"),  # the note's "Year and month"
        ({"end_date": "2026-02-30"}, "end_date"),
        ({"start_date": "2026-09-01", "end_date": "2026-11-30"}, "90"),  # 90 whole days and one more
    ],
)
def test_other_dates_are_refused(client, db, query, needle):
    response = client.get("/open311/v2/requests.json", query)
    assert response.status_code == 400
    assert any(needle in error["description"] for error in response.json())


# --- GET requests lists every public request ---------------------------------------------------------

LNG_LAT = {"lng": float(PARK["long"]), "lat": float(PARK["lat"])}


@pytest.fixture
def reported(grids, dispute):
    """What came in elsewhere: a grid worker's reports from the phone page — litter (public) and one about
    a person (特殊人群, private) — and the dispute registered at the 嵩山路街道 counter."""
    litter = incident_report(
        actor=grids.worker, category="inc_sanitation", description="泰山路垃圾堆积,联系人13907330001。", **LNG_LAT
    )
    person = incident_report(
        actor=grids.worker, category="inc_special_groups", description="社区矫正对象张某近日未报到。", **LNG_LAT
    )
    return litter, person, dispute


def test_get_requests_lists_public_cases_however_they_came_in(client, reported, app, other_app):
    litter, person, dispute = reported
    response = client.get("/open311/v2/requests.json")
    [item] = response.json()
    assert list(item) == SPEC_REQUEST_FIELDS
    assert item["service_request_id"] == litter.number
    assert (item["zipcode"], item["media_url"], item["address_id"]) == (None, None, "430211004001001")
    assert item["description"] == "泰山路垃圾堆积,联系人139****0001。"
    body = response.content.decode()
    assert "13907330001" not in body and person.number not in body and dispute.number not in body
    # The city-wide hotline reads the same; 荷塘区's app reads 荷塘区, where nothing was reported.
    assert [i["service_request_id"] for i in client.get("/open311/v2/requests.json", {"api_key": app.key}).json()] == [
        litter.number
    ]
    assert client.get("/open311/v2/requests.json", {"api_key": other_app.key}).json() == []
    assert client.get(f"/open311/v2/requests/{litter.number}.json").status_code == 200
    for private in (person, dispute):
        assert client.get(f"/open311/v2/requests/{private.number}.json", {"api_key": app.key}).status_code == 404
    as_xml = client.get(f"/open311/v2/requests/{litter.number}.xml").content.decode()
    assert "<zipcode />" in as_xml and "<address_id>430211004001001</address_id>" in as_xml
