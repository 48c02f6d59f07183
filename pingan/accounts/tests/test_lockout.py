"""Sign-in lockout (django-axes) on the three doors that check a password: the web login, the admin login and
the API token endpoint. 5 failures for an account, or from one source address, lock it for 30 minutes
(等保 2.0 level 3, GB/T 22239-2019 8.1.4.1 b: "应具有登录失败处理功能,应配置并启用结束会话、限制非法登录次数和当
登录连接超时自动退出等相关措施"); the 6th try is refused even with the right password; the security administrator
unlocks. The counting rules are django-axes' documented ones (AXES_FAILURE_LIMIT: "the number of login attempts
allowed before a record is created for the failed logins"; locked when failures >= the limit; AXES_LOCKOUT_PARAMETERS
as a flat list: each parameter counts on its own)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import PASSWORD, TEST_NOW, make_user
from pingan.accounts.choices import Role
from pingan.accounts.management.commands.setup_roles import AUDITOR, SECADMIN, SYSADMIN
from pingan.accounts.services import sign_in_unlock
from pingan.core.errors import PermissionDeniedError
from pingan.core.models import AuditAction, AuditLog
from tests.test_openapi_conformance import assert_conforms, openapi  # noqa: F401 (fixture)

DOORS = ["web", "admin", "api"]
LOCKED_TEXT = "登录失败次数过多"


def attempt(client, door: str, username: str, password: str, **extra):
    if door == "api":
        return APIClient().post(
            "/api/v1/auth/token/", {"username": username, "password": password}, format="json", **extra
        )
    url = reverse("login") if door == "web" else "/admin/login/"
    return client.post(url, {"username": username, "password": password}, **extra)


def signed_in(door: str, response) -> bool:
    if door == "api":
        return response.status_code == 200 and "token" in response.json()
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def refused_as_wrong(door: str, response) -> bool:
    """The ordinary answer to a wrong password: the form again (web, admin), a 400 (API); not a lockout."""
    if door == "api":
        return response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    return response.status_code == 200 and LOCKED_TEXT not in response.content.decode()


def locked(door: str, response) -> bool:
    if response.status_code != 429 or not response.has_header("Retry-After"):
        return False
    if door == "api":
        error = response.json()["error"]
        return error["code"] == "locked_out" and LOCKED_TEXT in error["message"]
    body = response.content.decode()
    return LOCKED_TEXT in body and "登录已锁定" in body and "安全管理员" in body


@pytest.fixture
def clerk(people):
    people.clerk.is_staff = True  # so that the admin login would let them in with the right password
    people.clerk.save()
    return people.clerk


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS)
def test_four_failures_do_not_lock(client, clerk, door):
    for _ in range(4):
        assert refused_as_wrong(door, attempt(client, door, clerk.username, "wrong"))
    assert signed_in(door, attempt(client, door, clerk.username, PASSWORD))
    assert not AuditLog.objects.filter(action=AuditAction.LOCKOUT).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS)
def test_the_fifth_failure_locks_and_the_sixth_try_is_refused_even_with_the_right_password(client, clerk, door):
    with time_machine.travel(TEST_NOW, tick=False):
        for _ in range(4):
            assert refused_as_wrong(door, attempt(client, door, clerk.username, "wrong"))
        fifth = attempt(client, door, clerk.username, "wrong")
        assert locked(door, fifth)
        assert fifth["Retry-After"] == str(30 * 60)  # the whole cool-off, counted from this failure
        sixth = attempt(client, door, clerk.username, PASSWORD)
        assert locked(door, sixth) and not signed_in(door, sixth)
    assert "_auth_user_id" not in client.session
    assert not clerk.auth_token_set.exists()
    lockout = AuditLog.objects.get(action=AuditAction.LOCKOUT)  # one entry: refused tries do not add more
    assert lockout.object_type == "accounts.user" and lockout.object_id == str(clerk.pk)
    assert lockout.ip == "127.0.0.1" and lockout.changes["failures"] == 5
    assert lockout.changes["locked_until"] == (TEST_NOW + datetime.timedelta(minutes=30)).isoformat()


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS)
def test_the_lockout_ends_after_30_minutes_and_tries_during_it_do_not_extend_it(client, clerk, door):
    with time_machine.travel(TEST_NOW, tick=False):
        for _ in range(5):
            attempt(client, door, clerk.username, "wrong")
    with time_machine.travel(TEST_NOW + datetime.timedelta(minutes=20), tick=False):
        response = attempt(client, door, clerk.username, PASSWORD)
        assert locked(door, response) and response["Retry-After"] == str(10 * 60)
    with time_machine.travel(TEST_NOW + datetime.timedelta(minutes=30), tick=False):
        assert locked(door, attempt(client, door, clerk.username, PASSWORD))  # 30 minutes to the second
    with time_machine.travel(TEST_NOW + datetime.timedelta(minutes=30, seconds=1), tick=False):
        assert signed_in(door, attempt(client, door, clerk.username, PASSWORD))


@pytest.mark.django_db
def test_failures_on_different_doors_add_up(client, clerk):
    for door in ["web", "admin", "api", "web"]:
        assert refused_as_wrong(door, attempt(client, door, clerk.username, "wrong"))
    assert locked("api", attempt(client, "api", clerk.username, "wrong"))
    assert locked("admin", attempt(client, "admin", clerk.username, PASSWORD))


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS)
def test_five_failures_from_one_address_lock_the_address_for_every_account(client, clerk, people, door):
    for name in ["zhangsan", "lisi", "wangwu", "zhaoliu"]:
        assert refused_as_wrong(door, attempt(client, door, name, "wrong", REMOTE_ADDR="203.0.113.7"))
    assert locked(door, attempt(client, door, "sunqi", "wrong", REMOTE_ADDR="203.0.113.7"))
    # The address is locked, whoever signs in from it; the same person from elsewhere is not.
    assert locked(door, attempt(client, door, clerk.username, PASSWORD, REMOTE_ADDR="203.0.113.7"))
    assert signed_in(door, attempt(client, door, clerk.username, PASSWORD, REMOTE_ADDR="198.51.100.2"))
    entry = AuditLog.objects.get(action=AuditAction.LOCKOUT)
    assert entry.ip == "203.0.113.7" and entry.object_type == "accounts.signinfailures"
    assert entry.object_type_label == "登录失败与锁定"


@pytest.mark.django_db
def test_an_account_is_locked_whatever_addresses_the_failures_come_from(client, clerk):
    for n in range(5):
        attempt(client, "web", clerk.username, "wrong", REMOTE_ADDR=f"198.51.100.{n + 1}")
    assert locked("web", attempt(client, "web", clerk.username, PASSWORD, REMOTE_ADDR="192.0.2.44"))


@pytest.mark.django_db
@pytest.mark.parametrize("forwarded", ["10.9.8.7", "not-an-ip", "1.1.1.1, 2.2.2.2", ""])
def test_a_forged_forwarded_for_header_changes_nothing(client, clerk, forwarded):
    """Without trusted proxies (PINGAN_TRUSTED_PROXY_COUNT=0) the address is REMOTE_ADDR: varying
    X-Forwarded-For neither escapes the address's lockout nor fails the request."""
    for n in range(5):
        response = attempt(client, "api", f"nobody{n}", "wrong", HTTP_X_FORWARDED_FOR=f"{forwarded}{n}")
        assert response.status_code in (400, 429)
    assert locked("api", attempt(client, "api", clerk.username, PASSWORD, HTTP_X_FORWARDED_FOR="8.8.8.8"))


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(client, clerk, settings):
    settings.PINGAN_TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        attempt(client, "web", f"nobody{n}", "wrong", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    behind_same = attempt(
        client, "web", clerk.username, PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert locked("web", behind_same)
    # Another client behind the same proxy is another address.
    other = attempt(
        client, "web", clerk.username, PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.10"
    )
    assert signed_in("web", other)
    assert AuditLog.objects.get(action=AuditAction.LOCKOUT).changes["ip_address"] == "203.0.113.9"


@pytest.mark.django_db
def test_the_api_lockout_answer_is_documented(openapi, clerk):  # noqa: F811
    for _ in range(4):
        assert_conforms(openapi, "post", "/api/v1/auth/token/", attempt(None, "api", clerk.username, "wrong"))
    response = attempt(None, "api", clerk.username, "wrong")
    assert response.status_code == 429
    assert_conforms(openapi, "post", "/api/v1/auth/token/", response)
    assert "429" in openapi["paths"]["/api/v1/auth/token/"]["post"]["responses"]


# --- Unlocking: the security administrator, and only they ------------------------------------------------


@pytest.fixture
def administrators(zhuzhou):
    call_command("setup_roles", stdout=None)
    people = {}
    for role, group in [(Role.SECADMIN, SECADMIN), (Role.SYSADMIN, SYSADMIN), (Role.AUDITOR, AUDITOR)]:
        user = make_user(f"city_{role}", str(role.label), (zhuzhou.city_centre, role))
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=group))
        people[role] = user
    return people


def lock_out(client, clerk, address: str = "127.0.0.1") -> None:
    for _ in range(5):
        attempt(client, "web", clerk.username, "wrong", REMOTE_ADDR=address)
    assert locked("web", attempt(client, "web", clerk.username, PASSWORD, REMOTE_ADDR="192.0.2.1"))


CHANGELIST = "/admin/accounts/signinfailures/"


@pytest.mark.django_db
def test_the_security_administrator_unlocks_an_account_and_it_is_audited(client, clerk, administrators):
    lock_out(client, clerk)
    secadmin = administrators[Role.SECADMIN]
    client.force_login(secadmin)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    body = page.content.decode()
    assert clerk.username in body and "锁定至" in body and "解除所选账号的锁定" in body
    assert "删除所选" not in body  # counters are cleared by an audited unlock, never deleted
    from axes.models import AccessAttempt

    rows = list(AccessAttempt.objects.filter(username=clerk.username).values_list("pk", flat=True))
    response = client.post(CHANGELIST, {"action": "unlock_accounts", "_selected_action": rows})
    assert response.status_code == 302
    entry = AuditLog.objects.get(action=AuditAction.UNLOCK)
    assert entry.actor == secadmin and entry.object_type == "accounts.user" and entry.object_id == str(clerk.pk)
    assert entry.changes == {"username": clerk.username, "ip_address": "", "cleared": 1}
    client.logout()
    assert signed_in("web", attempt(client, "web", clerk.username, PASSWORD, REMOTE_ADDR="192.0.2.1"))


@pytest.mark.django_db
def test_the_security_administrator_unlocks_an_address(client, clerk, people, administrators):
    for n in range(5):
        attempt(client, "api", f"nobody{n}", "wrong", REMOTE_ADDR="203.0.113.7")
    client.force_login(administrators[Role.SECADMIN])
    from axes.models import AccessAttempt

    rows = list(AccessAttempt.objects.values_list("pk", flat=True)[:1])
    client.post(CHANGELIST, {"action": "unlock_addresses", "_selected_action": rows})
    assert AuditLog.objects.get(action=AuditAction.UNLOCK).changes["ip_address"] == "203.0.113.7"
    assert signed_in("api", attempt(client, "api", people.head.username, PASSWORD, REMOTE_ADDR="203.0.113.7"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.AUDITOR])
def test_no_other_administrator_may_unlock(client, clerk, administrators, role):
    lock_out(client, clerk)
    client.force_login(administrators[role])
    assert client.get(CHANGELIST).status_code == 403
    from axes.models import AccessAttempt

    rows = list(AccessAttempt.objects.values_list("pk", flat=True))
    assert client.post(CHANGELIST, {"action": "unlock_accounts", "_selected_action": rows}).status_code == 403
    with pytest.raises(PermissionDeniedError):
        sign_in_unlock(actor=administrators[role], username=clerk.username)
    assert not AuditLog.objects.filter(action=AuditAction.UNLOCK).exists()
    client.logout()
    assert locked("web", attempt(client, "web", clerk.username, PASSWORD, REMOTE_ADDR="192.0.2.1"))


@pytest.mark.django_db
def test_a_business_user_cannot_unlock(people):
    with pytest.raises(PermissionDeniedError):
        sign_in_unlock(actor=people.head, username=people.clerk.username)


@pytest.mark.django_db
def test_a_district_security_administrator_unlocks_only_the_districts_people(client, people, zhuzhou):
    call_command("setup_roles", stdout=None)
    district = make_user("tianyuan_secadmin", "天元区安全管理员", (zhuzhou.tianyuan_centre, Role.SECADMIN))
    district.is_staff = True
    district.save()
    district.groups.add(Group.objects.get(name=SECADMIN))
    lock_out(client, people.clerk)  # 嵩山路街道, in 天元区
    lock_out(client, people.hetang_clerk, address="198.51.100.77")  # 荷塘区
    client.force_login(district)
    body = client.get(CHANGELIST).content.decode()
    assert people.clerk.username in body and people.hetang_clerk.username not in body
    assert "解除所选来源地址的锁定" not in body  # addresses belong to no district
    with pytest.raises(PermissionDeniedError):
        sign_in_unlock(actor=district, username=people.hetang_clerk.username)
    with pytest.raises(PermissionDeniedError):
        sign_in_unlock(actor=district, ip_address="198.51.100.77")
    assert sign_in_unlock(actor=district, username=people.clerk.username) == 1
    assert AuditLog.objects.filter(action=AuditAction.UNLOCK).count() == 1
