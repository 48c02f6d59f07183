"""The one JSON error shape, whatever goes wrong: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from conftest import PASSWORD


def error_of(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    error: dict[str, Any] = body["error"]
    assert error["message"]
    return error


@pytest.mark.django_db
def test_token_for_good_credentials_works_as_a_header(people):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "songshan_clerk", "password": PASSWORD}, format="json")
    assert response.status_code == 200 and set(response.json()) == {"token", "expiry", "client"}
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/regions/").status_code == 200


@pytest.mark.django_db
def test_bad_credentials_are_400_in_the_error_shape(people):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "songshan_clerk", "password": "wrong"}, format="json"
    )
    assert error_of(response, 400)["code"] == "invalid"
    error = error_of(APIClient().post("/api/v1/auth/token/", {}, format="json"), 400)
    assert {"username", "password"} <= set(error["fields"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/",
        "/api/v1/cases/1/",
        "/api/v1/regions/",
        "/api/v1/organizations/",
        "/api/v1/categories/",
        "/api/v1/notifications/",
        "/api/v1/mediators/?case=1",
        "/api/v1/cases/export.xlsx",
        "/api/v1/cases/1/agreement.docx",
    ],
)
def test_unauthenticated_calls_are_401(url):
    error = error_of(APIClient().get(url), 401)
    assert error["code"] == "not_authenticated"


@pytest.mark.django_db
def test_a_bad_token_is_401(people):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert error_of(client.get("/api/v1/cases/"), 401)["code"] == "authentication_failed"


@pytest.mark.django_db
def test_malformed_json_is_400(people, api):
    response = api(people.clerk).post("/api/v1/cases/", data='{"kind": "dispute", ', content_type="application/json")
    assert error_of(response, 400)["code"] == "malformed_request"


@pytest.mark.django_db
def test_wrong_method_and_media_type(people, api):
    client = api(people.clerk)
    assert error_of(client.delete("/api/v1/cases/"), 405)["code"] == "method_not_allowed"
    response = client.post("/api/v1/cases/", data="<xml/>", content_type="application/xml")
    assert error_of(response, 415)["code"] == "unsupported_media_type"


@pytest.mark.django_db
def test_not_found_is_404_in_the_error_shape(people, api):
    assert error_of(api(people.clerk).get("/api/v1/regions/999999999/"), 404)["code"] == "not_found"
