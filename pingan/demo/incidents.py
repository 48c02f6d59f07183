"""The demo's incidents (网格事件): a year of them (2022) reported by grid workers all over Zhuzhou, all
gone round the 数字城管 loop, plus the twelve months before today, each as far along as it would be at the
start of today (the cutoff), and the newest still open at every step of the loop, so that centres and
departments (never a mediation committee: it does not work incidents) have work on their desks.

Each incident lies at a point inside its grid cell (drawn inside the stored outline, then located with
the locator like any report, so the case's grid is the one the point is in); it is routed to the grid's
centre (the community's, or the township's where the community has none), filed by the township centre
and dispatched to the department the category calls for, with the category's clock from the SlaPolicy
rows, the deadline from the writer's `Clock` and the on-time verdict frozen at closing. An incident for a
county bureau (fire, work safety, municipal) is escalated (上报) by the township centre to the county centre,
which dispatches it. Every step is a transition of `incidents/workflow.py` taken by someone the workflow
admits — the centre's clerk, the county centre's clerk, and the handling department's or community centre's
staff (a named demo account, else a duty account, `staff.duty_accounts_load`) — planned and checked with
the same planner and writer as the disputes (`planner.py`, `writer.py`), with the historical records and
audit entries the services leave. Everything is drawn from one seeded generator; rows are bulk-inserted
once (marked in demo.DemoDataset), so a second `load_demo` adds nothing."""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import transaction

from pingan.accounts.choices import Role
from pingan.cases import workflows
from pingan.cases.choices import Channel, EventType, Light, Outcome, RoutingBasis, Satisfaction, Urgency
from pingan.cases.models import Case, Category
from pingan.cases.services import sla_for
from pingan.geo.locator import locate_many
from pingan.incidents.choices import KIND, IncidentEvent, default_urgency
from pingan.incidents.choices import IncidentState as S
from pingan.regions.choices import OrgType, RegionLevel
from pingan.regions.models import Region
from pingan.workcalendar.calendar import WorkCalendar

from . import checks
from .actors import Actor, OrgRef, Roster, actors_load, orgs_load
from .geography import centre_code, department_code
from .models import DemoDataset
from .patrols import Scene
from .periods import recent_cutoff
from .planner import TZ, CasePlan, Effect, Planner, Step, as_case, dispatch, intake_org, verify
from .shapes import points_in
from .staff import duty_accounts_load, featured_townships
from .writer import Clock, cases_write

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

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
CENTRE = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})  # who files, dispatches, verifies and evaluates
HANDLER_ROLES = CENTRE | {Role.DEPARTMENT_STAFF}  # who takes a dispatched incident and feeds back
RESULTS = ["已现场处置完毕", "已清理完毕,恢复原状", "已维修更换", "已劝导整改,复查无异常", "已联系责任单位处理完毕"]
REJECT_REASONS = ["经核实已由物业自行处理", "重复上报,已并入前一事件", "不属于网格事件受理范围"]


class Places:
    """The grid cells with their outlines, the centres and departments an incident passes through, and the
    people in them (`Roster`: the named demo accounts, else the duty accounts)."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.grid_ids = dict(Region.objects.filter(level=RegionLevel.GRID).values_list("code", "id"))
        self.orgs = orgs_load()
        workflow = workflows.get(KIND)  # the organisation types that work incidents (never a committee)
        self.not_handlers = {code for code, org in self.orgs.items() if not workflow.allows(org.org_type)}
        self.grids = sorted(code for code in scene.geometries if code in self.grid_ids)
        self.roster = Roster(())
        self.workers: dict[str, Actor] = {}

    def org(self, code: str) -> OrgRef | None:
        return self.orgs.get(code)

    def routed_to(self, grid: str) -> OrgRef:
        """The centre a report from this grid is routed to: its community's, else its township's."""
        for code in (grid[:12], grid[:9], grid[:6]):
            found = self.org(centre_code(code))
            if found:
                return found
        raise LookupError(grid)

    def handler(self, grid: str, category: str, township_centre: str) -> OrgRef | None:
        prefix, level = HANDLERS[category]
        if not prefix:
            target = self.org(centre_code(grid[:12]))
            return target if target is not None and target.code != township_centre else None
        code = department_code(prefix, grid[:9] if level == RegionLevel.TOWNSHIP else grid[:6])
        return self.orgs[code] if code in self.orgs and code not in self.not_handlers else None

    def staff_needed(self) -> dict[str, str]:
        """Organisation code → the role a person there needs for the loop: the centres of the townships and
        counties (file, dispatch, verify, evaluate) and of the communities (handle), and the departments
        that handle incidents."""
        needed: dict[str, str] = {}
        for code, org in self.orgs.items():
            if org.region.level < RegionLevel.COUNTY or code in self.not_handlers:
                continue
            if org.org_type == OrgType.CENTRE:
                needed[code] = Role.CENTRE_STAFF
            elif code.split("-")[0] in {prefix for prefix, _level in HANDLERS.values() if prefix}:
                needed[code] = Role.DEPARTMENT_STAFF
        return needed

    def staff_load(self) -> int:
        """Make sure each organisation the loop needs has someone in it, then load everyone as the guard
        sees them; returns how many duty accounts it had to create."""
        needed = self.staff_needed()
        created = duty_accounts_load(needed)
        self.roster = Roster(actors_load(members_of=needed).values())
        workers = {actor.pk: actor for actor in actors_load(user_ids=self.scene.worker_users.values()).values()}
        self.workers = {grid: workers[pk] for grid, pk in self.scene.worker_users.items() if pk in workers}
        return created

    def reporter(self, grid: str) -> Actor | None:
        """The grid's worker who reports from it (a named demo account), if they may register there."""
        worker = self.workers.get(grid)
        return worker if worker is not None and intake_org(worker, grid) is not None else None


# --- the incident handlers (incidents.services), as effects on a plan --------------------------------


def _deadline(plan: CasePlan) -> str:
    return plan.case.deadline.astimezone(TZ).isoformat()


def file(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_file`: a centre above the one the report was routed to that files it takes it over."""
    case, actor = plan.case, step.actor
    changes: dict = {"accepted_at": case.accepted_at or step.at}
    params: dict = {"deadline": _deadline(plan)}
    own = any(m.organization.pk == case.assigned_org_id and m.role in CENTRE for m in actor.active_memberships)
    centres = [
        m.organization
        for m in actor.active_memberships
        if m.role in CENTRE
        and m.organization.org_type == OrgType.CENTRE
        and case.region_code.startswith(m.organization.region.prefix)
    ]
    centre = case.assigned_org if own else max(centres, key=lambda org: org.region.level, default=case.assigned_org)
    if centre.pk != case.assigned_org_id:
        here = case.assigned_org
        params |= {"from_org": here.code, "from_org_name": here.name, "to_org": centre.code, "to_org_name": centre.name}
        changes |= {"assigned_org": centre, "assigned_org_id": centre.pk, "assignee_id": None, "assignee": None}
    return Effect(IncidentEvent.FILED, params, changes)


def reject(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_reject`: closed, not resolved (the reason is the comment)."""
    changes = planner.clock.stop(plan, step.at)
    return Effect(IncidentEvent.NOT_FILED, {"on_time": changes["on_time"]}, changes)


def incident_dispatch(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_dispatch`: the engine's, with the deadline the handler works against."""
    effect = dispatch(planner, plan, step)
    return Effect(effect.event_type, {**effect.params, "deadline": _deadline(plan)}, effect.changes)


def take(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_take`: the one who accepts the dispatch handles it."""
    return Effect(
        EventType.ACCEPTED, {"handler": step.actor.username}, {"assignee_id": step.actor.pk, "assignee": step.actor}
    )


def feedback(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_feedback` (the result is the comment)."""
    return Effect(
        IncidentEvent.FED_BACK,
        changes={"resolved_at": step.at, "resolved_by_id": step.actor.pk, "outcome": Outcome.SUCCESS},
    )


def incident_verify(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_verify`: passed, the incident is closed and its on-time verdict frozen; failed, rework."""
    if not step.data["passed"]:
        return verify(planner, plan, step)
    changes = {"verified_at": step.at, **planner.clock.stop(plan, step.at)}
    return Effect(EventType.VERIFIED, {"passed": True, "on_time": changes["on_time"]}, changes)


def evaluate(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_evaluate`."""
    satisfaction = step.data["satisfaction"]
    return Effect(
        IncidentEvent.EVALUATED, {"satisfaction": satisfaction}, {"satisfaction": satisfaction, "rated_at": step.at}
    )


EFFECTS = {
    "file": file,
    "reject": reject,
    "dispatch": incident_dispatch,
    "accept": take,
    "feedback": feedback,
    "verify": incident_verify,
    "evaluate": evaluate,
}


def incident_planner(clock: Clock) -> Planner:
    return Planner(KIND, clock, effects=EFFECTS)


class Generator:
    """Draws incidents and their planned steps; `plans` holds them until they are written."""

    def __init__(self, *, seed: int, places: Places, calendar: WorkCalendar) -> None:
        self.rng = random.Random(f"incidents-{seed}")
        self.np_rng = np.random.default_rng(seed + 7)
        self.places = places
        self.calendar = calendar
        self.planner = incident_planner(Clock(calendar))
        self.tz = ZoneInfo(settings.TIME_ZONE)
        rows = Category.objects.filter(kind=KIND).values_list("code", "id", "name")
        self.categories = {code: (pk, name) for code, pk, name in rows}
        self.clocks: dict[tuple[str, str], tuple[int, str]] = {}
        self.plans: list[CasePlan] = []

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

    def incident(
        self, *, position: tuple[str, float, float], registered_at: datetime.datetime, goal: str, now: datetime.datetime
    ) -> CasePlan:
        """One incident, planned round the loop as far as `goal` (or 不予立案), but no step after `now`."""
        rng, places = self.rng, self.places
        grid, lng, lat = position
        category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
        urgency = default_urgency(category)
        if urgency == Urgency.NORMAL and rng.random() < 0.07:
            urgency = rng.choices(list(URGENCY_RAISE), weights=list(URGENCY_RAISE.values()))[0]
        amount, unit = self.clock(category, urgency)
        routed = places.routed_to(grid)
        township = places.org(centre_code(grid[:9])) or routed
        clerk = places.roster.one(township.code, CENTRE)
        text = rng.choice(TEXTS[category])
        plan = self.planner.register(
            actor=places.reporter(grid) or clerk,
            at=registered_at,
            assigned_org=routed,
            fields={
                "category_id": self.categories[category][0],
                "title": f"{self.categories[category][1]}:{text}",
                "description": f"{text}。",
                "channel": Channel.GRID,
                "urgency": urgency,
                "region_id": places.grid_ids[grid],
                "region_code": grid,
                "address": "",
                "lat": Decimal(f"{lat:.6f}"),
                "lng": Decimal(f"{lng:.6f}"),
                "sla_amount": amount,
                "sla_unit": unit,
            },
            routed_params={"basis": RoutingBasis.NEAREST_CENTRE},
            # The demo's incidents have always said "routed from 信息收集" (pingan/incidents/tests/
            # test_demo_incidents.py reads it so); `case_register` leaves the ROUTED event's from_status empty.
            routed_from=S.REPORTED,
        )
        self.plans.append(plan)
        deadline = plan.case.deadline

        def step(action: str, at: datetime.datetime, actor: Actor, comment: str = "", **data: Any) -> bool:
            """Plan one step, unless it would happen after `now` (then the incident stops before it)."""
            if at > now:
                return False
            plan.steps.append(Step(action, actor, at, data, comment))
            return True

        at = self.later(registered_at, 0.3, 4)
        if goal == S.REPORTED or at > now:
            return plan
        if rng.random() < REJECTED_SHARE:
            step("reject", at, clerk, rng.choice(REJECT_REASONS))
            return plan
        step("file", at, clerk)
        handler = places.handler(grid, category, township.code) or places.handler(grid, "inc_public_security", "")
        dispatcher = clerk
        if goal != S.FILED and handler is not None and handler.region.level < township.region.level:
            # A county bureau's work: the township centre escalates (上报) to the county centre, which dispatches.
            county = places.org(centre_code(grid[:6]))
            county_clerk = places.roster.at(county.code, CENTRE) if county else None
            if county_clerk is None:
                handler = places.handler(grid, "inc_public_security", "")
            else:
                at = self.later(at, 0.1, 1)
                if not step("escalate", at, clerk, to_org=county):
                    return plan
                dispatcher = county_clerk
        at = self.later(at, 0.2, 3)
        if goal == S.FILED or handler is None or not step("dispatch", at, dispatcher, to_org=handler):
            return plan
        worker = places.roster.one(handler.code, HANDLER_ROLES)
        at = self.later(at, 0.5, 6)
        if goal == S.DISPATCHED or not step("accept", at, worker):
            return plan
        allowed = (deadline - registered_at).total_seconds()
        share = rng.uniform(1.05, 1.5) if rng.random() < LATE_SHARE else rng.uniform(0.2, 0.7)
        at = max(self.later(at, 0.5, 2), registered_at + datetime.timedelta(seconds=allowed * share))
        result = rng.choice(RESULTS)
        if goal == S.HANDLING or not step("feedback", at, worker, result):
            return plan
        if rng.random() < REWORK_SHARE:
            at = self.later(at, 2, 20)
            if not step("verify", at, dispatcher, "现场复核未整改到位", passed=False):
                return plan
            at = self.later(at, 4, 30)
            if not step("feedback", at, worker, result):
                return plan
        at = min(self.later(at, 0.5, 24), max(self.later(at, 0.2, 0.5), deadline - datetime.timedelta(minutes=5)))
        if goal == S.FED_BACK or not step("verify", at, dispatcher, passed=True):
            return plan
        at = self.later(at, 0.5, 48)
        satisfaction = rng.choices(list(SATISFACTION), weights=list(SATISFACTION.values()))[0]
        if goal != S.CLOSED:
            step("evaluate", at, dispatcher, satisfaction=satisfaction)
        return plan

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
            goal: str = S.CLOSED if self.rng.random() < 0.08 else S.EVALUATED
            self.incident(
                position=position, registered_at=self.reported_at(self.rng.choice(days)), goal=goal, now=cutoff
            )
        held: list[tuple[tuple[str, float, float], str | None]] = [
            (position, None) for position in self.positions(newest)
        ]
        for row, _slug in featured_townships():
            held += zip(self.positions(len(OPEN_STATES), within=row.code), OPEN_STATES, strict=False)
        states, weights = list(OPEN_STATES), list(OPEN_STATES.values())
        for position, state in held:
            goal = state or self.rng.choices(states, weights=weights)[0]
            overdue = self.rng.random() < NEWEST_OVERDUE_SHARE
            for _attempt in range(10):  # a fresh report within its clock, or an overdue one, as drawn
                age = self.rng.randint(2, NEWEST_DAYS) if overdue else 1
                registered_at = self.reported_at(today - datetime.timedelta(days=age))
                plan = self.incident(position=position, registered_at=registered_at, goal=goal, now=cutoff)
                if (Case.light(as_case(plan.case), cutoff) == Light.RED) == overdue:
                    break
                self.plans.pop()


@transaction.atomic
def plans_write(plans: list[CasePlan], *, planner: Planner) -> dict[str, int]:
    """Check every plan against the workflow, then write the incidents with their timelines, historical
    records and audit entries; a refused step raises checks.InvalidDemoData before anything is written."""
    counts = cases_write(planner, plans)
    by_state = Counter(p.case.status for p in plans)
    return {
        "incidents": len(plans),
        "open": sum(1 for p in plans if p.case.closed_at is None),
        "evaluated": by_state[S.EVALUATED],
        "not_filed": by_state[S.REJECTED],
        "on_time": sum(1 for p in plans if p.case.on_time),
        "events": counts["events"],
        "history": counts["history"],
        "audit": counts["audit"],
    }


def load_incidents(*, stdout: SupportsWrite[str], seed: int, today: datetime.date, scale: float = 1.0) -> None:
    """Generate and write the demo incidents once (load_demo calls this after the grid outlines)."""
    if DemoDataset.objects.filter(key=DATASET).exists():
        stdout.write("演示数据 incidents 已存在,跳过。")
        return
    started = time.perf_counter()
    places = Places(Scene())
    if not places.grids:
        stdout.write("没有网格边界,未生成网格事件演示数据。")
        return
    with transaction.atomic():
        duty = places.staff_load()
        generator = Generator(seed=seed, places=places, calendar=WorkCalendar())
        generator.year(YEAR, max(1, round(INCIDENTS_YEAR * scale)))
        year_count = len(generator.plans)
        generator.recent(today, max(1, round(RECENT * scale)), max(1, round(NEWEST * scale)))
        recent = generator.plans[year_count:]
        counts = plans_write(generator.plans, planner=generator.planner)
        figures = checks.light_figures((p.case for p in recent), recent_cutoff(today))
        DemoDataset.objects.create(
            key=DATASET, seed=seed, scale=scale, counts=counts | {"today": today.isoformat(), "recent": figures}
        )
    stdout.write(
        f"网格事件 {counts['incidents']} 件({YEAR} 年 {year_count} 件,近 12 个月 {counts['incidents'] - year_count} 件;"
        f"已综合评价 {counts['evaluated']} 件,不予立案 {counts['not_filed']} 件),办理记录 {counts['events']} 条,"
        f"历史版本 {counts['history']} 条,审计日志 {counts['audit']} 条,新增值班人员 {duty} 人;"
        f"近 12 个月截至 {today:%Y-%m-%d} 零时{checks.light_report(figures)} — {time.perf_counter() - started:.1f} 秒"
    )
