"""The city leader's first screen on a 390 px phone, in a real browser: the city view (超期/临期 by district
and organisation, the worst on-time rates, the 督办 queue) fits the width, and a figure opens the case list
it counts. Debian's Chromium through Playwright; the screenshot lands in /tmp/e2e/."""

from __future__ import annotations

import re

import pytest
import time_machine

from pingan.cases.tests.test_leader_workbench import after_deadlines, scene  # noqa: F401 (a fixture)
from tests.e2e import test_browser_incident
from tests.e2e.test_browser_dispute import shot, sign_in

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

browser = test_browser_incident.browser
phones = test_browser_incident.phones


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")  # WhiteNoise, built before STATIC_ROOT moved
def test_the_leader_reads_the_city_on_a_phone_and_opens_a_figure(migration_data, phones, people, scene):  # noqa: F811
    with time_machine.travel(after_deadlines(scene), tick=True):
        page = phones().page
        sign_in(page, people.leader)
        expect(page.get_by_role("heading", name="辖区督导")).to_be_visible()
        expect(page.locator(".oversight-regions")).to_contain_text("天元区")
        expect(page.locator(".oversight-on-time")).to_contain_text("16.67%")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"
        shot(page, "leader-workbench-390")
        page.locator(".oversight-regions").get_by_role("link", name="5").first.click()
        expect(page).to_have_url(re.compile(r"/cases/\?region=430211&light=red$"))
        expect(page.locator(".case-cards .case-card")).to_have_count(5)
