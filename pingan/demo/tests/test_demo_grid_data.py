"""`load_demo` stores the map, the grid people and their roster, the patrols and the cameras of the 雪亮工程,
each where its grid is, and a second run adds nothing.

The demo is loaded once for the module (--scale 0.02, a fixed today) inside a transaction that is rolled
back at the end, so the other test modules never see it."""

from __future__ import annotations

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from conftest import restore_migration_data
from pingan.cameras.choices import CameraStatus
from pingan.cameras.models import Camera
from pingan.core.validators import normalize_id_number, normalize_phone
from pingan.demo import geography
from pingan.demo.models import DemoDataset
from pingan.geo import locator
from pingan.geo.choices import ShapeSource
from pingan.geo.models import RegionShape
from pingan.gridwork.choices import MemberRole, PatrolKind, PatrolStatus, Shift
from pingan.gridwork.models import DutyShift, GridMember, Patrol, PatrolFinding
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region

TODAY = datetime.date(2026, 11, 26)  # a Thursday
MONDAY = datetime.date(2026, 11, 23)
SCALE = 0.02
LILING, TIANYUAN = "430281", "430211"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    restore_migration_data(django_db_blocker)  # an earlier transactional test in this process may have flushed it
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", scale=SCALE, today=TODAY, stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            locator.invalidate()  # the index saw the demo's outlines, now rolled back


# The module's tests run on one xdist worker (make test: --dist loadgroup), so the demo loads once.
pytestmark = [pytest.mark.usefixtures("demo"), pytest.mark.xdist_group("demo-grid")]


def test_every_region_has_an_outline_generated_below_the_counties(db):
    counts = dict(RegionShape.objects.values_list("level").annotate(n=Count("pk")))
    assert counts == {
        RegionLevel.CITY: 1,
        RegionLevel.COUNTY: 9,
        RegionLevel.TOWNSHIP: 112,
        RegionLevel.COMMUNITY: 1400,
        RegionLevel.GRID: 3261,
    }
    generated = set(RegionShape.objects.filter(source=ShapeSource.GENERATED).values_list("level", flat=True))
    assert generated == {RegionLevel.TOWNSHIP, RegionLevel.COMMUNITY, RegionLevel.GRID}
    shape = RegionShape.objects.get(region_code="430211001001001")
    assert shape.region.code == shape.region_code and shape.area_km2 > 0
    assert shape.min_lng <= shape.label_lng <= shape.max_lng and shape.min_lat <= shape.label_lat <= shape.max_lat


def test_the_locator_finds_every_grid_at_its_label_point(db):
    rows = list(RegionShape.objects.grids().values_list("region_code", "label_lng", "label_lat"))
    located = locator.locate_many([r[1] for r in rows], [r[2] for r in rows])
    assert located == [r[0] for r in rows]


def test_every_grid_has_one_full_time_worker_and_the_demo_accounts_are_theirs(db):
    full_time = GridMember.objects.filter(role=MemberRole.FULL_TIME)
    assert full_time.count() == 3261
    assert full_time.values("grid").distinct().count() == 3261
    linked = dict(full_time.filter(user__isnull=False).values_list("user__username", "region_code"))
    # 嵩山路街道 and 月塘街道 are the featured townships; their grid workers sit in their first community.
    assert linked == {"tianyuan_songshan_grid": "430211001001001", "hetang_yuetang_grid": "430202001001001"}


def test_building_heads_in_street_communities_and_volunteers_only_in_tianyuan(db):
    communities = {row.code: row for row in geography.rows_at(RegionLevel.COMMUNITY)}
    heads = GridMember.objects.filter(role=MemberRole.BUILDING_HEAD).values_list("region_code", flat=True)
    assert heads and all(not geography.is_village(communities[code[:12]]) for code in heads)
    volunteers = GridMember.objects.filter(role=MemberRole.VOLUNTEER)
    assert volunteers.exists()
    assert set(volunteers.values_list("region_code", flat=True).distinct()) <= set(
        Region.objects.filter(code__startswith=TIANYUAN, level=RegionLevel.GRID).values_list("code", flat=True)
    )
    assert GridMember.objects.filter(role=MemberRole.PART_TIME).exists()


def test_grid_people_have_valid_phones_and_id_numbers(db):
    for member in GridMember.objects.all()[:2000]:
        assert normalize_phone(member.phone) == member.phone
        if member.id_number:
            assert normalize_id_number(member.id_number) == member.id_number
    assert not GridMember.objects.filter(role=MemberRole.FULL_TIME, id_number="").exists()


def test_the_roster_covers_this_week_and_next_for_every_grid(db):
    days = [MONDAY + datetime.timedelta(days=n) for n in range(14)]
    assert set(DutyShift.objects.values_list("date", flat=True).distinct()) == set(days)
    day_shifts = DutyShift.objects.filter(shift=Shift.DAY)
    assert day_shifts.count() == 3261 * 14
    assert day_shifts.values("grid", "date").distinct().count() == 3261 * 14
    # 醴陵市's 夜巡夜访夜话: its full-time workers are on the night shift on Fridays and Saturdays.
    liling_nights = DutyShift.objects.filter(shift=Shift.NIGHT, region_code__startswith=LILING)
    assert {d.weekday() for d in liling_nights.values_list("date", flat=True)} == {4, 5}
    assert liling_nights.filter(member__role=MemberRole.FULL_TIME).count() == (
        Region.objects.filter(code__startswith=LILING, level=RegionLevel.GRID).count() * 4
    )


def test_liling_carries_the_heaviest_share_of_patrols_mostly_at_night(db):
    year = Patrol.objects.filter(planned_for__year=2022)
    assert year.count() == round(15000 * SCALE)
    liling = year.filter(region_code__startswith=LILING)
    grid_share = Region.objects.filter(code__startswith=LILING, level=RegionLevel.GRID).count() / 3261
    assert liling.count() / year.count() > 2 * grid_share
    night = liling.filter(kind__in=[PatrolKind.NIGHT_PATROL, PatrolKind.NIGHT_VISIT, PatrolKind.NIGHT_TALK])
    assert night.count() > liling.count() / 2


def test_logged_patrols_have_crews_times_and_routes_inside_their_grid(db):
    done = Patrol.objects.filter(status=PatrolStatus.DONE).prefetch_related("members")
    assert done.exists()
    for patrol in done[:300]:
        assert patrol.started_at < patrol.ended_at
        crew = list(patrol.members.all())
        assert crew and all(m.grid_id == patrol.grid_id for m in crew)
        assert any(m.role == MemberRole.FULL_TIME for m in crew)
        if patrol.route:
            lngs, lats = zip(*patrol.route["coordinates"], strict=True)
            assert set(locator.locate_many(lngs, lats)) == {patrol.region_code}


def test_findings_lie_in_the_grid_of_their_patrol(db):
    findings = list(PatrolFinding.objects.select_related("patrol"))
    assert findings
    located = locator.locate_many([float(f.lng) for f in findings], [float(f.lat) for f in findings])
    assert located == [f.patrol.region_code for f in findings]


def test_grid_workers_have_plans_due_and_overdue_around_today(db):
    planned = Patrol.objects.filter(
        status=PatrolStatus.PLANNED, grid__grid_members__user__username="tianyuan_songshan_grid"
    )
    days = {p.planned_for.date() for p in planned}
    assert any(d > TODAY for d in days) and any(d < TODAY for d in days)
    assert not Patrol.objects.filter(status=PatrolStatus.PLANNED, planned_for__year=2022).exists()


def test_no_patrol_is_registered_after_the_demo_today(db):
    morning = datetime.datetime.combine(TODAY, datetime.time(8), tzinfo=ZoneInfo("Asia/Shanghai"))
    assert Patrol.objects.filter(planned_for__gt=morning).exists()
    assert not Patrol.objects.filter(created_at__gt=morning).exists()
    assert not Patrol.objects.filter(status=PatrolStatus.DONE, ended_at__gt=morning).exists()


def test_cameras_are_located_in_their_grid_and_mostly_online(db):
    cameras = list(Camera.objects.values("code", "lng", "lat", "region_code", "grid__code", "status"))
    assert len(cameras) == round(100_000 * SCALE)
    located = locator.locate_many([float(c["lng"]) for c in cameras], [float(c["lat"]) for c in cameras])
    assert located == [c["region_code"] for c in cameras] == [c["grid__code"] for c in cameras]
    online = sum(c["status"] == CameraStatus.ONLINE for c in cameras) / len(cameras)
    assert online == pytest.approx(0.95, abs=0.02)
    assert all(len(c["code"]) == 20 and c["code"].isdigit() for c in cameras)
    assert Camera.objects.filter(is_generated=False).count() == 0


def test_cameras_are_denser_in_the_urban_districts(db):
    urban = ("430202", "430203", "430204", TIANYUAN)
    per_grid = {}
    for name, codes in (("urban", urban), ("rural", ("430223", "430224", "430225", LILING))):
        grids = sum(Region.objects.filter(code__startswith=c, level=RegionLevel.GRID).count() for c in codes)
        cameras = sum(Camera.objects.filter(region_code__startswith=c).count() for c in codes)
        per_grid[name] = cameras / grids
    assert per_grid["urban"] > 2 * per_grid["rural"]


def test_a_second_run_adds_nothing(db):
    models = (RegionShape, GridMember, DutyShift, Patrol, PatrolFinding, Camera, DemoDataset)
    before = [model.objects.count() for model in models]
    out = StringIO()
    call_command("load_demo", scale=SCALE, today=TODAY, stdout=out)
    assert [model.objects.count() for model in models] == before
    assert "新增 0 班次" in out.getvalue()
    assert {"shapes", "grid-people", "patrols-2022", "patrols-recent", "cameras"} <= set(
        DemoDataset.objects.values_list("key", flat=True)
    )


def test_a_week_later_the_roster_gains_the_new_week_only(db):
    call_command("load_demo", scale=SCALE, today=TODAY + datetime.timedelta(days=7), stdout=StringIO())
    last = MONDAY + datetime.timedelta(days=20)
    assert DutyShift.objects.filter(date__gt=MONDAY + datetime.timedelta(days=13), date__lte=last).exists()
    assert not DutyShift.objects.filter(date__gt=last).exists()
    assert Patrol.objects.filter(planned_for__year=2022).count() == round(15000 * SCALE)
