"""A generated year of disputes (矛盾纠纷) across Zhuzhou that tells the seed article's story: about 11,841
disputes mediated in 2022 at a 97.8% success rate, more around the Spring Festival, more in the populous
counties, 婚恋家庭 and 邻里 first.

Each case is written as the services would have left it: a case number from the daily sequence, valid
ID numbers and mobile numbers for its parties with the basic details a 调解协议书 states of them, a
timeline of events in working hours that follows the dispute workflow (registered → routed → accepted →
mediator_assigned → session_recorded… → concluded → verified → closed → rated, with the odd rework and
supervision), its mediation sessions and result (an agreement states every item of 人民调解法 第二十九条),
the deadline from `clock_reset` and the on-time verdict frozen at closing. Everything is drawn from one
`random.Random` per year (the agreements' details from a second one), so the same seed gives the same
data; rows are written with bulk_create.
"""

from __future__ import annotations

import datetime
import json
import math
import random
import re
from bisect import bisect_left
from calendar import monthrange
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Model, Q
from django.utils import timezone

from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.cases import workflows
from pingan.cases.choices import (
    Channel,
    ClockUnit,
    Ethnicity,
    EventType,
    ExtensionStatus,
    FollowUpMethod,
    Outcome,
    PartyRole,
    PartyType,
    Satisfaction,
    Urgency,
)
from pingan.cases.models import Case, CaseEvent, CaseNumberSequence, Category, ExtensionRequest, Party
from pingan.cases.services import clock_reset, sla_for
from pingan.core.validators import id_check_digit
from pingan.disputes.choices import KIND, AdvisedRoute, ConfirmationStatus, DisputeEvent, PerformanceMethod
from pingan.disputes.choices import DisputeState as S
from pingan.disputes.models import JudicialConfirmation, MediationResult, MediationSession
from pingan.disputes.services import agreement_number
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Organization, Region
from pingan.workcalendar.calendar import WorkCalendar

from . import checks, texts
from .geography import centre_code, department_code, is_village, is_virtual, rows_at, short_name
from .staff import account_specs, featured_townships

# The seed article: "组织调解各类矛盾纠纷11841件,调解成功率97.8%".
MEDIATED_2022 = 11841
SUCCESS_RATE_2022 = 0.978
OPEN_AT_YEAR_END_2022 = 320
# The year before, for 同比: a little smaller and a little less successful.
PREVIOUS_YEAR_SHARE = 0.9
SUCCESS_RATE_2021 = 0.969

# Approximate resident population by county (2020 census, 万人): the share of disputes follows it.
COUNTY_WEIGHTS = {
    "430202": 42,
    "430203": 38,
    "430204": 30,
    "430211": 56,
    "430212": 26,
    "430223": 69,
    "430224": 53,
    "430225": 17,
    "430281": 93,
}
# Rough centres (lat, lng, spread in degrees) for a plausible map position of each case.
COUNTY_POSITIONS = {
    "430202": (27.86, 113.17, 0.04),
    "430203": (27.79, 113.16, 0.04),
    "430204": (27.89, 113.12, 0.04),
    "430211": (27.80, 113.08, 0.05),
    "430212": (27.70, 113.15, 0.08),
    "430223": (27.00, 113.35, 0.15),
    "430224": (26.79, 113.54, 0.15),
    "430225": (26.49, 113.77, 0.15),
    "430281": (27.65, 113.50, 0.15),
}
# 渌口区 was 株洲县 (430221) until 2018: its adults' ID numbers carry the old code.
ID_AREA = {"430212": "430221"}

CATEGORY_WEIGHTS = {
    "marriage_family": 24,
    "neighbour": 22,
    "contract_debt": 10,
    "labour": 9,
    "land_forest": 8,
    "property_mgmt": 6,
    "traffic": 6,
    "other": 6,
    "consumer": 4,
    "expropriation": 3,
    "medical": 2,
}
# How much likelier than average a category is to end without agreement.
FAILURE_PROPENSITY = {"expropriation": 4.0, "labour": 2.0, "contract_debt": 1.6, "medical": 2.0, "land_forest": 1.5}
CHANNEL_WEIGHTS = {
    Channel.VISIT: 34,
    Channel.GRID: 22,
    Channel.SCREENING: 14,
    Channel.PHONE: 14,
    Channel.ONLINE: 8,
    Channel.REFERRAL: 8,
}
# 民族 of the demo's people (GB/T 3304 codes): Zhuzhou is overwhelmingly 汉族, with a few 土家族, 苗族, 瑶族
# (炎陵县 and 茶陵县 have 瑶族 villages) and 侗族 residents.
ETHNICITY_WEIGHTS = {Ethnicity.HAN: 975, Ethnicity.TUJIA: 8, Ethnicity.MIAO: 6, Ethnicity.YAO: 6, Ethnicity.DONG: 5}
URGENCY_WEIGHTS = {Urgency.NORMAL: 92, Urgency.URGENT: 6.5, Urgency.CRITICAL: 1.5}
# Registrations by month: the Spring Festival months are the busiest; 2022 adds the autumn campaign
# "调解促稳定、喜迎二十大".
MONTH_WEIGHTS = {
    2021: [1.05, 1.35, 1.05, 0.9, 0.9, 0.85, 0.9, 0.85, 0.9, 0.95, 0.95, 1.15],
    2022: [1.3, 1.25, 1.0, 0.85, 0.9, 0.85, 0.9, 0.95, 1.05, 1.05, 0.95, 1.1],
}
OPEN_STATES = {S.REGISTERED: 10, S.ACCEPTED: 12, S.MEDIATING: 50, S.CONCLUDED: 16, S.VERIFIED: 12}
# The twelve months before the demo's today: about as many disputes as in 2022, as successful.
RECENT_REGISTERED = 12000
SUCCESS_RATE_RECENT = 0.975
# A late case asks for more time in half the cases; the head grants four requests in five.
EXTENSION_SHARE = 0.5
EXTENSION_APPROVED_SHARE = 0.8
# What the two fully staffed townships have open at the cutoff, so that every demo role has work: a case in
# each open state, one overdue and pressed (督办), one waiting for the head's decision on an extension.
OVERDUE = "overdue"
EXTENSION_PENDING = "extension_pending"
FEATURED_SCENES = (*OPEN_STATES, OVERDUE, EXTENSION_PENDING)
# Steps beside the mediation itself: they may fall between the last session and the conclusion.
ASIDE_STEPS = {"supervise", "extension_requested", "extension_approved", "extension_rejected"}
# Disputes where one side is a company (texts.DISPUTE_TEXTS title → the party's index, the kind of company).
COMPANY_SIDES = {"买卖合同货款纠纷": (0, "商贸"), "装修合同纠纷": (1, "装饰工程")}
# A term of performance the agreed terms name: "于十日内", "于两个月内" (texts.DISPUTE_TEXTS).
TERM_DAYS = re.compile(r"于(七|十|十五|三十|两个月)(?:日)?内")
CHINESE_DAYS = {"七": 7, "十": 10, "十五": 15, "三十": 30, "两个月": 60}
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "173",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]
OFFICE_MINUTES = 420  # 08:30–12:00 and 14:00–17:30
BATCH = 2000


# --- the people and places a case needs ------------------------------------------------------------


@dataclass
class Person:
    id: int
    username: str
    full_name: str


@dataclass
class Township:
    code: str
    name: str
    county: str
    centre: Organization
    mediation_id: int
    clerk: Person
    head: Person | None
    mediators: list[Person]
    communities: list[tuple[int, str, str, int]]  # id, code, short name, weight


@dataclass
class County:
    code: str
    name: str
    centre_id: int
    head: Person
    court: Organization
    townships: list[Township]
    communities: list[tuple[Township, tuple[int, str, str, int]]] = field(default_factory=list)
    weights: list[int] = field(default_factory=list)


def scene_load() -> dict[str, County]:
    """The counties with their townships, centres, courts and demo staff, from the database."""
    prefixes = Q(code__startswith="ZZZX-") | Q(code__startswith="FY-") | Q(code__startswith="TWH-")
    orgs = {o.code: o for o in Organization.objects.filter(prefixes)}
    users = {
        u.username: Person(u.id, u.username, u.full_name)
        for u in User.objects.filter(username__in=[s.username for s in account_specs()])
    }
    region_ids = dict(Region.objects.filter(level__lte=RegionLevel.COMMUNITY).values_list("code", "id"))
    staff: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for spec in account_specs():
        if spec.username in users:
            staff[(spec.region, spec.role)].append(users[spec.username])

    communities = defaultdict(list)
    for row in rows_at(RegionLevel.COMMUNITY):
        if not is_virtual(row):
            communities[row.parent].append(
                (region_ids[row.code], row.code, short_name(row), 1 if is_village(row) else 2)
            )
    counties: dict[str, County] = {}
    for row in rows_at(RegionLevel.COUNTY):
        counties[row.code] = County(
            row.code,
            row.name,
            orgs[centre_code(row.code)].pk,
            staff[(row.code, Role.CENTRE_HEAD)][0],
            orgs[department_code("FY", row.code)],
            [],
        )
    for row in rows_at(RegionLevel.TOWNSHIP):
        if not communities[row.code]:
            continue  # parks and farms with only a virtual community get no disputes
        heads = staff[(row.code, Role.CENTRE_HEAD)]
        township = Township(
            row.code,
            row.name,
            row.parent,
            orgs[centre_code(row.code)],
            orgs[department_code("TWH", row.code)].pk,
            staff[(row.code, Role.CENTRE_STAFF)][0],
            heads[0] if heads else None,
            staff[(row.code, Role.MEDIATOR)],
            communities[row.code],
        )
        county = counties[row.parent]
        county.townships.append(township)
        for community in township.communities:
            county.communities.append((township, community))
            county.weights.append(community[3])
    return counties


# --- names, ID numbers, phones ---------------------------------------------------------------------


class Identities:
    """Fake but well-formed people: names from seeded Faker zh_CN pools, GB 11643 ID numbers, mobiles."""

    def __init__(self, seed: int, rng: random.Random | None = None) -> None:
        try:
            from faker import Faker
        except ImportError as exc:  # pragma: no cover - Faker is a dev dependency
            raise RuntimeError("load_demo needs the Faker package (pip install faker)") from exc
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        self.rng = rng or random.Random(seed)
        self.male = [fake.name_male() for _ in range(1500)]
        self.female = [fake.name_female() for _ in range(1500)]
        self.company_prefixes = [fake.company_prefix() for _ in range(200)]

    def person(self, county: str, year: int) -> dict[str, str]:
        rng = self.rng
        male = rng.random() < 0.52
        birth = datetime.date(year - rng.randint(20, 78), 1, 1) + datetime.timedelta(days=rng.randrange(365))
        area = ID_AREA.get(county, county) if rng.random() < 0.85 else rng.choice(list(COUNTY_WEIGHTS))
        serial = rng.randrange(0, 500) * 2 + (1 if male else 0)  # odd for men, even for women
        base = f"{ID_AREA.get(area, area)}{birth:%Y%m%d}{serial:03d}"
        return {
            "name": rng.choice(self.male if male else self.female),
            "id_number": base + id_check_digit(base),
            "phone": self.mobile(),
        }

    def mobile(self) -> str:
        return f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"

    def company(self, category: str, county_name: str, township_name: str) -> str:
        prefix = self.rng.choice(self.company_prefixes)
        return {
            "property_mgmt": f"株洲{prefix}物业管理有限公司",
            "medical": self.rng.choice([f"{county_name}人民医院", f"{township_name}卫生院"]),
            "consumer": f"株洲{prefix}商贸有限公司",
        }.get(category, f"株洲{prefix}有限公司")


# --- the calendar of a year ------------------------------------------------------------------------


class Days:
    """Working days around a period (a calendar year, or the twelve months before the demo's today), and
    office minutes (0–419) mapped to times of day."""

    def __init__(self, first: datetime.date, last: datetime.date, calendar: WorkCalendar) -> None:
        self.tz = ZoneInfo(settings.TIME_ZONE)
        # A month before the period (rest-day reports), four after it (cases still running at its end).
        start, end = first - datetime.timedelta(days=31), last + datetime.timedelta(days=120)
        self.all = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
        verdicts = {d: calendar.is_workday(d) for d in self.all}  # the calendar memoises each day
        self.work = [d for d in self.all if verdicts[d]]
        self.index = {d: i for i, d in enumerate(self.work)}
        self.by_month: dict[tuple[int, int], tuple[list[datetime.date], list[datetime.date]]] = {}
        for day in self.all:
            if first <= day <= last:
                workdays, restdays = self.by_month.setdefault((day.year, day.month), ([], []))
                (workdays if day in self.index else restdays).append(day)
        self.last = max(i for d, i in self.index.items() if d <= last)

    def next_workday(self, day: datetime.date) -> int:
        while day not in self.index:
            day += datetime.timedelta(days=1)
        return self.index[day]

    def at(self, index: int, minute: int) -> datetime.datetime:
        day = self.work[index]
        start = datetime.time(8, 30) if minute < 210 else datetime.time(14, 0)
        offset = minute if minute < 210 else minute - 210
        return datetime.datetime.combine(day, start, tzinfo=self.tz) + datetime.timedelta(minutes=offset)

    def workday_on_or_before(self, day: datetime.date) -> int:
        while day not in self.index:
            day -= datetime.timedelta(days=1)
        return self.index[day]


def _month_length(year: int, month: int) -> int:
    return monthrange(year, month)[1]


# --- one case --------------------------------------------------------------------------------------


# Unsaved rows are plain dicts of field attname → value: a tenth of the cost of a model instance, which
# matters for the 300,000 rows of two demo years.
Row = dict


class CaseDraft(SimpleNamespace):
    """A case being drawn up: the Case fields (by attname) the generator sets, cheaper than a model instance.
    `clock_reset` reads and sets its clock fields exactly as on a Case; missing fields take their defaults
    when the row is written."""

    def __init__(self, **fields) -> None:
        super().__init__(
            extension_amount=0,
            rework_count=0,
            supervision_count=0,
            outcome="",
            satisfaction="",
            accepted_at=None,
            resolved_at=None,
            resolved_by_id=None,
            verified_at=None,
            closed_at=None,
            on_time=None,
            rated_at=None,
            assignee_id=None,
            pk=None,
            **fields,
        )


@dataclass
class Plan:
    """A case and everything that hangs off it, unsaved until the bulk write."""

    case: CaseDraft
    parties: list[Row]
    events: list[Row]
    sessions: list[tuple[Row, Row]]
    result: Row | None = None
    confirmation: Row | None = None
    extension: Row | None = None


@dataclass
class Draw:
    county: County
    township: Township
    community: tuple[int, str, str, int]
    category: str
    outcome: str = Outcome.SUCCESS


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _insert(steps: list[tuple[int, str]], day: int, step: str, lo: int, hi: int) -> int:
    """Put (day, step) among steps[lo:hi], whose days are in order, after those of the same day; its index."""
    at = next((i for i in range(lo, hi) if steps[i][0] > day), hi)
    steps.insert(at, (day, step))
    return at


class YearGenerator:
    """Draws the disputes registered in a period: a calendar year, or (`first`, `last`, `cutoff`) the twelve
    months before the demo's today, where nothing after `cutoff` has happened yet."""

    def __init__(
        self,
        *,
        year: int,
        seed: int,
        counties: dict[str, County],
        calendar: WorkCalendar,
        categories: dict[str, Category],
        identities: Identities,
        rng: random.Random,
        first: datetime.date | None = None,
        last: datetime.date | None = None,
        cutoff: datetime.datetime | None = None,
    ) -> None:
        self.year, self.seed, self.counties, self.calendar = year, seed, counties, calendar
        self.categories, self.people, self.rng = categories, identities, rng
        # The agreement's details (parties' 民族, 职业…, the article-29 items) come from a stream of their own.
        self.extra = random.Random(f"demo-agreements-{seed}-{year}-{first}")
        self.days = Days(first or datetime.date(year, 1, 1), last or datetime.date(year, 12, 31), calendar)
        self.cutoff = cutoff
        weights = MONTH_WEIGHTS.get(year, MONTH_WEIGHTS[2021])
        self.months = list(self.days.by_month)
        self.month_weights = [
            weights[month - 1] * sum(map(len, self.days.by_month[(y, month)])) / _month_length(y, month)
            for y, month in self.months
        ]
        self.workflow = workflows.get(KIND)
        self._sla: dict[tuple[str, str], tuple[int, str]] = {}

    # -- drawing where and what ---------------------------------------------------------------------

    def draw(self, township_code: str | None = None) -> Draw:
        rng = self.rng
        if township_code:
            county = self.counties[township_code[:6]]
            township = next(t for t in county.townships if t.code == township_code)
            return Draw(county, township, rng.choice(township.communities), _weighted(rng, CATEGORY_WEIGHTS))
        county = self.counties[_weighted(rng, COUNTY_WEIGHTS)]
        township, community = rng.choices(county.communities, weights=county.weights)[0]
        return Draw(county, township, community, _weighted(rng, CATEGORY_WEIGHTS))

    def closed_draws(self, total: int, failures: int) -> list[Draw]:
        draws = [self.draw() for _ in range(total)]
        # Weighted sampling without replacement (Efraimidis–Spirakis): which ones end without agreement.
        keys = sorted(
            range(total),
            key=lambda i: self.rng.random() ** (1 / FAILURE_PROPENSITY.get(draws[i].category, 1.0)),
            reverse=True,
        )
        for i in keys[:failures]:
            draws[i].outcome = Outcome.FAILURE
        return draws

    def registration(self, *, window: tuple[int, int] | None = None) -> tuple[datetime.datetime, int, int]:
        """When a case was registered (on a working day of `window`, if given), and the working-day index and
        office minute its work starts from."""
        rng, days = self.rng, self.days
        if window is not None:
            index = rng.randint(*window)
            minute = rng.randrange(0, 380)
            return days.at(index, minute), index, minute
        month = rng.choices(self.months, weights=self.month_weights)[0]
        workdays, restdays = days.by_month[month]
        if restdays and (not workdays or rng.random() < 0.06):  # reported by a grid worker or online on a rest day
            day = rng.choice(restdays)
            at = datetime.datetime.combine(day, datetime.time(rng.randint(9, 19), rng.randrange(60)), tzinfo=days.tz)
            return at, days.next_workday(day), -1
        index = days.index[rng.choice(workdays)]
        minute = rng.randrange(0, 380)
        return days.at(index, minute), index, minute

    def sla(self, category: Category, urgency: str) -> tuple[int, str]:
        key = (category.code, urgency)
        if key not in self._sla:
            self._sla[key] = sla_for(kind=KIND, category=category, urgency=urgency)
        return self._sla[key]

    # -- the timeline -------------------------------------------------------------------------------

    def steps(self, *, deadline_offset: int, outcome: str, rework: bool = True) -> list[tuple[int, str]]:
        """(working-day offset, step) from acceptance to rating, in order."""
        rng = self.rng
        late = rng.random() < (0.15 if outcome == Outcome.FAILURE else 0.035)
        if late:
            close = deadline_offset + rng.randint(1, max(2, deadline_offset // 2))
        else:
            close = min(deadline_offset, max(0, round(rng.triangular(0, deadline_offset, deadline_offset * 0.25))))
        rework = rework and outcome == Outcome.SUCCESS and rng.random() < 0.025
        to_verify = rng.choices([0, 1, 2], weights=[45, 40, 15])[0]
        to_close = 0 if rng.random() < 0.7 else 1
        rework_days = (rng.randint(0, 1), rng.randint(1, 2)) if rework else (0, 0)
        conclude = max(0, close - to_verify - to_close - sum(rework_days))
        accept = min(conclude, 0 if rng.random() < 0.8 else 1)
        assign = min(conclude, accept + (0 if rng.random() < 0.7 else 1))
        count = rng.choices([1, 2, 3], weights=[50, 35, 15])[0]
        sessions = sorted(rng.randint(assign, conclude) for _ in range(count - 1)) + [conclude]

        steps = [(accept, "accept"), (assign, "assign")]
        steps += [(day, "session") for day in sessions]
        steps.append((conclude, "conclude"))
        if late or rng.random() < 0.03:
            # 督办: the day after the deadline of a late case (or any day of a slow one), before the conclusion.
            day = min(max(deadline_offset + 1, assign), conclude) if late else rng.randint(accept, conclude)
            _insert(steps, day, "supervise", 1, len(steps) - 1)
        if late and rng.random() < EXTENSION_SHARE:
            # The mediator asks for more time shortly before the deadline; the head decides within a day.
            ask = min(max(deadline_offset - rng.randint(0, 2), assign), conclude)
            asked = _insert(steps, ask, "extension_requested", 2, len(steps) - 1)
            decision = "extension_approved" if rng.random() < EXTENSION_APPROVED_SHARE else "extension_rejected"
            _insert(steps, min(ask + rng.randint(0, 1), conclude), decision, asked + 1, len(steps) - 1)
        day = conclude
        if rework:
            day += rework_days[0]
            steps.append((day, "rework"))
            day += rework_days[1]
            steps += [(day, "session"), (day, "conclude")]
        if outcome == Outcome.SUCCESS and rng.random() < 0.04:
            steps.append((day, "confirm"))
        day += to_verify
        steps.append((day, "verify"))
        day += to_close
        steps.append((day, "close"))
        if rng.random() < 0.93:
            steps.append((day + rng.randint(1, 5), "rate"))
        return steps

    @staticmethod
    def cut(steps: list[tuple[int, str]], state: str) -> list[tuple[int, str]]:
        """The steps that bring a case to `state` (and not beyond)."""
        if state == S.REGISTERED:
            return []
        if state == S.ACCEPTED:
            return steps[:1]
        if state == S.MEDIATING:
            sessions = [i for i, (_, step) in enumerate(steps) if step == "session"]
            return steps[: sessions[-1]]  # mediation under way, the last session not yet held
        stop = "conclude" if state == S.CONCLUDED else "verify"
        return steps[: [step for _, step in steps].index(stop) + 1]

    def held(self, steps: list[tuple[int, str]], state: str, room: int) -> list[tuple[int, str]]:
        """The steps of a case that is in `state` at the end of its period, `room` working days after it
        started: those up to `state` fall by then, the rest follow after it."""
        head = self.cut(steps, state)
        later = room + 1 + self.rng.randint(0, 2)
        held = [(min(day, room), step) for day, step in head]
        for day, step in steps[len(head) :]:
            later = max(later, day)
            held.append((later, step))
        return held

    def scene(self, state: str, *, deadline_offset: int, room: int) -> list[tuple[int, str]]:
        """A case of the featured townships open at the cutoff: overdue and pressed (督办), or waiting for
        the head's decision on an extension."""
        accept, assign = 0, min(1, room)
        session = self.rng.randint(assign, max(assign, min(deadline_offset, room) - 1))
        if state == OVERDUE:
            return [(accept, "accept"), (assign, "assign"), (session, "session"), (room, "supervise")]
        return [(accept, "accept"), (assign, "assign"), (session, "session"), (room, "extension_requested")]

    def window(self, state: str, amount: int, unit: str) -> tuple[int, int]:
        """The working days a featured case in `state` at the cutoff is registered on."""
        last = self.days.last
        allowed = amount if unit == ClockUnit.WORKING_DAYS else math.ceil(amount / OFFICE_MINUTES * 60)
        if state == OVERDUE:  # past its deadline by a few days
            return last - allowed - 6, last - allowed - 2
        if state == EXTENSION_PENDING:  # due in the next one to three working days
            return last - allowed + 1, last - allowed + 3
        return (last - 2, last) if state in (S.REGISTERED, S.ACCEPTED) else (last - 8, last)

    def times(self, steps: list[tuple[int, str]], start: int, minute: int) -> list[datetime.datetime]:
        """A time in office hours for each step, strictly after the registration and each other."""
        by_day: dict[int, int] = Counter(day for day, _ in steps)
        chosen: dict[int, list[int]] = {}
        for day, n in by_day.items():
            low = minute + 1 if day == 0 else 0
            low = min(low, OFFICE_MINUTES - n)
            chosen[day] = sorted(self.rng.sample(range(low, OFFICE_MINUTES), n))
        return [self.days.at(start + day, chosen[day].pop(0)) for day, _ in steps]

    # -- one case -----------------------------------------------------------------------------------

    def plan(self, draw: Draw, *, open_state: str | None = None) -> Plan:
        rng, days = self.rng, self.days
        county, township, community = draw.county, draw.township, draw.community
        category = self.categories[draw.category]
        urgency = _weighted(rng, URGENCY_WEIGHTS)
        channel = _weighted(rng, CHANNEL_WEIGHTS)
        if self.year == 2022 and channel == Channel.VISIT and rng.random() < 0.1:
            channel = Channel.SCREENING
        amount, unit = self.sla(category, urgency)
        title, description, terms, amounts = rng.choice(texts.DISPUTE_TEXTS[draw.category])

        case = CaseDraft(
            kind=KIND,
            category_id=category.pk,
            title=title,
            description=description,
            channel=channel,
            urgency=urgency,
            region_id=community[0],
            region_code=community[1],
            address=f"{county.name}{township.name}{community[2]}{rng.randint(1, 188)}号",
            assigned_org_id=township.centre.pk,
            intake_org_id=township.centre.pk,
            created_by_id=township.clerk.id,
            sla_amount=amount,
            sla_unit=unit,
        )
        lat, lng, spread = COUNTY_POSITIONS[county.code]
        case.lat = Decimal(f"{lat + rng.uniform(-spread, spread):.6f}")
        case.lng = Decimal(f"{lng + rng.uniform(-spread, spread):.6f}")

        window = self.window(open_state, amount, unit) if open_state else None
        for attempt in range(30):
            case.registered_at, start, minute = self.registration(window=window)
            clock_reset(case, self.calendar)
            deadline_offset = max(0, days.workday_on_or_before(case.deadline.astimezone(days.tz).date()) - start)
            room = days.last - start  # working days from the registration to the end of the period
            if open_state in (OVERDUE, EXTENSION_PENDING):
                steps = self.scene(open_state, deadline_offset=deadline_offset, room=room)
                break
            steps = self.steps(deadline_offset=deadline_offset, outcome=draw.outcome, rework=open_state is None)
            if open_state is not None:
                steps = self.held(steps, open_state, room)
                break
            closing = next(day for day, step in steps if step == "close")
            if self.cutoff or start + closing <= days.last or attempt == 29:
                break  # a case mediated this year is closed this year
        # An extension asks for the time the case turns out to need, or a week or two if it never closes.
        closing = next((day for day, step in steps if step == "close"), deadline_offset + self.rng.randint(5, 10))
        extension = max(1, closing - deadline_offset + self.rng.randint(0, 2))
        extension = extension if unit == ClockUnit.WORKING_DAYS else extension * OFFICE_MINUTES // 60
        at = self.times(steps, start, minute) if steps else []
        if self.cutoff is not None:  # what would happen after the cutoff has not happened yet
            kept = bisect_left(at, self.cutoff)
            steps, at = steps[:kept], at[:kept]

        mediator = rng.choice(township.mediators)
        verifier = township.head if township.head and rng.random() < 0.5 else township.clerk
        # 审批延期: the head of the township centre, or the county centre's head where the township has none.
        approver, approver_org = (
            (township.head, township.centre.pk) if township.head else (county.head, county.centre_id)
        )
        plan = Plan(case, self.parties(draw, title), [], [])
        plan.events.append(
            self.event(
                case,
                EventType.REGISTERED,
                "",
                S.REGISTERED,
                township.clerk,
                township.centre.pk,
                case.registered_at,
                {"channel": channel, "intake_org": township.centre.code},
            )
        )
        plan.events.append(
            self.event(
                case,
                EventType.ROUTED,
                "",
                S.REGISTERED,
                None,
                None,
                case.registered_at,
                {
                    "to_org": township.centre.code,
                    "to_org_name": township.centre.name,
                    "deadline": case.deadline.astimezone(days.tz).isoformat(),
                },
            )
        )
        status = S.REGISTERED
        session_number = 0
        for position, ((_day, step), when) in enumerate(zip(steps, at, strict=True)):
            previous = status
            if step == "accept":
                status = S.ACCEPTED
                case.accepted_at = when
                plan.events.append(
                    self.event(case, EventType.ACCEPTED, previous, status, township.clerk, township.centre.pk, when)
                )
            elif step == "assign":
                status = S.MEDIATING
                case.assignee_id = mediator.id
                plan.events.append(
                    self.event(
                        case,
                        DisputeEvent.MEDIATOR_ASSIGNED,
                        previous,
                        status,
                        township.clerk,
                        township.centre.pk,
                        when,
                        {"mediator": mediator.username, "mediator_name": mediator.full_name, "previous": ""},
                    )
                )
            elif step == "session":
                session_number += 1
                following = [name for _day, name in steps[position + 1 :] if name not in ASIDE_STEPS]
                final = bool(following) and following[0] == "conclude"
                notes = self.session_notes(session_number, final, draw.outcome)
                session = Row(
                    held_at=when,
                    place=rng.choice(
                        [f"{township.name}人民调解委员会调解室", f"{community[2]}调解室", f"{community[2]}党群服务中心"]
                    ),
                    attendees="、".join([p["name"] for p in plan.parties] + [mediator.full_name]),
                    notes=notes,
                    recorded_by_id=mediator.id,
                    created_at=when,
                )
                event = self.event(
                    case,
                    DisputeEvent.SESSION_RECORDED,
                    previous,
                    status,
                    mediator,
                    township.mediation_id,
                    when,
                    {"held_at": when.isoformat()},
                )
                plan.sessions.append((session, event))
                plan.events.append(event)
            elif step == "supervise":
                case.supervision_count += 1
                plan.events.append(
                    self.event(
                        case,
                        EventType.SUPERVISED,
                        previous,
                        status,
                        county.head,
                        county.centre_id,
                        when,
                        {"count": case.supervision_count},
                        rng.choice(texts.SUPERVISION_COMMENTS),
                    )
                )
            elif step == "extension_requested":
                plan.extension = Row(
                    amount=extension,
                    reason=rng.choice(texts.EXTENSION_REASONS),
                    status=ExtensionStatus.PENDING,
                    requested_by_id=mediator.id,
                    requested_at=when,
                )
                plan.events.append(
                    self.event(
                        case,
                        EventType.EXTENSION_REQUESTED,
                        previous,
                        status,
                        mediator,
                        township.mediation_id,
                        when,
                        {"amount": extension, "unit": case.sla_unit},
                        plan.extension["reason"],
                    )
                )
            elif step in ("extension_approved", "extension_rejected"):
                approved = step == "extension_approved"
                plan.extension.update(
                    status=ExtensionStatus.APPROVED if approved else ExtensionStatus.REJECTED,
                    decided_by_id=approver.id,
                    decided_at=when,
                )
                params = {"approved": approved, "amount": extension}
                if approved:
                    case.extension_amount += extension
                    clock_reset(case, self.calendar)
                    params["deadline"] = case.deadline.astimezone(days.tz).isoformat()
                plan.events.append(
                    self.event(
                        case,
                        EventType.EXTENSION_DECIDED,
                        previous,
                        status,
                        approver,
                        approver_org,
                        when,
                        params,
                        rng.choice(texts.EXTENSION_DECISIONS[approved]),
                    )
                )
            elif step == "conclude":
                status = S.CONCLUDED
                case.outcome, case.resolved_at, case.resolved_by_id = draw.outcome, when, mediator.id
                plan.result = self.result(draw, mediator, when, (title, terms, plan.parties), amounts)
                plan.events.append(
                    self.event(
                        case,
                        DisputeEvent.CONCLUDED,
                        previous,
                        status,
                        mediator,
                        township.mediation_id,
                        when,
                        {"outcome": draw.outcome, "advised_route": plan.result.get("advised_route", "")},
                    )
                )
            elif step == "rework":
                status = S.MEDIATING
                case.rework_count += 1
                case.outcome, case.resolved_at, case.resolved_by_id = "", None, None
                plan.events.append(
                    self.event(
                        case,
                        EventType.REWORK,
                        previous,
                        status,
                        verifier,
                        township.centre.pk,
                        when,
                        {"passed": False, "rework_count": case.rework_count},
                        rng.choice(texts.REWORK_COMMENTS),
                    )
                )
            elif step == "confirm":
                plan.confirmation = Row(
                    court_id=county.court.pk,
                    applied_by_id=mediator.id,
                    applied_at=when,
                    status=ConfirmationStatus.CONFIRMED if rng.random() < 0.85 else ConfirmationStatus.APPLIED,
                )
                plan.events.append(
                    self.event(
                        case,
                        DisputeEvent.CONFIRMATION_REQUESTED,
                        previous,
                        status,
                        mediator,
                        township.mediation_id,
                        when,
                        {"court": county.court.code, "court_name": county.court.name},
                    )
                )
            elif step == "verify":
                status = S.VERIFIED
                case.verified_at = when
                plan.events.append(
                    self.event(
                        case,
                        EventType.VERIFIED,
                        previous,
                        status,
                        verifier,
                        township.centre.pk,
                        when,
                        {"passed": True},
                        rng.choice(texts.VERIFY_COMMENTS),
                    )
                )
            elif step == "close":
                status = S.CLOSED
                case.closed_at = when
                case.on_time = when <= case.deadline
                plan.events.append(
                    self.event(
                        case,
                        EventType.CLOSED,
                        previous,
                        status,
                        verifier,
                        township.centre.pk,
                        when,
                        {"on_time": case.on_time},
                    )
                )
            elif step == "rate":
                case.satisfaction = self.satisfaction(draw.outcome)
                case.rated_at = when
                method = rng.choices(FollowUpMethod.values, weights=[80, 15, 5])[0]
                plan.events.append(
                    self.event(
                        case,
                        EventType.RATED,
                        previous,
                        status,
                        township.clerk,
                        township.centre.pk,
                        when,
                        {"satisfaction": case.satisfaction, "method": method},
                    )
                )
        case.status = status
        case.state_type = self.workflow.state(status).type
        if case.outcome == "":
            plan.result = None
        return plan

    def event(self, case, type_, previous, status, actor: Person | None, org_id, when, params=None, comment=""):
        return Row(
            type=type_,
            actor_id=actor.id if actor else None,
            actor_org_id=org_id,
            from_status=previous,
            to_status=status,
            comment=comment,
            params=params or {},
            created_at=when,
        )

    def session_notes(self, number: int, final: bool, outcome: str) -> str:
        rng = self.rng
        if final:
            return rng.choice(
                texts.SESSION_NOTES_SUCCESS if outcome == Outcome.SUCCESS else texts.SESSION_NOTES_FAILURE
            )
        return rng.choice(texts.SESSION_NOTES_FIRST if number == 1 else texts.SESSION_NOTES_MIDDLE)

    def result(self, draw: Draw, mediator: Person, when, case_text: tuple[str, str, list[Row]], amounts) -> Row:
        rng = self.rng
        title, terms, parties = case_text
        amount = None
        if amounts:
            low, high = amounts
            amount = Decimal(round(math.exp(rng.uniform(math.log(low), math.log(high))), -2 if high > 5000 else -1))
        if draw.outcome == Outcome.SUCCESS:
            text = terms.format(amount=f"{amount:,.0f}" if amount is not None else "")
            # Responsibilities by the party's place in the case: `plans_write` keys them by party id.
            responsibilities = {
                str(i): self.extra.choice(texts.RESPONSIBILITIES[party["role"]])
                for i, party in enumerate(parties)
                if party["role"] != PartyRole.REPORTER
            }
            return Row(
                outcome=draw.outcome,
                terms=text,
                amount=amount,
                mediator_id=mediator.id,
                concluded_at=when,
                disputed_matters=f"{title}:{texts.DISPUTED_MATTERS[draw.category]}。",
                responsibilities=responsibilities,
                **self.performance(text, amount, when.astimezone(self.days.tz).date()),
            )
        route = {"labour": AdvisedRoute.ARBITRATION, "expropriation": AdvisedRoute.ADMINISTRATIVE}.get(
            draw.category, AdvisedRoute.LITIGATION if rng.random() < 0.85 else AdvisedRoute.ADMINISTRATIVE
        )
        return Row(
            outcome=draw.outcome,
            terms="",
            amount=amount,
            advised_route=route,
            mediator_id=mediator.id,
            concluded_at=when,
        )

    def performance(self, terms: str, amount: Decimal | None, signed: datetime.date) -> Row:
        """The method and term of performance (人民调解法 第二十九条(三)) that fit the agreed terms: the term
        the terms name ("于十日内", "两个月内", "分三期"), otherwise a payment at signing, by a date or (a
        larger sum) in monthly instalments; acts rather than payments by a date, or at once for a
        reconciliation. As the conclusion form requires: no date before the signing, instalments that add
        up to the amount."""
        rng = self.extra
        match = TERM_DAYS.search(terms)
        days = CHINESE_DAYS[match.group(1)] if match else None
        instalments = 3 if "分三期" in terms else 0
        if amount is not None and not days and not instalments and amount >= 10000 and rng.random() < 0.25:
            instalments = rng.randint(2, 4)
        if amount is not None and instalments:
            share = (amount / instalments // 100 * 100) or Decimal(1)
            amounts = [share] * (instalments - 1) + [amount - share * (instalments - 1)]
            dues = [signed + datetime.timedelta(days=30 * n) for n in range(1, instalments + 1)]
            return Row(
                performance_method=PerformanceMethod.INSTALMENTS,
                performance_detail=rng.choice(texts.PAYMENT_DETAILS),
                performance_deadline=dues[-1],
                instalments=[{"due": d.isoformat(), "amount": f"{a:.2f}"} for d, a in zip(dues, amounts, strict=True)],
            )
        if amount is None and not days:
            if "谅解" in terms:
                return Row(performance_method=PerformanceMethod.IMMEDIATE)
            return Row(
                performance_method=PerformanceMethod.OTHER,
                performance_detail=rng.choice(texts.ACT_DETAILS),
                performance_deadline=signed + datetime.timedelta(days=rng.randint(7, 30)),
            )
        if days is None and rng.random() < 0.3:
            return Row(
                performance_method=PerformanceMethod.IMMEDIATE, performance_detail=rng.choice(texts.PAYMENT_DETAILS)
            )
        return Row(
            performance_method=PerformanceMethod.LUMP_SUM,
            performance_detail=rng.choice(texts.PAYMENT_DETAILS)
            if amount is not None
            else rng.choice(texts.ACT_DETAILS),
            performance_deadline=signed + datetime.timedelta(days=days or rng.randint(3, 30)),
        )

    def satisfaction(self, outcome: str) -> str:
        weights = [80, 17, 3] if outcome == Outcome.SUCCESS else [35, 40, 25]
        return self.rng.choices(Satisfaction.values, weights=weights)[0]

    def parties(self, draw: Draw, title: str) -> list[Row]:
        rng, county = self.rng, draw.county
        address = f"{county.name}{draw.township.name}{draw.community[2]}"
        applicant = self.people.person(county.code, self.year)
        parties = [Row(role=PartyRole.APPLICANT, address=f"{address}{rng.randint(1, 188)}号", **applicant)]
        corporate = {"labour": 0.6, "property_mgmt": 0.8, "consumer": 0.8, "medical": 0.9}.get(draw.category, 0)
        if rng.random() < corporate:
            name = self.people.company(draw.category, county.name, draw.township.name)
            parties.append(Row(role=PartyRole.RESPONDENT, name=name, phone=self.people.mobile(), address=address))
        else:
            respondent = self.people.person(county.code, self.year)
            parties.append(Row(role=PartyRole.RESPONDENT, address=f"{address}{rng.randint(1, 188)}号", **respondent))
        if rng.random() < 0.05:
            parties.append(
                Row(role=PartyRole.THIRD_PARTY, address=address, **self.people.person(county.code, self.year))
            )
        self.party_details(draw, title, parties)
        return parties

    def party_details(self, draw: Draw, title: str, parties: list[Row]) -> None:
        """The basic details the 调解协议书 states (人民调解法 第二十九条(一)), drawn from their own random
        stream so that the cases themselves stay as they were: a person's 民族, 职业 and 工作单位 (gender and
        birth date are read from the ID number by `cases.parties.clean_parties` when the load checks the
        parties), an organisation's type and 法定代表人. Half the unpaid-goods disputes are brought by the
        supplier, a company, and half the renovation disputes are against a decoration company."""
        rng, village = self.extra, draw.community[3] == 1
        if title in COMPANY_SIDES and rng.random() < 0.5:
            index, kind = COMPANY_SIDES[title]
            parties[index].update(
                name=f"株洲{rng.choice(self.people.company_prefixes)}{kind}有限公司",
                id_number="",
                address=f"{draw.county.name}{draw.township.name}{draw.community[2]}",
            )
        company = next((p["name"] for p in parties if not p.get("id_number")), "")
        for party in parties:
            if not party.get("id_number"):  # a company, a hospital: 住所 and 法定代表人, no personal details
                names = self.people.male if rng.random() < 0.7 else self.people.female
                party.update(party_type=PartyType.ORGANIZATION, legal_representative=rng.choice(names))
                continue
            party["ethnicity"] = _weighted(rng, ETHNICITY_WEIGHTS)
            age = self.year - int(party["id_number"][6:10])
            if age >= 60:
                occupation = rng.choice(texts.OCCUPATIONS_RETIRED)
            elif draw.category == "labour" and party["role"] == PartyRole.APPLICANT:
                occupation = rng.choice(["进城务工人员", "公司职员"])
            else:
                occupation = rng.choice(texts.OCCUPATIONS_VILLAGE if village else texts.OCCUPATIONS_TOWN)
            party["occupation"] = occupation
            if occupation in texts.EMPLOYED:
                party["employer"] = (
                    company
                    if company and draw.category == "labour"
                    else self.employer(occupation, draw.county.name, draw.township.name)
                )

    def employer(self, occupation: str, county_name: str, township_name: str) -> str:
        rng = self.extra
        if occupation == "教师":
            return rng.choice([f"{township_name}中心小学", f"{county_name}第一中学", f"{township_name}中学"])
        if occupation in ("医务人员", "村医"):
            return rng.choice([f"{county_name}人民医院", f"{township_name}卫生院"])
        return f"株洲{rng.choice(self.people.company_prefixes)}有限公司"

    # -- the year -----------------------------------------------------------------------------------

    def year_plans(self, *, mediated: int, success_rate: float, open_count: int) -> list[Plan]:
        """`mediated` cases concluded this year (closed, or concluded and awaiting verification or closing at
        year end) with exactly round(mediated × success_rate) agreements, plus cases still open at year end;
        these are finished early next year, so that nothing of the year is left open."""
        failures = round(mediated * (1 - success_rate))
        states = [_weighted(self.rng, OPEN_STATES) for _ in range(open_count)]
        resolved_open = [state for state in states if state in (S.CONCLUDED, S.VERIFIED)][:mediated]
        open_failures = min(failures, round(len(resolved_open) * (1 - success_rate)))
        draws = self.closed_draws(mediated - len(resolved_open), failures - open_failures)
        plans = [self.plan(draw) for draw in draws]
        resolved = 0
        for state in states:
            draw = self.draw()
            if state in (S.CONCLUDED, S.VERIFIED):
                resolved += 1
                if resolved <= open_failures:
                    draw.outcome = Outcome.FAILURE
            plans.append(self.plan(draw, open_state=state))
        return plans

    def recent_plans(self, *, registered: int, success_rate: float) -> list[Plan]:
        """`registered` cases over the period, each as far along as it would be at the cutoff, plus the
        featured townships' scenes (`FEATURED_SCENES`)."""
        draws = self.closed_draws(registered, round(registered * (1 - success_rate)))
        plans = [self.plan(draw) for draw in draws]
        for row, _slug in featured_townships():
            plans += [self.plan(self.draw(row.code), open_state=state) for state in FEATURED_SCENES]
        return plans


# --- numbering and writing -------------------------------------------------------------------------


def number_cases(plans: list[Plan], prefix: str) -> None:
    """Give each case the number the daily sequence would have given it, after any already issued, and
    move the sequences on so that later registrations continue from there."""
    plans.sort(key=lambda p: p.case.registered_at)
    days = sorted({timezone.localdate(p.case.registered_at) for p in plans})
    existing = {s.day: s for s in CaseNumberSequence.objects.filter(prefix=prefix, day__in=days)}
    last = {day: seq.last for day, seq in existing.items()}
    for plan in plans:
        day = timezone.localdate(plan.case.registered_at)
        last[day] = last.get(day, 0) + 1
        plan.case.number = f"{prefix}{day:%Y%m%d}-{last[day]:04d}"
    for day, seq in existing.items():
        seq.last = last[day]
    CaseNumberSequence.objects.bulk_update(existing.values(), ["last"], batch_size=BATCH)
    CaseNumberSequence.objects.bulk_create(
        [CaseNumberSequence(prefix=prefix, day=day, last=n) for day, n in last.items() if day not in existing],
        batch_size=BATCH,
    )


def _preparer(field):
    """How a Python value becomes a query parameter for `field`, as the ORM would do it."""
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite":  # what adapt_datetimefield_value does, without its per-call overhead
            return lambda value: None if value is None else str(value.astimezone(datetime.UTC).replace(tzinfo=None))
        return lambda value: None if value is None else connection.ops.adapt_datetimefield_value(value)
    if isinstance(field, models.JSONField) and connection.vendor == "sqlite" and field.encoder is None:
        return json.dumps
    if isinstance(field, models.JSONField | models.DecimalField | models.DateField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def rows_insert(model: type[Model], rows: list[dict]) -> None:
    """INSERT rows with executemany (COPY on PostgreSQL). bulk_create spends most of its time compiling one
    huge statement per batch; a prepared statement writes the ~300,000 rows of two demo years several times
    faster. Missing values take the field's default, as they would in a model instance."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    now = timezone.now()
    stamped = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    preparers = [(i, prepare) for i, prepare in enumerate(_preparer(f) for f in fields) if prepare]
    stamped_at = [i for i, f in enumerate(fields) if f.attname in stamped]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    columns = [(f.attname, defaults[f.attname]) for f in fields]
    params = []
    for row in rows:
        values = [row.get(name, default) for name, default in columns]
        for i in stamped_at:
            if values[i] is None:
                values[i] = now
        for i, prepare in preparers:
            values[i] = prepare(values[i])
        params.append(values)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: one stream instead of a round trip per row
            copy_sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for values in params:
                    copy.write_row(values)
            return
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start : start + BATCH])


@transaction.atomic
def plans_write(plans: list[Plan]) -> dict[str, int]:
    """Check the plans as the services would (the parties' identifiers, each timeline against the workflow),
    then write them; a failed check raises checks.InvalidDemoData before anything is written."""
    checks.plans_check(KIND, plans)
    checks.parties_check(row for plan in plans for row in plan.parties)
    number_cases(plans, workflows.get(KIND).number_prefix)
    rows_insert(Case, [vars(p.case) for p in plans])
    ids: dict[str, int] = {}
    for prefix in sorted({p.case.number[:6] for p in plans}):  # MJ + year
        ids.update(Case.objects.filter(number__startswith=prefix).values_list("number", "id"))
    for plan in plans:
        plan.case.pk = ids[plan.case.number]

    def owned(rows, case):
        for row in rows:
            row["case_id"] = case.pk
            yield row

    parties = [row for p in plans for row in owned(p.parties, p.case)]
    sessions = [row for p in plans for row in owned([s for s, _e in p.sessions], p.case)]
    results = [row for p in plans if p.result for row in owned([p.result], p.case)]
    for plan in plans:
        if plan.result and plan.result["outcome"] == Outcome.SUCCESS:
            plan.result["agreement_number"] = agreement_number(plan.case)
    confirmations = [row for p in plans if p.confirmation for row in owned([p.confirmation], p.case)]
    extensions = [row for p in plans if p.extension for row in owned([p.extension], p.case)]
    rows_insert(Party, parties)
    # The agreement states each party's responsibility by party id (as the conclusion form sends it).
    party_ids = defaultdict(list)
    for prefix in sorted({p.case.number[:6] for p in plans}):
        for case_id, party_id in (
            Party.objects.filter(case__number__startswith=prefix).order_by("id").values_list("case_id", "id")
        ):
            party_ids[case_id].append(party_id)
    for plan in plans:
        if plan.result and plan.result.get("responsibilities"):
            ids = party_ids[plan.case.pk]
            plan.result["responsibilities"] = {
                str(ids[int(i)]): text for i, text in plan.result["responsibilities"].items()
            }
    rows_insert(MediationSession, sessions)
    rows_insert(MediationResult, results)
    rows_insert(JudicialConfirmation, confirmations)
    rows_insert(ExtensionRequest, extensions)

    # The session events name their session, as the service's do.
    session_ids = defaultdict(list)
    case_ids = {p.case.pk for p in plans if p.sessions}
    for prefix in sorted({p.case.number[:6] for p in plans}):
        for case_id, session_id in (
            MediationSession.objects.filter(case__number__startswith=prefix)
            .order_by("case_id", "held_at", "id")
            .values_list("case_id", "id")
        ):
            if case_id in case_ids:
                session_ids[case_id].append(session_id)
    for plan in plans:
        for (_session, event), session_id in zip(plan.sessions, session_ids[plan.case.pk], strict=True):
            event["params"] = {"session": session_id, **event["params"]}
    # The extension events name their request, as the service's do (a case asks once at most).
    extension_ids = {}
    for prefix in sorted({p.case.number[:6] for p in plans if p.extension}):
        extension_ids.update(
            ExtensionRequest.objects.filter(case__number__startswith=prefix).values_list("case_id", "id")
        )
    for plan in plans:
        for event in plan.events:
            if event["type"] in (EventType.EXTENSION_REQUESTED, EventType.EXTENSION_DECIDED):
                event["params"] = {"request": extension_ids[plan.case.pk], **event["params"]}
    events = [row for p in plans for row in owned(p.events, p.case)]
    rows_insert(CaseEvent, events)
    return {
        "cases": len(plans),
        "parties": len(parties),
        "sessions": len(sessions),
        "results": len(results),
        "confirmations": len(confirmations),
        "extensions": len(extensions),
        "events": len(events),
    }


def plans_summary(plans: list[Plan], year: int) -> dict[str, int | float]:
    """What the dashboard will count for the year: mediated (concluded) this year, success, still open."""
    mediated = [p.case for p in plans if p.case.resolved_at and p.case.resolved_at.year == year]
    success = sum(1 for c in mediated if c.outcome == Outcome.SUCCESS)
    year_end = datetime.datetime(year + 1, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return {
        "mediated": len(mediated),
        "success": success,
        "success_rate": success / len(mediated) if mediated else 0,
        "open": sum(1 for p in plans if p.case.closed_at is None or p.case.closed_at >= year_end),
        "on_time": sum(1 for p in plans if p.case.on_time),
        "closed": sum(1 for p in plans if p.case.closed_at),
    }


def year_generate(
    *,
    year: int,
    seed: int,
    scale: float,
    counties: dict[str, County],
    calendar: WorkCalendar,
    identities: Identities | None = None,
) -> list[Plan]:
    """The plans of one year's disputes (not yet written)."""
    rng = random.Random(seed * 10_000 + year)
    identities = identities or Identities(seed, rng)
    identities.rng = rng
    categories = {c.code: c for c in Category.objects.filter(kind=KIND)}
    generator = YearGenerator(
        year=year,
        seed=seed,
        counties=counties,
        calendar=calendar,
        categories=categories,
        identities=identities,
        rng=rng,
    )
    if year == 2022:
        mediated, rate, open_count = MEDIATED_2022, SUCCESS_RATE_2022, OPEN_AT_YEAR_END_2022
    else:
        mediated, rate, open_count = round(MEDIATED_2022 * PREVIOUS_YEAR_SHARE), SUCCESS_RATE_2021, 0
    return generator.year_plans(
        mediated=max(1, round(mediated * scale)), success_rate=rate, open_count=round(open_count * scale)
    )


def recent_generate(
    *,
    today: datetime.date,
    seed: int,
    scale: float,
    counties: dict[str, County],
    calendar: WorkCalendar,
    identities: Identities,
) -> list[Plan]:
    """The plans of the disputes registered over the twelve months before `today`, each as far along as it
    would be at the start of `today` (the cutoff): the same `today` and seed give the same plans."""
    cutoff = recent_cutoff(today)
    identities.rng = rng = random.Random(f"disputes-recent-{today}-{seed}")
    generator = YearGenerator(
        year=today.year,
        seed=seed,
        counties=counties,
        calendar=calendar,
        categories={c.code: c for c in Category.objects.filter(kind=KIND)},
        identities=identities,
        rng=rng,
        first=today - datetime.timedelta(days=365),
        last=today - datetime.timedelta(days=1),
        cutoff=cutoff,
    )
    return generator.recent_plans(registered=max(1, round(RECENT_REGISTERED * scale)), success_rate=SUCCESS_RATE_RECENT)


def recent_cutoff(today: datetime.date) -> datetime.datetime:
    """The demo's "now" for the recent months: the start of `today` in Asia/Shanghai. It depends on the day
    only (so a load is deterministic for a given day) and is never in the future when the load runs."""
    return datetime.datetime.combine(today, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
