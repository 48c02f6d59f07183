"""`Idempotency-Key` on `POST /api/v1/cases/` (draft-ietf-httpapi-idempotency-key-header: the same key and
request answer the first answer again; the same key with another request is refused with 422)."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

from pingan.cases.models import Case
from pingan.core.idempotency import purge
from pingan.core.models import IdempotencyRecord
from pingan.core.tests.test_api_errors import error_of

from .test_api import intake

URL = "/api/v1/cases/"


def post(client, body, key):
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_the_same_key_and_body_answer_the_first_answer_again_and_create_one_case(api, people):
    client = api(people.clerk)
    first = post(client, intake(), "3f1c9a2e-retry")
    again = post(client, intake(), "3f1c9a2e-retry")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_422_in_the_error_shape(api, people):
    client = api(people.clerk)
    assert post(client, intake(), "k-1").status_code == 201
    error = error_of(post(client, intake(title="另一件事"), "k-1"), 422)
    assert error["code"] == "idempotency_key_reused" and "Idempotency-Key" in error["fields"]
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_one_user(api, people):
    assert post(api(people.clerk), intake(), "shared-key").status_code == 201
    other = post(api(people.head), intake(), "shared-key")  # the same key, another user: a request of its own
    assert other.status_code == 201 and not other.has_header("Idempotent-Replayed")
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_request_keeps_no_answer_and_the_key_stays_usable(api, people):
    client = api(people.clerk)
    assert post(client, intake(region="999999"), "k-2").status_code == 400
    assert not IdempotencyRecord.objects.exists()
    assert post(client, intake(), "k-2").status_code == 201


@pytest.mark.django_db
def test_without_a_key_every_post_is_its_own_and_a_malformed_key_is_400(api, people):
    client = api(people.clerk)
    assert client.post(URL, intake(), format="json").status_code == 201
    assert client.post(URL, intake(), format="json").status_code == 201
    assert Case.objects.count() == 2
    assert error_of(post(client, intake(), "键"), 400)["code"] == "invalid"  # RFC 8941 sf-string: ASCII only


@pytest.mark.django_db
def test_answers_expire_after_the_ttl_and_are_purged(api, people, settings):
    client = api(people.clerk)
    assert post(client, intake(), "k-3").status_code == 201
    later = timezone.now() + datetime.timedelta(hours=settings.PINGAN_IDEMPOTENCY_TTL_HOURS, minutes=1)
    assert purge(now=timezone.now()) == 0
    assert purge(now=later) == 1
    assert post(client, intake(), "k-3").status_code == 201  # an expired key counts as new
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    call_command("idempotency_purge")
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_posts_create_exactly_one_case(people):
    """Eight threads send the same request with the same key at once (PostgreSQL: each on its own
    connection; the unique constraint makes the later INSERTs wait for the first transaction)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need a server database (PostgreSQL)")
    barrier = threading.Barrier(8)
    answers: list[tuple[int, dict[str, Any]]] = []

    def send() -> None:
        client = APIClient()
        client.force_authenticate(user=people.clerk)
        barrier.wait()
        try:
            response = post(client, intake(), "concurrent-1")
            answers.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Case.objects.count() == 1
    assert [status for status, _body in answers] == [201] * 8
    assert len({body["number"] for _status, body in answers}) == 1
