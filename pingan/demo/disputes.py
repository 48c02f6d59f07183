"""A generated year of disputes (矛盾纠纷) across Zhuzhou that tells the seed article's story: about 11,841
disputes mediated in 2022 at a 97.8% success rate, more around the Spring Festival, more in the populous
counties, 婚恋家庭 and 邻里 first; and the twelve months before the demo's today, each case as far along as
it would be at the start of today.

Each case is planned as the services would have taken it (`planner.py`): registered by its township centre's
clerk with a case number from the daily sequence and valid ID numbers and mobile numbers for its parties
(`people.py`, `mediation.py`), then taken through the dispute workflow's declared transitions by the people
who may take them (`dispute_history.py`: the timeline, the actors and the records of each step), each step
checked against the workflow before anything is written; the deadline comes from the writer's `Clock`, the
on-time verdict is frozen at closing. `plans_write` writes the cases, the parties, the mediation records, the
timeline, the historical records and the audit entries in bulk (`writer.py`). Everything is drawn from one
`random.Random` per period (the agreements' details from a second one), so the same seed gives the same data.

Where the pieces live: the counties, townships and staff in `dispute_scene.py`; the parties, session notes
and results in `mediation.py`; the timeline and the steps in `dispute_history.py`.
"""

from __future__ import annotations

import datetime
import random
from bisect import bisect_left
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from pingan.cases.choices import Channel, ClockUnit, EventType, Outcome, Urgency
from pingan.cases.models import Category, ExtensionRequest
from pingan.cases.services import sla_for
from pingan.disputes.choices import KIND, DisputeEvent
from pingan.disputes.choices import DisputeState as S
from pingan.disputes.models import JudicialConfirmation, MediationResult, MediationSession
from pingan.disputes.services import agreement_number
from pingan.workcalendar.calendar import WorkCalendar

from . import checks, texts
from .dispute_history import (
    EXTENSION_PENDING,
    FEATURED_SCENES,
    OPEN_STATES,
    OVERDUE,
    Staff,
    Timeline,
    dispute_planner,
    planned_steps,
)
from .dispute_scene import County
from .mediation import Draw, Mediation, weighted
from .people import Identities
from .periods import OFFICE_MINUTES, Days, month_length, recent_cutoff
from .planner import CasePlan, Planner, as_case
from .rows import Row, rows_insert
from .staff import featured_townships
from .writer import Clock, cases_write, created_history, ids_by_case

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
URGENCY_WEIGHTS = {Urgency.NORMAL: 92, Urgency.URGENT: 6.5, Urgency.CRITICAL: 1.5}
# Registrations by month: the Spring Festival months are the busiest; 2022 adds the autumn campaign
# "调解促稳定、喜迎二十大".
MONTH_WEIGHTS = {
    2021: [1.05, 1.35, 1.05, 0.9, 0.9, 0.85, 0.9, 0.85, 0.9, 0.95, 0.95, 1.15],
    2022: [1.3, 1.25, 1.0, 0.85, 0.9, 0.85, 0.9, 0.95, 1.05, 1.05, 0.95, 1.1],
}
# The twelve months before the demo's today: about as many disputes as in 2022, as successful.
RECENT_REGISTERED = 12000
SUCCESS_RATE_RECENT = 0.975


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
        planner: Planner,
        first: datetime.date | None = None,
        last: datetime.date | None = None,
        cutoff: datetime.datetime | None = None,
    ) -> None:
        self.year, self.seed, self.counties, self.calendar = year, seed, counties, calendar
        self.categories, self.people, self.rng, self.planner = categories, identities, rng, planner
        self.days = Days(first or datetime.date(year, 1, 1), last or datetime.date(year, 12, 31), calendar)
        self.timeline = Timeline(rng, self.days)
        # The agreement's details (parties' 民族, 职业…, the article-29 items) come from a stream of their own.
        extra = random.Random(f"demo-agreements-{seed}-{year}-{first}")
        self.mediation = Mediation(rng=rng, extra=extra, people=identities, year=year, tz=self.days.tz)
        self.cutoff = cutoff
        weights = MONTH_WEIGHTS.get(year, MONTH_WEIGHTS[2021])
        self.months = list(self.days.by_month)
        self.month_weights = [
            weights[month - 1] * sum(map(len, self.days.by_month[(y, month)])) / month_length(y, month)
            for y, month in self.months
        ]
        self._sla: dict[tuple[str, str], tuple[int, str]] = {}

    # -- drawing where and what ---------------------------------------------------------------------

    def draw(self, township_code: str | None = None) -> Draw:
        rng = self.rng
        if township_code:
            county = self.counties[township_code[:6]]
            township = next(t for t in county.townships if t.code == township_code)
            return Draw(county, township, rng.choice(township.communities), weighted(rng, CATEGORY_WEIGHTS))
        county = self.counties[weighted(rng, COUNTY_WEIGHTS)]
        township, community = rng.choices(county.communities, weights=county.weights)[0]
        return Draw(county, township, community, weighted(rng, CATEGORY_WEIGHTS))

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

    # -- one case -----------------------------------------------------------------------------------

    def plan(self, draw: Draw, *, open_state: str | None = None) -> CasePlan:
        """One dispute: registered by its township centre's clerk, and the steps of its history up to the end
        of the period (or up to `open_state`, where it is held), each a transition of the workflow."""
        rng, days, timeline = self.rng, self.days, self.timeline
        county, township, community = draw.county, draw.township, draw.community
        category = self.categories[draw.category]
        urgency = weighted(rng, URGENCY_WEIGHTS)
        channel = weighted(rng, CHANNEL_WEIGHTS)
        if self.year == 2022 and channel == Channel.VISIT and rng.random() < 0.1:
            channel = Channel.SCREENING
        amount, unit = self.sla(category, urgency)
        title, description, terms, amounts = rng.choice(texts.DISPUTE_TEXTS[draw.category])
        fields = {
            "category_id": category.pk,
            "title": title,
            "description": description,
            "channel": channel,
            "urgency": urgency,
            "region_id": community[0],
            "region_code": community[1],
            "address": f"{county.name}{township.name}{community[2]}{rng.randint(1, 188)}号",
            "sla_amount": amount,
            "sla_unit": unit,
        }
        lat, lng, spread = COUNTY_POSITIONS[county.code]
        fields["lat"] = Decimal(f"{lat + rng.uniform(-spread, spread):.6f}")
        fields["lng"] = Decimal(f"{lng + rng.uniform(-spread, spread):.6f}")

        window = timeline.window(open_state, amount, unit) if open_state else None
        for attempt in range(30):
            registered_at, start, minute = self.registration(window=window)
            plan = self.planner.register(
                actor=township.clerk, at=registered_at, assigned_org=township.centre, fields=fields
            )
            deadline = plan.case.deadline.astimezone(days.tz).date()
            deadline_offset = max(0, days.workday_on_or_before(deadline) - start)
            room = days.last - start  # working days from the registration to the end of the period
            if open_state in (OVERDUE, EXTENSION_PENDING):
                steps = timeline.scene(open_state, deadline_offset=deadline_offset, room=room)
                break
            steps = timeline.steps(deadline_offset=deadline_offset, outcome=draw.outcome, rework=open_state is None)
            if open_state is not None:
                steps = timeline.held(steps, open_state, room)
                break
            closing = next(day for day, step in steps if step == "close")
            if self.cutoff or start + closing <= days.last or attempt == 29:
                break  # a case mediated this year is closed this year
        # An extension asks for the time the case turns out to need, or a week or two if it never closes.
        closing = next((day for day, step in steps if step == "close"), deadline_offset + self.rng.randint(5, 10))
        extension = max(1, closing - deadline_offset + self.rng.randint(0, 2))
        extension = extension if unit == ClockUnit.WORKING_DAYS else extension * OFFICE_MINUTES // 60
        at = timeline.times(steps, start, minute) if steps else []
        if self.cutoff is not None:  # what would happen after the cutoff has not happened yet
            kept = bisect_left(at, self.cutoff)
            steps, at = steps[:kept], at[:kept]

        mediator = rng.choice(township.mediators)
        # 审批延期: the head of the township centre, or the county centre's head where the township has none.
        staff = Staff(
            clerk=township.clerk,
            mediator=mediator,
            verifier=township.head if township.head and rng.random() < 0.5 else township.clerk,
            approver=township.head or county.head,
            supervisor=county.head,
        )
        plan.parties = self.mediation.parties(draw, title)
        plan.steps = planned_steps(
            rng=rng,
            mediation=self.mediation,
            draw=draw,
            staff=staff,
            case_text=(title, terms, amounts),
            parties=plan.parties,
            timeline=steps,
            times=at,
            extension=extension,
        )
        return plan

    # -- the period ---------------------------------------------------------------------------------

    def year_plans(self, *, mediated: int, success_rate: float, open_count: int) -> list[CasePlan]:
        """`mediated` cases concluded this year (closed, or concluded and awaiting verification or closing at
        year end) with exactly round(mediated × success_rate) agreements, plus cases still open at year end;
        these are finished early next year, so that nothing of the year is left open."""
        failures = round(mediated * (1 - success_rate))
        states = [weighted(self.rng, OPEN_STATES) for _ in range(open_count)]
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

    def recent_plans(self, *, registered: int, success_rate: float) -> list[CasePlan]:
        """`registered` cases over the period, each as far along as it would be at the cutoff, plus the
        featured townships' scenes (`FEATURED_SCENES`)."""
        draws = self.closed_draws(registered, round(registered * (1 - success_rate)))
        plans = [self.plan(draw) for draw in draws]
        for row, _slug in featured_townships():
            plans += [self.plan(self.draw(row.code), open_state=state) for state in FEATURED_SCENES]
        return plans


# --- writing ---------------------------------------------------------------------------------------


def make_planner(calendar: WorkCalendar | None = None) -> Planner:
    """The dispute planner, with the writer's clock on `calendar`."""
    return dispute_planner(Clock(calendar or WorkCalendar()))


@transaction.atomic
def plans_write(plans: list[CasePlan], *, planner: Planner | None = None) -> dict[str, int]:
    """Check the plans as the services would — each step against the workflow (`Planner.apply`), the
    parties' identifiers against the intake's validators — then write them with their mediation records;
    a failed check raises checks.InvalidDemoData before anything is written."""
    planner = planner or make_planner()
    for plan in plans:
        if not plan.applied:
            planner.apply(plan)
    checks.parties_check(row for plan in plans for row in plan.parties)
    return cases_write(planner, plans, records=_records_write)


def _owned(plans: list[CasePlan], name: str) -> list[Row]:
    rows = []
    for plan in plans:
        records = plan.records.get(name)
        for row in records if isinstance(records, list) else [records] if records else []:
            row["case_id"] = plan.case.pk
            rows.append(row)
    return rows


def _records_write(plans: list[CasePlan]) -> dict[str, int]:
    """The mediation records the steps wrote (sessions, the result with its history, the confirmation, the
    extension request), and their ids in the events that name them, as the services' events do."""
    for plan in plans:
        result = plan.records.get("result")
        if result is None:
            continue
        if not plan.case.outcome:  # concluded, then sent back to mediation: not concluded (yet) again
            del plan.records["result"]
            continue
        if result["outcome"] == Outcome.SUCCESS:
            result["agreement_number"] = agreement_number(as_case(plan.case))
        if result.get("responsibilities"):  # by the party's place in the case until now: by its id
            ids = [party["id"] for party in plan.parties]
            result["responsibilities"] = {str(ids[int(i)]): text for i, text in result["responsibilities"].items()}
    sessions, results = _owned(plans, "sessions"), _owned(plans, "result")
    confirmations, extensions = _owned(plans, "confirmation"), _owned(plans, "extension")
    rows_insert(MediationSession, sessions)
    rows_insert(MediationResult, results)
    rows_insert(JudicialConfirmation, confirmations)
    rows_insert(ExtensionRequest, extensions)

    with_sessions = [p for p in plans if p.records.get("sessions")]
    session_ids = ids_by_case(MediationSession, with_sessions, order=("held_at", "id"))
    for plan in with_sessions:
        events = [e for e in plan.events if e["type"] == DisputeEvent.SESSION_RECORDED]
        for event, session_id in zip(events, session_ids[plan.case.pk], strict=True):
            event["params"] = {"session": session_id, **event["params"]}
    with_extension = [p for p in plans if p.records.get("extension")]
    extension_ids = ids_by_case(ExtensionRequest, with_extension)
    for plan in with_extension:  # a case asks once at most
        for event in plan.events:
            if event["type"] in (EventType.EXTENSION_REQUESTED, EventType.EXTENSION_DECIDED):
                event["params"] = {"request": extension_ids[plan.case.pk][0], **event["params"]}
    with_result = [p for p in plans if p.records.get("result")]
    result_ids = ids_by_case(MediationResult, with_result)
    for plan in with_result:
        plan.records["result"]["id"] = result_ids[plan.case.pk][0]
    created_history(
        MediationResult,
        (
            (p.records["result"], p.records["result"]["concluded_at"], p.records["result"]["mediator_id"])
            for p in with_result
        ),
    )
    return {
        "sessions": len(sessions),
        "results": len(results),
        "confirmations": len(confirmations),
        "extensions": len(extensions),
    }


def plans_summary(plans: list[CasePlan], year: int) -> dict[str, int | float]:
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
    planner: Planner | None = None,
) -> list[CasePlan]:
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
        planner=planner or make_planner(calendar),
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
    planner: Planner | None = None,
) -> list[CasePlan]:
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
        planner=planner or make_planner(calendar),
        first=today - datetime.timedelta(days=365),
        last=today - datetime.timedelta(days=1),
        cutoff=cutoff,
    )
    return generator.recent_plans(registered=max(1, round(RECENT_REGISTERED * scale)), success_rate=SUCCESS_RATE_RECENT)
