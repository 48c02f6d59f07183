"""The map dashboard in a real browser (Debian's Chromium through Playwright, as tests/e2e does): the
districts are drawn from their outlines, a click drills down to the grid cells, and a click on a grid cell
opens its side panel. Screenshots land in /tmp/e2e/ for a person to look at."""

from __future__ import annotations

import re

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connections

from conftest import PASSWORD
from pingan.cameras.tests.factories import make_camera
from tests.e2e.test_browser_dispute import CHROMIUM, CHROMIUM_ARGS, shot

from .test_map import located_case

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect
DESKTOP = {"width": 1280, "height": 900}
# The suite runs in parallel on a shared machine: give each page update time before calling it missing.
WAIT = 20_000


class _UnthreadedServer(WSGIServer):
    def __init__(self, *args, connections_override=None, **kwargs):
        # The live server thread has already put the shared connections in place for itself, and this
        # server answers in that thread.
        super().__init__(*args, **kwargs)

    def close_request(self, request):
        connections.close_all()  # as Django's threaded server does after each request
        super().close_request(request)


@pytest.fixture
def map_server(request, transactional_db):
    """The live server, answering one request at a time on the in-memory SQLite of the tests. The map
    page sends several requests at once (the level, its layers, the table), and there the live server's
    threads share one database connection: concurrent requests on it interleave and lose the session now
    and then. A server without threads closes each connection after its answer (Django's rule), which
    browsers handle. PostgreSQL gives every thread its own connection: the usual live server is fine."""
    from pytest_django.live_server_helper import LiveServer

    if not any(c.vendor == "sqlite" and c.is_in_memory_db() for c in connections.all()):
        yield request.getfixturevalue("live_server")
        return
    server = LiveServer("localhost", start=False)
    server.thread.server_class = _UnthreadedServer
    server._live_server_modified_settings.enable()
    server.start()
    yield server
    server.stop()
    server._live_server_modified_settings.disable()


@pytest.fixture
def browser_page(monkeypatch, map_server):
    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the fixtures are fine.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=map_server.url, viewport=DESKTOP, locale="zh-CN")
        context.set_default_timeout(WAIT)
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
        page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
        yield page
        browser.close()


def click_at(page, lng: float, lat: float, chart: str = "map-chart") -> None:
    """Click a map (the chart in element `chart`) at a WGS-84 point (converted to pixels by the chart)."""
    page.locator(f"#{chart}").scroll_into_view_if_needed()  # a phone may show the map below the fold
    x, y = page.evaluate(
        "([id, lng, lat]) => echarts.getInstanceByDom(document.getElementById(id))"
        ".convertToPixel({geoIndex: 0}, [lng, lat])",
        [chart, lng, lat],
    )
    box = page.locator(f"#{chart}").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


@pytest.fixture
def open_case(grids, people, category):
    """An open case at the 泰山社区第1网格 camera. Made before the browser starts: ORM calls made while
    Playwright's event loop runs in this thread get a connection of their own that nobody closes."""
    make_camera("XL430211000001", grids.taishan_1, "113.090000", "27.800000")
    return located_case(people.clerk, category, lng=113.09, lat=27.80, title="泰山路口占道")


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")  # WhiteNoise, built before STATIC_ROOT moved
def test_the_leader_drills_down_to_a_grid_and_opens_its_panel(migration_data, open_case, people, browser_page):
    page, case = browser_page, open_case
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(people.leader.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.goto("/map/")
    chart = page.locator("#map-chart")
    expect(chart).to_have_attribute("data-drawn", "430200", timeout=WAIT)
    expect(page.locator("#map-table tbody tr")).to_have_count(2, timeout=WAIT)
    page.get_by_label("案件热力").check()
    page.get_by_label("视频监控点位").check()
    page.wait_for_load_state("networkidle")
    shot(page, "map-01-city", full_page=False)

    click_at(page, 113.1, 27.8)  # 天元区
    expect(chart).to_have_attribute("data-drawn", "430211", timeout=WAIT)
    expect(page.locator("#map-level .breadcrumb")).to_contain_text("天元区", timeout=WAIT)
    expect(page).to_have_url(re.compile(r"\?region=430211$"), timeout=WAIT)
    click_at(page, 113.1, 27.8)  # 嵩山路街道
    expect(chart).to_have_attribute("data-drawn", "430211004", timeout=WAIT)
    expect(page.locator("#map-level .breadcrumb")).to_contain_text("嵩山路街道", timeout=WAIT)
    click_at(page, 113.1, 27.8)  # 泰山社区: its grid cells
    expect(chart).to_have_attribute("data-drawn", "430211004001", timeout=WAIT)
    expect(page.locator("#map-table")).to_contain_text("泰山社区第2网格", timeout=WAIT)
    page.locator("label[for=measure-overdue]").click()
    expect(page.locator("#measure-overdue")).to_be_checked(timeout=WAIT)
    # The layers arrive after the outlines: click once the camera point is drawn on the cell (a click on a
    # camera point or the heat means the region under it; before, it was dropped when the layers came first).
    expect(chart).to_have_attribute("data-layers", "430211004001:heat cameras", timeout=WAIT)
    click_at(page, 113.09, 27.80)  # 泰山社区第1网格, right on its camera point
    panel = page.locator("#map-panel")
    expect(panel).to_contain_text("泰山社区第1网格", timeout=WAIT)
    expect(panel).to_contain_text("黄**", timeout=WAIT)
    expect(panel).to_contain_text(case.number, timeout=WAIT)
    expect(panel).to_contain_text("XL430211000001", timeout=WAIT)
    page.wait_for_load_state("networkidle")
    shot(page, "map-02-grid-panel", full_page=False)

    page.locator("#map-level .breadcrumb").get_by_role("link", name="株洲市").click()
    expect(chart).to_have_attribute("data-drawn", "430200", timeout=WAIT)
    expect(page.locator("#map-table tbody tr")).to_have_count(2, timeout=WAIT)
    assert page.problems == []
