"""The second factor (动态口令): who needs one, the gate in front of every page and API call, enrolment with a
server-rendered QR code, verification by code or recovery code, the security administrator's reset, and
django-otp's TOTP checked at our boundary against RFC 6238 and Google Authenticator's key URI format."""

from __future__ import annotations

import datetime
import os
import runpy
from base64 import b32encode
from binascii import hexlify
from pathlib import Path
from urllib.parse import quote

import pytest
import segno
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

import pingan
from conftest import PASSWORD, make_user
from pingan.accounts import otp
from pingan.accounts.choices import ADMIN_ROLES, OTP_ROLES, UNMASK_ROLES, Role
from pingan.accounts.models import Membership
from pingan.core.errors import ApplicationError
from pingan.core.models import AuditAction, AuditLog


@pytest.fixture
def enforced(settings):
    settings.PINGAN_OTP_ENFORCED = True
    return settings


@pytest.fixture
def grid_worker(zhuzhou):
    return make_user("taishan_grid", "李网格", (zhuzhou.taishan_centre, Role.GRID_WORKER))


@pytest.fixture
def secadmin(zhuzhou):
    return make_user("city_secadmin", "安全管理员甲", (zhuzhou.city_centre, Role.SECADMIN))


def confirmed_device(user, *, recovery: list[str] | None = None) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name=otp.TOTP_DEVICE_NAME, confirmed=True)
    if recovery:
        static = StaticDevice.objects.create(user=user, name=otp.RECOVERY_DEVICE_NAME, confirmed=True)
        for token in recovery:
            StaticToken.objects.create(device=static, token=token)
    return device


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def verified_login(client, user) -> TOTPDevice:
    """Sign in as `user` with a session that has passed the second factor."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or confirmed_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


# --- Who needs a second factor ------------------------------------------------------------------------


def test_the_roles_that_need_a_second_factor():
    """The issue: the 三员 administrators, leaders and every role that can unmask personal data."""
    assert ADMIN_ROLES <= OTP_ROLES and Role.LEADER in OTP_ROLES and UNMASK_ROLES <= OTP_ROLES
    assert frozenset(Role) - {Role.GRID_WORKER} == OTP_ROLES


@pytest.mark.django_db
def test_otp_required_follows_posts_and_the_setting(settings, people, grid_worker, django_user_model):
    settings.PINGAN_OTP_ENFORCED = True
    staff = django_user_model.objects.create_user("bare_staff", password=PASSWORD, is_staff=True)
    for user in (people.clerk, people.head, people.mediator, people.justice, people.leader, staff):
        assert otp.otp_required(user), user
    assert not otp.otp_required(grid_worker)
    settings.PINGAN_OTP_ENFORCED = False
    assert not otp.otp_required(people.clerk)


def test_the_production_default_is_on(monkeypatch):
    """The suite turns the second factor off by default (conftest); the settings module, read without the
    environment variable, turns it on."""
    monkeypatch.delenv("PINGAN_OTP_ENFORCED", raising=False)
    module = runpy.run_path(str(Path(pingan.__file__).parent / "settings.py"))
    assert module["PINGAN_OTP_ENFORCED"] is True
    monkeypatch.setenv("PINGAN_OTP_ENFORCED", "0")
    assert runpy.run_path(str(Path(pingan.__file__).parent / "settings.py"))["PINGAN_OTP_ENFORCED"] is False
    assert os.environ["PINGAN_OTP_ENFORCED"] == "0"


# --- The gate -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_wait_for_the_second_factor(enforced, client, people):
    client.force_login(people.clerk)
    response = client.get("/cases/?light=red")
    assert response.status_code == 302
    assert response["Location"] == reverse("otp-enrol") + "?next=%2Fcases%2F%3Flight%3Dred"
    confirmed_device(people.clerk)
    response = client.get("/cases/")
    assert response["Location"] == reverse("otp-verify") + "?next=%2Fcases%2F"
    # Public pages and signing out stay open.
    assert client.get(reverse("track")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_htmx_requests_are_sent_by_hx_redirect(enforced, client, people):
    client.force_login(people.clerk)
    response = client.get("/cases/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("otp-enrol"))


@pytest.mark.django_db
def test_session_api_calls_are_refused_in_the_api_error_shape(enforced, client, people):
    client.force_login(people.clerk)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 403
    body = response.json()
    assert body["error"]["code"] == "otp_required" and "动态口令" in body["error"]["message"]
    assert body["error"]["fields"] == {}


@pytest.mark.django_db
def test_token_calls_are_left_to_token_authentication(enforced, client, people):
    """A call that carries a token is not the gate's: tokens are issued only after the second factor."""
    client.force_login(people.clerk)
    response = client.get("/api/v1/cases/", headers={"Authorization": "Token not-a-token"})
    assert response.status_code == 401
    # A header of a scheme no authenticator of the view knows leaves the session in charge: still gated.
    for header in ("Bearer not-a-token", "Basic Zm9vOmJhcg==", "garbage"):
        response = client.get("/api/v1/cases/", headers={"Authorization": header})
        assert response.status_code == 403 and response.json()["error"]["code"] == "otp_required", header


@pytest.mark.django_db
def test_a_verified_session_and_a_user_without_the_need_pass(enforced, client, people, grid_worker):
    verified_login(client, people.clerk)
    assert client.get("/cases/").status_code == 200
    assert client.get("/api/v1/cases/").status_code == 200
    client.force_login(grid_worker)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_nothing_is_gated_when_not_enforced(client, people):
    client.force_login(people.clerk)
    assert client.get("/cases/").status_code == 200


@pytest.mark.django_db
def test_the_back_office_needs_the_second_factor_too(enforced, client, secadmin):
    secadmin.is_staff = True
    secadmin.save()
    response = client.post("/admin/login/", {"username": secadmin.username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == reverse("otp-enrol") + "?next=%2Fadmin%2Faccounts%2Fuser%2F"


# --- Enrolment ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_enrolment_with_a_server_rendered_qr_code(enforced, client, people):
    user = people.clerk
    client.force_login(user)
    page = client.get(reverse("otp-enrol") + "?next=/cases/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    body = page.content.decode()
    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in body  # typed by hand, grouped
    # The QR code is drawn on the server (an inline SVG, no image from elsewhere) and encodes the key URI of
    # Google Authenticator's Key Uri Format, built here from the format's description: otpauth://totp/
    # ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER, SHA1, 6 digits, 30 s (the RFC 6238 defaults every phone app uses).
    # https://github.com/google/google-authenticator/wiki/Key-Uri-Format
    assert "<svg" in body and 'class="otp-qr"' in body and "<img" not in body
    expected = (
        f"otpauth://totp/{quote('平安株洲:songshan_clerk')}?secret={secret}&algorithm=SHA1&digits=6&period=30"
        f"&issuer={quote('平安株洲')}"
    )
    assert device.config_url == expected
    assert segno.make(expected, error="m").matrix == segno.make(device.config_url, error="m").matrix
    assert otp.qr_svg(device) in body
    # A reload shows the same secret (a phone that scanned it keeps working).
    assert secret in client.get(reverse("otp-enrol")).content.decode().replace(" ", "")
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = client.post(reverse("otp-enrol"), {"code": "000000", "next": "/cases/"})
    assert wrong.status_code == 400 and "动态口令不正确" in wrong.content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2), tick=True):
        done = client.post(reverse("otp-enrol"), {"code": current_code(device), "next": "/cases/"})
        assert done.status_code == 302
        assert done["Location"] == reverse("otp-recovery-codes") + "?next=%2Fcases%2F"
        device.refresh_from_db()
        assert device.confirmed
        tokens = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
        assert len(tokens) == 10 and len(set(tokens)) == 10
        shown = client.get(done["Location"]).content.decode()
        assert all(token in shown for token in tokens)
        assert client.get(done["Location"]).status_code == 302  # shown once
        assert client.get("/cases/").status_code == 200  # the session is verified
        entry = AuditLog.objects.get(action=AuditAction.OTP_ENROL)
        assert entry.actor == user and entry.object_id == str(user.pk)
        # Enrolled: the enrolment page cannot bind another phone.
        assert client.get(reverse("otp-enrol"))["Location"] == "/"


@pytest.mark.django_db
def test_an_enrolled_user_cannot_enrol_again(enforced, client, people):
    confirmed_device(people.clerk)
    client.force_login(people.clerk)
    response = client.get(reverse("otp-enrol"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp-verify"))
    assert not TOTPDevice.objects.filter(user=people.clerk, confirmed=False).exists()


@pytest.mark.django_db
def test_the_pages_are_for_those_who_need_them(enforced, client, grid_worker):
    assert client.get(reverse("otp-verify"))["Location"] == reverse("login")
    client.force_login(grid_worker)
    assert client.get(reverse("otp-enrol") + "?next=/cases/")["Location"] == "/cases/"
    assert client.get(reverse("otp-verify") + "?next=https://evil.example/")["Location"] == "/"


# --- Verification ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_verification_by_code_and_by_recovery_code(enforced, client, people):
    device = confirmed_device(people.clerk, recovery=["aaaabbbb", "ccccdddd"])
    client.force_login(people.clerk)
    url = reverse("otp-verify") + "?next=/cases/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": current_code(device)})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200

    # A new session: the same code again is refused (RFC 6238 §5.2: a code is accepted once).
    client.logout()
    client.force_login(people.clerk)
    replay = client.post(url, {"code": current_code(device)})
    assert replay.status_code == 400 and "不正确" in replay.content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3), tick=True):
        response = client.post(url, {"code": "AAAA-BBBB"})  # typed in capitals with a hyphen
        assert response.status_code == 302
        assert "还剩 1 个" in client.get("/cases/").content.decode()
    client.logout()
    client.force_login(people.clerk)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=6), tick=True):
        assert client.post(url, {"code": "aaaabbbb"}).status_code == 400  # used up


@pytest.mark.django_db
def test_wrong_codes_are_throttled(enforced, client, people):
    """django-otp's throttle: after n failures the device refuses any code for 2^(n-1) seconds."""
    device = confirmed_device(people.clerk)
    client.force_login(people.clerk)
    url = reverse("otp-verify")
    assert client.post(url, {"code": "000000"}).status_code == 400
    throttled = client.post(url, {"code": current_code(device)})
    assert throttled.status_code == 400 and "尝试过于频繁" in throttled.content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5), tick=True):
        assert client.post(url, {"code": current_code(device)}).status_code == 302


@pytest.mark.django_db
def test_guessing_codes_locks_the_account_like_guessing_passwords(enforced, client, people):
    """A wrong code is a failed sign-in (audited, counted by the lockout): the 5th wrong code answers the
    lockout (429) and ends the half-signed-in session; the right code cannot be used after that, nor can the
    password (django-axes' rule, PINGAN_LOCKOUT_FAILURES = 5)."""
    device = confirmed_device(people.clerk)
    client.force_login(people.clerk)
    url = reverse("otp-verify")
    wrong = "000000" if current_code(device) != "000000" else "000001"
    moment = timezone.now()
    for attempt in range(1, 6):
        moment += datetime.timedelta(seconds=2**attempt)  # past django-otp's doubling throttle each time
        with time_machine.travel(moment, tick=False):
            response = client.post(url, {"code": wrong})
        assert response.status_code == (429 if attempt == 5 else 400), attempt
    assert "登录失败次数过多" in response.content.decode() and int(response["Retry-After"]) > 0
    failures = AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED, changes__username=people.clerk.username)
    assert failures.count() == 5
    assert AuditLog.objects.filter(action=AuditAction.LOCKOUT).count() == 1
    with time_machine.travel(moment + datetime.timedelta(seconds=40), tick=False):
        after = client.post(url, {"code": current_code(device)})
        assert after.status_code == 302 and after["Location"].startswith(reverse("login"))  # signed out
        password = client.post(reverse("login"), {"username": people.clerk.username, "password": PASSWORD})
        assert password.status_code == 429


@pytest.mark.django_db
def test_verify_code_for_the_token_endpoint(people):
    """What the API token endpoint calls (the lead wires it in): a TOTP code or a recovery code, once each,
    throttled."""
    user = people.clerk
    assert not otp.verify_code(user, "123456")  # no device
    device = confirmed_device(user, recovery=["k7k7k7k7"])
    code = current_code(device)
    assert otp.verify_code(user, f"{code[:3]} {code[3:]}")
    assert not otp.verify_code(user, code)  # replay
    assert not otp.verify_code(user, "")
    assert not otp.verify_code(people.head, "k7k7k7k7")  # another user's code
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=40), tick=True):
        assert not otp.verify_code(user, "999999" if current_code(device) != "999999" else "999998")
        assert not otp.verify_code(user, current_code(device))  # throttled for a second
        check = otp.check_code(user, current_code(device))
        assert check.locked_until is not None
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=45), tick=True):
        assert otp.verify_code(user, current_code(device))
        assert otp.verify_code(user, "k7k7k7k7") and not otp.verify_code(user, "k7k7k7k7")


# --- Reset by the security administrator -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_security_administrator_resets_a_lost_phone(enforced, client, people, secadmin):
    verified_login(client, people.clerk)
    StaticToken.objects.create(
        device=StaticDevice.objects.create(user=people.clerk, name="恢复码", confirmed=True), token="zzzz2222"
    )
    assert client.get("/cases/").status_code == 200
    assert otp.otp_reset(actor=secadmin, user=people.clerk, reason="手机遗失") == 2
    assert not TOTPDevice.objects.filter(user=people.clerk).exists()
    assert not StaticDevice.objects.filter(user=people.clerk).exists()
    # The session that was verified by the deleted device must enrol again.
    assert client.get("/cases/")["Location"].startswith(reverse("otp-enrol"))
    entry = AuditLog.objects.get(action=AuditAction.OTP_RESET)
    assert entry.actor == secadmin and entry.object_id == str(people.clerk.pk) and entry.reason == "手机遗失"
    assert entry.changes == {"devices_removed": 2}


@pytest.mark.django_db
def test_only_the_security_administrator_resets_and_never_his_own(people, secadmin, zhuzhou):
    confirmed_device(people.clerk)
    sysadmin = make_user("city_sysadmin", "系统管理员乙", (zhuzhou.city_centre, Role.SYSADMIN))
    for actor in (sysadmin, people.head, people.leader):
        with pytest.raises(ApplicationError):
            otp.otp_reset(actor=actor, user=people.clerk)
    with pytest.raises(ApplicationError):
        otp.otp_reset(actor=secadmin, user=secadmin)
    assert TOTPDevice.objects.filter(user=people.clerk).exists()
    assert not AuditLog.objects.filter(action=AuditAction.OTP_RESET).exists()


@pytest.mark.django_db
def test_the_reset_is_an_action_on_the_user_list(client, django_user_model, people, zhuzhou):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from pingan.accounts.management.commands.setup_roles import AUDITOR, SECADMIN

    call_command("setup_roles", stdout=None)
    confirmed_device(people.clerk)
    secadmin = django_user_model.objects.create_user("sec", password=PASSWORD, is_staff=True)
    secadmin.groups.add(Group.objects.get(name=SECADMIN))
    Membership.objects.create(user=secadmin, organization=zhuzhou.city_centre, role=Role.SECADMIN)
    client.force_login(secadmin)
    changelist = client.get("/admin/accounts/user/").content.decode()
    assert "重置动态口令" in changelist
    data = {"action": "reset_second_factor", "_selected_action": [people.clerk.pk, secadmin.pk]}
    response = client.post("/admin/accounts/user/", data, follow=True)
    body = response.content.decode()
    assert "已重置动态口令" in body and "不能重置自己的动态口令" in body
    assert not TOTPDevice.objects.filter(user=people.clerk).exists()
    assert AuditLog.objects.filter(action=AuditAction.OTP_RESET, actor=secadmin).count() == 1

    confirmed_device(people.clerk)
    auditor = django_user_model.objects.create_user("aud", password=PASSWORD, is_staff=True)
    auditor.groups.add(Group.objects.get(name=AUDITOR))
    Membership.objects.create(user=auditor, organization=zhuzhou.city_centre, role=Role.AUDITOR)
    client.force_login(auditor)
    assert "重置动态口令" not in client.get("/admin/accounts/user/").content.decode()
    client.post("/admin/accounts/user/", {**data, "_selected_action": [people.clerk.pk]})
    assert TOTPDevice.objects.filter(user=people.clerk).exists()


@pytest.mark.django_db
def test_device_secrets_stay_out_of_the_back_office(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


# --- django-otp's TOTP at our boundary: RFC 6238 ------------------------------------------------------------

# RFC 6238, Appendix B (test vectors), the SHA-1 rows: the seed is the ASCII string "12345678901234567890",
# T0 = 0, X = 30 s, 8 digits. https://www.rfc-editor.org/rfc/rfc6238#appendix-B
RFC6238_SHA1 = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]
RFC_SEED_HEX = hexlify(b"12345678901234567890").decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("unix_time", "code"), RFC6238_SHA1)
def test_totp_device_accepts_the_rfc_6238_vectors(people, unix_time, code):
    device = TOTPDevice.objects.create(
        user=people.clerk, key=RFC_SEED_HEX, digits=8, step=30, tolerance=0, confirmed=True
    )
    at = datetime.datetime.fromtimestamp(unix_time, tz=datetime.UTC)
    with time_machine.travel(at, tick=False):
        wrong = f"{(int(code) + 1) % 10**8:08d}"
        assert not device.verify_token(wrong)
        device.throttle_reset()
        assert device.verify_token(code)


@pytest.mark.django_db
def test_our_six_digit_codes_are_the_rfc_values_truncated(people):
    """Our devices use the RFC 6238 defaults phone apps assume (6 digits, 30 s, SHA-1; RFC 4226 §5.3: the
    6-digit code is the same dynamic truncation mod 10^6), so at T = 59 s the RFC's 94287082 shows as 287082,
    and at T = 1111111109 s 07081804 as 081804."""
    device = TOTPDevice.objects.create(user=people.clerk, key=RFC_SEED_HEX, confirmed=True)
    assert (device.digits, device.step, device.t0) == (6, 30, 0)
    assert "algorithm=SHA1&digits=6&period=30" in device.config_url
    with time_machine.travel(datetime.datetime.fromtimestamp(59, tz=datetime.UTC), tick=False):
        assert otp.verify_code(people.clerk, "287082")
    with time_machine.travel(datetime.datetime.fromtimestamp(1111111109, tz=datetime.UTC), tick=False):
        assert otp.verify_code(people.clerk, "081 804")


def test_new_devices_get_a_160_bit_secret():
    """RFC 4226 §4 R6 recommends a 160-bit shared secret; the base32 form is 32 characters, no padding."""
    device = TOTPDevice(key=TOTPDevice._meta.get_field("key").get_default())
    assert len(device.bin_key) == 20
    assert len(otp.base32_secret(device).replace(" ", "")) == 32


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/cases/", "/api/v1/cases/"])
def test_a_verified_session_costs_one_query_more(client, people, settings, url):
    """The gate reads the memberships the page reads anyway; django-otp's middleware loads the device once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.clerk)
    with CaptureQueriesContext(connection) as off:
        assert client.get(url).status_code == 200
    settings.PINGAN_OTP_ENFORCED = True
    verified_login(client, people.clerk)
    with CaptureQueriesContext(connection) as on:
        assert client.get(url).status_code == 200
    assert len(on) == len(off) + 1
