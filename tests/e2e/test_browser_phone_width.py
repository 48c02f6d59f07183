"""The staff lists, the patrol picker, the tracking page and the reporting page on a 390 px phone, in a real
browser: /cameras/, /grids/members/ and /patrols/ are card lists with the filter form folded behind 筛选
(a wide screen keeps the table and the open form); the participant picker finds people by grid or phone
tail; /track/ brings up a numeric keypad for the phone's last four digits; and a report sent from
/report/ heads 我最近上报的事件 at once.

Debian's Chromium (/usr/bin/chromium) through Playwright's sync API, with the phones of
tests/e2e/test_browser_incident.py; screenshots land in /tmp/e2e/."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pingan.cameras.tests.factories import make_camera
from pingan.cases.models import Case
from pingan.gridwork import services as grid_services
from pingan.gridwork.choices import PatrolKind
from tests.e2e import test_browser_incident
from tests.e2e.test_browser_dispute import opened, shot, sign_in

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

# The phones of the reporting page's test (its `phones` fixture needs its `browser`).
browser = test_browser_incident.browser
phones = test_browser_incident.phones

# (page, its filter form, its list on a phone, a row of the scene)
LISTS = [
    ("/cameras/", "camera-filter", ".list-cards", "泰山社区第1网格001号点位"),
    ("/grids/members/", "member-filter", ".list-cards", "黄**"),
    ("/patrols/", "patrol-filter", "ul.list-group", "日常巡查"),  # a list of cards at every width
]


def sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")  # WhiteNoise, built before STATIC_ROOT moved
def test_lists_are_cards_on_a_phone_and_tables_on_a_wide_screen(migration_data, phones, people, grids):
    make_camera("XL430211000001", grids.taishan_1, "113.090000", "27.800000")
    grid_services.patrol_plan(
        actor=people.clerk,
        kind=PatrolKind.DAILY_PATROL,
        grid=grids.taishan_1,
        planned_for=timezone.now() + datetime.timedelta(hours=2),
        members=[grids.worker_post],
    )
    phone = phones()
    page = phone.page
    sign_in(page, people.clerk)
    for path, form_id, cards, first in LISTS:
        page.goto(path)
        expect(page.locator(cards)).to_be_visible()
        expect(page.locator(cards)).to_contain_text(first)
        expect(page.locator("table")).to_be_hidden()
        form = page.locator(f"#{form_id}")
        expect(form).to_be_hidden()
        assert not sideways(page), f"{path} scrolls sideways on a phone"
        shot(page, f"phone-width-{form_id}", full_page=False)
        page.get_by_role("button", name="筛选").click()
        opened(form)
        expect(form.get_by_role("button", name="查询")).to_be_visible()

    page.set_viewport_size({"width": 1280, "height": 800})
    for path, form_id, _cards, first in LISTS[:2]:
        page.goto(path)
        expect(page.locator("table")).to_be_visible()
        expect(page.locator("table")).to_contain_text(first)
        expect(page.locator(".list-cards")).to_be_hidden()
        expect(page.locator(f"#{form_id}")).to_be_visible()
        expect(page.get_by_role("button", name="筛选")).to_be_hidden()
    assert not phone.problems, phone.problems


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_the_patrol_picker_finds_people_by_grid_or_phone_tail(migration_data, phones, people, grids):
    page = phones().page
    sign_in(page, people.clerk)
    page.goto("/patrols/new/")
    picker = page.get_by_label("参加人员")
    search = page.get_by_placeholder("查找:姓、网格或电话尾号")

    def shown() -> list[str]:
        return picker.evaluate("select => [...select.options].filter(o => !o.hidden).map(o => o.text)")

    assert len(shown()) == 2
    search.fill("0002")
    assert shown() == ["李**(尾号0002) · 泰山社区第1网格 · 格格平安志愿者"]
    search.fill("第1网格")
    assert len(shown()) == 2
    search.fill("")
    picker.select_option(label="黄**(尾号0001) · 泰山社区第1网格 · 专职网格员")
    search.fill("0002")  # what was chosen stays in view
    assert len(shown()) == 2
    shot(page, "phone-width-patrol-picker", full_page=False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_track_asks_digits_of_a_phone_and_a_sent_report_heads_the_recent_list(migration_data, phones, grids):
    worker = phones()
    page = worker.page
    page.goto("/track/")
    tail = page.get_by_label("登记电话后四位")
    assert (tail.get_attribute("inputmode"), tail.get_attribute("pattern")) == ("numeric", "[0-9]{4}")
    page.get_by_label("案件编号").fill("SJ2026")
    tail.fill("12")
    page.get_by_role("button", name="查询").click()
    assert page.get_by_label("案件编号").evaluate("input => input.validity.patternMismatch")
    assert tail.evaluate("input => input.validity.patternMismatch")

    sign_in(page, grids.worker)
    page.goto("/report/")
    recent = page.locator(".recent-reports")
    expect(recent).to_have_text("暂无")
    page.locator(".category-grid").get_by_text("市政设施", exact=True).click()
    page.get_by_label("情况描述").fill("泰山路路灯不亮,夜间行人看不清路。")
    page.get_by_label("无法定位时,手选所在网格").select_option(grids.taishan_1.code)
    page.get_by_role("button", name="上报", exact=True).click()
    expect(page.locator("#report-status")).to_contain_text("已上报,编号 SJ")
    case = Case.objects.get(kind="incident")
    first = recent.locator("li").first
    expect(first).to_contain_text(case.title)
    expect(first).to_contain_text("信息收集待立案")
    expect(first.get_by_role("link")).to_have_attribute("href", f"/cases/{case.pk}/")
    expect(recent.locator("li")).to_have_count(1)  # 暂无 has gone
    shot(page, "phone-width-report-recent")
    page.reload()
    expect(recent.locator("li").first).to_contain_text(case.title)
    assert not worker.problems, worker.problems


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_a_suspended_dispute_with_its_mediation_and_clocks_fits_a_phone(
    migration_data, phones, people, zhuzhou, category
):
    """The parts a kind adds to the case page (the mediation record) and the clocks card (时限), with a clock
    paused (挂起), fit a 390 px screen without scrolling sideways."""
    from conftest import mediate, register_dispute
    from pingan.cases.services import case_transition

    case = mediate(register_dispute(zhuzhou, people, category), people)
    case_transition(
        case=case, actor=people.mediator, action="suspend", data={"comment": "申请人住院治疗,暂无法参加调解"}
    )
    phone = phones()
    page = phone.page
    sign_in(page, people.clerk)
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("#mediation")).to_contain_text("第 1 次调解")
    expect(page.locator(".light-badge").first).to_have_attribute("data-light", "paused")
    expect(page.get_by_text("申请人住院治疗,暂无法参加调解").first).to_be_visible()
    shot(page, "phone-case-suspended")
    assert not sideways(page), "the case page scrolls sideways on a phone"
