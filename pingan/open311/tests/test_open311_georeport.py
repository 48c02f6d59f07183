"""An existing Open311 client from PyPI (`georeport`) lists our services and reads our requests over real
HTTP (pytest-django's live server), in both of the formats it speaks."""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

from pingan.cases.models import Case

from .conftest import PARK


def as_list(found) -> list:
    """xmltodict gives one member as a dict and several as a list."""
    return found if isinstance(found, list) else [found]


@pytest.fixture
def endpoint(migration_data, live_server) -> str:
    return f"{live_server.url}/open311/v2"


@pytest.fixture
def filed_number(endpoint, app, grids) -> str:
    """A citizen's report sent by the hotline's app (georeport has no POST, so plain HTTP)."""
    response = requests.post(
        f"{endpoint}/requests.json",
        data={
            "api_key": app.key,
            "jurisdiction_id": "zhuzhou.gov.cn",
            "service_code": "inc_sanitation",
            "description": "泰山路口垃圾桶满溢,已两天无人清运。",
            "last_name": "张",
            "first_name": "明",
            "phone": "13800138000",
            **PARK,
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()[0]["service_request_id"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_lists_services_and_reads_requests(endpoint, filed_number, fmt):
    client = GeoReport(endpoint, jurisdiction="zhuzhou.gov.cn", output_format=fmt)

    services = {s["service_code"]: s for s in client.get_service_list()}
    assert services["inc_sanitation"]["service_name"] == "环境卫生"
    assert services["neighbour"]["group"] == "矛盾纠纷"

    definition = client.get_service_definition("neighbour")
    attributes = as_list(definition["attributes"]["attribute"]) if fmt == "xml" else definition["attributes"]
    assert [a["code"] for a in attributes] == ["urgency", "other_party", "region"]

    found = client.get_service_requests(service_code="inc_sanitation", status="open")
    [request] = as_list(found)
    assert request["service_request_id"] == filed_number
    assert request["agency_responsible"] == Case.objects.get(number=filed_number).assigned_org.name
    assert request["requested_datetime"].endswith("+08:00") and request["expected_datetime"].endswith("+08:00")

    single = client.get_service_request(filed_number)
    assert single["service_request_id"] == filed_number and single["status"] == "open"

    assert "13800138000" not in str(found) and "张明" not in str(single)
    if fmt == "json":  # georeport cannot parse an empty XML list (<service_requests/>): its own limitation
        assert client.get_service_requests(status="closed") == []


def test_georeport_sees_the_spec_errors(endpoint, db):
    client = GeoReport(endpoint, jurisdiction="zhuzhou.gov.cn")
    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_definition("potholes")
    assert refused.value.response.status_code == 404
    assert refused.value.response.json()[0]["code"] == 404
    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_requests(start_date="2026-11")  # a month: not a date nor a datetime
    assert refused.value.response.status_code == 400
