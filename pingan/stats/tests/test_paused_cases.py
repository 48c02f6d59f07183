"""A dispute whose clock is paused (挂起) is neither 临期 nor 超期 while it is, so it is not 应结案 either: the
indicators, their drill-downs, the leader's first screen, the workbench's lights and the map count it as open
and not yet due. Once resumed it is counted against its new deadline.

November 2026 has no public holiday (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04), so the working days
below are Monday to Friday, counted by hand."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from pingan.cases.choices import Light
from pingan.cases.models import Case, open_light_q
from pingan.cases.selectors import cases_visible_to
from pingan.cases.services import case_transition
from pingan.stats import indicators
from pingan.stats.indicators import Period
from pingan.stats.oversight import leader_oversight

from .conftest import NOW, local, register

NOVEMBER = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))


@pytest.fixture
def paused_and_late(scene, time_machine):
    """p and c: registered Wed 11-04 09:00, accepted, due Wed 11-25 (15 working days). p was suspended on
    Tue 11-10 15:00 with 11 working days left (5, 6, 9, 10 Nov used) and still is at NOW (Mon 11-30 15:00);
    c is simply late."""
    people = scene.people

    def at(*args):
        time_machine.move_to(local(*args), tick=False)

    at(2026, 11, 4, 9)
    p = register(scene, at=local(2026, 11, 4, 9), title="挂起")
    c = register(scene, at=local(2026, 11, 4, 9), title="超期")
    p = case_transition(case=p, actor=people.clerk, action="accept")
    c = case_transition(case=c, actor=people.clerk, action="accept")
    at(2026, 11, 10, 15)
    p = case_transition(case=p, actor=people.clerk, action="suspend", data={"comment": "等待鉴定意见"})
    time_machine.move_to(NOW, tick=False)
    return type("Scene", (), {"p": p, "c": c})


def figures(people) -> dict[str, tuple]:
    result = indicators.summary(cases_visible_to(people.clerk), NOVEMBER)
    return {item["code"]: (item["numerator"], item["denominator"]) for item in result["indicators"]}


def drilled(people, code: str, part: str) -> set[int]:
    base = cases_visible_to(people.clerk)
    return set(indicators.drilldown(base, NOVEMBER, code, part).values_list("pk", flat=True))


def test_a_paused_case_is_not_due_while_it_is_paused(paused_and_late, people):
    p, c = paused_and_late.p, paused_and_late.c
    assert p.deadline < NOW and c.deadline < NOW  # both deadlines as they stood have passed
    assert p.light(NOW) == Light.PAUSED and c.light(NOW) == Light.RED
    got = figures(people)
    assert got["received"] == (2, None)
    assert got["closure_rate"] == (0, 1)  # 应结案: c only
    assert got["overdue_rate"] == (1, 1)
    assert drilled(people, "closure_rate", "denominator") == drilled(people, "overdue_rate", "numerator") == {c.pk}


def test_the_leader_the_workbench_and_the_map_do_not_count_it_as_late(paused_and_late, people, client, zhuzhou):
    oversight = leader_oversight(user=people.leader, now=NOW)
    assert (oversight.totals["red"], oversight.totals["yellow"]) == (1, 0)
    assert [(row["code"], row["red"]) for row in oversight.by_organization] == [("C430211004", 1)]
    client.force_login(people.clerk)
    workbench = client.get(reverse("workbench"))
    assert workbench.context["counts"] == {"red": 1, "yellow": 0, "green": 0}
    from pingan.map.selectors import map_level

    rows = {row["code"]: row for row in map_level(user=people.leader, region=zhuzhou.tianyuan)["rows"]}
    assert (rows[zhuzhou.songshan.code]["open"], rows[zhuzhou.songshan.code]["overdue"]) == (2, 1)


def test_resumed_it_counts_against_its_new_deadline(paused_and_late, people, time_machine):
    p = case_transition(case=paused_and_late.p, actor=people.clerk, action="resume")
    # 11 working days after Mon 30 Nov: 1–4, 7–11, 14, 15 Dec → due Tue 15 Dec.
    assert p.deadline == local(2026, 12, 15, 23, 59, 59)
    assert figures(people)["closure_rate"] == (0, 1)
    time_machine.move_to(local(2026, 12, 16, 9), tick=False)
    assert set(Case.objects.filter(open_light_q(Light.RED, local(2026, 12, 16, 9)))) == {p, paused_and_late.c}
