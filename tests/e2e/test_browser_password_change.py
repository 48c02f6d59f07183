"""The first sign-in of an account whose password someone else set, on a 390 px phone in a real browser: the
login page leads to 修改密码 (not the workbench), the form fits the width, a weak password is refused in
Chinese, and a good one leads on to the workbench. Debian's Chromium through Playwright, with the phones of
tests/e2e/test_browser_incident.py; screenshots land in /tmp/e2e/."""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD
from pingan.accounts.services import password_change_require
from tests.e2e import test_browser_incident
from tests.e2e.test_browser_dispute import shot

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

browser = test_browser_incident.browser
phones = test_browser_incident.phones


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")  # WhiteNoise, built before STATIC_ROOT moved
def test_the_first_sign_in_changes_the_password_on_a_phone(migration_data, phones, people):
    password_change_require([people.clerk.pk])
    page = phones().page
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(people.clerk.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page).to_have_url(re.compile(r"/accounts/password/\?next=%2F$"))
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    expect(page.get_by_text("您的密码由管理员设置或为初始密码,请先修改密码").first).to_be_visible()
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    shot(page, "password-change-390")

    def change(new: str) -> None:
        page.get_by_label("旧密码").fill(PASSWORD)
        page.locator("#id_new_password1").fill(new)  # labelled 新密码, a prefix of the next one's label
        page.get_by_label("新密码确认").fill(new)
        page.get_by_role("button", name="修改密码").click()

    change("songshanclerk")
    expect(page.get_by_text("密码须包含大写字母、小写字母、数字、符号中的至少 3 类")).to_be_visible()
    change("Songshan#2026")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.get_by_text("密码已修改")).to_be_visible()
