"""The incident API's real answers validate against the OpenAPI document it publishes."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from pingan.incidents.services import incident_report
from tests.test_openapi_conformance import assert_conforms

URL = "/api/v1/incidents/"


@pytest.fixture(scope="module")
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_reports_lists_and_errors_conform(openapi, api, grids, photo):
    client = api(grids.worker)
    report = {"category": "inc_fire", "description": "楼道堆放杂物。", "lng": "113.09", "lat": "27.80"}
    created = client.post(URL, report | {"photos": [photo()]}, format="multipart")
    assert created.status_code == 201
    assert_conforms(openapi, "post", URL, created)
    refused = client.post(URL, report | {"photos": [photo("x.pdf", b"%PDF")]}, format="multipart")
    assert refused.status_code == 400
    assert_conforms(openapi, "post", URL, refused)
    listed = client.get(URL)
    assert_conforms(openapi, "get", URL, listed)
    detail_url = f"{URL}{created.json()['id']}/"
    assert_conforms(openapi, "get", detail_url, client.get(detail_url))


def test_conversion_conforms(openapi, api, grids):
    lead = incident_report(
        actor=grids.worker, category="inc_dispute_lead", description="邻里争执。", lng=113.09, lat=27.8
    )
    url = f"{URL}{lead.pk}/convert/"
    converted = api(grids.worker).post(
        url, {"dispute_category": "neighbour", "parties": [{"name": "张三"}]}, format="json"
    )
    assert converted.status_code == 201
    assert_conforms(openapi, "post", url, converted)
