"""The demo's patrols and visits (巡查走访): a year of them (2022) city-wide, with 醴陵市's 夜巡夜访夜话 (the
seed) making it the busiest county by far, plus the twelve months before today (busier in the last four
weeks) and the coming week (a few plans already overdue), so that grid workers' workbenches have something
due and the counts pages have every recent month.

Each patrol is written as a logged one would be: who went (the grid's full-time worker, sometimes with the
part-time one, a building head or 格格平安 volunteers), when (evenings for the night kinds, office hours
for the daily rounds and home visits), where (named places, a route inside the grid for patrols, the
household for visits), what happened, and now and then a finding with its location inside the grid.
Rows are bulk-inserted; the same seed gives the same patrols.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from shapely.geometry.base import BaseGeometry

from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.gridwork.choices import MemberRole, PatrolKind, PatrolStatus
from pingan.gridwork.models import GridMember, Patrol, PatrolFinding
from pingan.regions.choices import RegionLevel

from .geography import grid_rows, is_village, is_virtual, rows_at, short_name
from .grid_people import LILING, TIANYUAN
from .rows import rows_insert
from .shapes import grid_geometries, points_in
from .staff import account_specs

PATROLS_2022 = 15000
RECENT_DONE = 3000  # over the last four weeks
RECENT_YEAR_DAYS = 365  # before them, back to a year before today at 2022's pace
PLANNED_AHEAD = 1500  # over the coming week
OVERDUE = 150  # planned for the last three days and not yet logged
LILING_GRID_WEIGHT = 4  # 夜巡夜访夜话: four times the patrols of an ordinary grid
FINDING_SHARE = 0.06
CANCELLED_SHARE = 0.03

KIND_WEIGHTS = {
    "liling": {
        PatrolKind.NIGHT_PATROL: 30,
        PatrolKind.NIGHT_VISIT: 25,
        PatrolKind.NIGHT_TALK: 20,
        PatrolKind.DAILY_PATROL: 15,
        PatrolKind.HOME_VISIT: 10,
    },
    "other": {
        PatrolKind.DAILY_PATROL: 45,
        PatrolKind.HOME_VISIT: 35,
        PatrolKind.NIGHT_PATROL: 10,
        PatrolKind.NIGHT_VISIT: 6,
        PatrolKind.NIGHT_TALK: 4,
    },
}
NIGHT_KINDS = {PatrolKind.NIGHT_PATROL, PatrolKind.NIGHT_VISIT, PatrolKind.NIGHT_TALK}
ROUTE_KINDS = {PatrolKind.NIGHT_PATROL, PatrolKind.DAILY_PATROL}
PLACES = [
    "主干道",
    "农贸市场",
    "文化广场",
    "学校周边",
    "公交站台",
    "沿河风光带",
    "背街小巷",
    "出租屋集中区",
    "老旧小区",
]
VILLAGE_PLACES = ["村部", "村口", "水塘堤坝", "山塘", "村道", "集市", "小学周边", "留守老人户"]
SUMMARIES: dict[str, list[str]] = {
    PatrolKind.NIGHT_PATROL: [
        "夜间巡逻,治安秩序良好。",
        "重点巡查背街小巷和出租屋,未发现异常。",
        "与派出所联合夜巡,劝离聚集人员。",
    ],
    PatrolKind.NIGHT_VISIT: [
        "夜访困难群众,了解生活情况。",
        "走访独居老人,检查用电用气安全。",
        "夜访重点人员,情绪稳定。",
    ],
    PatrolKind.NIGHT_TALK: ["组织居民夜话,收集意见建议。", "屋场夜话,宣传防诈骗知识。", "夜话会上调解邻里小摩擦。"],
    PatrolKind.DAILY_PATROL: ["日常巡查,环境整洁。", "巡查沿街商铺消防通道。", "巡查道路设施,未见损坏。"],
    PatrolKind.HOME_VISIT: ["入户走访,更新人口信息。", "走访特殊人群,落实帮扶措施。", "入户宣传反诈和安全知识。"],
}
FINDINGS = [
    "楼道堆放杂物,堵塞消防通道",
    "路灯损坏,夜间照明不足",
    "独居老人家中电线老化,存在火灾隐患",
    "两户邻居因噪音发生口角,已现场劝解",
    "井盖缺失,已设置临时警示",
    "出租屋新入住人员未登记",
    "河堤护栏破损",
    "电动车在楼道内充电",
    "占道经营,影响通行",
    "垃圾清运不及时,有异味",
]


class Scene:
    """Who can go on a patrol in each grid, who logs it, and where the grid is."""

    def __init__(self) -> None:
        self.members: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.grid_ids: dict[str, int] = {}
        self.worker_users: dict[str, int] = {}
        rows = GridMember.objects.filter(is_active=True).order_by("id")
        for member_id, grid_id, code, role, user_id in rows.values_list(
            "id", "grid_id", "region_code", "role", "user_id"
        ):
            self.members[code][role].append(member_id)
            self.grid_ids[code] = grid_id
            if role == MemberRole.FULL_TIME and user_id:
                self.worker_users[code] = user_id
        clerks = {
            s.username: s.region
            for s in account_specs()
            if s.role == Role.CENTRE_STAFF and s.level == RegionLevel.TOWNSHIP
        }
        self.clerks = {
            clerks[name]: uid for name, uid in User.objects.filter(username__in=clerks).values_list("username", "id")
        }
        self.grids = [row for row in grid_rows() if self.members[row.code][MemberRole.FULL_TIME]]
        self.communities = {row.code: row for row in rows_at(RegionLevel.COMMUNITY)}
        self.geometries = grid_geometries()

    def logger(self, grid: str) -> int:
        return self.worker_users.get(grid) or self.clerks[grid[:9]]


class PatrolGenerator:
    def __init__(self, scene: Scene, rng: random.Random, *, created_before: datetime.datetime) -> None:
        self.scene, self.rng = scene, rng
        self.created_before = created_before  # a plan is registered before the demo's today, never after
        self.np_rng = np.random.default_rng(rng.randrange(2**32))
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.patrols: list[dict] = []
        self.members: list[list[int]] = []
        self.findings: list[list[dict]] = []
        weights = [LILING_GRID_WEIGHT if g.code.startswith(LILING) else 1 for g in scene.grids]
        self.grid_weights = np.cumsum(weights)

    def grid(self) -> str:
        pick = self.rng.random() * self.grid_weights[-1]
        return self.scene.grids[int(np.searchsorted(self.grid_weights, pick, side="right"))].code

    def kind(self, grid: str) -> str:
        weights = KIND_WEIGHTS["liling" if grid.startswith(LILING) else "other"]
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def start(self, day: datetime.date, kind: str) -> datetime.datetime:
        if kind in NIGHT_KINDS:
            minute = 19 * 60 + 30 + self.rng.randrange(120)
        else:
            minute = 9 * 60 + self.rng.randrange(7 * 60)
        return datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60), tzinfo=self.tz)

    def add(self, *, day: datetime.date, status: str, grid: str | None = None) -> None:
        rng = self.rng
        grid = grid or self.grid()
        kind = self.kind(grid)
        planned = self.start(day, kind)
        people = self.scene.members[grid]
        crew = [people[MemberRole.FULL_TIME][0]]
        if people[MemberRole.PART_TIME] and rng.random() < 0.4:
            crew.append(people[MemberRole.PART_TIME][0])
        if kind == PatrolKind.HOME_VISIT and people[MemberRole.BUILDING_HEAD] and rng.random() < 0.3:
            crew.append(rng.choice(people[MemberRole.BUILDING_HEAD]))
        if kind in NIGHT_KINDS and grid.startswith(TIANYUAN) and people[MemberRole.VOLUNTEER]:
            crew.extend(people[MemberRole.VOLUNTEER][: rng.randint(1, 2)])
        community = self.scene.communities[grid[:12]]
        village = is_village(community) or is_virtual(community)
        row: dict[str, Any] = {
            "kind": kind,
            "grid_id": self.scene.grid_ids[grid],
            "region_code": grid,
            "status": status,
            "planned_for": planned,
            "places": [f"{short_name(community)}{p}" for p in rng.sample(VILLAGE_PLACES if village else PLACES, 2)],
            "created_by_id": self.scene.logger(grid),
            "created_at": min(
                planned - datetime.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8)), self.created_before
            ),
        }
        if kind in (PatrolKind.HOME_VISIT, PatrolKind.NIGHT_VISIT) and village:
            row["household"] = f"{short_name(community)}{rng.randint(1, 20)}组{rng.randint(1, 60)}号"
        elif kind in (PatrolKind.HOME_VISIT, PatrolKind.NIGHT_VISIT):
            row["household"] = f"{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}"
        found: list[dict] = []
        if status == PatrolStatus.DONE:
            minutes = rng.randint(60, 150) if kind in NIGHT_KINDS else rng.randint(30, 120)
            row["started_at"] = planned + datetime.timedelta(minutes=rng.randint(-10, 20))
            row["ended_at"] = row["started_at"] + datetime.timedelta(minutes=minutes)
            row["summary"] = rng.choice(SUMMARIES[kind])
            geometry = self.scene.geometries.get(grid)
            if kind in ROUTE_KINDS and geometry is not None:
                row["route"] = self.route(geometry)
            if rng.random() < FINDING_SHARE:
                for _ in range(1 if rng.random() < 0.8 else 2):
                    found.append(self.finding(geometry, row["ended_at"]))
        self.patrols.append(row)
        self.members.append(crew)
        self.findings.append(found)

    def route(self, geometry: BaseGeometry) -> dict[str, Any]:
        points = points_in(geometry, self.rng.randint(4, 6), self.np_rng)
        centre = points.mean(axis=0)
        order = np.argsort(np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0]))
        return {"type": "LineString", "coordinates": points[order].tolist()}

    def finding(self, geometry: BaseGeometry | None, when: datetime.datetime) -> dict[str, Any]:
        row: dict[str, Any] = {"description": self.rng.choice(FINDINGS), "created_at": when}
        if geometry is not None:
            lng, lat = points_in(geometry, 1, self.np_rng)[0]
            row["lng"], row["lat"] = Decimal(f"{lng:.6f}"), Decimal(f"{lat:.6f}")
        return row


def _days_of(year: int) -> list[datetime.date]:
    start = datetime.date(year, 1, 1)
    return [start + datetime.timedelta(days=n) for n in range((datetime.date(year + 1, 1, 1) - start).days)]


def year_generate(*, year: int, seed: int, scale: float, scene: Scene) -> PatrolGenerator:
    end = datetime.datetime(year + 1, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))
    generator = PatrolGenerator(scene, random.Random(f"patrols-{year}-{seed}"), created_before=end)
    days = _days_of(year)
    for _ in range(round(PATROLS_2022 * scale)):
        cancelled = generator.rng.random() < CANCELLED_SHARE
        generator.add(day=generator.rng.choice(days), status=PatrolStatus.CANCELLED if cancelled else PatrolStatus.DONE)
    return generator


def recent_generate(*, today: datetime.date, seed: int, scale: float, scene: Scene) -> PatrolGenerator:
    """The twelve months before today (logged, the last four weeks the busiest), the coming week (planned)
    and a few overdue plans; every grid with a named grid-worker account gets two plans ahead and one
    overdue, for the workbench."""
    morning = datetime.datetime.combine(today, datetime.time(8), tzinfo=ZoneInfo(settings.TIME_ZONE))
    generator = PatrolGenerator(scene, random.Random(f"patrols-recent-{today}-{seed}"), created_before=morning)
    rng = generator.rng
    for _ in range(round(PATROLS_2022 * scale * (RECENT_YEAR_DAYS - 28) / 365)):
        cancelled = rng.random() < CANCELLED_SHARE
        day = today - datetime.timedelta(days=rng.randint(29, RECENT_YEAR_DAYS))
        generator.add(day=day, status=PatrolStatus.CANCELLED if cancelled else PatrolStatus.DONE)
    for _ in range(round(RECENT_DONE * scale)):
        generator.add(day=today - datetime.timedelta(days=rng.randint(1, 28)), status=PatrolStatus.DONE)
    for _ in range(round(PLANNED_AHEAD * scale)):
        generator.add(day=today + datetime.timedelta(days=rng.randint(0, 7)), status=PatrolStatus.PLANNED)
    for _ in range(round(OVERDUE * scale)):
        generator.add(day=today - datetime.timedelta(days=rng.randint(1, 3)), status=PatrolStatus.PLANNED)
    for grid in sorted(scene.worker_users):
        for offset in (1, 3, -1):
            generator.add(day=today + datetime.timedelta(days=offset), status=PatrolStatus.PLANNED, grid=grid)
    return generator


@transaction.atomic
def patrols_write(generator: PatrolGenerator) -> dict[str, int]:
    """Insert the patrols, their crews and findings. Patrol ids are read back in insertion order (the load
    runs in one transaction, so nobody else inserts in between)."""
    before = Patrol.objects.aggregate(last=Max("id"))["last"] or 0
    rows_insert(Patrol, generator.patrols)
    ids = list(Patrol.objects.filter(id__gt=before).order_by("id").values_list("id", flat=True))
    if len(ids) != len(generator.patrols):
        raise RuntimeError("patrol ids could not be read back")
    through = Patrol.members.through
    through.objects.bulk_create(
        [
            through(patrol_id=pid, gridmember_id=m)
            for pid, crew in zip(ids, generator.members, strict=True)
            for m in crew
        ],
        batch_size=2000,
    )
    findings = [
        {**finding, "patrol_id": pid} for pid, found in zip(ids, generator.findings, strict=True) for finding in found
    ]
    rows_insert(PatrolFinding, findings)
    by_county: dict[str, int] = defaultdict(int)
    for row in generator.patrols:
        by_county[row["region_code"][:6]] += 1
    return {
        "patrols": len(ids),
        "done": sum(r["status"] == PatrolStatus.DONE for r in generator.patrols),
        "planned": sum(r["status"] == PatrolStatus.PLANNED for r in generator.patrols),
        "findings": len(findings),
        "liling": by_county[LILING],
    }
