"""Session limits (pingan.accounts.sessions) at their boundaries: idle 30 minutes, 12 hours after signing in,
one session per user when configured. Outside reference: GB/T 22239-2019 (等保 2.0) 8.1.4.1 b) "应具有登录失败
处理功能,应配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施"; the limits are the issue's."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.http import HttpRequest
from django.test import Client

from conftest import PASSWORD, TEST_NOW
from pingan.core.models import AuditAction, AuditLog

T = TEST_NOW
SECOND = datetime.timedelta(seconds=1)


def signed_in(people) -> Client:
    client = Client()
    with time_machine.travel(T, tick=False):
        assert client.login(request=HttpRequest(), username=people.clerk.username, password=PASSWORD)
    return client


def at(moment: datetime.datetime, client: Client, path: str = "/cases/"):
    with time_machine.travel(moment, tick=False):
        return client.get(path)


def ended(response, message: str, client: Client) -> bool:
    if response.status_code != 302 or not response["Location"].startswith("/accounts/login/?next="):
        return False
    return message in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_idle_for_30_minutes_ends_the_session(people):
    client = signed_in(people)
    assert at(T + datetime.timedelta(minutes=30) - SECOND, client).status_code == 200  # activity recorded
    last = T + datetime.timedelta(minutes=30) - SECOND
    assert at(last + datetime.timedelta(minutes=30) - SECOND, client).status_code == 200
    later = last + datetime.timedelta(minutes=30) - SECOND
    response = at(later + datetime.timedelta(minutes=30), client)
    assert ended(response, "您已 30 分钟未操作,请重新登录", client)
    assert at(later + datetime.timedelta(minutes=31), client).status_code == 302  # signed out for good
    entry = AuditLog.objects.filter(action=AuditAction.LOGOUT).get()
    assert entry.actor == people.clerk and entry.changes == {"via": "web", "ended_by": "idle"}


@pytest.mark.django_db
def test_activity_is_written_at_most_once_a_minute_so_idle_counts_from_then(people):
    client = signed_in(people)
    at(T + datetime.timedelta(seconds=59), client)  # within the minute: not written
    response = at(T + datetime.timedelta(minutes=30), client)
    assert ended(response, "请重新登录", client)


@pytest.mark.django_db
def test_twelve_hours_after_signing_in_the_session_ends_however_busy(people):
    client = signed_in(people)
    moment = T
    while moment < T + datetime.timedelta(hours=12) - datetime.timedelta(minutes=25):
        moment += datetime.timedelta(minutes=25)
        assert at(moment, client).status_code == 200, moment
    assert at(T + datetime.timedelta(hours=12) - SECOND, client).status_code == 200
    response = at(T + datetime.timedelta(hours=12), client)
    assert ended(response, "登录已超过 12 小时,请重新登录", client)
    entry = AuditLog.objects.filter(action=AuditAction.LOGOUT).get()
    assert entry.changes["ended_by"] == "max_age"


@pytest.mark.django_db
def test_the_limits_come_from_the_settings(people, settings):
    settings.PINGAN_SESSION_IDLE_MINUTES = 5
    settings.PINGAN_SESSION_MAX_HOURS = 1
    client = signed_in(people)
    assert at(T + datetime.timedelta(minutes=5) - SECOND, client).status_code == 200
    last = T + datetime.timedelta(minutes=5) - SECOND
    assert ended(at(last + datetime.timedelta(minutes=5), client), "您已 5 分钟未操作", client)
    client = signed_in(people)
    for minutes in range(4, 60, 4):
        assert at(T + datetime.timedelta(minutes=minutes), client).status_code == 200
    assert ended(at(T + datetime.timedelta(hours=1), client), "登录已超过 1 小时", client)


@pytest.mark.django_db
def test_an_api_call_on_an_ended_session_is_unauthenticated(people):
    client = signed_in(people)
    response = at(T + datetime.timedelta(minutes=30), client, "/api/v1/cases/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] in ("not_authenticated", "permission_denied")


@pytest.mark.django_db
def test_one_session_per_user_when_configured(people, settings):
    first = signed_in(people)
    second = signed_in(people)
    assert at(T + SECOND, first).status_code == 200  # off by default: both hold
    assert at(T + SECOND, second).status_code == 200

    settings.PINGAN_SINGLE_SESSION = True
    third = signed_in(people)  # the newest sign-in ends the others
    assert at(T + 2 * SECOND, third).status_code == 200
    response = at(T + 2 * SECOND, first)
    assert ended(response, "您的账号已在其他地方登录", first)
    assert at(T + 2 * SECOND, second).status_code == 302
    assert at(T + 3 * SECOND, third).status_code == 200
    assert {e.changes.get("ended_by") for e in AuditLog.objects.filter(action=AuditAction.LOGOUT)} == {"replaced"}


@pytest.mark.django_db
def test_the_session_cookie_lives_no_longer_than_the_absolute_limit(settings, people):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    client = signed_in(people)
    assert client.session.get_expiry_age() == 12 * 3600
