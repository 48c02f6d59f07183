"""The dashboard page and its drill-down lists, for a clerk in scope and one outside it."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from conftest import make_user
from pingan.accounts.choices import Role
from pingan.gridwork.choices import MemberRole
from pingan.gridwork.models import GridMember
from pingan.stats import indicators

from .conftest import local, register


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_dashboard_renders_for_the_clerk(client_for, people, cohort, django_assert_max_num_queries):
    params = {"date_from": cohort.period.date_from.isoformat(), "date_to": cohort.period.date_to.isoformat()}
    client = client_for(people.clerk)
    with django_assert_max_num_queries(
        13
    ):  # session, user, memberships, 1 summary, 3 breakdowns, 1 risk owners, 2 regions…
        response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    html = response.content.decode()
    for indicator in indicators.all_indicators():
        assert str(indicator.name) in html and str(indicator.formula) in html
    assert "80.00%" in html  # 结案率 4/5: c6 is not yet due
    assert "嵩山路街道" in html and "2022年" in html
    assert "stats/dashboard.js" in html and "vendor/echarts/echarts.min.js" in html
    charts = json.loads(html.split('id="stats-charts" type="application/json">')[1].split("</script>")[0])
    # A township clerk's chart is by community; the cases registered at the township itself form their own bar.
    assert charts["region"]["by"] == "community" and "按村社区" in html
    assert list(zip(charts["region"]["labels"], charts["region"]["received"], strict=True)) == [
        ("嵩山路街道(本级)", 5),
        ("泰山社区", 1),
    ]
    assert "indicator=closure_rate" in html and "part=denominator" in html
    # The region picker starts at the clerk's township (its search answers only the jurisdiction).
    assert 'name="region" value="430211004"' in html and 'value="天元区 › 嵩山路街道"' in html


def test_dashboard_defaults_and_bad_dates(client_for, people):
    client = client_for(people.clerk)
    assert client.get(reverse("dashboard")).status_code == 200
    response = client.get(reverse("dashboard"), {"date_from": "2022-02-30"})
    assert response.status_code == 200 and response.context["error"]


def test_dashboard_region_outside_the_jurisdiction_is_404(client_for, people):
    assert client_for(people.hetang_clerk).get(reverse("dashboard"), {"region": "430211004"}).status_code == 404


def test_dashboard_needs_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302


def test_leader_sees_the_districts(client_for, people, zhuzhou):
    response = client_for(people.leader).get(reverse("dashboard"))
    assert response.status_code == 200
    assert 'name="region" value="430200"' in response.content.decode()
    assert response.context["charts"]["region"]["by"] == "district"
    assert response.context["region_title"] == "按区县"


def test_drilldown_page_lists_the_numerator(client_for, people, cohort):
    params = {
        "date_from": cohort.period.date_from.isoformat(),
        "date_to": cohort.period.date_to.isoformat(),
        "indicator": "overdue_rate",
        "part": "numerator",
    }
    response = client_for(people.clerk).get(reverse("dashboard-drilldown"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert cohort.c4.number in html and cohort.c5.number in html and cohort.c1.number not in html
    assert "超期率" in html


def test_drilldown_page_refuses_bad_input_and_foreign_regions(client_for, people, cohort):
    client = client_for(people.clerk)
    assert client.get(reverse("dashboard-drilldown"), {"indicator": "happiness"}).status_code == 400
    foreign = client_for(people.hetang_clerk).get(
        reverse("dashboard-drilldown"), {"indicator": "received", "region": "430211004"}
    )
    assert foreign.status_code == 404
    response = client_for(people.hetang_clerk).get(reverse("dashboard-drilldown"), {"indicator": "received"})
    assert response.status_code == 200 and cohort.c1.number not in response.content.decode()


def region_rows(response) -> list[tuple[str, str, int]]:
    chart = response.context["charts"]["region"]
    return list(zip(chart["keys"], chart["labels"], chart["received"], strict=True))


def test_a_district_clerk_sees_the_townships(client_for, people, cohort):
    params = {"date_from": cohort.period.date_from.isoformat(), "date_to": cohort.period.date_to.isoformat()}
    response = client_for(people.district_clerk).get(reverse("dashboard"), params)
    assert response.context["region"] == {"code": "430211", "name": "天元区"}
    assert response.context["charts"]["region"]["by"] == "township"
    assert response.context["region_title"] == "按乡镇街道"
    assert region_rows(response) == [("430211004", "嵩山路街道", 6)]
    assert 'name="region" value="430211"' in response.content.decode()  # the picker starts at the district


@pytest.fixture
def grid_cases(scene, grids):
    """One case in each grid of 泰山社区, one at the community itself, and one in 月塘 (another district)."""
    return {
        "taishan_1": register(scene, at=local(2026, 11, 2, 9), region=grids.taishan_1, title="一格"),
        "taishan_2": register(scene, at=local(2026, 11, 3, 9), region=grids.taishan_2, title="二格"),
        "taishan": register(scene, at=local(2026, 11, 4, 9), region=scene.zhuzhou.taishan, title="社区"),
    }


def test_a_community_user_sees_the_grids(client_for, zhuzhou, grids, grid_cases):
    user = make_user("taishan_clerk", "林社区", (zhuzhou.taishan_centre, Role.CENTRE_STAFF))
    response = client_for(user).get(reverse("dashboard"))
    assert response.context["region"] == {"code": "430211004001", "name": "泰山社区"}
    assert response.context["charts"]["region"]["by"] == "grid" and response.context["region_title"] == "按网格"
    assert region_rows(response) == [
        ("430211004001", "泰山社区(本级)", 1),
        ("430211004001001", "泰山社区第1网格", 1),
        ("430211004001002", "泰山社区第2网格", 1),
    ]
    assert 'name="region" value="430211004001"' in response.content.decode()


def test_a_grid_worker_starts_at_their_grid(client_for, grids, grid_cases, django_assert_max_num_queries):
    """The grid worker belongs to 泰山社区's centre and works 第1网格: their figures are the cell's."""
    client = client_for(grids.worker)
    with django_assert_max_num_queries(
        14
    ):  # the session, the user, memberships, their grids, 1 summary, risk owners, …
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.context["region"] == {"code": "430211004001001", "name": "泰山社区第1网格"}
    assert response.context["charts"]["region"]["by"] == "grid" and response.context["region_title"] == "按网格"
    assert region_rows(response) == [("430211004001001", "泰山社区第1网格", 1)]
    received = {card["code"]: card for card in response.context["cards"]}["received"]
    assert received["numerator"] == 1
    assert 'name="region" value="430211004001001"' in response.content.decode()
    # They may still look at their community, which they can see.
    community = client.get(reverse("dashboard"), {"region": "430211004001"})
    assert [row[2] for row in region_rows(community)] == [1, 1, 1]


def test_a_grid_worker_of_two_grids_sees_both(client_for, grids, grid_cases):
    GridMember.objects.create(grid=grids.taishan_2, user=grids.worker, role=MemberRole.FULL_TIME, name="黄网格")
    response = client_for(grids.worker).get(reverse("dashboard"))
    assert response.context["region"] == {"code": None, "name": "我的网格"}
    assert region_rows(response) == [
        ("430211004001001", "泰山社区第1网格", 1),
        ("430211004001002", "泰山社区第2网格", 1),
    ]  # the community's own case is not theirs
    assert 'name="region" value=""' in response.content.decode()  # no region picked: 我的网格
