"""The statistics API: scope, validation in the one error shape, bounded queries, and drill-downs."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .conftest import local, register

SUMMARY, BREAKDOWN, DRILLDOWN = "/api/v1/stats/summary/", "/api/v1/stats/breakdown/", "/api/v1/stats/drilldown/"


def period_params(cohort) -> dict:
    return {"date_from": cohort.period.date_from.isoformat(), "date_to": cohort.period.date_to.isoformat()}


def indicators_of(response) -> dict:
    return {item["code"]: item for item in response.json()["indicators"]}


def test_summary_for_the_clerk(api, people, cohort):
    response = api(people.clerk).get(SUMMARY, {**period_params(cohort), "kind": "dispute"})
    assert response.status_code == 200
    body = response.json()
    assert body["region"] == {"code": "430211004", "name": "嵩山路街道"}
    assert body["date_from"] == cohort.period.date_from.isoformat()
    closure = indicators_of(response)["closure_rate"]
    # 4 closed of the 5 that were due (c6, registered yesterday, is not yet due)
    assert (closure["numerator"], closure["denominator"], closure["value"]) == (4, 5, 0.8)
    assert closure["formula"] == "结案率 = 结案数 ÷ 应结案数" and closure["version"] == "2.0"
    assert closure["unit"] == "%" and closure["name"] == "结案率"


def test_summary_defaults_to_this_year(api, people):
    body = api(people.clerk).get(SUMMARY).json()
    today = timezone.localdate()
    assert body["date_from"] == f"{today.year}-01-01" and body["date_to"] == today.isoformat()


def test_a_region_inside_the_jurisdiction_narrows_the_count(api, people, cohort):
    params = period_params(cohort)
    community = indicators_of(api(people.clerk).get(SUMMARY, {**params, "region": "430211004001"}))
    assert community["received"]["numerator"] == 1  # only c4 was registered in 泰山社区
    district = indicators_of(api(people.district_clerk).get(SUMMARY, {**params, "region": "430211"}))
    assert district["received"]["numerator"] == 6


def test_another_district_sees_zeros_and_gets_404_for_our_region(api, people, cohort):
    client = api(people.hetang_clerk)
    response = client.get(SUMMARY, period_params(cohort))
    assert response.status_code == 200
    assert response.json()["region"]["code"] == "430202"
    assert all(item["numerator"] == 0 for item in response.json()["indicators"])
    for endpoint, extra in ((SUMMARY, {}), (BREAKDOWN, {"by": "month"}), (DRILLDOWN, {"indicator": "closure_rate"})):
        response = client.get(endpoint, {**period_params(cohort), **extra, "region": "430211004"})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    # Nor may a township clerk look at the district above them.
    assert api(people.clerk).get(SUMMARY, {"region": "430211"}).status_code == 404


def test_unauthenticated_is_refused(api):
    response = api().get(SUMMARY)
    assert response.status_code == 401 and "error" in response.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2022-13-01"}, "date_from"),
        ({"date_from": "2022/01/01"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2022-03-02", "date_to": "2022-03-01"}, "date_to"),
        ({"kind": "weather"}, "kind"),
    ],
)
def test_bad_parameters_answer_400_in_the_error_shape(api, people, params, field):
    for endpoint in (SUMMARY, f"{BREAKDOWN}?by=month", f"{DRILLDOWN}?indicator=closure_rate"):
        response = api(people.clerk).get(endpoint, params)
        assert response.status_code == 400, endpoint
        error = response.json()["error"]
        assert error["code"] == "invalid" and field in error["fields"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])  # a Chinese message


def test_summary_queries_do_not_grow_with_the_cases(api, people, scene, django_assert_max_num_queries):
    client = api(people.clerk)
    params = {"date_from": "2022-01-01", "date_to": "2022-12-31"}
    register(scene, at=local(2022, 5, 1, 9))
    with CaptureQueriesContext(connection) as few:
        client.get(SUMMARY, params)
    for day in range(2, 12):
        register(scene, at=local(2022, 5, day, 9))
    with django_assert_max_num_queries(5), CaptureQueriesContext(connection) as many:
        response = client.get(SUMMARY, params)
    assert indicators_of(response)["received"]["numerator"] == 11
    assert len(many.captured_queries) == len(few.captured_queries)


def test_breakdown(api, people, scene, zhuzhou, django_assert_max_num_queries):
    register(scene, at=local(2022, 5, 1, 9))
    register(scene, at=local(2022, 6, 1, 9), region=zhuzhou.yuetang, actor=people.hetang_clerk)
    params = {"date_from": "2022-01-01", "date_to": "2022-12-31"}
    with django_assert_max_num_queries(5):
        body = api(people.leader).get(BREAKDOWN, {**params, "by": "district"}).json()
    assert body["by"] == "district" and body["region"]["code"] == "430200"
    assert [(r["key"], r["received"]) for r in body["rows"]] == [("430202", 1), ("430211", 1)]
    months = api(people.clerk).get(BREAKDOWN, {**params, "by": "month"}).json()["rows"]
    assert len(months) == 12 and months[4]["received"] == 1 and sum(r["received"] for r in months) == 1
    response = api(people.clerk).get(BREAKDOWN, {**params, "by": "colour"})
    assert response.status_code == 400 and "by" in response.json()["error"]["fields"]


def test_drilldown_lists_exactly_the_numerator(api, people, cohort, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = api(people.clerk).get(
            DRILLDOWN, {**period_params(cohort), "indicator": "overdue_rate", "part": "numerator"}
        )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {row["number"] for row in body["results"]} == {cohort.c4.number, cohort.c5.number}
    assert {"id", "number", "title", "status", "status_display"} <= set(body["results"][0])

    denominator = (
        api(people.clerk)
        .get(DRILLDOWN, {**period_params(cohort), "indicator": "overdue_rate", "part": "denominator", "page_size": 2})
        .json()
    )
    assert denominator["count"] == 5 and len(denominator["results"]) == 2 and denominator["next"]  # c6 not yet due


def test_drilldown_refuses_unknown_indicators_and_parts(api, people, cohort):
    client = api(people.clerk)
    for params in (
        {"indicator": "happiness"},
        {"indicator": "received", "part": "denominator"},
        {"indicator": "closure_rate", "part": "all"},
    ):
        response = client.get(DRILLDOWN, {**period_params(cohort), **params})
        assert response.status_code == 400 and response.json()["error"]["fields"]


def test_drilldown_for_another_district_is_empty(api, people, cohort):
    body = api(people.hetang_clerk).get(DRILLDOWN, {**period_params(cohort), "indicator": "received"}).json()
    assert body["count"] == 0


def test_year_on_year_through_the_api(api, people, scene):
    register(scene, at=local(2021, 6, 1, 9))
    register(scene, at=local(2022, 6, 1, 9))
    register(scene, at=local(2022, 6, 2, 9))
    body = api(people.clerk).get(SUMMARY, {"date_from": "2022-01-01", "date_to": "2022-12-31"}).json()
    received = indicators_of_body(body)["received"]
    assert (received["value"], received["yoy_value"], received["yoy"]) == (2, 1, 1.0)
    assert body["yoy_period"] == {"date_from": "2021-01-01", "date_to": "2021-12-31"}


def indicators_of_body(body: dict) -> dict:
    return {item["code"]: item for item in body["indicators"]}


def test_dates_are_local_days(api, people, scene):
    """23:30 on 31 December in Shanghai is 2022, although it is 15:30 UTC; 00:30 on 1 January 2023 is not."""
    register(scene, at=local(2022, 12, 31, 23, 30))
    register(scene, at=local(2023, 1, 1, 0, 30))
    body = api(people.clerk).get(SUMMARY, {"date_from": "2022-12-31", "date_to": "2022-12-31"}).json()
    assert indicators_of_body(body)["received"]["numerator"] == 1
    assert datetime.date.fromisoformat(body["mom_period"]["date_to"]) == datetime.date(2022, 12, 30)


def test_breakdown_by_community_and_grid(api, people, scene, grids):
    register(scene, at=local(2026, 11, 2, 9), region=grids.taishan_1)
    register(scene, at=local(2026, 11, 3, 9), region=grids.taishan_2)
    register(scene, at=local(2026, 11, 4, 9))  # at 嵩山路街道 itself
    client = api(people.clerk)
    communities = client.get(BREAKDOWN, {"by": "community"}).json()["rows"]
    assert [(r["key"], r["label"], r["received"]) for r in communities] == [
        ("430211004", "嵩山路街道(本级)", 1),
        ("430211004001", "泰山社区", 2),
    ]
    cells = client.get(BREAKDOWN, {"by": "grid", "region": "430211004001"}).json()["rows"]
    assert [(r["label"], r["received"]) for r in cells] == [("泰山社区第1网格", 1), ("泰山社区第2网格", 1)]


def test_a_grid_worker_counts_their_grid_by_default(api, scene, grids):
    register(scene, at=local(2026, 11, 2, 9), region=grids.taishan_1)
    register(scene, at=local(2026, 11, 3, 9), region=grids.taishan_2)
    body = api(grids.worker).get(SUMMARY).json()
    assert body["region"] == {"code": "430211004001001", "name": "泰山社区第1网格"}
    assert indicators_of_body(body)["received"]["numerator"] == 1
