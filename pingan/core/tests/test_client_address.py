"""The client's address (audit log, the tracking page's throttle) is REMOTE_ADDR unless the site is configured
to sit behind its own proxies (PINGAN_TRUSTED_PROXY_COUNT); a forged or malformed X-Forwarded-For is never
believed and never fails the request. Addresses are from the documentation ranges of RFC 5737 (192.0.2.0/24,
198.51.100.0/24, 203.0.113.0/24)."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from pingan.core.middleware import client_ip


def request(remote: str, forwarded: str | None = None) -> HttpRequest:
    made = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        made.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return made


@pytest.mark.parametrize("forwarded", [None, "203.0.113.7", "not-an-ip", "203.0.113.7, 198.51.100.9", "", ",,,"])
def test_without_proxies_of_our_own_the_header_is_never_believed(settings, forwarded):
    settings.PINGAN_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("192.0.2.10", forwarded)) == "192.0.2.10"


def test_behind_one_proxy_its_entry_names_the_client(settings):
    settings.PINGAN_TRUSTED_PROXY_COUNT = 1
    # nginx appends the address it saw; the client is the entry before our one proxy.
    assert client_ip(request("192.0.2.1", "203.0.113.7")) == "203.0.113.7"


def test_behind_one_proxy_what_the_client_put_in_front_is_ignored(settings):
    settings.PINGAN_TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 198.51.100.66"; nginx appended the address it really saw.
    assert client_ip(request("192.0.2.1", "198.51.100.66, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(request("192.0.2.1", "not-an-ip, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_client_is_the_second_entry_from_the_right(settings):
    settings.PINGAN_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request("192.0.2.2", "198.51.100.66, 203.0.113.7, 192.0.2.1")) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", [None, "not-an-ip", "", " , "])
def test_behind_a_proxy_a_malformed_or_missing_header_falls_back_to_the_peer(settings, forwarded):
    settings.PINGAN_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("192.0.2.1", forwarded)) == "192.0.2.1"


def test_an_unreadable_peer_address_is_none_not_an_error(settings):
    settings.PINGAN_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("testserver-peer", "not-an-ip")) is None


@pytest.mark.django_db
def test_a_malformed_header_neither_fails_an_unmask_nor_reaches_the_audit_log(client, dispute, people):
    from django.urls import reverse

    from pingan.core.models import AuditAction, AuditLog

    client.force_login(people.clerk)
    response = client.post(
        reverse("case-unmask", args=[dispute.pk]),
        {"reason": "电话联系当事人安排调解"},
        HTTP_X_FORWARDED_FOR="not-an-ip",
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 200
    entry = AuditLog.objects.filter(action=AuditAction.UNMASK).latest("id")
    assert entry.ip == "192.0.2.44"
