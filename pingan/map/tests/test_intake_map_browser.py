"""The intake form's map in a real browser at phone width (Debian's Chromium through Playwright, as
test_map_browser.py): the clerk clicks the place instead of typing coordinates; the form gets WGS-84
latitude and longitude, names the grid the point falls in, and the case is registered in that grid. Waits
are for states the page announces (data-drawn, data-grid), never for time."""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD
from pingan.cases.models import Case
from tests.e2e.test_browser_dispute import PHONE, shot

from .test_map_browser import WAIT, browser_page, click_at, map_server  # noqa: F401 (fixtures; F811 below)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect


def sign_in(page, user) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")  # WhiteNoise, built before STATIC_ROOT moved
def test_the_clerk_clicks_the_place_and_the_case_lands_in_its_grid(
    migration_data,
    grids,
    people,
    category,
    browser_page,  # noqa: F811
):
    page = browser_page
    sign_in(page, people.clerk)
    page.goto("/cases/new/")
    intake_map = page.locator("#intake-map")
    expect(intake_map).to_have_attribute("data-drawn", "-", timeout=WAIT)  # the clerk's township

    click_at(page, 113.09, 27.80, chart="intake-map")  # 泰山社区第1网格
    expect(intake_map).to_have_attribute("data-grid", "430211004001001", timeout=WAIT)
    expect(page.locator("#intake-map-status")).to_contain_text("泰山社区第1网格", timeout=WAIT)
    lng, lat = float(page.locator("[name=lng]").input_value()), float(page.locator("[name=lat]").input_value())
    assert abs(lng - 113.09) < 0.002 and abs(lat - 27.80) < 0.002  # a pixel of this map is ~0.0003°
    assert page.locator("[name=coord_system]").input_value() == "wgs84"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing overflows
    shot(page, "intake-01-map-click", full_page=False)

    page.get_by_label("类别").select_option(label="矛盾纠纷 · " + category.name)
    page.get_by_label("标题").fill("泰山路口占道纠纷(地图点选)")
    page.get_by_label("情况描述").fill("商户占道经营,与过往居民发生争执。")
    page.locator("[name=parties-0-name]").fill("王五")
    page.get_by_role("button", name="提交登记").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记", timeout=WAIT)
    case = Case.objects.get(title="泰山路口占道纠纷(地图点选)")
    assert case.region_code == "430211004001001"
    assert abs(float(case.lng) - lng) < 1e-6 and abs(float(case.lat) - lat) < 1e-6
    assert page.problems == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_the_region_filter_is_picked_by_name_at_phone_width(migration_data, grids, people, browser_page):  # noqa: F811
    page = browser_page
    sign_in(page, people.leader)
    page.goto("/cases/")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("combobox", name="区划").fill("嵩山")
    option = page.get_by_role("option").filter(has_text="天元区 › 嵩山路街道")
    expect(option).to_be_visible(timeout=WAIT)
    shot(page, "region-picker-01-matches", full_page=False)
    option.click()
    expect(page.locator("[data-region-picker]")).to_have_attribute("data-chosen", "430211004", timeout=WAIT)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#case-filter").get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"region=430211004"), timeout=WAIT)
    # The folded filter keeps the picked region, shown by its name.
    expect(page.locator("[data-region-text]")).to_have_value("天元区 › 嵩山路街道", timeout=WAIT)
    assert page.problems == []
