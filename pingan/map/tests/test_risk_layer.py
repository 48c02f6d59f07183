"""The map's risk layer: open risks by level (红/橙/黄/蓝) over the grid outlines, a legend and a filter by
level, in the viewer's jurisdiction only."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from pingan.cases.models import Case, Category
from pingan.risks.choices import RiskSource
from pingan.risks.services import risk_raise


@pytest.fixture
def risks(zhuzhou, people, grids):
    importlib.import_module("pingan.risks.migrations.0002_reference_data").create_reference_data(apps, None)
    category = Category.objects.get(code="risk_public_order")

    def make(actor, title, likelihood, impact, **place):
        return risk_raise(
            actor=actor,
            category=category,
            title=title,
            description="风险描述",
            source=RiskSource.GRID_REPORT,
            likelihood=likelihood,
            impact=impact,
            **place,
        )

    class Risks:
        red = make(people.clerk, "泰山社区业主聚集", 5, 5, lat=27.80, lng=113.09)
        orange = make(people.clerk, "第2网格工地欠薪", 4, 4, grid_codes=[grids.taishan_2.code])
        blue = make(people.hetang_clerk, "月塘社区噪音", 1, 1, lat=27.86, lng=113.26)
        closed = make(people.clerk, "已闭环的风险", 5, 5, lat=27.80, lng=113.095)

    Case.objects.filter(pk=Risks.closed.pk).update(closed_at=timezone.now())
    return Risks


def test_the_layer_shows_open_risks_by_level_in_the_jurisdiction(
    api, people, risks, grids, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = api(people.clerk).get("/api/v1/map/risks/")
    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {"red": 1, "orange": 1, "yellow": 0, "blue": 0}
    assert [item["level"] for item in body["legend"]] == ["red", "orange", "yellow", "blue"]
    points = {point["number"]: point for point in body["points"]}
    assert set(points) == {risks.red.number, risks.orange.number}  # not 荷塘区's, not the closed one
    assert (points[risks.red.number]["lng"], points[risks.red.number]["lat"]) == (113.09, 27.80)
    # Without a point, at its grid's label point; the grid's outline takes the level.
    assert 113.10 <= points[risks.orange.number]["lng"] <= 113.12
    assert body["grids"] == [{"code": grids.taishan_2.code, "level": "orange"}]
    assert points[risks.red.number]["url"] == reverse("case-detail", args=[risks.red.pk])


def test_filter_by_level_and_region(api, people, risks, zhuzhou):
    body = api(people.clerk).get("/api/v1/map/risks/?level=red").json()
    assert [point["number"] for point in body["points"]] == [risks.red.number] and body["levels"] == ["red"]
    assert body["counts"]["orange"] == 1  # the counts stay whole: the legend shows them
    body = api(people.clerk).get("/api/v1/map/risks/?level=red,orange&region=430211004001").json()
    assert len(body["points"]) == 2
    bad = api(people.clerk).get("/api/v1/map/risks/?level=purple")
    assert bad.status_code == 400 and "level" in bad.json()["error"]["fields"]
    assert api(people.clerk).get("/api/v1/map/risks/?region=430202").status_code == 404


def test_another_district_sees_its_own(api, people, risks):
    body = api(people.hetang_clerk).get("/api/v1/map/risks/").json()
    assert [point["number"] for point in body["points"]] == [risks.blue.number]
    assert body["counts"] == {"red": 0, "orange": 0, "yellow": 0, "blue": 1}


def test_the_map_page_has_the_layer_and_its_legend(client, people, risks):
    client.force_login(people.clerk)
    html = client.get(reverse("map")).content.decode()
    assert 'id="layer-risks"' in html and "风险分布" in html
    for label in ("红色(重大)", "橙色(较大)", "黄色(一般)", "蓝色(低)"):
        assert label in html
    assert 'name="risk_level" value="red"' in html and reverse("api-map-risks") in html
