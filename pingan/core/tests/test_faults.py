"""Faults outside the request: the database cannot be reached (503, Retry-After) and bodies the API will not
read (too deep: 400, too large: 413), all in the API's one JSON error shape; pages get a Chinese page.

The database is made unreachable for real (pingan.core.testing.database_unreachable: the connection
settings point at a closed port or a missing file), not by a mocked exception, so what is tested is the
driver's own failure travelling through Django's middleware, DRF's authentication and the error handlers."""

from __future__ import annotations

import json

import pytest
from django.http import HttpRequest
from django.test import Client
from rest_framework.test import APIClient

from conftest import PASSWORD
from pingan.accounts.models import ApiToken
from pingan.core.limits import json_depth
from pingan.core.testing import database_unreachable
from pingan.core.tests.test_api_errors import error_of

pytestmark = pytest.mark.django_db


def test_healthz_answers_503_json_with_retry_after_while_the_database_is_down_and_recovers():
    client = Client()
    with database_unreachable():
        response = client.get("/healthz")
    assert error_of(response, 503)["code"] == "service_unavailable"
    assert int(response["Retry-After"]) > 0
    assert client.get("/healthz").json() == {"status": "ok"}  # the next request connects again by itself


def test_the_api_answers_503_json_even_when_authentication_needs_the_database(people):
    _token, secret = ApiToken.objects.create(user=people.clerk, client="test")
    client = APIClient(raise_request_exception=False)  # answer as a server would, not re-raise to the test
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    with database_unreachable():
        response = client.get("/api/v1/cases/")
        posted = client.post("/api/v1/cases/", {"title": "x"}, format="json")
    assert error_of(response, 503)["code"] == "service_unavailable"
    assert response["Retry-After"]
    assert error_of(posted, 503)["code"] == "service_unavailable"
    assert client.get("/api/v1/cases/").status_code == 200


def test_pages_answer_a_chinese_503_page(people):
    client = Client(raise_request_exception=False)
    assert client.login(request=HttpRequest(), username="songshan_clerk", password=PASSWORD)
    with database_unreachable():
        response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"]
    assert response["Content-Type"].startswith("text/html")
    assert "系统暂时无法访问数据库" in response.content.decode()
    assert client.get("/").status_code in (200, 302)


# --- JSON limits -------------------------------------------------------------------------------------


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_depth_counts_nesting_like_rfc_8259_section_9():
    # RFC 8259 §9: "An implementation may set limits on the maximum depth of nesting." A scalar nests
    # nothing; each array or object adds one level.
    assert json_depth(1, 32) == 0
    assert json_depth([], 32) == 1
    assert json_depth({"a": [1, {"b": []}]}, 32) == 4
    assert json_depth(json.loads(nested(500)), 32) == 33  # counts no further than it must


@pytest.mark.parametrize("depth", [33, 100_000])
def test_deeply_nested_json_is_400_in_the_error_shape(api, people, depth):
    response = api(people.clerk).post("/api/v1/cases/", nested(depth), content_type="application/json")
    error = error_of(response, 400)
    assert error["code"] == "json_too_deep" and "32" in error["message"]


def test_json_at_the_depth_limit_is_read(api, people):
    response = api(people.clerk).post(
        "/api/v1/cases/", json.dumps({"title": json.loads(nested(31))}), content_type="application/json"
    )
    assert error_of(response, 400)["code"] == "invalid"  # read, then refused by validation


def test_json_over_the_size_limit_is_413_in_the_error_shape(api, people, settings):
    body = json.dumps({"title": "x", "description": "长" * (settings.PINGAN_API_JSON_MAX_BYTES // 3 + 1)})
    response = api(people.clerk).post("/api/v1/cases/", body, content_type="application/json")
    assert error_of(response, 413)["code"] == "request_too_large"


def test_a_20_mb_form_body_is_413_in_the_error_shape_not_an_html_400(api, people):
    body = "title=" + "x" * (20 * 1024 * 1024)
    response = api(people.clerk).post("/api/v1/cases/", body, content_type="application/x-www-form-urlencoded")
    assert error_of(response, 413)["code"] == "request_too_large"
