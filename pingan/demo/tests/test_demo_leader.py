"""The demo as the city leader opens it (issue 7 §6): the first screen shows the city's overdue cases, the
same count the map shows, district by district."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from pingan.accounts.models import User
from pingan.map.selectors import map_level
from pingan.regions.models import Region
from pingan.stats.oversight import leader_oversight

from .test_load_demo import CUTOFF, demo  # noqa: F401 (the module's demo, loaded once)

pytestmark = pytest.mark.usefixtures("demo")
MORNING = CUTOFF + datetime.timedelta(hours=9)  # the demo's day, 09:00 in Zhuzhou


def test_the_city_leader_opens_on_the_overdue_cases_the_map_shows(db):
    leader = User.objects.get(username="city_leader")
    with time_machine.travel(MORNING, tick=False):
        oversight = leader_oversight(user=leader)
        city = map_level(user=leader, region=None)  # the map opens on the city
        districts = map_level(user=leader, region=Region.objects.get(code="430200"))  # and drills down
    assert oversight.totals["red"] > 0 and oversight.totals["yellow"] > 0
    assert oversight.totals["red"] == sum(row["overdue"] for row in city["rows"])
    on_map = {row["code"]: row["overdue"] for row in districts["rows"] if row["overdue"]}
    assert {row["code"]: row["red"] for row in oversight.by_region if row["red"]} == on_map
