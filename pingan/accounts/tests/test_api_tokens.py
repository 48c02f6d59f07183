"""API tokens (django-rest-knox): stored as digests, expiring, one per client, revocable, and dead after a
password change. The digest is knox's documented one (SECURE_HASH_ALGORITHM, default hashlib.sha512, of the
token's text), checked here against hashlib itself; expiry is knox's rule (a token whose expiry is earlier
than now is deleted and refused), checked to the second at the TTL boundary."""

from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from conftest import PASSWORD, TEST_NOW
from pingan.accounts.models import ApiToken, User
from pingan.core.models import AuditAction, AuditLog
from tests.test_openapi_conformance import assert_conforms, openapi  # noqa: F401 (fixture)

TOKEN_URL = "/api/v1/auth/token/"


def issue(username: str = "songshan_clerk", password: str = PASSWORD, **body) -> dict:
    response = APIClient().post(TOKEN_URL, {"username": username, "password": password, **body}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token: str) -> bool:
    status = with_token(token).get("/api/v1/regions/").status_code
    assert status in (200, 401)
    return status == 200


@pytest.mark.django_db
def test_a_token_is_shown_once_and_stored_as_its_sha512_digest(people):
    with time_machine.travel(TEST_NOW, tick=False):
        answer = issue(client="网格通-安卓")
    assert set(answer) == {"token", "expiry", "client"} and answer["client"] == "网格通-安卓"
    assert parse_datetime(answer["expiry"]) == TEST_NOW + datetime.timedelta(hours=12)  # the default TTL
    stored = ApiToken.objects.get(user=people.clerk)
    assert stored.digest == hashlib.sha512(answer["token"].encode()).hexdigest()
    assert answer["token"] not in {stored.digest, stored.token_key, str(stored.pk)}
    assert works(answer["token"])
    entry = AuditLog.objects.get(action=AuditAction.TOKEN_CREATE)
    assert entry.actor == people.clerk and entry.changes == {"user": "songshan_clerk", "client": "网格通-安卓"}
    assert AuditLog.objects.filter(action=AuditAction.TOKEN_CREATE).count() == 1


@pytest.mark.django_db
def test_the_old_body_still_works_and_the_otp_field_is_accepted(people):
    assert issue()["client"] == "默认"
    assert issue(otp="123456", client="脚本")["client"] == "脚本"


@pytest.mark.django_db
def test_a_token_expires_at_the_ttl_to_the_second(people):
    with time_machine.travel(TEST_NOW, tick=False):
        token = issue()["token"]
    with time_machine.travel(TEST_NOW + datetime.timedelta(hours=12), tick=False):
        assert works(token)  # expiry == now: still good (knox refuses expiry < now)
    with time_machine.travel(TEST_NOW + datetime.timedelta(hours=12, seconds=1), tick=False):
        response = with_token(token).get("/api/v1/regions/")
        assert response.status_code == 401 and response.json()["error"]["code"] == "authentication_failed"
    assert not ApiToken.objects.exists()  # an expired token is deleted when presented


@pytest.mark.django_db
def test_the_ttl_is_configurable(people, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": datetime.timedelta(hours=1)}
    with time_machine.travel(TEST_NOW, tick=False):
        answer = issue()
    assert parse_datetime(answer["expiry"]) == TEST_NOW + datetime.timedelta(hours=1)
    with time_machine.travel(TEST_NOW + datetime.timedelta(hours=1, seconds=1), tick=False):
        assert not works(answer["token"])


@pytest.mark.django_db
def test_one_token_per_client_a_new_one_replaces_the_old(people):
    phone = issue(client="网格通-安卓")["token"]
    script = issue(client="统计脚本")["token"]
    assert works(phone) and works(script)
    phone_again = issue(client="网格通-安卓")["token"]
    assert not works(phone) and works(phone_again) and works(script)
    assert sorted(ApiToken.objects.filter(user=people.clerk).values_list("client", flat=True)) == [
        "统计脚本",
        "网格通-安卓",
    ]
    replaced = AuditLog.objects.get(action=AuditAction.TOKEN_REVOKE)
    assert replaced.reason == "同一客户端重新签发" and replaced.changes["client"] == "网格通-安卓"
    # Another user's token for the same client name is theirs alone.
    head = issue("songshan_head", client="网格通-安卓")["token"]
    assert works(head) and works(phone_again)


@pytest.mark.django_db
def test_the_list_shows_the_users_own_tokens_without_secrets(openapi, people):  # noqa: F811
    phone = issue(client="网格通-安卓")["token"]
    issue(client="统计脚本")
    issue("songshan_head", client="别人的")
    response = with_token(phone).get("/api/v1/auth/tokens/")
    assert_conforms(openapi, "get", "/api/v1/auth/tokens/", response)
    listed = response.json()
    assert [(t["client"], t["current"]) for t in listed] == [("统计脚本", False), ("网格通-安卓", True)]
    assert all(set(t) == {"id", "client", "created", "expiry", "current"} for t in listed)
    assert phone not in response.content.decode()


@pytest.mark.django_db
def test_logout_revokes_the_token_used_and_no_other(openapi, people):  # noqa: F811
    phone = issue(client="网格通-安卓")["token"]
    script = issue(client="统计脚本")["token"]
    response = with_token(phone).post("/api/v1/auth/logout/")
    assert response.status_code == 204
    assert not works(phone) and works(script)
    entry = AuditLog.objects.get(action=AuditAction.TOKEN_REVOKE)
    assert entry.actor == people.clerk and entry.reason == "退出登录" and entry.changes["client"] == "网格通-安卓"
    assert_conforms(openapi, "post", "/api/v1/auth/logout/", with_token(phone).post("/api/v1/auth/logout/"))


@pytest.mark.django_db
def test_a_user_revokes_one_of_their_tokens_but_never_anothers(people):
    phone = issue(client="网格通-安卓")["token"]
    script = issue(client="统计脚本")["token"]
    theirs = issue("songshan_head")["token"]
    lost = ApiToken.objects.get(user=people.clerk, client="网格通-安卓")
    other = ApiToken.objects.get(user=people.head)
    forbidden = with_token(script).delete(f"/api/v1/auth/tokens/{other.pk}/")
    assert forbidden.status_code == 404 and forbidden.json()["error"]["code"] == "not_found"
    assert works(theirs)
    assert with_token(script).delete(f"/api/v1/auth/tokens/{2**70}/").status_code == 404  # beyond bigint: no 500
    assert with_token(script).delete(f"/api/v1/auth/tokens/{lost.pk}/").status_code == 204
    assert not works(phone) and works(script)
    assert AuditLog.objects.get(action=AuditAction.TOKEN_REVOKE).reason == "用户吊销"


@pytest.mark.django_db
def test_the_token_pages_need_a_signed_in_caller(people):
    for method, url in [
        ("get", "/api/v1/auth/tokens/"),
        ("post", "/api/v1/auth/logout/"),
        ("delete", "/api/v1/auth/tokens/1/"),
    ]:
        response = getattr(APIClient(), method)(url)
        assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_a_signed_in_browser_lists_its_users_tokens_but_cannot_log_a_token_out(client, people):
    issue(client="统计脚本")
    client.force_login(people.clerk)
    assert [t["client"] for t in client.get("/api/v1/auth/tokens/").json()] == ["统计脚本"]
    assert client.post("/api/v1/auth/logout/").status_code == 401  # logout revokes a token: it needs one


# --- A password change kills every token, whichever path changed it ----------------------------------


@pytest.mark.django_db
def test_set_password_and_save_revokes_every_token(people):
    tokens = [issue(client=name)["token"] for name in ("网格通-安卓", "统计脚本")]
    user = User.objects.get(pk=people.clerk.pk)
    user.set_password("Another-pass-2026")
    user.save()
    assert not any(works(t) for t in tokens)
    revoked = AuditLog.objects.filter(action=AuditAction.TOKEN_REVOKE)
    assert revoked.count() == 2 and {e.reason for e in revoked} == {"密码已修改"}


@pytest.mark.django_db
def test_a_password_changed_in_the_back_office_revokes_every_token(client, people, django_user_model):
    token = issue()["token"]
    root = django_user_model.objects.create_superuser("root", password="Pingan-admin-2022")
    client.force_login(root)
    response = client.post(
        f"/admin/accounts/user/{people.clerk.pk}/password/",
        {"password1": "Another-pass-2026", "password2": "Another-pass-2026", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not works(token)


@pytest.mark.django_db
def test_other_saves_leave_tokens_alone(people):
    token = issue()["token"]  # signing in saved last_login (update_fields) already
    user = User.objects.get(pk=people.clerk.pk)
    user.full_name = "刘晓晓"
    user.save()
    user.refresh_from_db()
    user.save()
    assert works(token)


@pytest.mark.django_db
def test_a_new_password_from_a_command_revokes_tokens(people):
    """`manage.py changepassword` and every other path end in User.save with a new hash."""
    token = issue()["token"]
    user = User.objects.get(pk=people.clerk.pk)
    user.password = "md5$salt$0123456789abcdef0123456789abcdef"
    user.save(update_fields=["password"])
    assert not works(token)


@pytest.mark.django_db
def test_a_token_call_costs_one_query_for_authentication(people, django_assert_num_queries):
    token = issue()["token"]
    client = with_token(token)
    with django_assert_num_queries(2):  # the token with its user (knox's would also sweep the others), the list
        assert client.get("/api/v1/auth/tokens/").status_code == 200


# --- The second factor on the token endpoint ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_user_who_needs_a_second_factor_gets_a_token_only_with_a_good_code(people, settings):
    """A clerk (centre staff, who may unmask personal data) must give a TOTP code: without an enrolled device
    the endpoint says to enrol on the web; a wrong code is a failed sign-in (counted by the lockout, audited);
    the current code gives a token. The code is computed here from RFC 6238's formula (django_otp.oath.totp
    over the device's key), not read from our code."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.PINGAN_OTP_ENFORCED = True
    body = {"username": "songshan_clerk", "password": PASSWORD}
    refused = APIClient().post(TOKEN_URL, body, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["otp"] == ["该账号须先在网页端绑定动态口令,再获取接口令牌"]

    device = TOTPDevice.objects.create(user=people.clerk, name="phone", confirmed=True)
    failures_before = AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED).count()
    now_code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    wrong_code = "000000" if now_code != "000000" else "000001"
    wrong = APIClient().post(TOKEN_URL, {**body, "otp": wrong_code}, format="json")
    assert wrong.status_code == 400 and "otp" in wrong.json()["error"]["fields"]
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED).count() == failures_before + 1

    with time_machine.travel(TEST_NOW + datetime.timedelta(minutes=2), tick=False):
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
        issued = APIClient().post(TOKEN_URL, {**body, "otp": code}, format="json")
    assert issued.status_code == 200, issued.content
    assert works(issued.json()["token"])
