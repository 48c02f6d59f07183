"""The demo's incidents (网格事件): a year of them (2022) reported by grid workers all over Zhuzhou, all
gone round the 数字城管 loop, plus the twelve months before today, each as far along as it would be at the
start of today (the cutoff), and the newest still open at every step of the loop, so that centres and
departments (never a mediation committee: it does not work incidents) have work on their desks.

Each incident lies at a point inside its grid cell (drawn inside the stored outline, then located with
the locator like any report, so the case's grid is the one the point is in); it is routed to the grid's
centre (the community's, or the township's where the community has none), filed by the township centre
and dispatched to the department the category calls for, with the category's clock from the SlaPolicy
rows, the deadline from `clock_reset` and the on-time verdict frozen at closing. Its timeline follows
workflow.py event by event. Everything is drawn from one seeded generator; rows are bulk-inserted once
(marked in demo.DemoDataset), so a second `load_demo` adds nothing."""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pingan.cases import workflows
from pingan.cases.choices import Channel, EventType, Light, Outcome, RoutingBasis, Satisfaction, Urgency
from pingan.cases.models import Case, CaseEvent, Category
from pingan.cases.services import clock_reset, sla_for
from pingan.geo.locator import locate_many
from pingan.incidents.choices import KIND, IncidentEvent, default_urgency
from pingan.incidents.choices import IncidentState as S
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Organization, Region
from pingan.workcalendar.calendar import WorkCalendar

from . import checks
from .disputes import CaseDraft, Plan, number_cases, recent_cutoff, rows_insert
from .geography import centre_code, department_code
from .models import DemoDataset
from .patrols import Scene
from .shapes import points_in
from .staff import featured_townships

DATASET = "incidents"
YEAR = 2022
INCIDENTS_YEAR = 6000
RECENT = 6000  # over the twelve months before today
RECENT_DAYS = 365
NEWEST = 60  # reported yesterday (a few up to a week ago) and held at every open step of the loop
NEWEST_DAYS = 7
NEWEST_OVERDUE_SHARE = 0.05  # the demo's few overdue incidents; the others are within their clock
URBAN = {"430202", "430203", "430204", "430211"}  # the four city districts report more per grid
URBAN_WEIGHT = 2.5
REJECTED_SHARE = 0.04
REWORK_SHARE = 0.06
LATE_SHARE = 0.08
OPEN_STATES = {S.REPORTED: 15, S.FILED: 10, S.DISPATCHED: 15, S.HANDLING: 35, S.FED_BACK: 25}
SATISFACTION = {Satisfaction.SATISFIED: 86, Satisfaction.BASICALLY: 11, Satisfaction.UNSATISFIED: 3}
URGENCY_RAISE = {Urgency.URGENT: 6, Urgency.CRITICAL: 1}  # per hundred incidents of an ordinary category

CATEGORY_WEIGHTS = {
    "inc_sanitation": 26,
    "inc_municipal": 22,
    "inc_public_security": 14,
    "inc_dispute_lead": 10,
    "inc_work_safety": 8,
    "inc_fire": 8,
    "inc_special_groups": 6,
    "inc_other": 6,
}
# Who handles what: a township department, a county bureau, or the community's own centre.
HANDLERS = {
    "inc_public_security": ("PCS", RegionLevel.TOWNSHIP),
    "inc_special_groups": ("PCS", RegionLevel.TOWNSHIP),
    "inc_dispute_lead": ("SFS", RegionLevel.TOWNSHIP),  # the 司法所 (a mediation committee works no incidents)
    "inc_fire": ("GA", RegionLevel.COUNTY),
    "inc_work_safety": ("ZJJ", RegionLevel.COUNTY),
    "inc_municipal": ("ZJJ", RegionLevel.COUNTY),
    "inc_sanitation": ("", RegionLevel.COMMUNITY),
    "inc_other": ("", RegionLevel.COMMUNITY),
}
TEXTS = {
    "inc_sanitation": ["垃圾桶满溢,周边堆放生活垃圾", "背街小巷积存建筑垃圾", "沿河有漂浮垃圾", "公厕无人保洁"],
    "inc_municipal": ["井盖破损,行人易踩空", "路灯不亮,夜间照明不足", "人行道地砖松动", "雨水箅子堵塞积水"],
    "inc_public_security": ["出租屋人员频繁出入,疑似聚赌", "小区门禁损坏,外来人员随意进出", "夜间有人在路口聚集滋事"],
    "inc_dispute_lead": ["两户邻居因漏水争吵", "商户与业主因噪音发生口角", "村民因宅基地界线争执"],
    "inc_work_safety": ["工地未设围挡,材料堆放占道", "小作坊违规存放液化气瓶", "广告牌松动有坠落危险"],
    "inc_fire": ["楼道堆放杂物堵塞消防通道", "电动车在楼道内充电", "灭火器过期未更换", "飞线充电存在火灾隐患"],
    "inc_special_groups": ["独居老人多日未见出门", "社区矫正对象情绪异常", "精神障碍患者家属求助"],
    "inc_other": ["流浪犬在小区出没", "共享单车乱停放堵塞通道", "树枝折断悬挂路边"],
}
RESULTS = ["已现场处置完毕", "已清理完毕,恢复原状", "已维修更换", "已劝导整改,复查无异常", "已联系责任单位处理完毕"]
REJECT_REASONS = ["经核实已由物业自行处理", "重复上报,已并入前一事件", "不属于网格事件受理范围"]


class Places:
    """The grid cells with their outlines, the centres and departments an incident passes through."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.grid_ids = dict(Region.objects.filter(level=RegionLevel.GRID).values_list("code", "id"))
        orgs = Organization.objects.values_list("id", "code", "name", "org_type")
        self.orgs = {code: (pk, name) for pk, code, name, _type in orgs}
        workflow = workflows.get(KIND)  # the organisation types that work incidents (never a committee)
        self.not_handlers = {code for _pk, code, _name, org_type in orgs if not workflow.allows(org_type)}
        self.grids = sorted(code for code in scene.geometries if code in self.grid_ids)

    def org(self, code: str) -> tuple[int, str] | None:
        return self.orgs.get(code)

    def routed_to(self, grid: str) -> tuple[str, tuple[int, str]]:
        """The centre a report from this grid is routed to: its community's, else its township's."""
        for code in (grid[:12], grid[:9], grid[:6]):
            found = self.org(centre_code(code))
            if found:
                return centre_code(code), found
        raise LookupError(grid)

    def handler(self, grid: str, category: str, township_centre: str) -> tuple[str, tuple[int, str]] | None:
        prefix, level = HANDLERS[category]
        if not prefix:
            target = centre_code(grid[:12])
            return (target, self.orgs[target]) if target in self.orgs and target != township_centre else None
        code = department_code(prefix, grid[:9] if level == RegionLevel.TOWNSHIP else grid[:6])
        return (code, self.orgs[code]) if code in self.orgs and code not in self.not_handlers else None


Row = dict


class Generator:
    """Draws incidents and their timelines; `plans` holds them until they are written."""

    def __init__(self, *, seed: int, places: Places, calendar: WorkCalendar) -> None:
        self.rng = random.Random(f"incidents-{seed}")
        self.np_rng = np.random.default_rng(seed + 7)
        self.places = places
        self.calendar = calendar
        self.tz = ZoneInfo(settings.TIME_ZONE)
        rows = Category.objects.filter(kind=KIND).values_list("code", "id", "name")
        self.categories = {code: (pk, name) for code, pk, name in rows}
        self.clocks: dict[tuple[str, str], tuple[int, str]] = {}
        self.state_types = {state.value: state.type for state in workflows.get(KIND).states}
        self.plans: list[Plan] = []

    # --- where and when ---------------------------------------------------------------------------

    def positions(self, count: int, within: str = "") -> list[tuple[str, float, float]]:
        """`count` (grid, lng, lat) in grids whose code starts with `within`: grids weighted by district,
        points drawn inside each outline and then located, so that a point on a shared border belongs to the
        grid the locator says."""
        grids = [code for code in self.places.grids if code.startswith(within)]
        if not grids:
            return []
        weights = [URBAN_WEIGHT if code[:6] in URBAN else 1.0 for code in grids]
        per_grid = Counter(self.rng.choices(grids, weights=weights, k=count))
        lngs: list[float] = []
        lats: list[float] = []
        for code in sorted(per_grid):
            points = points_in(self.places.scene.geometries[code], per_grid[code], self.np_rng)
            lngs.extend(points[:, 0].tolist())
            lats.extend(points[:, 1].tolist())
        located = locate_many(lngs, lats)
        found = [(g, x, y) for g, x, y in zip(located, lngs, lats, strict=True) if g in self.places.grid_ids]
        self.rng.shuffle(found)
        return found

    def reported_at(self, day: datetime.date) -> datetime.datetime:
        minute = self.rng.randrange(7 * 60 + 30, 19 * 60)  # grid workers are out from morning to evening
        return datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60), tzinfo=self.tz)

    def later(self, at: datetime.datetime, low_hours: float, high_hours: float) -> datetime.datetime:
        return at + datetime.timedelta(hours=self.rng.uniform(low_hours, high_hours))

    def clock(self, category: str, urgency: str) -> tuple[int, str]:
        key = (category, urgency)
        if key not in self.clocks:
            category_row = Category(pk=self.categories[category][0], kind=KIND, code=category)
            self.clocks[key] = sla_for(kind=KIND, category=category_row, urgency=urgency)
        return self.clocks[key]

    # --- one incident ----------------------------------------------------------------------------

    def incident(self, *, position, registered_at: datetime.datetime, goal: str, now: datetime.datetime) -> None:
        """One incident, taken round the loop as far as `goal` (or 不予立案), but no step after `now`."""
        rng, places = self.rng, self.places
        grid, lng, lat = position
        category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
        urgency = default_urgency(category)
        if urgency == Urgency.NORMAL and rng.random() < 0.07:
            urgency = rng.choices(list(URGENCY_RAISE), weights=list(URGENCY_RAISE.values()))[0]
        amount, unit = self.clock(category, urgency)
        routed_code, (routed_id, routed_name) = places.routed_to(grid)
        township_code = centre_code(grid[:9]) if places.org(centre_code(grid[:9])) else routed_code
        township_id, township_name = places.orgs[township_code]
        reporter = places.scene.worker_users.get(grid)
        clerk = places.scene.clerks.get(grid[:9])
        text = rng.choice(TEXTS[category])
        case = CaseDraft(
            number="",
            kind=KIND,
            category_id=self.categories[category][0],
            title=f"{self.categories[category][1]}:{text}",
            description=f"{text}。",
            channel=Channel.GRID,
            urgency=urgency,
            status=S.REPORTED,
            region_id=places.grid_ids[grid],
            region_code=grid,
            address="",
            lat=Decimal(f"{lat:.6f}"),
            lng=Decimal(f"{lng:.6f}"),
            assigned_org_id=routed_id,
            intake_org_id=routed_id,
            created_by_id=reporter or clerk,
            parent_id=None,
            registered_at=registered_at,
            sla_amount=amount,
            sla_unit=unit,
        )
        clock_reset(case, self.calendar)
        deadline = timezone.localtime(case.deadline).isoformat()
        events: list[Row] = []

        def step(event_type, at, actor, org_id, to_status, comment="", **params) -> bool:
            """Record one step, unless it would happen after `now` (then the incident stops before it)."""
            if at > now:
                return False
            events.append(
                {
                    "type": event_type,
                    "actor_id": actor,
                    "actor_org_id": org_id,
                    "from_status": case.status if event_type != EventType.REGISTERED else "",
                    "to_status": to_status,
                    "comment": comment,
                    "params": params,
                    "created_at": at,
                }
            )
            case.status = to_status
            return True

        self.plans.append(Plan(case=case, parties=[], events=events, sessions=[]))
        step(
            EventType.REGISTERED,
            registered_at,
            reporter,
            routed_id,
            S.REPORTED,
            channel=Channel.GRID,
            intake_org=routed_code,
        )
        step(
            EventType.ROUTED,
            registered_at,
            None,
            None,
            S.REPORTED,
            to_org=routed_code,
            to_org_name=routed_name,
            basis=RoutingBasis.NEAREST_CENTRE,
            deadline=deadline,
        )
        at = self.later(registered_at, 0.3, 4)
        if goal == S.REPORTED or at > now:
            return self.finish(case)
        if rng.random() < REJECTED_SHARE:
            on_time = at <= case.deadline
            if step(
                IncidentEvent.NOT_FILED, at, clerk, township_id, S.REJECTED, rng.choice(REJECT_REASONS), on_time=on_time
            ):
                case.closed_at, case.on_time, case.accepted_at = at, on_time, None
            return self.finish(case)
        moved = {}
        if township_id != routed_id:
            moved = {
                "from_org": routed_code,
                "from_org_name": routed_name,
                "to_org": township_code,
                "to_org_name": township_name,
            }
        step(IncidentEvent.FILED, at, clerk, township_id, S.FILED, deadline=deadline, **moved)
        case.accepted_at, case.assigned_org_id = at, township_id
        handler = places.handler(grid, category, township_code) or places.handler(grid, "inc_public_security", "")
        at = self.later(at, 0.2, 3)
        if (
            goal == S.FILED
            or handler is None
            or not step(
                EventType.DISPATCHED,
                at,
                clerk,
                township_id,
                S.DISPATCHED,
                from_org=township_code,
                from_org_name=township_name,
                to_org=handler[0],
                to_org_name=handler[1][1],
                deadline=deadline,
            )
        ):
            return self.finish(case)
        handler_id = handler[1][0]
        case.assigned_org_id = handler_id
        at = self.later(at, 0.5, 6)
        if goal == S.DISPATCHED or not step(EventType.ACCEPTED, at, None, handler_id, S.HANDLING):
            return self.finish(case)
        allowed = (case.deadline - registered_at).total_seconds()
        share = rng.uniform(1.05, 1.5) if rng.random() < LATE_SHARE else rng.uniform(0.2, 0.7)
        at = max(self.later(at, 0.5, 2), registered_at + datetime.timedelta(seconds=allowed * share))
        result = rng.choice(RESULTS)
        if goal == S.HANDLING or not step(IncidentEvent.FED_BACK, at, None, handler_id, S.FED_BACK, result):
            return self.finish(case)
        case.resolved_at, case.outcome = at, Outcome.SUCCESS
        if rng.random() < REWORK_SHARE:
            at = self.later(at, 2, 20)
            if not step(
                EventType.REWORK, at, clerk, township_id, S.HANDLING, "现场复核未整改到位", passed=False, rework_count=1
            ):
                return self.finish(case)
            case.rework_count, case.resolved_at, case.outcome = 1, None, ""
            at = self.later(at, 4, 30)
            if not step(IncidentEvent.FED_BACK, at, None, handler_id, S.FED_BACK, result):
                return self.finish(case)
            case.resolved_at, case.outcome = at, Outcome.SUCCESS
        at = min(self.later(at, 0.5, 24), max(self.later(at, 0.2, 0.5), case.deadline - datetime.timedelta(minutes=5)))
        on_time = at <= case.deadline
        if goal == S.FED_BACK or not step(
            EventType.VERIFIED, at, clerk, township_id, S.CLOSED, passed=True, on_time=on_time
        ):
            return self.finish(case)
        case.verified_at, case.closed_at, case.on_time = at, at, on_time
        at = self.later(at, 0.5, 48)
        satisfaction = rng.choices(list(SATISFACTION), weights=list(SATISFACTION.values()))[0]
        if goal == S.CLOSED or not step(
            IncidentEvent.EVALUATED, at, clerk, township_id, S.EVALUATED, satisfaction=satisfaction
        ):
            return self.finish(case)
        case.satisfaction, case.rated_at = satisfaction, at
        return self.finish(case)

    def finish(self, case: CaseDraft) -> None:
        case.state_type = self.state_types[case.status]

    # --- the data sets ---------------------------------------------------------------------------

    def year(self, year: int, count: int) -> None:
        """A year of reports, every one of them long since round the loop (or not filed)."""
        days = [datetime.date(year, 1, 1) + datetime.timedelta(days=n) for n in range(365 + (year % 4 == 0))]
        end = datetime.datetime(year + 1, 3, 31, tzinfo=self.tz)
        for position in self.positions(count):
            goal = S.CLOSED if self.rng.random() < 0.08 else S.EVALUATED
            self.incident(position=position, registered_at=self.reported_at(self.rng.choice(days)), goal=goal, now=end)

    def recent(self, today: datetime.date, count: int, newest: int) -> None:
        """The twelve months before today, each incident as far along as it would be at the cutoff; then the
        newest reports (and a few in each featured township) held at every open step of the loop."""
        cutoff = recent_cutoff(today)
        days = [today - datetime.timedelta(days=n) for n in range(1, RECENT_DAYS + 1)]
        for position in self.positions(count):
            goal = S.CLOSED if self.rng.random() < 0.08 else S.EVALUATED
            self.incident(
                position=position, registered_at=self.reported_at(self.rng.choice(days)), goal=goal, now=cutoff
            )
        held = [(position, None) for position in self.positions(newest)]
        for row, _slug in featured_townships():
            held += zip(self.positions(len(OPEN_STATES), within=row.code), OPEN_STATES, strict=False)
        states, weights = list(OPEN_STATES), list(OPEN_STATES.values())
        for position, state in held:
            goal = state or self.rng.choices(states, weights=weights)[0]
            overdue = self.rng.random() < NEWEST_OVERDUE_SHARE
            for _attempt in range(10):  # a fresh report within its clock, or an overdue one, as drawn
                age = self.rng.randint(2, NEWEST_DAYS) if overdue else 1
                registered_at = self.reported_at(today - datetime.timedelta(days=age))
                self.incident(position=position, registered_at=registered_at, goal=goal, now=cutoff)
                if (Case.light(self.plans[-1].case, cutoff) == Light.RED) == overdue:
                    break
                self.plans.pop()


@transaction.atomic
def plans_write(plans: list[Plan]) -> dict[str, int]:
    checks.plans_check(KIND, plans)
    number_cases(plans, workflows.get(KIND).number_prefix)
    rows_insert(Case, [vars(p.case) for p in plans])
    numbers = [p.case.number for p in plans]
    ids: dict[str, int] = {}
    for start in range(0, len(numbers), 2000):
        ids.update(Case.objects.filter(number__in=numbers[start : start + 2000]).values_list("number", "id"))
    events = []
    for plan in plans:
        for event in plan.events:
            event["case_id"] = ids[plan.case.number]
            events.append(event)
    rows_insert(CaseEvent, events)
    by_state = Counter(p.case.status for p in plans)
    return {
        "incidents": len(plans),
        "open": sum(1 for p in plans if p.case.closed_at is None),
        "evaluated": by_state[S.EVALUATED],
        "not_filed": by_state[S.REJECTED],
        "on_time": sum(1 for p in plans if p.case.on_time),
        "events": len(events),
    }


def load_incidents(*, stdout, seed: int, today: datetime.date, scale: float = 1.0) -> None:
    """Generate and write the demo incidents once (load_demo calls this after the grid outlines)."""
    if DemoDataset.objects.filter(key=DATASET).exists():
        stdout.write("演示数据 incidents 已存在,跳过。")
        return
    started = time.perf_counter()
    places = Places(Scene())
    if not places.grids:
        stdout.write("没有网格边界,未生成网格事件演示数据。")
        return
    generator = Generator(seed=seed, places=places, calendar=WorkCalendar())
    generator.year(YEAR, max(1, round(INCIDENTS_YEAR * scale)))
    year_count = len(generator.plans)
    generator.recent(today, max(1, round(RECENT * scale)), max(1, round(NEWEST * scale)))
    figures = checks.light_figures((p.case for p in generator.plans[year_count:]), recent_cutoff(today))
    with transaction.atomic():
        counts = plans_write(generator.plans)
        DemoDataset.objects.create(
            key=DATASET, seed=seed, scale=scale, counts=counts | {"today": today.isoformat(), "recent": figures}
        )
    stdout.write(
        f"网格事件 {counts['incidents']} 件({YEAR} 年 {year_count} 件,近 12 个月 {counts['incidents'] - year_count} 件;"
        f"已综合评价 {counts['evaluated']} 件,不予立案 {counts['not_filed']} 件),办理记录 {counts['events']} 条;"
        f"近 12 个月截至 {today:%Y-%m-%d} 零时{checks.light_report(figures)} — {time.perf_counter() - started:.1f} 秒"
    )
