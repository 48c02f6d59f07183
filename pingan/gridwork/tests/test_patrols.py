"""Patrols and visits (夜巡夜访夜话): planned for a grid by its worker or centre, logged once with what was
found, a finding opened as an incident case in one step, counted per grid and per worker — and all of it
invisible to another district (荷塘区)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from pingan.cases.choices import Channel
from pingan.cases.models import Category
from pingan.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from pingan.gridwork import selectors, services
from pingan.gridwork.choices import MemberRole, PatrolKind, PatrolStatus
from pingan.gridwork.models import GridMember, Patrol, PatrolFinding

HOUR = datetime.timedelta(hours=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def fire(db) -> Category:
    return Category.objects.get(code="inc_fire")


@pytest.fixture
def night_patrol(grids):
    """Tonight's patrol of 泰山社区第1网格 by its grid worker, planned by himself."""
    return services.patrol_plan(
        actor=grids.worker,
        kind=PatrolKind.NIGHT_PATROL,
        grid=grids.taishan_1,
        planned_for=timezone.now() - 2 * HOUR,
        places=["泰山路夜市", "长江路口"],
    )


@pytest.fixture
def logged_patrol(night_patrol, grids):
    """The night patrol, done, with one finding at a point in 第1网格."""
    return services.patrol_log(
        actor=grids.worker,
        patrol=night_patrol,
        started_at=timezone.now() - 2 * HOUR,
        ended_at=timezone.now() - HOUR,
        summary="夜市秩序正常,发现一处消防通道堵塞。",
        findings=[{"description": "泰山路夜市消防通道被摊位堵塞", "lng": "113.090000", "lat": "27.800000"}],
    )


# --- planning --------------------------------------------------------------------------------------


def test_a_grid_worker_who_plans_for_own_grid_goes_himself(night_patrol, grids):
    assert list(night_patrol.members.all()) == [grids.worker_post]
    assert (night_patrol.status, night_patrol.region_code) == (PatrolStatus.PLANNED, grids.taishan_1.code)
    assert night_patrol.places == ["泰山路夜市", "长江路口"]


def test_centre_staff_must_name_who_goes(grids, people):
    with pytest.raises(ApplicationError) as refused:
        services.patrol_plan(
            actor=people.clerk, kind=PatrolKind.DAILY_PATROL, grid=grids.taishan_2, planned_for=timezone.now()
        )
    assert "members" in refused.value.fields


def test_a_visit_names_the_household(grids):
    with pytest.raises(ApplicationError) as refused:
        services.patrol_plan(
            actor=grids.worker, kind=PatrolKind.HOME_VISIT, grid=grids.taishan_1, planned_for=timezone.now()
        )
    assert "household" in refused.value.fields


def test_people_of_another_community_cannot_join(grids, people):
    with pytest.raises(ApplicationError) as refused:
        services.patrol_plan(
            actor=people.clerk,
            kind=PatrolKind.NIGHT_PATROL,
            grid=grids.taishan_1,
            planned_for=timezone.now(),
            members=[grids.hetang_worker_post.pk],
        )
    assert "members" in refused.value.fields


def test_a_night_patrol_may_take_people_of_the_neighbouring_grid(grids, people):
    neighbour = GridMember.objects.create(grid=grids.taishan_2, role=MemberRole.BUILDING_HEAD, name="周楼长")
    patrol = services.patrol_plan(
        actor=people.clerk,
        kind=PatrolKind.NIGHT_PATROL,
        grid=grids.taishan_1,
        planned_for=timezone.now(),
        members=[grids.worker_post, neighbour],
    )
    assert set(patrol.members.all()) == {grids.worker_post, neighbour}


@pytest.mark.parametrize(
    "route",
    [
        {"type": "Point", "coordinates": [113.09, 27.80]},
        {"type": "LineString", "coordinates": [[113.09, 27.80]]},
        {"type": "LineString", "coordinates": [[27.80, 213.09], [27.81, 213.10]]},
        {"type": "LineString", "coordinates": [["东", "西"], [113.1, 27.8]]},
    ],
)
def test_a_route_must_be_a_wgs84_line(grids, route):
    with pytest.raises(ApplicationError) as refused:
        services.patrol_plan(
            actor=grids.worker,
            kind=PatrolKind.NIGHT_PATROL,
            grid=grids.taishan_1,
            planned_for=timezone.now(),
            route=route,
        )
    assert "route" in refused.value.fields
    assert not Patrol.objects.exists()


def test_a_route_is_stored_as_a_linestring(grids):
    patrol = services.patrol_plan(
        actor=grids.worker,
        kind=PatrolKind.NIGHT_PATROL,
        grid=grids.taishan_1,
        planned_for=timezone.now(),
        route={"type": "LineString", "coordinates": [[113.0851234567, 27.79], [113.095, 27.81]]},
    )
    assert patrol.route == {"type": "LineString", "coordinates": [[113.085123, 27.79], [113.095, 27.81]]}


def test_another_district_cannot_plan_in_the_grid(grids):
    with pytest.raises(PermissionDeniedError):
        services.patrol_plan(
            actor=grids.hetang_worker, kind=PatrolKind.NIGHT_PATROL, grid=grids.taishan_1, planned_for=timezone.now()
        )


# --- logging ---------------------------------------------------------------------------------------


def test_logging_marks_the_patrol_done_with_its_findings(logged_patrol):
    assert logged_patrol.status == PatrolStatus.DONE
    finding = logged_patrol.findings.get()
    assert (str(finding.lng), str(finding.lat)) == ("113.090000", "27.800000")


def test_a_patrol_is_logged_once(logged_patrol, grids):
    with pytest.raises(ConflictError):
        services.patrol_log(
            actor=grids.worker,
            patrol=logged_patrol,
            started_at=timezone.now() - HOUR,
            ended_at=timezone.now(),
            summary="再记一次",
        )


@pytest.mark.parametrize(
    ("started", "ended", "field"),
    [(-1, -2, "ended_at"), (-1, 2, "ended_at")],
)
def test_times_must_make_sense(night_patrol, grids, started, ended, field):
    with pytest.raises(ApplicationError) as refused:
        services.patrol_log(
            actor=grids.worker,
            patrol=night_patrol,
            started_at=timezone.now() + started * HOUR,
            ended_at=timezone.now() + ended * HOUR,
            summary="正常",
        )
    assert field in refused.value.fields
    night_patrol.refresh_from_db()
    assert night_patrol.status == PatrolStatus.PLANNED


def test_a_finding_with_half_a_location_writes_nothing(night_patrol, grids):
    with pytest.raises(ApplicationError):
        services.patrol_log(
            actor=grids.worker,
            patrol=night_patrol,
            started_at=timezone.now() - HOUR,
            ended_at=timezone.now(),
            summary="正常",
            findings=[{"description": "路灯不亮", "lng": "113.09"}],
        )
    night_patrol.refresh_from_db()
    assert night_patrol.status == PatrolStatus.PLANNED and not PatrolFinding.objects.exists()


def test_a_cancelled_patrol_takes_no_log_and_no_findings(night_patrol, grids):
    with pytest.raises(ApplicationError):
        services.patrol_cancel(actor=grids.worker, patrol=night_patrol, reason="")
    services.patrol_cancel(actor=grids.worker, patrol=night_patrol, reason="暴雨")
    with pytest.raises(ConflictError):
        services.finding_add(actor=grids.worker, patrol=night_patrol, description="积水")
    with pytest.raises(ConflictError):
        services.patrol_log(
            actor=grids.worker, patrol=night_patrol, started_at=timezone.now(), ended_at=timezone.now(), summary="x"
        )


# --- a finding opens a case ------------------------------------------------------------------------


def test_a_finding_opens_an_incident_in_its_grid_in_one_step(logged_patrol, grids, zhuzhou, fire):
    finding = logged_patrol.findings.get()
    case = services.finding_open_case(actor=grids.worker, finding=finding, category=fire)
    finding.refresh_from_db()
    assert finding.case == case
    assert (case.kind, case.channel, case.region_code) == ("incident", Channel.GRID, grids.taishan_1.code)
    assert case.assigned_org == zhuzhou.taishan_centre
    assert case.description == "泰山路夜市消防通道被摊位堵塞"


def test_a_finding_across_the_border_lands_in_the_neighbouring_grid(night_patrol, grids, fire):
    finding = services.finding_add(
        actor=grids.worker, patrol=night_patrol, description="东侧路灯损坏", lng="113.11", lat="27.80"
    )
    case = services.finding_open_case(actor=grids.worker, finding=finding, category=fire)
    assert case.region_code == grids.taishan_2.code


def test_a_finding_without_a_location_lies_in_the_patrols_grid(night_patrol, grids, fire):
    finding = services.finding_add(actor=grids.worker, patrol=night_patrol, description="住户反映楼道堆物")
    case = services.finding_open_case(actor=grids.worker, finding=finding, category=fire, title="楼道堆物")
    assert (case.region_code, case.title) == (grids.taishan_1.code, "楼道堆物")


def test_a_finding_opens_one_case_only(logged_patrol, grids, fire):
    finding = logged_patrol.findings.get()
    services.finding_open_case(actor=grids.worker, finding=finding, category=fire)
    with pytest.raises(ConflictError):
        services.finding_open_case(actor=grids.worker, finding=finding, category=fire)


def test_a_finding_opens_only_an_incident(logged_patrol, grids, category):
    with pytest.raises(ApplicationError) as refused:
        services.finding_open_case(actor=grids.worker, finding=logged_patrol.findings.get(), category=category)
    assert "category" in refused.value.fields


# --- counts ----------------------------------------------------------------------------------------


def test_counts_per_grid_and_per_worker(logged_patrol, grids, people, fire):
    services.finding_open_case(actor=grids.worker, finding=logged_patrol.findings.get(), category=fire)
    services.patrol_plan(
        actor=grids.worker, kind=PatrolKind.DAILY_PATROL, grid=grids.taishan_1, planned_for=timezone.now() + HOUR
    )
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    by_grid = {g.code: g for g in selectors.patrol_counts_by_grid(user=people.clerk, start=start, end=end)}
    row = by_grid[grids.taishan_1.code]
    assert (row.done, row.planned, row.findings, row.cases) == (1, 1, 1, 1)
    by_worker = list(selectors.patrol_counts_by_worker(user=people.clerk, start=start, end=end))
    assert [(m.pk, m.done, m.findings) for m in by_worker] == [(grids.worker_post.pk, 1, 1)]
    assert list(selectors.patrol_counts_by_grid(user=people.hetang_clerk, start=start, end=end)) == []


# --- pages -----------------------------------------------------------------------------------------


@pytest.fixture
def worker_client(client, grids):
    client.force_login(grids.worker)
    return client


def test_plan_log_find_and_open_a_case_through_the_pages(worker_client, grids, fire):
    planned_for = timezone.localtime() - 2 * HOUR
    response = worker_client.post(
        reverse("patrol-new"),
        {
            "kind": PatrolKind.NIGHT_VISIT,
            "grid": grids.taishan_1.code,
            "planned_for": planned_for.strftime("%Y-%m-%dT%H:%M"),
            "household": "泰山路12号3栋201",
            "places": "",
            "route": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    patrol = Patrol.objects.get()
    assert patrol.members.get() == grids.worker_post
    now = timezone.localtime()
    response = worker_client.post(
        reverse("patrol-log", args=[patrol.pk]),
        {
            "started_at": (now - HOUR).strftime("%Y-%m-%dT%H:%M"),
            "ended_at": now.strftime("%Y-%m-%dT%H:%M"),
            "summary": "与住户夜话,了解邻里矛盾情况。",
        },
    )
    assert response.status_code == 302
    response = worker_client.post(
        reverse("patrol-finding-add", args=[patrol.pk]),
        {"description": "楼道电动车充电,有火灾隐患", "lng": "", "lat": ""},
    )
    assert response.status_code == 302
    finding = PatrolFinding.objects.get()
    response = worker_client.post(
        reverse("patrol-finding-case", args=[finding.pk]), {"category": fire.pk, "urgency": ""}
    )
    finding.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == reverse("case-detail", args=[finding.case.pk])
    body = worker_client.get(reverse("patrol-detail", args=[patrol.pk])).content.decode()
    assert finding.case.number in body and "已完成" in body


def test_plan_page_shows_a_bad_route_with_400(worker_client, grids):
    response = worker_client.post(
        reverse("patrol-new"),
        {
            "kind": PatrolKind.NIGHT_PATROL,
            "grid": grids.taishan_1.code,
            "planned_for": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "route": '{"type": "Point", "coordinates": [113.09, 27.8]}',
        },
    )
    assert response.status_code == 400 and "LineString" in response.content.decode()


def test_logging_twice_on_the_page_answers_409(worker_client, logged_patrol):
    now = timezone.localtime()
    response = worker_client.post(
        reverse("patrol-log", args=[logged_patrol.pk]),
        {"started_at": now.strftime("%Y-%m-%dT%H:%M"), "ended_at": now.strftime("%Y-%m-%dT%H:%M"), "summary": "x"},
    )
    assert response.status_code == 409


def test_patrol_list_and_counts_pages(worker_client, logged_patrol):
    assert "夜巡" in worker_client.get(reverse("patrol-list")).content.decode()
    counts = worker_client.get(reverse("patrol-counts")).content.decode()
    assert "泰山社区第1网格" in counts
    assert "黄**" in worker_client.get(reverse("patrol-counts") + "?by=worker").content.decode()


def test_just_after_midnight_on_the_first_last_nights_patrol_counts_for_the_month_before(worker_client, grids):
    """00:45 on 1 December in Asia/Shanghai (16:45 UTC on 30 November): the counts page opens on December so
    far, which has no patrol yet; the patrol of 22:45 the night before belongs to November."""
    with time_machine.travel(datetime.datetime(2026, 12, 1, 0, 45, tzinfo=SHANGHAI), tick=False):
        patrol = services.patrol_plan(
            actor=grids.worker,
            kind=PatrolKind.NIGHT_PATROL,
            grid=grids.taishan_1,
            planned_for=timezone.now() - 2 * HOUR,
        )
        services.patrol_log(
            actor=grids.worker,
            patrol=patrol,
            started_at=timezone.now() - 2 * HOUR,
            ended_at=timezone.now() - HOUR,
            summary="夜巡无异常",
        )
        worker_client.force_login(grids.worker)  # the session of the scene's morning ended 12 hours after it began
        december = worker_client.get(reverse("patrol-counts"))
        november = worker_client.get(reverse("patrol-counts"), {"start": "2026-11-01", "end": "2026-11-30"})
    assert (december.context["start"], december.context["end"]) == (datetime.date(2026, 12, 1),) * 2
    assert [grid.code for grid in december.context["rows"]] == []
    assert [(grid.code, grid.done) for grid in november.context["rows"]] == [(grids.taishan_1.code, 1)]


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("patrol-detail", "get"),
        ("patrol-log", "post"),
        ("patrol-cancel", "post"),
        ("patrol-finding-add", "post"),
        ("patrol-finding-case", "post"),
    ],
)
def test_another_district_gets_404_for_patrol_pages(client, grids, logged_patrol, fire, name, method):
    client.force_login(grids.hetang_worker)
    arg = logged_patrol.findings.get().pk if name == "patrol-finding-case" else logged_patrol.pk
    data = {"reason": "取消", "description": "x", "category": fire.pk, "summary": "x"}
    response = getattr(client, method)(reverse(name, args=[arg]), data if method == "post" else None)
    assert response.status_code == 404
    assert PatrolFinding.objects.get().case is None


def test_patrol_list_page_keeps_to_a_query_budget(worker_client, grids, django_assert_max_num_queries):
    for hours in range(25):
        services.patrol_plan(
            actor=grids.worker,
            kind=PatrolKind.DAILY_PATROL,
            grid=grids.taishan_1,
            planned_for=timezone.now() + hours * HOUR,
        )
    with django_assert_max_num_queries(12):
        assert worker_client.get(reverse("patrol-list")).status_code == 200
