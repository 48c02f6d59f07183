"""The acceptance test of the product's first issue, in a real browser on a phone-sized screen: a dispute
walks in at the 嵩山路街道 counter and goes all the way round the loop (登记 → 受理 → 指派调解员 →
调解 → 终结 → 核查 → 结案 → 回访), each person doing their part through the staff UI, and what they see
on the way is asserted.

It drives Debian's Chromium (/usr/bin/chromium) through Playwright's sync API; it never downloads a
browser. Screenshots of a few steps land in /tmp/e2e/ for a person to look at."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import GOOD_ID, PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SHOTS = Path("/tmp/e2e")

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM}", allow_module_level=True)

expect = sync_api.expect

TITLE = "楼上漏水纠纷(浏览器验收)"
ROLE_LABEL = re.compile(r"^身份\*?$")  # the party's role; not 身份证号码 (required fields carry a *)
NON_ZERO = re.compile(r"^\s*(?:[1-9][\d,]*(?:\.\d+)?|0\.\d*[1-9]\d*)\s*(?:%|件)?\s*$")  # "1件", "100.0%"
SHOWN = re.compile(r"(^|\s)show(\s|$)")
TIMELINE = ["登记", "分流", "受理", "指派调解员", "调解记录", "调解终结", "核查通过", "结案", "回访评价"]


# --- the browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _sync_orm_beside_playwright():
    """Playwright's sync API keeps an event loop in this thread; the ORM calls of the fixtures are fine."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def chromium(_sync_orm_beside_playwright):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Phone:
    """One person's phone: a fresh browser context (own cookies), and the page problems seen on it."""

    def __init__(self, browser, base_url: str) -> None:
        self.context = browser.new_context(
            base_url=base_url,
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on(
            "console",
            lambda message: (
                self.problems.append(f"console: {message.text} ({message.location.get('url')})")
                if message.type == "error"
                else None
            ),
        )
        self.page.on(
            "response",
            lambda response: (
                self.problems.append(f"{response.status} {response.url}")
                if "/static/" in response.url and response.status >= 400
                else None
            ),
        )

    def expected(self, fragment: str) -> None:
        """A problem this person was meant to run into (the browser reports every 404 on the console)."""
        self.problems = [problem for problem in self.problems if fragment not in problem]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def phones(chromium, live_server):
    opened: list[Phone] = []

    def open_phone() -> Phone:
        phone = Phone(chromium, live_server.url)
        opened.append(phone)
        return phone

    yield open_phone
    for phone in opened:
        phone.close()


# --- what a person does ----------------------------------------------------------------------------


def shot(page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=full_page)


def sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_text("工作人员登录")).to_be_visible()
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def opened(collapse) -> None:
    """Wait until a Bootstrap collapse has finished opening: while it slides open ("collapsing") its content
    is clipped and may shift, and a tap can land beside the button."""
    expect(collapse).to_be_visible()
    expect(collapse).to_have_class(SHOWN)


def open_nav(page) -> None:
    """On a phone the navigation is collapsed behind the toggler."""
    toggler = page.get_by_role("button", name="展开导航")
    expect(toggler).to_be_visible()
    toggler.click()
    opened(page.locator("#main-nav"))


def sign_out(page, user) -> None:
    open_nav(page)
    page.locator("#main-nav").get_by_role("button", name=user.full_name).click()
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_text("工作人员登录")).to_be_visible()


def take_action(page, label: str, fill=None) -> None:
    """Open the action's panel with its button, fill in its form, confirm, and see it done."""
    button = page.locator(".action-buttons").get_by_role("button", name=label, exact=True)
    expect(button).to_be_visible()
    button.click()
    panel = page.locator(f"#{button.get_attribute('aria-controls')}")
    opened(panel)
    if fill is not None:
        fill(panel)
    panel.get_by_role("button", name=f"确认{label}").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已完成“{label}”")


def action_buttons(page):
    return page.locator(".action-buttons").get_by_role("button")


# --- the story -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")  # WhiteNoise, built before STATIC_ROOT moved
def test_walk_in_dispute_goes_round_the_loop_on_a_phone(
    migration_data, phones, live_server, zhuzhou, people, category, tmp_path
):
    photo = tmp_path / "漏水照片.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)

    # 1. The township clerk signs in and lands on the workbench.
    clerk = phones()
    page = clerk.page
    sign_in(page, people.clerk)
    expect(page).to_have_url(re.compile(r"/$"))
    shot(page, "01-workbench-clerk")

    # 2. ... and registers the walk-in at the counter.
    page.get_by_role("link", name="登记案件").click()
    expect(page.get_by_role("heading", name="登记案件")).to_be_visible()
    page.get_by_label("类别").select_option(label="矛盾纠纷 · 邻里")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("情况描述").fill("楼上卫生间漏水导致楼下天花板受损,双方就赔偿协商未果。")
    page.get_by_label("受理渠道").select_option(label="来访")
    page.get_by_label("所在区划").select_option(zhuzhou.taishan.code)
    page.get_by_label("详细地址").fill("泰山路88号3栋")
    applicant, respondent = page.locator("fieldset.party-row").nth(0), page.locator("fieldset.party-row").nth(1)
    applicant.get_by_label("姓名/名称").fill("张三")
    applicant.get_by_label(ROLE_LABEL).select_option(label="申请人")
    applicant.get_by_label("身份证号码").fill(GOOD_ID)
    applicant.get_by_label("联系电话").fill("13800138000")
    respondent.get_by_label("姓名/名称").fill("李四")
    respondent.get_by_label(ROLE_LABEL).select_option(label="被申请人")
    respondent.get_by_label("联系电话").fill("0731-22880000")
    # The basic details the 调解协议书 states (gender and birth date of 张三 come from his ID number).
    applicant.get_by_text("更多基本情况").click()
    applicant.get_by_label("民族").select_option(label="汉族")
    applicant.get_by_label("住址(住所)").fill("株洲市天元区泰山路88号3栋201室")
    respondent.get_by_text("更多基本情况").click()
    respondent.get_by_label("性别").select_option(label="女")
    respondent.get_by_label("出生日期").fill("1990-07-01")
    respondent.get_by_label("民族").select_option(label="土家族")
    respondent.get_by_label("工作单位").fill("株洲市天元区某物业服务有限公司")
    page.locator("input[type=file][name=attachments]").set_input_files(photo)
    shot(page, "02-intake-filled")
    page.get_by_role("button", name="提交登记").click()

    success = page.locator(".alert-success")
    expect(success).to_contain_text("已登记,编号 MJ")
    expect(success).to_contain_text("已分流至 嵩山路街道综治中心")  # 首接负责: the counter's centre keeps it
    number = re.search(r"编号 (\S+?),", success.inner_text())[1]
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.locator(".case-header")).to_contain_text(number)
    expect(page.locator(".status-label")).to_have_text("待受理")
    case_url = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/cases/\d+/", case_url), case_url

    # 3. Parties are masked; the photo is attached; the clerk accepts and assigns the mediator.
    parties = page.locator("#parties")
    expect(parties).to_contain_text("张*")
    expect(parties).to_contain_text("李*")
    expect(parties).to_contain_text("已脱敏")
    expect(parties).not_to_contain_text("张三")
    expect(parties).not_to_contain_text(GOOD_ID)
    expect(parties).not_to_contain_text("13800138000")
    expect(page.locator("#attachments")).to_contain_text("漏水照片.png")
    shot(page, "03-detail-registered")

    take_action(page, "受理")
    expect(page.locator(".status-label")).to_have_text("已受理")
    take_action(page, "指派调解员", lambda form: form.get_by_label("调解员").select_option(people.mediator.username))
    expect(page.locator(".status-label")).to_have_text("调解中")
    expect(page.locator(".case-facts")).to_contain_text(people.mediator.full_name)
    sign_out(page, people.clerk)

    # 4. The mediator finds the case on the workbench, records a session and concludes with an agreement.
    mediator = phones()
    page = mediator.page
    sign_in(page, people.mediator)
    shot(page, "04-workbench-mediator")
    page.get_by_role("link", name=re.compile(re.escape(TITLE))).first.click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    held_at = timezone.localtime()  # not before the registration a moment ago

    def record(form):
        form.get_by_label("调解时间").fill(held_at.strftime("%Y-%m-%dT%H:%M"))
        form.get_by_label("调解地点").fill("嵩山路街道调解室")
        form.get_by_label("参加人员").fill("张三、李四、王调解")
        form.get_by_label("调解情况").fill("双方陈述,初步达成赔偿意向。")
        form.scroll_into_view_if_needed()
        shot(page, "04b-record-session-form", full_page=False)

    take_action(page, "记录调解", record)
    expect(page.locator("#mediation")).to_contain_text("第 1 次调解")
    expect(page.locator("#mediation")).to_contain_text("嵩山路街道调解室")

    def conclude(form):
        form.get_by_label("调解结果").select_option(label="成功")
        form.get_by_label("争议事项").fill("楼上漏水造成的天花板维修费用由谁承担。")
        form.get_by_label("申请人 张* 的责任").fill("无责任。")
        form.get_by_label("被申请人 李* 的责任").fill("对漏水负全部责任。")
        form.get_by_label("协议内容").fill("李四于十日内赔偿张三维修费用人民币3000元。")
        form.get_by_label("涉及金额(元)").fill("3000")
        form.get_by_label("履行方式", exact=True).select_option(label="一次性履行")
        form.get_by_label("履行期限").fill((timezone.localdate() + datetime.timedelta(days=10)).isoformat())
        shot(page, "04b2-conclude-form")

    take_action(page, "调解终结", conclude)
    expect(page.locator(".status-label")).to_have_text("调解终结待核查")
    expect(page.locator("#mediation")).to_contain_text("成功")
    shot(page, "04c-detail-concluded-mediator")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载调解协议书").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx"), download.suggested_filename
    assert Path(download.path()).read_bytes()[:2] == b"PK"

    # 5. Four eyes: whoever mediated does not verify.
    expect(action_buttons(page).filter(has_text="核查")).to_have_count(0)
    sign_out(page, people.mediator)

    head = phones()
    page = head.page
    sign_in(page, people.head)
    page.goto(case_url)
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()

    # 8. An action out of turn, posted straight to its URL (结案 before 核查), is refused with 409.
    token = page.locator("#actions input[name=csrfmiddlewaretoken]").first.input_value()
    refused = page.request.post(
        f"{case_url}actions/close/", form={"csrfmiddlewaretoken": token}, headers={"Referer": page.url}
    )
    assert refused.status == 409, refused.status
    body = refused.text()
    assert 'data-status="409"' in body and re.search(r'data-status="409">[^<]*[\u4e00-\u9fff]', body), body[:500]

    take_action(page, "核查", lambda form: form.get_by_label("核查结论").select_option(label="核查通过"))
    expect(page.locator(".status-label")).to_have_text("已核查待结案")
    take_action(page, "结案")
    expect(page.locator(".status-label")).to_have_text("已结案")
    expect(page.locator(".case-facts")).to_contain_text("结案时间")
    sign_out(page, people.head)

    # The clerk records the follow-up call; the timeline tells the whole story in order.
    page = clerk.page
    sign_in(page, people.clerk)
    page.goto(case_url)

    def rate(form):
        form.get_by_label("满意度").select_option(label="满意")
        form.get_by_label("回访方式").select_option(label="电话回访")

    take_action(page, "回访评价", rate)
    expect(page.locator(".case-facts")).to_contain_text("满意")
    events = page.locator("#timeline .timeline > li .fw-semibold").all_inner_texts()
    seen = iter(events)
    missing = [label for label in TIMELINE if not any(label in event for event in seen)]
    assert not missing, f"timeline {events} lacks, in order: {missing}"
    shot(page, "05-detail-closed-rated")

    # 6. The dashboard counts this year's closed case and successful mediation.
    open_nav(page)
    page.locator("#main-nav").get_by_role("button", name=people.clerk.full_name).click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    shot(page, "05a-nav-open", full_page=False)
    page.locator("#main-nav").get_by_role("link", name="统计分析").click()
    expect(page.get_by_role("heading", name="数据看板")).to_be_visible()
    for name in ("结案数", "调解成功率"):
        card = page.locator("[data-indicator]").filter(has=page.get_by_role("heading", name=name, exact=True))
        expect(card).to_have_count(1)
        expect(card.locator(".fs-2")).to_have_text(NON_ZERO)
    shot(page, "06-dashboard")

    # 7. Another district's clerk gets a 404 on the case and does not find it in their list.
    outsider = phones()
    page = outsider.page
    sign_in(page, people.hetang_clerk)
    response = page.goto(case_url)
    assert response.status == 404
    outsider.expected(f"{case_url})")
    expect(page.get_by_role("heading", name="页面或记录不存在")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(TITLE)
    shot(page, "07-outsider-404")
    page.goto("/cases/")
    expect(page.get_by_role("heading", name="案件列表")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(number)
    shot(page, "08-outsider-list")

    for phone in (clerk, mediator, head, outsider):
        assert not phone.problems, phone.problems
