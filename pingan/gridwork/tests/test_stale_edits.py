"""Optimistic locking of grid members (core.concurrency): the edit of a stale copy is refused with 409 and
the changed fields, on the page and in the API (RFC 9110 §13.1.1 If-Match). The incident it prevents: a
member's phone changed by one clerk was silently put back by another clerk's older form."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pingan.core.tests.test_api_errors import error_of
from pingan.gridwork import services
from pingan.gridwork.choices import MemberRole

pytestmark = pytest.mark.django_db


def form_data(page: str, **fields: str) -> dict[str, str]:
    token = re.search(r'name="edit_token" value="([0-9a-f]+)"', page)
    assert token, "the edit form carries the version it was filled from"
    return {"edit_token": token.group(1), **fields}


def test_a_form_opened_before_someone_changed_the_phone_is_refused_with_409_naming_it(client, people, grids):
    member = grids.volunteer
    url = reverse("grid-member-edit", args=[member.pk])
    client.force_login(people.clerk)
    page = client.get(url).content.decode()
    services.member_update(actor=people.clerk, member=member, phone="13907339999")  # another clerk, meanwhile

    stale = form_data(page, grid=grids.taishan_1.code, role=MemberRole.VOLUNTEER, name=member.name, note="复核")
    response = client.post(url, stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert "其他人已修改了联系电话" in body
    member.refresh_from_db()
    assert member.phone == "13907339999" and member.note == ""  # nothing reverted, nothing written

    fresh = form_data(client.get(url).content.decode(), grid=grids.taishan_1.code, role=MemberRole.VOLUNTEER)
    fresh.update(name=member.name, phone="13907339999", note="复核", is_active="on")
    assert client.post(url, fresh).status_code == 302
    member.refresh_from_db()
    assert member.note == "复核"


def test_the_api_answers_409_with_the_changed_fields_for_a_stale_if_match(api, people, grids):
    member = grids.volunteer
    client = api(people.clerk)
    url = f"/api/v1/grid-members/{member.pk}/"
    read = client.get(url)
    assert read.status_code == 200 and read["ETag"].startswith('"')
    services.member_update(actor=people.clerk, member=member, phone="13907339999", building="5栋")

    response = client.patch(url, {"note": "复核"}, format="json", HTTP_IF_MATCH=read["ETag"])
    error = error_of(response, 409)
    assert error["code"] == "stale_edit" and set(error["fields"]) == {"phone", "building"}

    again = client.get(url)
    ok = client.patch(url, {"note": "复核"}, format="json", HTTP_IF_MATCH=again["ETag"])
    assert ok.status_code == 200 and ok["ETag"] != again["ETag"]
    assert client.patch(url, {"note": "无 If-Match 不检查"}, format="json").status_code == 200
    bad = client.patch(url, {"note": "x"}, format="json", HTTP_IF_MATCH='"not-a-token"')
    assert error_of(bad, 400)["code"] == "invalid_edit_token"
