"""A citizen follows their case with its number and the last four digits of their phone."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_citizen_sees_progress_without_personal_data(client, dispute):
    response = client.post("/track/", {"number": dispute.number, "phone_tail": "8000"})
    assert response.status_code == 200
    body = response.content.decode()
    assert dispute.number in body and "待受理" in body
    assert "张三" not in body and "13800138000" not in body and "漏水" not in body


def test_wrong_phone_finds_nothing(client, dispute):
    assert client.post("/track/", {"number": dispute.number, "phone_tail": "1234"}).status_code == 404


def test_guessing_is_throttled(client, dispute):
    for _ in range(10):
        client.post("/track/", {"number": "MJ20220101-0001", "phone_tail": "0000"})
    assert client.post("/track/", {"number": dispute.number, "phone_tail": "8000"}).status_code == 429
