"""The patrol API: plan, log with findings, cancel, record a finding, open it as a case, counts — with one
query budget per list and 404 for another district's patrols and findings."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pingan.gridwork import services
from pingan.gridwork.choices import PatrolKind, PatrolStatus
from pingan.gridwork.models import Patrol, PatrolFinding

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def worker_api(api, grids):
    return api(grids.worker)


@pytest.fixture
def hetang_api(api, grids):
    return api(grids.hetang_worker)


@pytest.fixture
def patrol(grids):
    return services.patrol_plan(
        actor=grids.worker,
        kind=PatrolKind.NIGHT_TALK,
        grid=grids.taishan_1,
        planned_for=timezone.now() - 2 * HOUR,
        places=["泰山社区活动室"],
    )


@pytest.fixture
def finding(patrol, grids):
    return services.finding_add(actor=grids.worker, patrol=patrol, description="居民反映小区门口井盖松动")


def test_plan_a_patrol_with_a_route(worker_api, grids):
    response = worker_api.post(
        "/api/v1/patrols/",
        {
            "kind": PatrolKind.NIGHT_PATROL,
            "grid": grids.taishan_1.code,
            "planned_for": (timezone.now() + HOUR).isoformat(),
            "route": {"type": "LineString", "coordinates": [[113.085, 27.79], [113.095, 27.81]]},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == PatrolStatus.PLANNED and body["members"][0]["name"] == "黄**"
    assert body["route"]["type"] == "LineString" and body["findings"] == []


def test_plan_in_a_grid_of_another_district_is_refused(hetang_api, grids):
    response = hetang_api.post(
        "/api/v1/patrols/",
        {"kind": PatrolKind.NIGHT_PATROL, "grid": grids.taishan_1.code, "planned_for": timezone.now().isoformat()},
        format="json",
    )
    assert response.status_code == 400 and "grid" in response.json()["error"]["fields"]
    assert not Patrol.objects.exists()


def test_log_with_findings_then_log_again_is_409(worker_api, patrol):
    payload = {
        "started_at": (timezone.now() - 2 * HOUR).isoformat(),
        "ended_at": (timezone.now() - HOUR).isoformat(),
        "summary": "夜话居民12户,收集意见3条。",
        "findings": [{"description": "路灯不亮", "lng": "113.09", "lat": "27.80"}],
    }
    response = worker_api.post(f"/api/v1/patrols/{patrol.pk}/log/", payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == PatrolStatus.DONE
    assert response.json()["findings"][0]["lng"] == "113.090000"
    again = worker_api.post(f"/api/v1/patrols/{patrol.pk}/log/", payload, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"


def test_cancel_needs_a_reason(worker_api, patrol):
    assert worker_api.post(f"/api/v1/patrols/{patrol.pk}/cancel/", {"reason": ""}, format="json").status_code == 400
    response = worker_api.post(f"/api/v1/patrols/{patrol.pk}/cancel/", {"reason": "暴雨停巡"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == PatrolStatus.CANCELLED


def test_record_a_finding_and_open_it_as_a_case(worker_api, patrol, grids):
    response = worker_api.post(f"/api/v1/patrols/{patrol.pk}/findings/", {"description": "消防栓被圈占"}, format="json")
    assert response.status_code == 201
    finding_id = response.json()["id"]
    response = worker_api.post(
        f"/api/v1/patrol-findings/{finding_id}/case/", {"category": "inc_fire", "urgency": "urgent"}, format="json"
    )
    assert response.status_code == 201, response.json()
    case = response.json()
    assert (case["kind"], case["region"]["code"], case["urgency"]) == ("incident", grids.taishan_1.code, "urgent")
    assert PatrolFinding.objects.get(pk=finding_id).case_id == case["id"]
    again = worker_api.post(f"/api/v1/patrol-findings/{finding_id}/case/", {"category": "inc_fire"}, format="json")
    assert again.status_code == 409


def test_a_finding_with_an_unknown_category_is_400(worker_api, finding):
    response = worker_api.post(f"/api/v1/patrol-findings/{finding.pk}/case/", {"category": "neighbour"}, format="json")
    assert response.status_code == 400 and "category" in response.json()["error"]["fields"]


def test_counts_by_grid_and_by_worker(worker_api, patrol, grids):
    services.patrol_log(
        actor=grids.worker,
        patrol=patrol,
        started_at=timezone.now() - 2 * HOUR,
        ended_at=timezone.now() - HOUR,
        summary="正常",
    )
    today = timezone.localdate()
    span = {"start": (today - datetime.timedelta(days=1)).isoformat(), "end": today.isoformat()}
    by_grid = worker_api.get("/api/v1/patrol-counts/", span).json()
    assert by_grid["rows"][0]["grid"]["code"] == grids.taishan_1.code and by_grid["rows"][0]["done"] == 1
    by_worker = worker_api.get("/api/v1/patrol-counts/", {**span, "by": "worker"}).json()
    assert by_worker["rows"][0]["member"]["name"] == "黄**"
    bad = worker_api.get("/api/v1/patrol-counts/", {"start": today.isoformat(), "end": "2000-01-01"})
    assert bad.status_code == 400


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/patrols/{patrol}/"),
        ("post", "/api/v1/patrols/{patrol}/log/"),
        ("post", "/api/v1/patrols/{patrol}/cancel/"),
        ("post", "/api/v1/patrols/{patrol}/findings/"),
        ("post", "/api/v1/patrol-findings/{finding}/case/"),
    ],
)
def test_another_district_gets_404(hetang_api, patrol, finding, method, url):
    target = url.format(patrol=patrol.pk, finding=finding.pk)
    data = {
        "reason": "取消",
        "description": "x",
        "category": "inc_fire",
        "summary": "x",
        "started_at": timezone.now().isoformat(),
        "ended_at": timezone.now().isoformat(),
    }
    response = getattr(hetang_api, method)(target, data if method == "post" else None, format="json")
    assert response.status_code == 404
    patrol.refresh_from_db()
    finding.refresh_from_db()
    assert (patrol.status, patrol.findings.count(), finding.case_id) == (PatrolStatus.PLANNED, 1, None)


def test_another_district_sees_no_patrols_or_counts(hetang_api, patrol):
    assert hetang_api.get("/api/v1/patrols/").json()["results"] == []
    assert hetang_api.get("/api/v1/patrol-counts/").json()["rows"] == []


def test_patrol_list_keeps_to_a_query_budget(worker_api, grids, django_assert_max_num_queries):
    for hours in range(40):
        patrol = services.patrol_plan(
            actor=grids.worker,
            kind=PatrolKind.DAILY_PATROL,
            grid=grids.taishan_1,
            planned_for=timezone.now() + hours * HOUR,
            members=[grids.worker_post, grids.volunteer],
        )
        services.finding_add(actor=grids.worker, patrol=patrol, description="巡查发现")
    with django_assert_max_num_queries(8):
        body = worker_api.get("/api/v1/patrols/?page_size=100").json()
    assert len(body["results"]) == 40 and body["results"][0]["finding_count"] == 1
    with django_assert_max_num_queries(8):
        assert worker_api.get(f"/api/v1/patrols/{patrol.pk}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert worker_api.get("/api/v1/patrol-counts/?by=worker").status_code == 200


def test_patrol_responses_match_the_published_schema(worker_api, patrol, finding, grids):
    from drf_spectacular.generators import SchemaGenerator

    from tests.test_openapi_conformance import assert_conforms

    openapi = SchemaGenerator().get_schema(request=None, public=True)
    now = timezone.now()
    calls = [
        ("get", "/api/v1/patrols/", None),
        ("get", f"/api/v1/patrols/{patrol.pk}/", None),
        ("post", f"/api/v1/patrols/{patrol.pk}/findings/", {"description": "垃圾堆放", "lng": "113.09", "lat": "27.8"}),
        ("post", f"/api/v1/patrol-findings/{finding.pk}/case/", {"category": "inc_municipal"}),
        (
            "post",
            f"/api/v1/patrols/{patrol.pk}/log/",
            {"started_at": (now - HOUR).isoformat(), "ended_at": now.isoformat(), "summary": "正常"},
        ),
        ("post", f"/api/v1/patrols/{patrol.pk}/cancel/", {"reason": "已完成的不能取消"}),
        ("get", "/api/v1/patrol-counts/", None),
        ("get", "/api/v1/patrol-counts/?by=worker", None),
        ("get", "/api/v1/grid-work/", None),
    ]
    for method, url, data in calls:
        response = getattr(worker_api, method)(url, data, format="json") if data else worker_api.get(url)
        assert_conforms(openapi, method, url, response)
