"""Optimistic locking of camera points (core.concurrency): an edit of a stale copy answers 409 with the
changed fields, on the page and in the API (RFC 9110 §13.1.1 If-Match)."""

from __future__ import annotations

import re

import pytest

from pingan.cameras import services
from pingan.core.tests.test_api_errors import error_of

pytestmark = pytest.mark.django_db


def test_a_camera_form_opened_before_another_edit_is_refused_with_409(client, people, cameras):
    camera = cameras.taishan_gate
    client.force_login(people.district_clerk)
    url = f"/cameras/{camera.pk}/edit/"
    token = re.search(r'name="edit_token" value="([0-9a-f]+)"', client.get(url).content.decode())
    assert token
    services.camera_update(actor=people.district_clerk, camera=camera, status="fault")
    data = {
        "edit_token": token.group(1),
        "name": "泰山路口(新)",
        "camera_type": camera.camera_type,
        "status": "online",  # the old copy's status
        "lng": "113.09",
        "lat": "27.80",
        "coord_system": "wgs84",
        "owner_unit": camera.owner_unit,
    }
    response = client.post(url, data)
    assert response.status_code == 409, response.context["form"].errors
    assert "其他人已修改了" in response.content.decode()
    camera.refresh_from_db()
    assert (camera.status, camera.name) == ("fault", cameras.taishan_gate.name)


def test_the_camera_api_answers_409_for_a_stale_if_match(api, people, cameras):
    camera = cameras.taishan_gate
    client = api(people.district_clerk)
    url = f"/api/v1/cameras/{camera.pk}/"
    read = client.get(url)
    services.camera_update(actor=people.district_clerk, camera=camera, owner_unit="天元区城管局")
    error = error_of(client.patch(url, {"name": "x"}, format="json", HTTP_IF_MATCH=read["ETag"]), 409)
    assert error["code"] == "stale_edit" and set(error["fields"]) == {"owner_unit"}
    fresh = client.get(url)
    assert client.patch(url, {"name": "x"}, format="json", HTTP_IF_MATCH=fresh["ETag"]).status_code == 200
