"""The Open311 scene: the city's 12345 hotline runs a "随手拍" app that files requests through Open311,
and a district's app that is a different client."""

from __future__ import annotations

import pytest

from pingan.open311.services import client_issue
from pingan.regions.choices import OrgType
from pingan.regions.models import Organization

PARK = {"lat": "27.80", "long": "113.09"}  # inside 泰山社区第1网格
YUETANG = {"lat": "27.86", "long": "113.26"}  # inside 月塘社区第1网格
OUTSIDE = {"lat": "26.0", "long": "112.0"}  # outside every grid


@pytest.fixture
def hotline(zhuzhou) -> Organization:
    """株洲市12345政务服务便民热线, a city-wide department: its apps may file anywhere in the city."""
    return Organization.objects.create(
        code="H430200", name="株洲市12345政务服务便民热线", org_type=OrgType.LETTERS, region=zhuzhou.city
    )


@pytest.fixture
def app(hotline):
    """The hotline's 随手拍 app and its key (an IssuedKey: .client, .key)."""
    return client_issue(actor=None, name="12345随手拍", organization=hotline)


@pytest.fixture
def other_app(zhuzhou):
    """荷塘区's own app: another client, with its own key."""
    return client_issue(actor=None, name="荷塘区随手拍", organization=zhuzhou.hetang_centre)


@pytest.fixture
def file_request(client, app, grids):
    """POST requests.json with the app's key; keyword arguments override the form fields."""

    def post(fmt="json", **fields):
        data = {
            "api_key": app.key,
            "service_code": "inc_sanitation",
            "description": "泰山路口垃圾桶满溢,臭味明显,已两天无人清运。",
            "address_string": "泰山路与长江南路交叉口",
            **PARK,
            **fields,
        }
        return client.post(f"/open311/v2/requests.{fmt}", {k: v for k, v in data.items() if v is not None})

    return post
