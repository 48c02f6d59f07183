"""The grid worker's workbench (网格员工作台): their grids' open cases, patrols and visits due within three
days or overdue, and today's duty — for a grid member only, and only their own grids."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pingan.cases.choices import Channel
from pingan.cases.models import Category
from pingan.cases.services import case_register
from pingan.gridwork import selectors, services
from pingan.gridwork.choices import PatrolKind, Shift
from pingan.gridwork.models import DutyShift

DAY = datetime.timedelta(days=1)


@pytest.fixture
def grid_day(grids):
    """In 第1网格: an open incident, an overdue visit, a patrol tomorrow, one next week, and today's duty."""
    incident = case_register(
        actor=grids.worker,
        kind="incident",
        category=Category.objects.get(code="inc_sanitation"),
        title="垃圾清运不及时",
        description="泰山路垃圾站满溢两天未清运。",
        channel=Channel.GRID,
        region=grids.taishan_1,
    )

    def plan(kind, when, household=""):
        return services.patrol_plan(
            actor=grids.worker, kind=kind, grid=grids.taishan_1, planned_for=when, household=household
        )

    now = timezone.now()
    overdue = plan(PatrolKind.HOME_VISIT, now - DAY, household="泰山路8号独居老人")
    tomorrow = plan(PatrolKind.NIGHT_PATROL, now + DAY)
    next_week = plan(PatrolKind.DAILY_PATROL, now + 7 * DAY)
    DutyShift.objects.create(
        grid=grids.taishan_1,
        region_code=grids.taishan_1.code,
        member=grids.volunteer,
        date=timezone.localdate(),
        shift=Shift.NIGHT,
    )
    return {"incident": incident, "overdue": overdue, "tomorrow": tomorrow, "next_week": next_week}


def test_grids_of_user_are_the_grids_they_work(grids):
    assert list(selectors.grids_of_user(grids.worker)) == [grids.taishan_1]
    assert list(selectors.grids_of_user(grids.hetang_worker)) == [grids.yuetang_1]


def test_the_section_lists_open_cases_due_patrols_and_todays_duty(grids, grid_day):
    work = selectors.grid_work(user=grids.worker)
    assert work.grids == [grids.taishan_1]
    assert [case.pk for case in work.open_cases] == [grid_day["incident"].pk]
    assert [p.pk for p in work.due_patrols] == [grid_day["overdue"].pk, grid_day["tomorrow"].pk]
    assert [(s.shift, s.member_id) for s in work.today_shifts] == [(Shift.NIGHT, grids.volunteer.pk)]


def test_the_workbench_page_shows_the_grid_section(client, grids, grid_day):
    client.force_login(grids.worker)
    body = client.get(reverse("workbench")).content.decode()
    assert 'id="grid-work"' in body
    assert grid_day["incident"].number in body
    assert "泰山路8号独居老人" in body and "已逾期" in body
    assert "李**" in body and "夜班" in body


def test_a_user_who_works_no_grid_sees_no_section(client, people, grids, grid_day):
    client.force_login(people.clerk)
    assert 'id="grid-work"' not in client.get(reverse("workbench")).content.decode()


def test_a_worker_of_another_district_sees_only_his_grid(client, grids, grid_day):
    client.force_login(grids.hetang_worker)
    body = client.get(reverse("workbench")).content.decode()
    assert "月塘社区第1网格" in body
    assert grid_day["incident"].number not in body and "泰山" not in body


def test_the_workbench_api(api, grids, grid_day, people):
    body = api(grids.worker).get("/api/v1/grid-work/").json()
    assert [g["code"] for g in body["grids"]] == [grids.taishan_1.code]
    assert body["open_case_count"] == 1 and body["open_cases"][0]["number"] == grid_day["incident"].number
    assert [p["id"] for p in body["due_patrols"]] == [grid_day["overdue"].pk, grid_day["tomorrow"].pk]
    assert body["today_shifts"][0]["member"]["name"] == "李**"
    assert api(people.clerk).get("/api/v1/grid-work/").status_code == 404


def test_the_workbench_keeps_to_a_query_budget(client, api, grids, grid_day, django_assert_max_num_queries):
    for days in range(10):
        services.patrol_plan(
            actor=grids.worker,
            kind=PatrolKind.NIGHT_PATROL,
            grid=grids.taishan_1,
            planned_for=timezone.now() - days * DAY,
            members=[grids.worker_post, grids.volunteer],
        )
    client.force_login(grids.worker)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("workbench")).status_code == 200
    with django_assert_max_num_queries(12):
        assert len(api(grids.worker).get("/api/v1/grid-work/").json()["due_patrols"]) == 12
