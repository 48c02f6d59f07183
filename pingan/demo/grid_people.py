"""The demo's grid people (网格力量) and their duty rosters.

Every grid cell has one full-time grid worker (专职网格员); the demo's named grid-worker accounts (see
`staff.py`: `tianyuan_songshan_grid`, `hetang_yuetang_grid`) are the full-time workers of the first grid
of their community. About a third of the cells (more of the villages, where village cadres double as grid
workers) have a part-time one (兼职网格员); street communities have building heads (楼栋长) for their
blocks; and 天元区, which runs 格格平安, has two or three volunteers per grid. Names, ID numbers and
mobiles are fake but well-formed (`people.Identities`).

The duty roster covers the current and the next week (Monday to Sunday, Asia/Shanghai): the full-time
worker on weekdays, the part-time one (if any) at weekends; 醴陵市's night patrols (夜巡夜访夜话) put the
full-time worker on the Friday and Saturday night shift, and 天元区's volunteers take the weekend nights.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import Any

from django.db import transaction

from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.gridwork.choices import MemberRole, Shift
from pingan.gridwork.models import DutyShift, GridMember
from pingan.regions.choices import RegionLevel

from . import checks
from .geography import grid_rows, is_village, is_virtual, rows_at
from .people import Identities
from .rows import rows_insert
from .staff import account_specs

TIANYUAN = "430211"  # runs 格格平安 (the seed)
LILING = "430281"  # runs 夜巡夜访夜话 (the seed)
PART_TIME_SHARE = {"village": 0.5, "street": 0.2}
BUILDING_HEADS = (2, 4)
VOLUNTEERS = (2, 3)
ROSTER_WEEKS = 2


def _grid_worker_accounts() -> dict[str, int]:
    """Grid code → user id of the demo's named grid workers (the first grid of their community)."""
    usernames = {s.username: s.region for s in account_specs() if s.role == Role.GRID_WORKER}
    users = User.objects.filter(username__in=usernames).values_list("username", "id")
    return {f"{usernames[name]}001": user_id for name, user_id in users}


def _started_on(rng: random.Random) -> datetime.date:
    # 全科网格 were rolled out from 2018; most workers started in 2019–2021.
    return datetime.date(2018, 6, 1) + datetime.timedelta(days=rng.randrange(4 * 365))


@transaction.atomic
def members_load(region_ids: dict[str, int], *, seed: int) -> dict[str, int]:
    """Create the grid people (once: call only when the demo has none). Returns counts per role."""
    rng = random.Random(f"grid-people-{seed}")
    identities = Identities(seed + 7, rng)
    accounts = _grid_worker_accounts()
    communities = {row.code: row for row in rows_at(RegionLevel.COMMUNITY)}
    rows: list[dict] = []

    def add(grid: str, role: str, person: dict[str, Any], **extra: Any) -> None:
        rows.append(
            {
                "grid_id": region_ids[grid],
                "region_code": grid,
                "role": role,
                "name": person["name"],
                "phone": person["phone"],
                "is_active": True,
                **extra,
            }
        )

    for grid in grid_rows():
        community = communities[grid.parent_code]
        county = grid.code[:6]
        village = is_village(community) or is_virtual(community)
        worker = identities.person(county, 2022)
        add(
            grid.code,
            MemberRole.FULL_TIME,
            worker,
            id_number=worker["id_number"],
            started_on=_started_on(rng),
            user_id=accounts.get(grid.code),
        )
        if rng.random() < PART_TIME_SHARE["village" if village else "street"]:
            helper = identities.person(county, 2022)
            note = "村干部兼任" if village else "社区干部兼任"
            add(grid.code, MemberRole.PART_TIME, helper, id_number=helper["id_number"], note=note)
        if not village:
            first = rng.randrange(1, 30)
            for n in range(rng.randint(*BUILDING_HEADS)):
                add(grid.code, MemberRole.BUILDING_HEAD, identities.person(county, 2022), building=f"{first + n}栋")
        if county == TIANYUAN:
            for _ in range(rng.randint(*VOLUNTEERS)):
                add(grid.code, MemberRole.VOLUNTEER, identities.person(county, 2022), note="格格平安志愿者")
    checks.members_check(rows)  # as the form and the import would check them; raises before writing
    rows_insert(GridMember, rows)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["role"]] += 1
    return dict(counts)


def roster_weeks(today: datetime.date) -> list[datetime.date]:
    """The days of the current and the next week, Monday first."""
    monday = today - datetime.timedelta(days=today.weekday())
    return [monday + datetime.timedelta(days=n) for n in range(7 * ROSTER_WEEKS)]


@transaction.atomic
def roster_load(*, today: datetime.date) -> int:
    """Plan the duty shifts of the current and the next week for every grid that has people; shifts
    already planned are kept (a second run on the same day adds nothing; a run a week later adds the new
    week). Returns the number of shifts added."""
    days = roster_weeks(today)
    people: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    codes: dict[int, str] = {}
    members = GridMember.objects.filter(
        is_active=True, role__in=[MemberRole.FULL_TIME, MemberRole.PART_TIME, MemberRole.VOLUNTEER]
    ).order_by("id")
    for member_id, grid_id, code, role in members.values_list("id", "grid_id", "region_code", "role"):
        people[grid_id][role].append(member_id)
        codes[grid_id] = code
    existing = set(
        DutyShift.objects.filter(date__gte=days[0], date__lte=days[-1]).values_list("member_id", "date", "shift")
    )
    rows: list[dict] = []

    def add(grid_id: int, member_id: int, day: datetime.date, shift: str, note: str = "") -> None:
        if (member_id, day, shift) not in existing:
            rows.append(
                {
                    "grid_id": grid_id,
                    "region_code": codes[grid_id],
                    "member_id": member_id,
                    "date": day,
                    "shift": shift,
                    "note": note,
                }
            )

    for grid_id, roles in people.items():
        full = roles[MemberRole.FULL_TIME]
        if not full:
            continue
        part, volunteers = roles[MemberRole.PART_TIME], roles[MemberRole.VOLUNTEER]
        county = codes[grid_id][:6]
        for day in days:
            weekend = day.weekday() >= 5
            add(grid_id, part[0] if weekend and part else full[0], day, Shift.DAY)
            if county == LILING and day.weekday() in (4, 5):
                add(grid_id, full[0], day, Shift.NIGHT, "夜巡夜访夜话")
            if volunteers and weekend:
                add(grid_id, volunteers[day.toordinal() % len(volunteers)], day, Shift.NIGHT, "格格平安")
    rows_insert(DutyShift, rows)
    return len(rows)
