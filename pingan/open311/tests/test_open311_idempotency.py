"""`Idempotency-Key` on Open311 `POST requests`: a client's retry files one request; another request under a
used key is refused with 422 in the spec's error list (draft-ietf-httpapi-idempotency-key-header §2.7)."""

from __future__ import annotations

import pytest

from pingan.cases.models import Case

from .conftest import PARK, YUETANG

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_retry_with_the_same_key_answers_the_first_filing(client, app, grids, fmt):
    def post(**extra):
        data = {"api_key": app.key, "service_code": "inc_sanitation", "description": "垃圾桶满溢。", **PARK, **extra}
        return client.post(f"/open311/v2/requests.{fmt}", data, HTTP_IDEMPOTENCY_KEY="app-retry-1")

    first, again = post(), post()
    assert first.status_code == again.status_code and first.status_code in (200, 201)
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1

    refused = post(description="另一件事。")
    assert refused.status_code == 422
    if fmt == "json":
        [error] = refused.json()
        assert error["code"] == 422 and "Idempotency-Key" in error["description"]
    assert Case.objects.count() == 1


def test_keys_belong_to_one_client(client, app, other_app, grids):
    def post(issued, where):
        data = {"api_key": issued.key, "service_code": "inc_sanitation", "description": "垃圾桶满溢。", **where}
        return client.post("/open311/v2/requests.json", data, HTTP_IDEMPOTENCY_KEY="same-key")

    assert post(app, PARK).status_code in (200, 201)
    other = post(other_app, YUETANG)  # 荷塘区's app, in its own district, with the same key
    assert other.status_code in (200, 201) and not other.has_header("Idempotent-Replayed")
    assert Case.objects.count() == 2
