"""Deadlines counted through a year whose holiday notice is not known yet: computed on the statutory
holidays, marked provisional on the case page and in the API, and counted again once the notice is entered."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from pingan.cases.models import Case, SlaPolicy
from pingan.cases.tests.test_engine import register
from pingan.workcalendar.calendar import Unit
from pingan.workcalendar.models import CalendarOverride, HolidayNotice

D = datetime.date
HYPOTHETICAL_NUMBER = "(测试)国办发明电〔2026〕号"  # no 2027 notice is known to this code: a stand-in


def shanghai(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def five_day_clock(category):
    return SlaPolicy.objects.create(kind="dispute", category=category, amount=5, unit=Unit.WORKING_DAYS)


@pytest.fixture
def spring_festival_case(zhuzhou, people, category, five_day_clock):
    with time_machine.travel(shanghai(2027, 2, 4, 10, 0), tick=False):
        return register(people, zhuzhou, category)


@pytest.mark.django_db
class TestTheIssuesCase:
    def test_registered_on_4_february_2027_with_5_working_days(self, spring_festival_case):
        # By hand, on the statutory days of 《全国年节及纪念日放假办法》 (国务院令第795号): 除夕 Fri 5 Feb, 初一
        # and 初二 the weekend, 初三 Mon 8 Feb are off; the working days after Thu 4 Feb are 9, 10, 11, 12
        # and 15 Feb. chinesecalendar alone (no 2027 data) gave 11 Feb.
        case = spring_festival_case
        assert timezone.localtime(case.deadline) == shanghai(2027, 2, 15, 23, 59, 59)
        assert case.deadline_provisional

    def test_the_case_page_says_so(self, client, people, spring_festival_case):
        with time_machine.travel(shanghai(2027, 2, 5, 9, 0), tick=False):
            client.force_login(people.clerk)  # sessions expire: sign in at the pinned time
            page = client.get(f"/cases/{spring_festival_case.pk}/").content.decode()
        assert "2027-02-15 23:59" in page
        assert "期限按法定节假日推算,以国务院当年放假通知为准" in page

    def test_the_api_says_so(self, api, people, spring_festival_case):
        client = api(people.clerk)
        with time_machine.travel(shanghai(2027, 2, 5, 9, 0), tick=False):
            detail = client.get(f"/api/v1/cases/{spring_festival_case.pk}/").json()
            rows = client.get("/api/v1/cases/").json()["results"]
        assert detail["deadline_provisional"] is True
        assert detail["deadline"].startswith("2027-02-15T23:59:59")
        assert [row["deadline_provisional"] for row in rows] == [True]

    def test_a_case_inside_a_noticed_year_is_not_provisional(self, zhuzhou, people, category, five_day_clock, client):
        with time_machine.travel(shanghai(2026, 11, 30, 23, 30), tick=False):
            case = register(people, zhuzhou, category)
        assert timezone.localtime(case.deadline).date() == D(2026, 12, 7)
        assert not case.deadline_provisional
        with time_machine.travel(shanghai(2026, 12, 1, 9, 0), tick=False):
            client.force_login(people.clerk)
            assert "以国务院当年放假通知为准" not in client.get(f"/cases/{case.pk}/").content.decode()


def notice_form(year: int, days: list[tuple[datetime.date, bool, str]]) -> dict[str, Any]:
    data = {
        "year": year,
        "document_number": HYPOTHETICAL_NUMBER,
        "published_on": "2026-11-05",
        "days-TOTAL_FORMS": len(days),
        "days-INITIAL_FORMS": 0,
        "days-MIN_NUM_FORMS": 0,
        "days-MAX_NUM_FORMS": 1000,
    }
    for index, (day, is_workday, note) in enumerate(days):
        data |= {f"days-{index}-date": day.isoformat(), f"days-{index}-note": note}
        if is_workday:
            data[f"days-{index}-is_workday"] = "on"
    return data


# The weekday statutory days of 2027 (test_statutory.py), which a notice must set off.
WEEKDAY_STATUTORY_2027 = [
    (D(2027, 1, 1), False, "元旦"),
    (D(2027, 2, 5), False, "春节"),
    (D(2027, 2, 8), False, "春节"),
    (D(2027, 4, 5), False, "清明节"),
    (D(2027, 6, 9), False, "端午节"),
    (D(2027, 9, 15), False, "中秋节"),
    (D(2027, 10, 1), False, "国庆节"),
]


@pytest.mark.django_db
class TestEnteringTheNotice:
    def test_the_notices_days_replace_the_computed_ones_and_open_clocks_are_counted_again(
        self, client, admin_user, spring_festival_case
    ):
        # A 春节 arranged like 2026's (除夕 to 初七 off with 调休): 9-11 Feb off too, Sat 20 Feb worked.
        days = [
            *WEEKDAY_STATUTORY_2027,
            (D(2027, 2, 9), False, "春节"),
            (D(2027, 2, 10), False, "春节"),
            (D(2027, 2, 11), False, "春节"),
            (D(2027, 2, 20), True, "春节调休上班"),
        ]
        with time_machine.travel(shanghai(2027, 2, 5, 9, 0), tick=False):
            client.force_login(admin_user)
            response = client.post("/admin/workcalendar/holidaynotice/add/", notice_form(2027, days))
        assert response.status_code == 302, response.content.decode()
        assert HolidayNotice.objects.get().days.count() == len(days)
        case = Case.objects.get(pk=spring_festival_case.pk)
        # Working days after Thu 4 Feb: Fri 12, Mon 15, Tue 16, Wed 17, Thu 18 Feb.
        assert timezone.localtime(case.deadline).date() == D(2027, 2, 18)
        assert not case.deadline_provisional
        # simple_history puts a manager in place of the HistoricalRecords field (which is all mypy sees).
        assert case.history.first().history_change_reason == "工作日历变更,重新计算办理期限"  # type: ignore[attr-defined]

    def test_an_incomplete_notice_is_refused_and_nothing_is_written(self, admin_client, spring_festival_case):
        days = [day for day in WEEKDAY_STATUTORY_2027 if day[2] != "春节"]
        response = admin_client.post("/admin/workcalendar/holidaynotice/add/", notice_form(2027, days))
        assert response.status_code == 200
        assert "通知录入不完整,以下法定节假日须录入为休息日:2月5日(春节)、2月8日(春节)" in response.content.decode()
        assert not HolidayNotice.objects.exists() and not CalendarOverride.objects.exists()
        assert Case.objects.get(pk=spring_festival_case.pk).deadline_provisional

    @pytest.mark.parametrize(
        "year, message", [(2026, "系统已内置 2026 年的放假安排"), (2024, "只能录入 2025 年及以后的放假通知")]
    )
    def test_a_year_the_calendar_knows_is_refused(self, admin_client, year, message):
        response = admin_client.post("/admin/workcalendar/holidaynotice/add/", notice_form(year, []))
        assert message in response.content.decode()
        assert not HolidayNotice.objects.exists()

    def test_a_day_outside_the_notices_year_is_refused(self, admin_client):
        days = [*WEEKDAY_STATUTORY_2027, (D(2026, 12, 31), False, "元旦")]
        response = admin_client.post("/admin/workcalendar/holidaynotice/add/", notice_form(2027, days))
        assert "日期须在通知所属的 2027 年内" in response.content.decode()
        assert not HolidayNotice.objects.exists()

    def test_upgrading_installations_count_their_open_clocks_again(self, zhuzhou, people, category, five_day_clock):
        # A case whose deadline was counted before this calendar knew 2027's statutory days.
        with time_machine.travel(shanghai(2027, 2, 4, 10, 0), tick=False):
            case = register(people, zhuzhou, category)
        Case.objects.filter(pk=case.pk).update(deadline=shanghai(2027, 2, 11, 23, 59, 59), deadline_provisional=False)
        with time_machine.travel(shanghai(2027, 2, 5, 9, 0), tick=False):
            call_command("clocks_recount")
        case.refresh_from_db()
        assert timezone.localtime(case.deadline).date() == D(2027, 2, 15) and case.deadline_provisional


@pytest.mark.django_db
class TestBanner:
    BANNER = "尚未录入 2027 年的国务院放假通知"

    @pytest.fixture
    def calendar_admin(self, django_user_model):
        """The 系统管理员 of 三员分立, who maintains the holiday table."""
        from pingan.accounts.management.commands.setup_roles import SYSADMIN

        call_command("setup_roles", stdout=None)
        user = django_user_model.objects.create_user(username="sysadmin", password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=SYSADMIN))
        return user

    def test_calendar_administrators_see_it_while_next_years_notice_is_missing(self, client, calendar_admin):
        with time_machine.travel(shanghai(2026, 12, 31, 23, 30), tick=False):
            client.force_login(calendar_admin)
            page = client.get("/").content.decode()
            assert self.BANNER in page and "/admin/workcalendar/holidaynotice/add/" in page
            assert client.get("/admin/workcalendar/holidaynotice/add/").status_code == 200
            HolidayNotice.objects.create(year=2027, document_number=HYPOTHETICAL_NUMBER, published_on=D(2026, 11, 5))
            assert self.BANNER not in client.get("/").content.decode()

    def test_other_users_do_not(self, client, people):
        with time_machine.travel(shanghai(2026, 12, 31, 23, 30), tick=False):
            client.force_login(people.clerk)
            assert self.BANNER not in client.get("/").content.decode()
