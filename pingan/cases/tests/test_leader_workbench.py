"""The 政法委 leader's first screen (issue 7 §6): overdue and near-due cases by the level below and by
organisation, the 督办 queue and the worst 按期结案率, each figure a link to the case list that lists
exactly the cases it counts; the filters those links use, on the page and the API alike."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user, mediate_to_agreement, register_dispute
from pingan.accounts.choices import Role
from pingan.cases.choices import Channel
from pingan.cases.models import Case
from pingan.cases.services import case_register, case_transition
from pingan.stats import indicators

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
REGISTERED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # a Monday, no holiday around it


def register_at(actor, region, category, title="月塘社区噪音纠纷"):
    return case_register(
        actor=actor,
        kind="dispute",
        category=category,
        title=title,
        description="楼下商铺夜间噪音扰民。",
        channel=Channel.VISIT,
        region=region,
        address="月塘路1号",
        parties=[{"name": "王五", "role": "applicant", "phone": "13800138001"}],
    )


def register_hetang(zhuzhou, people, category):
    return register_at(people.hetang_clerk, zhuzhou.yuetang_c, category)


@pytest.fixture
def scene(zhuzhou, people, category):
    """Six disputes at 嵩山路街道 (天元区), one closed on time, one supervised by the city leader; one in
    荷塘区. Registered on REGISTERED; the caller travels past their deadlines."""
    with time_machine.travel(REGISTERED, tick=False):
        songshan = [register_dispute(zhuzhou, people, category) for _ in range(6)]
        hetang = register_hetang(zhuzhou, people, category)
        closed = mediate_to_agreement(songshan[0], people)
        closed = case_transition(case=closed, actor=people.head, action="verify", data={"passed": True})
        closed = case_transition(case=closed, actor=people.head, action="close")
        supervised = case_transition(
            case=songshan[1], actor=people.leader, action="supervise", data={"comment": "请尽快办理"}
        )
    assert closed.on_time is True
    return {"songshan": songshan, "hetang": hetang, "closed": closed, "supervised": supervised}


def after_deadlines(scene) -> datetime.datetime:
    latest: datetime.datetime = max(case.deadline for case in [*scene["songshan"], scene["hetang"]])
    return latest + datetime.timedelta(days=1)


def signed_in(client, user):
    client.force_login(user)
    return client


def listed(client, query: str) -> set[int]:
    response = client.get(reverse("case-list") + "?" + query)
    assert response.status_code == 200
    return {case.pk for case in response.context["page"].object_list}


def test_the_city_leader_sees_the_city_by_district_and_organisation(client, people, zhuzhou, scene):
    """Every open case is overdue: 5 in 天元区 (嵩山路街道综治中心), 1 in 荷塘区; the figures equal the lists."""
    with time_machine.travel(after_deadlines(scene), tick=False):
        response = signed_in(client, people.leader).get(reverse("workbench"))
        assert response.status_code == 200
        oversight = response.context["oversight"]
        assert oversight.totals == {"red": 6, "yellow": 0, "supervised": 1}
        assert oversight.level_label == "县(市、区)"
        assert [(row["name"], row["red"], row["yellow"]) for row in oversight.by_region] == [
            ("天元区", 5, 0),
            ("荷塘区", 1, 0),
        ]
        assert [(row["code"], row["red"]) for row in oversight.by_organization] == [
            ("C430211004", 5),
            ("C430202", 1),
        ]
        assert oversight.supervised == [scene["supervised"]]
        body = response.content.decode()
        assert "我的待办" not in body  # the leader works no case of their own: no empty 0/0/0 above the city
        assert 'href="/cases/?region=430211&amp;light=red"' in body
        assert 'href="/cases/?assigned_org=C430211004&amp;light=red"' in body
        # Each link lists the cases the figure counts.
        assert len(listed(client, "region=430211&light=red")) == 5
        assert len(listed(client, "region=430202&light=red")) == 1
        assert len(listed(client, "assigned_org=C430211004&light=red")) == 5
        assert listed(client, "supervised=true") == {scene["supervised"].pk}


def test_the_on_time_rate_agrees_with_the_indicator_and_its_links(client, people, zhuzhou, scene):
    """嵩山路街道综治中心: 1 closed on time + 5 open past their deadline = 6 due, 1 on time (1/6); 荷塘区 has
    one due case, under the minimum, so it is not ranked."""
    now = after_deadlines(scene)
    with time_machine.travel(now, tick=False):
        response = signed_in(client, people.leader).get(reverse("workbench"))
        oversight = response.context["oversight"]
        assert [(row["code"], row["numerator"], row["denominator"]) for row in oversight.worst_on_time] == [
            ("C430211004", 1, 6)
        ]
        row = oversight.worst_on_time[0]
        assert row["value"] == round(1 / 6, 4) and row["display"] == "16.67%"
        # The dashboard's indicator over the same window and organisation gives the same parts.
        period = oversight.period
        assert period.date_to == now.astimezone(SHANGHAI).date()
        assert (period.date_to - period.date_from).days == 89
        rate = indicators.get("on_time_rate")
        base = Case.objects.filter(assigned_org=zhuzhou.songshan_centre)
        numerator = rate.numerator(base, period.date_from, period.date_to)
        denominator = rate.denominator(base, period.date_from, period.date_to)
        assert denominator is not None  # 按期结案率 is a rate
        window = f"assigned_org=C430211004&date_from={period.date_from}&date_to={period.date_to}"
        assert listed(client, window + "&due=on_time") == set(numerator.values_list("pk", flat=True))
        assert listed(client, window + "&due=due") == set(denominator.values_list("pk", flat=True))
        assert len(listed(client, window + "&due=due")) == 6
        assert f"?assigned_org=C430211004&amp;date_from={period.date_from}" in response.content.decode()


def test_near_due_cases_are_counted_before_their_deadline(client, people, scene):
    latest_warning = max(case.warn_at for case in [*scene["songshan"], scene["hetang"]])
    earliest_deadline = min(case.deadline for case in [*scene["songshan"], scene["hetang"]])
    assert latest_warning < earliest_deadline
    with time_machine.travel(latest_warning + datetime.timedelta(minutes=1), tick=False):
        oversight = signed_in(client, people.leader).get(reverse("workbench")).context["oversight"]
        assert oversight.totals["red"] == 0 and oversight.totals["yellow"] == 6
        assert [(row["name"], row["yellow"]) for row in oversight.by_region] == [("天元区", 5), ("荷塘区", 1)]
        assert len(listed(client, "region=430211&light=yellow")) == 5


def test_a_district_leader_sees_the_district_by_township(client, people, zhuzhou, scene):
    district_leader = make_user("tianyuan_leader", "孙书记", (zhuzhou.tianyuan_centre, Role.LEADER))
    with time_machine.travel(after_deadlines(scene), tick=False):
        oversight = signed_in(client, district_leader).get(reverse("workbench")).context["oversight"]
        assert oversight.totals["red"] == 5
        assert oversight.level_label == "乡镇(街道)"
        assert [(row["name"], row["red"]) for row in oversight.by_region] == [("嵩山路街道", 5)]
        assert [row["code"] for row in oversight.by_organization] == ["C430211004"]


def test_other_roles_keep_their_workbench(client, people, scene):
    with time_machine.travel(after_deadlines(scene), tick=False):
        response = signed_in(client, people.clerk).get(reverse("workbench"))
        assert response.context["oversight"] is None
        assert "辖区督导" not in response.content.decode()
        assert response.context["counts"]["red"] == 5


def test_the_leader_workbench_takes_a_constant_number_of_queries(client, people, zhuzhou, category, scene):
    signed_in(client, people.leader)
    with time_machine.travel(after_deadlines(scene), tick=False), CaptureQueriesContext(connection) as few:
        assert client.get(reverse("workbench")).status_code == 200
    with time_machine.travel(REGISTERED, tick=False):
        more = [register_hetang(zhuzhou, people, category) for _ in range(5)]
        # a new organisation in the figures: 天元区综治中心
        more.append(register_at(people.district_clerk, zhuzhou.tianyuan, category, "天元区物业纠纷"))
        for case in more[:3]:
            case_transition(case=case, actor=people.leader, action="supervise", data={"comment": "督办"})
    with time_machine.travel(after_deadlines(scene), tick=False), CaptureQueriesContext(connection) as many:
        response = client.get(reverse("workbench"))
    assert response.context["oversight"].totals["red"] == 12 and len(response.context["oversight"].supervised) == 4
    assert len(response.context["oversight"].by_organization) == 3
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "query",
    ["assigned_org=C430211004", "supervised=true", "supervised=false", "due=due", "due=on_time", "light=red"],
)
def test_the_page_and_the_api_agree_on_the_new_filters(client, api, people, scene, query):
    with time_machine.travel(after_deadlines(scene), tick=False):
        page = listed(signed_in(client, people.leader), query)
        response = api(people.leader).get(reverse("api-case-list") + "?" + query + "&page_size=100")
        assert response.status_code == 200
        assert {row["id"] for row in response.json()["results"]} == page
    assert page  # every query here matches something in the scene


def test_bad_filter_values_are_refused_in_chinese(api, people, scene):
    response = api(people.leader).get(reverse("api-case-list") + "?due=never")
    assert response.status_code == 400
    assert "error" in response.json()
