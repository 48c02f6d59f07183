"""The dashboard page and its drill-down lists, for a clerk in scope and one outside it."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from pingan.stats import indicators


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_dashboard_renders_for_the_clerk(client_for, people, cohort, django_assert_max_num_queries):
    params = {"date_from": cohort.period.date_from.isoformat(), "date_to": cohort.period.date_to.isoformat()}
    client = client_for(people.clerk)
    with django_assert_max_num_queries(12):  # session, user, memberships, 1 summary, 3 breakdowns, 2 regions…
        response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    html = response.content.decode()
    for indicator in indicators.all_indicators():
        assert str(indicator.name) in html and str(indicator.formula) in html
    assert "66.67%" in html  # 结案率 4/6
    assert "嵩山路街道" in html and "2022年" in html
    assert "stats/dashboard.js" in html and "vendor/echarts/echarts.min.js" in html
    charts = json.loads(html.split('id="stats-charts" type="application/json">')[1].split("</script>")[0])
    assert charts["region"]["by"] == "township" and charts["region"]["received"] == [6]
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
