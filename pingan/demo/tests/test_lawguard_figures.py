"""The demo's check of 法治护航's 2022 figures (pingan.demo.lawguard_figures) on a small scene: the figures are
the ledger's indicators over the city's records of 2022, and a figure below its threshold stops the load."""

from __future__ import annotations

import datetime

import pytest

from pingan.demo import lawguard_figures
from pingan.demo.checks import InvalidDemoData
from pingan.stats.tests.lawguard_helpers import build, lawguard_kinds, local

TODAY = datetime.date(2026, 11, 18)
# The scene's 2022 (build's month is June 2022; its "year earlier" records fall in 2021).
SMALL = {
    "lg_workstations": 2,
    "lg_guarded_enterprises": 2,
    "lg_experts": 2,
    "lg_services": 2,
    "lg_consultations": 3,
    "lg_suggestions": 4,
    "lg_recovered": 3500,
}


@pytest.fixture
def scene_2022(lawguard_scene, zhuzhou, people):
    with lawguard_kinds():
        yield build(lawguard_scene, zhuzhou, people, when=local(2022, 6, 30, 15, 0))


def test_the_2022_figures_are_computed_and_checked(scene_2022):
    counts = lawguard_figures.load(seed=1, today=TODAY, thresholds=SMALL)
    assert counts["checked"] and counts["year"] == 2022
    assert {code: counts[code] for code in SMALL} == {
        "lg_workstations": 2,
        "lg_guarded_enterprises": 2,
        "lg_experts": 2,
        "lg_services": 2,
        "lg_consultations": 3,  # c1, c2, h1 (c0 is of 2021)
        "lg_suggestions": 4,
        "lg_recovered": 4200.5,  # June's 3,500.50 and May's 700: the whole year
    }
    assert counts["lg_checkups"] == 1
    line = lawguard_figures.report(counts)
    assert "\n" not in line and "工作站 2 个" in line and "挽回损失 4,200.50 元" in line and "其中法治体检 1 件" in line


def test_a_figure_below_the_seed_stops_the_load(scene_2022):
    with pytest.raises(InvalidDemoData, match="lg_suggestions 4 < 5"):
        lawguard_figures.load(seed=1, today=TODAY, thresholds={**SMALL, "lg_suggestions": 5})
    with pytest.raises(InvalidDemoData, match="lg_workstations 2 < 36"):  # the seed itself
        lawguard_figures.load(seed=1, today=TODAY)


def test_without_the_register_nothing_is_checked(db, zhuzhou):
    counts = lawguard_figures.load(seed=1, today=TODAY)
    assert not counts["checked"] and counts["lg_workstations"] == 0
    assert "未核对" in lawguard_figures.report(counts)
