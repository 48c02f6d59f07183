"""A first sign-in runs the whole identity chain in order, through the real login page: the password (with the
lockout backend in front), then the second factor, then the forced password change, then the work. Each step
alone is tested in its own module; this one checks that they hand over to each other without a loop (the
second factor's pages must stay open to a user who must still change the password, and the change page must
wait for the second factor)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from pingan.accounts.services import password_change_require
from pingan.core.models import AuditAction, AuditLog

pytestmark = pytest.mark.django_db


def test_password_then_second_factor_then_password_change_then_work(people, settings):
    settings.PINGAN_OTP_ENFORCED = True
    clerk = people.clerk
    password_change_require([clerk.pk])
    device = TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    client = Client()

    signed_in = client.post("/accounts/login/", {"username": clerk.username, "password": PASSWORD, "next": "/cases/"})
    assert signed_in.status_code == 302
    to_verify = client.get("/cases/")
    assert to_verify.status_code == 302 and to_verify["Location"].startswith("/accounts/otp/verify/")
    # The change page waits for the second factor too.
    assert client.get("/accounts/password/")["Location"].startswith("/accounts/otp/verify/")
    assert client.get(to_verify["Location"]).status_code == 200  # not sent on to the password change

    # RFC 6238's TOTP over the device's key (django_otp.oath.totp), computed here, not by the view.
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    verified = client.post(to_verify["Location"], {"code": code})
    assert verified.status_code == 302
    to_change = client.get("/cases/")
    assert to_change.status_code == 302 and to_change["Location"].startswith("/accounts/password/")
    assert client.get(to_change["Location"]).status_code == 200

    changed = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Chosen-By-Me-7", "new_password2": "Chosen-By-Me-7"},
    )
    assert changed.status_code == 302
    assert client.get("/cases/").status_code == 200
    actions = set(AuditLog.objects.filter(actor=clerk).values_list("action", flat=True))
    assert {AuditAction.LOGIN, AuditAction.PASSWORD_CHANGE} <= actions
