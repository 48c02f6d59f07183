"""The acceptance test of grid-worker reporting, in a real browser on a phone-sized screen: the 泰山社区
grid worker opens /report/ on a phone whose location is 泰山社区第1网格, taps a category, takes a photo,
writes what is wrong and sends it; it lands in 第1网格 and at 泰山社区综治中心. With the signal gone, the
next report is kept on the phone — across a reload of the page from the service worker's copy — and sent
when the signal is back. Then the incident goes round the 数字城管 loop to 综合评价: the township clerk
files and dispatches it on their phone, the 城管 squad handles it and feeds back with a photo, the centre
head verifies it (services), and the clerk gives the 综合评价 on the case page. A phone that will not tell
its position is not stuck: the worker picks the grid by hand.

Debian's Chromium (/usr/bin/chromium) through Playwright's sync API, as tests/e2e/test_browser_dispute.py
drives it; screenshots land in /tmp/e2e/."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections

from conftest import make_org, make_user
from pingan.accounts.choices import Role
from pingan.cases.models import Case
from pingan.cases.services import case_transition
from pingan.incidents.choices import IncidentState
from pingan.incidents.services import incident_feed_back
from pingan.regions.choices import OrgType
from tests.e2e.test_browser_dispute import CHROMIUM, CHROMIUM_ARGS, Phone, shot, sign_in, take_action

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

HERE = {"latitude": 27.80, "longitude": 113.09}  # 泰山社区第1网格
PHOTO = Path(settings.BASE_DIR) / "pingan" / "static" / "incidents" / "icon-192.png"  # a real PNG to show
TIMELINE = ["登记", "自动分流", "立案", "派遣", "受理", "处置反馈", "核查通过", "综合评价"]


@pytest.fixture
def clocks(migration_data, django_db_blocker):
    """The per-category clocks of incidents/0002, which a flush takes away like the categories."""
    from django.apps import apps

    clocks = importlib.import_module("pingan.incidents.migrations.0002_category_clocks")
    with django_db_blocker.unblock():
        clocks.create_clocks(apps, None)
    yield
    with django_db_blocker.unblock():
        clocks.create_clocks(apps, None)


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the test are fine.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # The ORM calls made while Playwright's loop ran used a connection of their own context: close it here,
        # or the test database cannot be dropped at the end of the run ("being accessed by other users").
        connections.close_all()


@pytest.fixture
def phones(browser, live_server):
    opened_phones: list[Phone] = []

    def open_phone(*, located: bool = False) -> Phone:
        phone = Phone(browser, live_server.url)
        if located:
            phone.context.grant_permissions(["geolocation"])
            phone.context.set_geolocation(HERE)
        opened_phones.append(phone)
        return phone

    yield open_phone
    for phone in opened_phones:
        phone.close()


def fill_report(page, *, category: str, description: str, photo: Path | None = None) -> None:
    page.locator(".category-grid").get_by_text(category, exact=True).click()
    if photo is not None:
        page.locator("#report-photos").set_input_files(photo)
        expect(page.locator(".photo-strip img")).to_have_count(1)
    page.get_by_label("情况描述").fill(description)


def drop_posts(route) -> None:
    if route.request.method == "POST":
        route.abort("internetdisconnected")
    else:
        route.continue_()


def offline_shell_ready(page) -> None:
    """Wait until the service worker controls the page and holds its shell (page, styles, scripts)."""
    page.wait_for_function(
        """async () => {
            if (!navigator.serviceWorker.controller) return false;
            const cache = await caches.open("pingan-report-v1");
            const keys = (await cache.keys()).map((request) => new URL(request.url).pathname);
            return ["/report/", "report.js", "bootstrap.min.css", "app.js"].every(
                (end) => keys.some((path) => path.endsWith(end)));
        }""",
        polling=200,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")  # WhiteNoise, built before STATIC_ROOT moved
def test_a_grid_worker_reports_from_a_phone_and_the_incident_goes_round_the_loop(
    clocks, phones, zhuzhou, people, grids, tmp_path
):
    squad = make_org("CG430211004", "嵩山路街道城管执法中队", OrgType.OTHER, zhuzhou.songshan)
    officer = make_user("songshan_chengguan", "马城管", (squad, Role.DEPARTMENT_STAFF))
    photo = tmp_path / "井盖破损.png"
    photo.write_bytes(PHOTO.read_bytes())

    # 1. The grid worker opens the reporting page; the phone's position is found.
    worker = phones(located=True)
    page = worker.page
    sign_in(page, grids.worker)
    page.goto("/report/")
    expect(page.get_by_role("heading", name="事件上报")).to_be_visible()
    expect(page.locator("[data-location-state]")).to_contain_text("已定位 113.090000, 27.800000")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways on a phone"
    shot(page, "incident-01-report-page")

    # 2. Category, photo, description, send: it lands in 第1网格 at 泰山社区综治中心.
    fill_report(page, category="市政设施", photo=photo, description="泰山路与长江路口井盖破损,行人易踩空。")
    shot(page, "incident-02-report-filled")
    page.get_by_role("button", name="上报", exact=True).click()
    status = page.locator("#report-status")
    expect(status).to_contain_text("已上报,编号 SJ")
    expect(status).to_contain_text("所在网格 泰山社区第1网格")
    expect(status).to_contain_text("已分流至 泰山社区综治中心")
    shot(page, "incident-03-report-sent")
    case = Case.objects.get(kind="incident")
    assert case.region == grids.taishan_1 and case.assigned_org == zhuzhou.taishan_centre
    assert (float(case.lng), float(case.lat)) == (113.09, 27.80)
    assert list(case.attachments.values_list("original_name", flat=True)) == ["井盖破损.png"]
    # The form is empty again for the next report.
    expect(page.get_by_label("情况描述")).to_have_value("")
    expect(page.locator(".photo-strip img")).to_have_count(0)

    # 3. The signal drops: the next report is kept on the phone, even across a reload of the page.
    offline_shell_ready(page)
    # No signal: the browser's offline emulation, and the report POST refused at the network too. Chromium
    # re-applies the emulation to a reloaded document a moment after its scripts start, and the page sends
    # its queue at start when navigator.onLine says so; a real dropped signal has no such window.
    worker.context.route("**/api/v1/incidents/", drop_posts)
    worker.context.set_offline(True)
    fill_report(page, category="环境卫生", photo=photo, description="垃圾桶满溢,周边堆放生活垃圾。")
    page.get_by_role("button", name="上报", exact=True).click()
    expect(status).to_contain_text("网络不通,草稿已保存在本机")
    expect(page.locator("#report-queue")).to_contain_text("有 1 份草稿待发送")
    page.reload()
    expect(page.get_by_role("heading", name="事件上报")).to_be_visible()
    expect(page.locator("#report-queue")).to_contain_text("有 1 份草稿待发送")
    shot(page, "incident-04-offline-draft-kept")
    assert Case.objects.filter(kind="incident").count() == 1
    worker.expected("ERR_INTERNET_DISCONNECTED")
    worker.expected("favicon.svg")  # the icon is not part of the offline shell: without signal it fails

    # ... and sent, photo and all, when the signal is back.
    worker.context.unroute("**/api/v1/incidents/", drop_posts)
    worker.context.set_offline(False)
    expect(status).to_contain_text("已上报,编号 SJ")
    expect(page.locator("#report-queue")).to_be_hidden()
    second = Case.objects.filter(kind="incident").exclude(pk=case.pk).get()
    assert second.category.code == "inc_sanitation" and second.region == grids.taishan_1
    assert second.attachments.count() == 1
    worker.expected("ERR_INTERNET_DISCONNECTED")
    worker.expected("favicon.svg")  # the icon is not part of the offline shell: without signal it fails

    # 4. The township clerk files the incident and dispatches it to the 城管 squad.
    clerk = phones()
    page = clerk.page
    sign_in(page, people.clerk)
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator(".status-label")).to_have_text("信息收集待立案")
    take_action(page, "立案")
    expect(page.locator(".status-label")).to_have_text("已立案待派遣")
    take_action(page, "派遣", lambda panel: panel.get_by_label("目标单位代码").select_option(squad.code))
    expect(page.locator(".status-label")).to_have_text("已派遣待处置")
    expect(page.locator(".case-facts")).to_contain_text("嵩山路街道城管执法中队")

    # 5. The squad handles it and feeds back with a photo; the head (not the handler) verifies it.
    case = case_transition(case=case, actor=officer, action="accept")
    after = SimpleUploadedFile("修复后.png", PHOTO.read_bytes(), content_type="image/png")
    case = incident_feed_back(case=case, actor=officer, result="已更换井盖并加固。", photos=[after])
    case = case_transition(case=case, actor=people.head, action="verify", data={"passed": True})
    assert case.status == IncidentState.CLOSED and case.on_time

    # 6. 综合评价 on the case page; the timeline tells the loop in order.
    page.reload()
    expect(page.locator(".status-label")).to_have_text("核查结案待评价")
    take_action(page, "综合评价", lambda panel: panel.get_by_label("评价结果").select_option(label="满意"))
    expect(page.locator(".status-label")).to_have_text("已综合评价")
    expect(page.locator("#attachments")).to_contain_text("井盖破损.png")
    expect(page.locator("#attachments")).to_contain_text("修复后.png")
    events = page.locator("#timeline .timeline > li .fw-semibold").all_inner_texts()
    seen = iter(events)
    missing = [label for label in TIMELINE if not any(label in event for event in seen)]
    assert not missing, f"timeline {events} lacks, in order: {missing}"
    shot(page, "incident-05-evaluated")
    assert Case.objects.get(pk=case.pk).status == IncidentState.EVALUATED

    for phone in (worker, clerk):
        assert not phone.problems, phone.problems


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_without_a_position_the_worker_picks_the_grid_by_hand(clocks, phones, zhuzhou, grids):
    worker = phones()  # the phone refuses to tell its position
    page = worker.page
    sign_in(page, grids.worker)
    page.goto("/report/")
    expect(page.locator("[data-location-state]")).to_contain_text("无法获取定位")
    fill_report(page, category="消防", description="楼道堆放杂物堵塞消防通道。")
    expect(page.get_by_label("紧急", exact=True)).to_be_checked()  # 消防 is urgent unless said otherwise
    page.get_by_role("button", name="上报", exact=True).click()
    expect(page.locator("[data-error-for=location]")).to_contain_text("请允许手机定位,或手选所在网格")
    page.get_by_label("无法定位时,手选所在网格").select_option(grids.taishan_2.code)
    page.get_by_role("button", name="上报", exact=True).click()
    expect(page.locator("#report-status")).to_contain_text("所在网格 泰山社区第2网格")
    case = Case.objects.get(kind="incident")
    assert case.region == grids.taishan_2 and case.lat is None and case.urgency == "urgent"
    assert not worker.problems, worker.problems
