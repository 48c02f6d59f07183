"""The demo's drives (pingan.demo.drives): "调解促稳定、喜迎二十大" counts the 2022 dispute records the demo
generated (at --scale 0.02: 2% of the seed's 11,841 mediations, at about 97.8%), and the live 婚恋家庭 drive has
cases tagged in and out; every figure equals a count made independently over the Case rows."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from pingan.accounts.models import User
from pingan.cases.models import Case
from pingan.demo import checks
from pingan.demo.drives import LIVE_DRIVE, SEED_DRIVE
from pingan.demo.models import DemoDataset
from pingan.drives import figures
from pingan.drives.choices import TagMode
from pingan.drives.models import Drive, DriveCase

from .test_load_demo import CUTOFF, TODAY, demo  # noqa: F401 (the module's demo, loaded once)

pytestmark = pytest.mark.usefixtures("demo")
MORNING = CUTOFF + datetime.timedelta(hours=9)


def _raw(drive: Drive, as_of: datetime.datetime) -> tuple[int, int, int]:
    """The drive's figures from the Case rows, in Python: the window, kinds, categories and region, the tags."""
    categories = set(drive.categories.values_list("pk", flat=True))
    tags = dict(DriveCase.objects.filter(drive=drive).values_list("case_id", "mode"))
    found = []
    for case in Case.objects.filter(region_code__startswith=drive.region.prefix):
        automatic = (
            drive.starts_at <= case.registered_at < drive.ends_at
            and case.kind in drive.kinds
            and (not categories or case.category_id in categories)
        )
        if (automatic or tags.get(case.pk) == TagMode.INCLUDE) and tags.get(case.pk) != TagMode.EXCLUDE:
            found.append(case)
    mediated = [
        c
        for c in found
        if c.kind == "dispute"
        and c.outcome in ("success", "failure")
        and c.resolved_at is not None
        and c.resolved_at < as_of
    ]
    return len(found), len(mediated), sum(c.outcome == "success" for c in mediated)


def _totals(drive: Drive) -> dict:
    return figures.totals(drive, figures.drive_cases(drive, Case.objects.all()))


def test_the_seed_drive_counts_the_2022_dispute_records(db):
    with time_machine.travel(MORNING, tick=False):
        drive = Drive.objects.get(name=SEED_DRIVE)
        totals = _totals(drive)
        raw = _raw(drive, drive.as_of())
    assert (drive.start_date, drive.end_date, drive.kinds, drive.region_code) == (
        datetime.date(2022, 1, 1),
        datetime.date(2022, 12, 31),
        ["dispute"],
        "430200",
    )
    assert (totals["found"], totals["mediated"], totals["successful"]) == raw
    assert totals["mediated"] == round(11841 * 0.02)
    assert totals["success_rate"] == pytest.approx(0.978, abs=0.01)
    # The generator's own summary of the records it wrote (disputes.plans_summary) says the same.
    generated = DemoDataset.objects.get(key="disputes-2022").counts
    assert (totals["mediated"], totals["successful"]) == (generated["mediated"], generated["success"])
    assert DemoDataset.objects.get(key="drives").counts["seed_mediated"] == totals["mediated"]


def test_the_live_drive_runs_around_today_with_hand_tags(db):
    with time_machine.travel(MORNING, tick=False):
        drive = Drive.objects.get(name=LIVE_DRIVE)
        assert drive.start_date < TODAY < drive.end_date and drive.is_running
        totals = _totals(drive)
        raw = _raw(drive, drive.as_of())
    assert (totals["found"], totals["mediated"], totals["successful"]) == raw and totals["found"] > 0
    tags = list(DriveCase.objects.filter(drive=drive).select_related("tagged_by", "case"))
    assert {t.mode for t in tags} == {TagMode.INCLUDE, TagMode.EXCLUDE}
    assert all(t.reason and t.tagged_by.username == "tianyuan_clerk" for t in tags)
    assert all(t.case.region_code.startswith("430211") for t in tags)
    assert all(t.case.category.code != "marriage_family" for t in tags if t.mode == TagMode.INCLUDE)


def test_the_city_leader_opens_the_seed_drives_dashboard(client, db):
    drive = Drive.objects.get(name=SEED_DRIVE)
    with time_machine.travel(MORNING, tick=False):
        User.objects.filter(username="city_leader").update(must_change_password=False)  # changed at first sign-in
        client.force_login(User.objects.get(username="city_leader"))
        response = client.get(reverse("drive-detail", args=[drive.pk]))
    assert response.status_code == 200
    assert response.context["totals"]["mediated"] == round(11841 * 0.02)
    assert len(response.context["region_rows"]) == 9  # the nine districts
    assert len(response.context["week_rows"]) == 53


def test_a_drive_that_disagrees_with_the_generated_records_stops_the_load(db):
    with pytest.raises(checks.InvalidDemoData, match="不一致"):
        checks.drive_figures_check(SEED_DRIVE, {"mediated": 236, "successful": 231}, {"mediated": 237, "success": 232})
