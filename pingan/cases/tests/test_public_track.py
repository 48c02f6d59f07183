"""A citizen follows their case with its number and the last four digits of their phone."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from lxml import html

from pingan.cases.public import CASE_NUMBER_PATTERN


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


def test_a_phone_offers_digits_for_the_phone_tail_and_letters_for_the_number(client, dispute):
    tree = html.fromstring(client.get("/track/").content.decode())
    [tail] = tree.xpath('//input[@name="phone_tail"]')
    assert (tail.get("inputmode"), tail.get("pattern"), tail.get("maxlength")) == ("numeric", "[0-9]{4}", "4")
    [number] = tree.xpath('//input[@name="number"]')
    assert (number.get("autocapitalize"), number.get("inputmode")) == ("characters", None)  # it has letters
    # The browser checks the number as the engine writes it (HTML's pattern matches the whole value).
    assert number.get("pattern") == CASE_NUMBER_PATTERN
    assert re.fullmatch(CASE_NUMBER_PATTERN, dispute.number)
    assert re.fullmatch(CASE_NUMBER_PATTERN, dispute.number.lower())  # the page upper-cases what it gets
    assert not re.fullmatch(CASE_NUMBER_PATTERN, dispute.number.replace("-", ""))
