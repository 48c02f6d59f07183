"""A major event's board on a 390 px phone, in a real browser: the figures, the tasks by section and unit with
their lateness, today's report and roster fit the screen without scrolling sideways; the sweeps page's
one-step conversion form opens inside its card. Debian's Chromium through Playwright, with the phones of
tests/e2e/test_browser_incident.py; screenshots land in /tmp/e2e/."""

from __future__ import annotations

import datetime

import pytest

from pingan.majorevents import services
from pingan.majorevents.choices import SectionKind
from tests.e2e import test_browser_incident
from tests.e2e.test_browser_dispute import shot, sign_in

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

browser = test_browser_incident.browser
phones = test_browser_incident.phones


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")  # WhiteNoise, built before STATIC_ROOT moved
def test_the_event_board_fits_a_phone(migration_data, phones, zhuzhou, people, grids):
    template = services.template_create(
        name="手机看板测试预案",
        sections=[
            {
                "kind": SectionKind.OVERALL,
                "title": "总体方案",
                "tasks": [{"title": "制定安保总体方案", "due_offset_days": -3}],
            },
            {
                "kind": SectionKind.DOMAIN,
                "title": "社会面治安领域",
                "tasks": [{"title": "重点部位巡防与街面屯警", "org_type": "court", "due_offset_days": 1}],
            },
        ],
    )
    today = datetime.date(2026, 11, 18)
    event = services.event_create(
        actor=people.district_clerk,
        name="第十届中国湘商大会",
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=1),
        security_level="special",
        lead_org=zhuzhou.tianyuan_centre,
        template=template,
        venues=[{"name": "株洲国际会展中心", "lat": "27.800000", "lng": "113.090000"}],
    )
    services.roster_add(
        actor=people.district_clerk,
        event=event,
        date=today,
        shift="day",
        org=zhuzhou.tianyuan_centre,
        user=people.district_clerk,
        post="带班领导",
    )
    services.report_generate(actor=people.district_clerk, event=event, day=today)
    services.sweep_create(
        actor=people.district_clerk,
        event=event,
        region=grids.taishan_1,
        swept_on=today,
        findings=[{"description": "会展中心东侧工地欠薪,工人扬言聚集"}],
    )
    phone = phones()
    page = phone.page
    sign_in(page, people.district_clerk)
    page.goto(f"/events/{event.pk}/")
    expect(page.locator("body")).to_contain_text("逾期 4 天")
    expect(page.locator("body")).to_contain_text("带班领导")
    expect(page.locator("body")).to_contain_text("第1期")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), "the board scrolls sideways"
    shot(page, "event-board-390")
    page.goto(f"/events/{event.pk}/sweeps/")
    page.get_by_text("转为风险、矛盾纠纷或网格事件").click()
    expect(page.get_by_role("button", name="一步立案")).to_be_visible()
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), "the sweeps scroll sideways"
    shot(page, "event-sweeps-390")
    assert not phone.problems, phone.problems
