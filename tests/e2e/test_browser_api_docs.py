"""The API's documentation in a real browser, under the site's real Content-Security-Policy (SECURE_CSP: scripts
only from our origin or with the response's nonce): a signed-in clerk opens /api/docs/ and Swagger UI draws the
API's operations, with no CSP violation reported (the `securitypolicyviolation` event of the CSP Level 3
specification, https://www.w3.org/TR/CSP3/#violation-events) and no script error on the console. Before the split
view it was a blank page: the inline start-up script was refused. A visitor who is not signed in is sent to the
login page. Debian's Chromium through Playwright, as tests/e2e/test_browser_dispute.py drives it."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_browser_dispute import (  # noqa: F401 (fixtures; the import skips without Chromium)
    _sync_orm_beside_playwright,
    chromium,
    shot,
    sign_in,
)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")  # WhiteNoise, built before STATIC_ROOT moved
def test_swagger_ui_draws_the_operations_under_the_csp(migration_data, chromium, live_server, people):  # noqa: F811
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    try:
        page.goto("/api/docs/")
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/api/docs/$"))

        sign_in(page, people.clerk)
        response = page.goto("/api/docs/")
        assert response is not None
        script_src = re.search(r"script-src ([^;]*)", response.headers["content-security-policy"])
        assert script_src and script_src.group(1).startswith("'self'") and "unsafe" not in script_src.group(1)
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Ping'an API")
        # Swagger UI draws the operations; with the whole API (some 130 paths) it draws only the tags near the
        # viewport and the rest as the reader scrolls, so the test scrolls down to the case intake.
        expect(
            page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/v1/auth/token/$")).first
        ).to_be_visible()
        cases = page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/v1/cases/$"))
        for _ in range(60):
            if cases.count():
                break
            page.mouse.wheel(0, 800)
            page.wait_for_timeout(100)
        cases.first.scroll_into_view_if_needed()
        expect(cases.first).to_be_visible()
        assert page.locator(".opblock").count() > 5  # the operations around it, drawn
        shot(page, "api-docs", full_page=False)

        assert page.evaluate("window.__cspViolations") == []
        assert problems == []
    finally:
        context.close()
