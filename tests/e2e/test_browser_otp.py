"""The second factor in a real browser on a 390 px phone: a centre clerk signs in with the password, binds a
phone authenticator on the enrolment page (the QR code drawn by the server, the secret typed in by hand here:
the test is the phone app, computing RFC 6238 codes from the secret the page shows), keeps the ten recovery
codes, reaches the workbench; signs in again and enters a later code on the verification page. Debian's
Chromium through Playwright; screenshots land in /tmp/e2e/."""

from __future__ import annotations

import datetime
from base64 import b32decode

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp

from conftest import PASSWORD
from tests.e2e import test_browser_incident
from tests.e2e.test_browser_dispute import shot

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

browser = test_browser_incident.browser
phones = test_browser_incident.phones


def password_step(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


def phone_app_code(secret: str) -> str:
    """What a phone authenticator shows now for the secret typed in (RFC 6238: SHA-1, 30 s, 6 digits)."""
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, step=30, digits=6):06d}"


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")  # WhiteNoise, built before STATIC_ROOT moved
def test_a_clerk_binds_a_phone_then_signs_in_with_a_code(migration_data, phones, people, settings):
    settings.PINGAN_OTP_ENFORCED = True
    phone = phones()
    page = phone.page
    password_step(page, people.clerk)
    expect(page.get_by_role("heading", name="绑定动态口令")).to_be_visible()
    qr = page.locator("svg.otp-qr")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and 150 <= box["width"] <= 260, box  # scannable, and inside the screen
    assert fits(page), "the enrolment page scrolls sideways at 390 px"
    shot(page, "otp-enrol-390")
    secret = page.locator("#otp-secret").inner_text()

    page.get_by_label("应用当前显示的 6 位数字").fill(phone_app_code(secret))
    page.get_by_role("button", name="确认绑定").click()
    expect(page.get_by_role("heading", name="动态口令已绑定:请保存恢复码")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert fits(page), "the recovery codes scroll sideways at 390 px"
    shot(page, "otp-recovery-codes-390")
    page.get_by_role("link", name="我已保存,继续").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()

    # The next day (a code is accepted once: a later one), on another phone's browser.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1), tick=True):
        page = phones().page
        password_step(page, people.clerk)
        expect(page.get_by_role("heading", name="验证动态口令")).to_be_visible()
        assert fits(page), "the verification page scrolls sideways at 390 px"
        shot(page, "otp-verify-390")
        page.get_by_label("动态口令或恢复码").fill(phone_app_code(secret))
        page.get_by_role("button", name="验证").click()
        expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    assert not phone.problems, phone.problems
