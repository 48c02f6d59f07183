"""应结案数: the denominator of 结案率, 按期结案率 and 超期率 counts the cases that were due, as 数字城管 reports
count it, not every case registered. Figures of a small November scene, counted by hand."""

from __future__ import annotations

import datetime

import pytest

from conftest import mediate_to_agreement
from pingan.cases.selectors import cases_visible_to
from pingan.cases.services import case_transition
from pingan.stats import indicators
from pingan.stats.indicators import Period

from .conftest import NOW, local, register, verify_and_close

NOVEMBER = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
FIRST_20_DAYS = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 20))


@pytest.fixture
def november(scene, time_machine):
    """Disputes of November 2026, each worked on the day given. A dispute's normal clock is 15 working days;
    November 2026 has no public holiday, so its working days are Monday to Friday and, counted by hand:

    a  registered Mon 11-02, due Mon 11-23, closed Tue 11-10 (on time)
    b  registered Tue 11-03, due Tue 11-24, closed Fri 11-27 (late)
    c  registered Wed 11-04, due Wed 11-25, accepted only: open past its deadline at NOW (Mon 11-30 15:00)
    d  registered Wed 11-25, due Wed 12-16, accepted only: not yet due
    e  registered Thu 11-26, due in December, closed Fri 11-27 (on time)
    g  registered Mon 11-30 14:00, not worked: not yet due
    f  registered Fri 10-30: before the period"""
    people = scene.people
    s = type("November", (), {})()

    def at(*args):
        time_machine.move_to(local(*args), tick=False)

    def accepted(case):
        return case_transition(case=case, actor=people.clerk, action="accept")

    at(2026, 10, 30, 9)
    s.f = register(scene, at=local(2026, 10, 30, 9), title="十月")
    at(2026, 11, 2, 9)
    s.a = register(scene, at=local(2026, 11, 2, 9), title="甲")
    at(2026, 11, 3, 9)
    s.b = register(scene, at=local(2026, 11, 3, 9), title="乙")
    at(2026, 11, 4, 9)
    s.c = accepted(register(scene, at=local(2026, 11, 4, 9), title="丙"))
    at(2026, 11, 10, 15)
    s.a = verify_and_close(mediate_to_agreement(s.a, people), people)
    at(2026, 11, 25, 9)
    s.d = accepted(register(scene, at=local(2026, 11, 25, 9), title="丁"))
    at(2026, 11, 26, 9)
    s.e = register(scene, at=local(2026, 11, 26, 9), title="戊")
    at(2026, 11, 27, 15)
    s.b = verify_and_close(mediate_to_agreement(s.b, people), people)
    s.e = verify_and_close(mediate_to_agreement(s.e, people), people)
    at(2026, 11, 30, 14)
    s.g = register(scene, at=local(2026, 11, 30, 14), title="己")
    time_machine.move_to(NOW, tick=False)
    return s


def figures(people, period: Period) -> dict[str, tuple]:
    result = indicators.summary(cases_visible_to(people.clerk), period)
    return {item["code"]: (item["numerator"], item["denominator"], item["value"]) for item in result["indicators"]}


def test_the_scene_is_what_the_hand_count_assumes(november):
    assert (november.a.on_time, november.b.on_time, november.e.on_time) == (True, False, True)
    assert november.c.closed_at is None and november.c.deadline < NOW
    assert november.d.deadline > NOW and november.g.deadline > NOW


def test_november_counts_only_the_cases_that_were_due(november, people):
    """Registered: a b c d e g = 6 (受理数 unchanged). Closed: a b e = 3. Due: a b e (closed) + c (open, past
    its deadline) = 4; d and g are not due yet. 结案率 3/4, 按期结案率 2/4 (a e), 超期率 2/4 (b late, c open)."""
    got = figures(people, NOVEMBER)
    assert got["received"] == (6, None, 6)
    assert got["closed"] == (3, None, 3)
    assert got["closure_rate"] == (3, 4, 0.75)
    assert got["on_time_rate"] == (2, 4, 0.5)
    assert got["overdue_rate"] == (2, 4, 0.5)


def test_a_past_period_counts_what_was_due_at_its_end(november, people):
    """1–20 November: the overdue test is made at 11-21 00:00. Registered: a b c. c (due 11-25) was not yet
    due then; a is closed, and b is closed now (outcomes are read as they stand). Due: a b = 2.
    结案率 2/2, 按期结案率 1/2 (a), 超期率 1/2 (b, closed late)."""
    got = figures(people, FIRST_20_DAYS)
    assert got["received"] == (3, None, 3)
    assert got["closure_rate"] == (2, 2, 1.0)
    assert got["on_time_rate"] == (1, 2, 0.5)
    assert got["overdue_rate"] == (1, 2, 0.5)


@pytest.mark.parametrize("period", [NOVEMBER, FIRST_20_DAYS], ids=["november", "first-20-days"])
@pytest.mark.parametrize("code", [i.code for i in indicators.all_indicators()])
def test_every_drilldown_lists_exactly_the_counted_cases(november, people, period, code):
    base = cases_visible_to(people.clerk)
    figure = indicators.evaluate(base, {"p": period})["p"][code]
    numerator = set(indicators.drilldown(base, period, code, "numerator").values_list("pk", flat=True))
    assert len(numerator) == figure.numerator
    if figure.denominator is not None:
        denominator = set(indicators.drilldown(base, period, code, "denominator").values_list("pk", flat=True))
        assert len(denominator) == figure.denominator
        assert numerator <= denominator


def test_the_due_cases_by_name(november, people):
    base, n = cases_visible_to(people.clerk), november

    def ids(code, part):
        return set(indicators.drilldown(base, NOVEMBER, code, part).values_list("pk", flat=True))

    assert ids("closure_rate", "denominator") == {n.a.pk, n.b.pk, n.c.pk, n.e.pk}
    assert ids("on_time_rate", "numerator") == {n.a.pk, n.e.pk}
    assert ids("overdue_rate", "numerator") == {n.b.pk, n.c.pk}
    assert ids("received", "numerator") == {n.a.pk, n.b.pk, n.c.pk, n.d.pk, n.e.pk, n.g.pk}


def test_rates_as_a_published_report_states_them():
    """《天门:数字化城市管理12月绩效情况通报》(天门日报, 2017-01-03; http://www.hbcic.net.cn/info/wcm/74587.htm):
    立案 996, 应结案 972, 结案 911 → 结案率 93.72%; 按期结案 737 → 按期结案率 75.82%. The rates divide by 应结案,
    not by 立案."""
    closure, on_time = indicators.get("closure_rate"), indicators.get("on_time_rate")
    assert indicators.display(closure.value(911, 972), closure.unit) == "93.72%"
    assert indicators.display(on_time.value(737, 972), on_time.unit) == "75.82%"
