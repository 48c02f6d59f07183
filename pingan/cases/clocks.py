"""A case's clocks (时限): the named clocks its kind declares, their pauses and excluded periods, extensions,
and the sweep that warns before a deadline, marks it and escalates after it.

- Each kind declares its clocks (`Workflow.clock_specs`, see `workflows.ClockSpec`); a kind that declares
  none has one, 办理, from registration to closing, on the kind's `clocks` and the SLA policies.
- A clock is a `CaseClock` row counted on the working calendar (`WorkCalendar.count`): its rule, its start,
  and the periods that do not count (`ClockPause`: a pause while the case is suspended, or a period entered
  with both ends). The primary clock's figures are copied onto the case (`Case.deadline`, `warn_at`,
  `on_time`, `paused_at`): the lights, list filters and indicators read them in SQL.
- The sweep (`sweep`) writes alerts, timeline events and notifications in a handful of set-based
  INSERT … SELECT statements; the unique constraint on (clock, level, deadline) and ON CONFLICT DO NOTHING
  make two sweeps running at once send every alert exactly once.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from pingan.accounts.choices import Role
from pingan.accounts.models import Membership
from pingan.core.errors import ApplicationError
from pingan.regions.choices import OrgType
from pingan.regions.models import Organization, Region
from pingan.workcalendar.calendar import DAY_UNITS, WorkCalendar, clock_time

from . import workflows
from .choices import AlertLevel, ClockState, ClockUnit, EventType, PauseKind, StateType
from .models import Case, CaseClock, CaseEvent, ClockAlert, ClockPause, Notification
from .tasks import NOTIFIED_ROLES
from .workflows import AT_REGISTRATION, ClockSpec

if TYPE_CHECKING:
    from pingan.accounts.models import User

# --- counting ----------------------------------------------------------------------------------------

COUNTED_FIELDS = [
    "state",
    "paused_at",
    "remaining",
    "deadline",
    "warn_at",
    "escalate_at",
    "next_alert_at",
    "deadline_provisional",
    "extension_amount",
]
STOP_FIELDS = ["state", "stopped_at", "on_time", "paused_at", "next_alert_at"]
CASE_CLOCK_FIELDS = [
    "sla_amount",
    "sla_unit",
    "extension_amount",
    "deadline",
    "warn_at",
    "deadline_provisional",
    "paused_at",
    "on_time",
]


def spec_of(clock: CaseClock, kind: str) -> ClockSpec | None:
    try:
        return workflows.get(kind).clock_spec(clock.name)
    except ApplicationError:  # a kind no longer registered: count its clocks with the defaults
        return None


def _warn_share(spec: ClockSpec | None) -> float:
    if spec is not None and spec.warn_share is not None:
        return spec.warn_share
    return settings.PINGAN_SLA_WARNING_SHARE


def clock_count(
    clock: CaseClock, *, pauses: Iterable[ClockPause], calendar: WorkCalendar, spec: ClockSpec | None
) -> None:
    """Count `clock` again from its rule, its start and `pauses` (its ClockPause rows). Running: its
    deadline, warning time (when `warn_share` of the time it runs, pauses left out, is left), escalation
    time, and — when any of them changed — the next alert from the warning on. Paused: the time it had
    left when the pause began; the deadline and warning time keep their last values. A stopped clock is
    not counted again (its verdict is frozen)."""
    if clock.state == ClockState.STOPPED:
        return
    periods = [(pause.started_at, pause.ended_at) for pause in pauses]
    amount = clock_time(clock.amount + clock.extension_amount, clock.unit)
    result = calendar.count(clock.started_at, amount, clock.unit, periods)
    if result.deadline is None:
        clock.state, clock.paused_at, clock.remaining = ClockState.PAUSED, result.paused_since, result.left
        clock.next_alert_at = None
        return
    deadline = result.deadline
    before = (clock.state, clock.deadline, clock.warn_at, clock.escalate_at)
    excluded = sum(
        (
            min(end, deadline) - max(begin, clock.started_at)
            for begin, end in periods
            if end is not None and begin < deadline and end > clock.started_at
        ),
        datetime.timedelta(0),
    )
    allowed = max(deadline - clock.started_at - excluded, datetime.timedelta(0))
    clock.deadline = deadline
    clock.warn_at = deadline - allowed * _warn_share(spec)
    clock.escalate_at = None
    if spec is not None and spec.escalate_after is not None:
        clock.escalate_at = calendar.deadline(deadline, *spec.escalate_after)
    clock.deadline_provisional = calendar.is_provisional(clock.started_at, deadline, clock.unit)
    clock.state, clock.paused_at, clock.remaining = ClockState.RUNNING, None, None
    if (clock.state, clock.deadline, clock.warn_at, clock.escalate_at) != before:
        clock.next_alert_at = clock.warn_at  # the sweep looks at it afresh (what was sent stays sent)


def copy_to_case(case: Case, clock: CaseClock) -> None:
    """The primary clock's figures on its case, where the lights, filters and indicators read them."""
    case.sla_amount, case.sla_unit, case.extension_amount = clock.amount, clock.unit, clock.extension_amount
    case.deadline, case.warn_at, case.deadline_provisional = clock.deadline, clock.warn_at, clock.deadline_provisional
    case.paused_at = clock.paused_at if clock.state == ClockState.PAUSED else None
    if clock.state == ClockState.STOPPED:
        case.on_time = clock.on_time


def _new_clock(
    spec: ClockSpec, amount: int | None, unit: str, *, at: datetime.datetime, calendar: WorkCalendar
) -> CaseClock:
    if amount is None:
        raise ValueError(f"clock {spec.name}: no amount")
    clock = CaseClock(name=spec.name, is_primary=spec.primary, amount=amount, unit=unit, started_at=at)
    clock_count(clock, pauses=(), calendar=calendar, spec=spec)
    return clock


def registration_clocks(case: Case, *, calendar: WorkCalendar | None = None) -> list[CaseClock]:
    """The clocks a new case starts with, unsaved: the primary one on the rule already chosen for the
    case (`case.sla_amount`/`sla_unit`, see services.sla_for), copied onto the case, and every clock its
    kind starts at registration. Save them with `clocks_save` once the case has its id."""
    calendar = calendar or WorkCalendar()
    clocks = []
    for spec in workflows.get(case.kind).clock_plan():
        if spec.starts != AT_REGISTRATION:
            continue
        if spec.primary:
            clock = _new_clock(
                spec, amount=case.sla_amount, unit=case.sla_unit, at=case.registered_at, calendar=calendar
            )
            if case.extension_amount:
                clock.extension_amount = case.extension_amount
                clock_count(clock, pauses=(), calendar=calendar, spec=spec)
            copy_to_case(case, clock)
        else:
            amount, unit = spec.rule_of(case)
            clock = _new_clock(spec, amount=amount, unit=unit, at=case.registered_at, calendar=calendar)
        clocks.append(clock)
    return clocks


def clocks_rule_refresh(*, case: Case) -> list[CaseClock]:
    """Read again the rule of the case's clocks whose kind gives one per case (ClockSpec.rule_for), when
    what the rule reads has changed (a risk scored to another level, or its own record written after the
    case was registered): a running or paused clock whose rule changed is counted again from its start,
    with its pauses and extensions; a stopped one keeps its verdict. Returns the clocks that changed."""
    workflow = workflows.get(case.kind)
    changed = []
    for clock in clocks_of(case):
        spec = workflow.clock_spec(clock.name)
        if spec is None or spec.rule_for is None or clock.state == ClockState.STOPPED:
            continue
        amount, unit = spec.rule_of(case)
        if amount is None or (amount, unit) == (clock.amount, clock.unit):
            continue
        clock.amount, clock.unit = amount, unit
        changed.append(clock)
    if changed:
        CaseClock.objects.bulk_update(changed, ["amount", "unit"])
        _recount(case, changed)
    return changed


def clocks_save(case: Case, clocks: Sequence[CaseClock]) -> list[CaseClock]:
    for clock in clocks:
        clock.case = case
    return CaseClock.objects.bulk_create(clocks)


def _pauses_of(clocks: Sequence[CaseClock]) -> dict[int, list[ClockPause]]:
    by_clock: dict[int, list[ClockPause]] = defaultdict(list)
    for pause in ClockPause.objects.filter(clock__in=clocks):
        by_clock[pause.clock_id].append(pause)
    return by_clock


def clocks_of(case: Case) -> list[CaseClock]:
    """The case's clocks; a case written in bulk without them (an old import, a demo not yet given its
    clocks) gets its primary clock from its own figures first (see `clocks_backfill`)."""
    clocks = list(case.clocks.all())
    if not clocks:
        clocks_backfill(case_ids=[case.pk])
        clocks = list(case.clocks.all())
    return clocks


def _recount(case: Case, clocks: Sequence[CaseClock], *, calendar: WorkCalendar | None = None) -> None:
    """Count `clocks` (of `case`) again with their pauses, save them, and copy the primary one."""
    calendar = calendar or WorkCalendar()
    pauses = _pauses_of(clocks)
    for clock in clocks:
        clock_count(clock, pauses=pauses.get(clock.pk, ()), calendar=calendar, spec=spec_of(clock, case.kind))
        if clock.is_primary:
            copy_to_case(case, clock)
    CaseClock.objects.bulk_update(clocks, COUNTED_FIELDS)


def _stop(clock: CaseClock, at: datetime.datetime) -> None:
    """Stop a clock and freeze its verdict: on time if it stopped by its deadline, or while paused (a
    clock is paused only before it runs out)."""
    clock.on_time = clock.state == ClockState.PAUSED or at <= clock.deadline
    clock.state, clock.stopped_at, clock.paused_at, clock.next_alert_at = ClockState.STOPPED, at, None, None


# --- what transitions do to clocks -------------------------------------------------------------------


def clocks_stop_all(*, case: Case, at: datetime.datetime) -> None:
    """Stop every clock of a case that is closing and freeze their verdicts; the primary one's becomes the
    case's `on_time`."""
    clocks = [clock for clock in clocks_of(case) if clock.state != ClockState.STOPPED]
    _stop_clocks(case, clocks, at)


def _stop_clocks(case: Case, clocks: Sequence[CaseClock], at: datetime.datetime) -> None:
    was_paused = [clock for clock in clocks if clock.state == ClockState.PAUSED]
    for clock in clocks:
        _stop(clock, at)
        if clock.is_primary:
            copy_to_case(case, clock)
    if clocks:
        CaseClock.objects.bulk_update(clocks, STOP_FIELDS)
    if was_paused:
        ClockPause.objects.filter(clock__in=was_paused, ended_at__isnull=True).update(ended_at=at)


def on_transition(*, case: Case, action: str, target: str, at: datetime.datetime | None = None) -> None:
    """Start and stop the clocks a transition into `target` fires (called by the engine before it saves the
    case). Reaching a closed state stops every clock (see `clocks_stop_all`)."""
    workflow = workflows.get(case.kind)
    target_type = workflow.state(target).type
    if target_type == StateType.CLOSED and case.closed_at is not None:
        clocks_stop_all(case=case, at=case.closed_at)
        return

    def fires(trigger: workflows.ClockTrigger) -> bool:
        return trigger.fires(action=action, target=target, target_type=target_type)

    plan = workflow.clock_plan()
    starting = [spec for spec in plan if spec.starts != AT_REGISTRATION and fires(spec.starts)]
    stopping = {spec.name for spec in plan if any(fires(trigger) for trigger in spec.stops)}
    if not (starting or stopping):
        return
    now = at or timezone.now()
    clocks = {clock.name: clock for clock in clocks_of(case)}
    _stop_clocks(
        case, [clock for name, clock in clocks.items() if name in stopping and clock.state != ClockState.STOPPED], now
    )
    calendar = WorkCalendar()
    clocks_save(
        case,
        [
            _new_clock(spec, *spec.rule_of(case), at=now, calendar=calendar)
            for spec in starting
            if spec.name not in clocks  # a clock runs once
        ],
    )


def may_suspend_at(case: Case, now: datetime.datetime) -> bool:
    """Whether a case may be suspended at `now`: not paused already and not past its deadline (the red
    light: past it, an extension is the remedy). The demo's planner asks it at the time of a planned step."""
    return case.paused_at is None and not (case.closed_at is None and now > case.deadline)


def can_suspend(case: Case) -> bool:
    """The condition of 挂起 (common_transitions.suspend): `may_suspend_at` now."""
    return may_suspend_at(case, timezone.now())


def _remaining_text(left: datetime.timedelta | None, unit: str) -> str:
    if left is None:
        return ""
    if unit in DAY_UNITS:
        return f"{left.days} {ClockUnit(unit).label}"
    hours = left.total_seconds() / 3600
    return f"{hours:.2f}".rstrip("0").rstrip(".") + f" {ClockUnit(unit).label}"


def remaining_text(clock: CaseClock) -> str:
    """How much time a paused clock has left, in its own unit (e.g. “3 工作日”, “3.5 工作小时”)."""
    return _remaining_text(clock.remaining, clock.unit)


def clocks_pause(
    *, case: Case, actor: User | None, reason: str, at: datetime.datetime | None = None
) -> list[CaseClock]:
    """中止/挂起: pause the case's running clocks that its kind lets pause and that have not run out, with
    the reason; each keeps the time it had left. Called with the case locked."""
    now = at or timezone.now()
    workflow = workflows.get(case.kind)
    clocks = [
        clock
        for clock in clocks_of(case)
        if clock.state == ClockState.RUNNING and clock.deadline >= now and _pausable(workflow.clock_spec(clock.name))
    ]
    if not clocks:
        raise ApplicationError(_("本案件没有可以挂起的时限"), code="nothing_to_pause")
    ClockPause.objects.bulk_create(
        ClockPause(clock=clock, kind=PauseKind.PAUSE, reason=reason, started_at=now, started_by=actor)
        for clock in clocks
    )
    _recount(case, clocks)
    return clocks


def _pausable(spec: ClockSpec | None) -> bool:
    return spec is None or spec.pausable


def clocks_resume(*, case: Case, actor: User | None, at: datetime.datetime | None = None) -> list[CaseClock]:
    """恢复: resume the case's paused clocks; each runs again with the time it had left."""
    now = at or timezone.now()
    clocks = [clock for clock in case.clocks.all() if clock.state == ClockState.PAUSED]
    ClockPause.objects.filter(clock__in=clocks, ended_at__isnull=True).update(ended_at=now, ended_by=actor)
    _recount(case, clocks)
    return clocks


def _clock_named(case: Case, name: str) -> CaseClock:
    clock = next((c for c in clocks_of(case) if (c.name == name if name else c.is_primary)), None)
    if clock is None:
        raise ApplicationError(_("本案件没有名为“%(name)s”的时限") % {"name": name}, field="clock")
    return clock


def clock_for_extension(case: Case, name: str) -> CaseClock:
    """The clock an extension request names (the primary one when it names none), if it may be extended."""
    clock = _clock_named(case, name)
    if clock.state == ClockState.STOPPED:
        raise ApplicationError(_("该时限已停止计时,不能延期"), field="clock")
    return clock


def clock_extend(*, case: Case, name: str, amount: int) -> CaseClock:
    """An approved extension: `amount` more units on the named clock (the primary one by default)."""
    clock = clock_for_extension(case, name)
    clock.extension_amount += amount
    _recount(case, [clock])
    return clock


def period_exclude(
    *, case: Case, actor: User | None, name: str, start: datetime.datetime, end: datetime.datetime, reason: str
) -> CaseClock:
    """Leave a period out of a clock (不计入期限的期间, e.g. 鉴定、公告): entered with both ends, inside the
    clock's time and overlapping none of its other periods."""
    clock = _clock_named(case, name)
    if clock.state == ClockState.STOPPED:
        raise ApplicationError(_("该时限已停止计时"), field="clock")
    if end <= start:
        raise ApplicationError(_("结束时间须晚于开始时间"), field="end")
    if start < clock.started_at:
        raise ApplicationError(_("期间不能早于该时限的起算时间"), field="start")
    overlapping = clock.pauses.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start), started_at__lt=end)
    if overlapping.exists():
        raise ApplicationError(_("该期间与已有的挂起或不计时期间重叠"), field="start")
    ClockPause.objects.create(
        clock=clock, kind=PauseKind.EXCLUSION, reason=reason, started_at=start, ended_at=end, started_by=actor
    )
    _recount(case, [clock])
    return clock


def primary_reset(case: Case, calendar: WorkCalendar | None = None) -> None:
    """Count a case's primary clock on its own figures (registration, rule, approved extensions), without
    pauses, onto the case: for cases built in memory (the demo) and cases written without clocks."""
    calendar = calendar or WorkCalendar()
    spec = workflows.get(case.kind).primary_clock
    clock = CaseClock(
        name=spec.name,
        is_primary=True,
        amount=case.sla_amount,
        unit=case.sla_unit,
        extension_amount=case.extension_amount,
        started_at=case.registered_at,
    )
    clock_count(clock, pauses=(), calendar=calendar, spec=spec)
    case.deadline, case.warn_at, case.deadline_provisional = clock.deadline, clock.warn_at, clock.deadline_provisional


def clocks_recount(*, years: set[int], chunk: int = 2000) -> int:
    """Count again the clocks that run through `years` (running or paused), after their calendar changed,
    and copy the primary ones onto their cases; stopped clocks keep their frozen verdicts. Open cases
    written without clocks are counted on their own figures. Returns how many cases' deadlines changed.
    Called inside the transaction that changed the calendar."""
    if not years:
        return 0
    tz = timezone.get_current_timezone()
    since = datetime.datetime(min(years), 1, 1, tzinfo=tz)
    until = datetime.datetime(max(years) + 1, 1, 1, tzinfo=tz)
    calendar = WorkCalendar()
    candidates = (
        CaseClock.objects.select_for_update(of=("self",))
        .filter(state__in=[ClockState.RUNNING, ClockState.PAUSED], started_at__lt=until)
        .filter(Q(deadline__gte=since) | Q(state=ClockState.PAUSED))
        .select_related("case")
        .order_by("pk")
    )
    changed_cases: list[Case] = []
    last = 0
    while batch := list(candidates.filter(pk__gt=last)[:chunk]):
        last = batch[-1].pk
        pauses = _pauses_of(batch)
        changed_clocks = []
        for clock in batch:
            before = [getattr(clock, name) for name in COUNTED_FIELDS]
            clock_count(clock, pauses=pauses.get(clock.pk, ()), calendar=calendar, spec=spec_of(clock, clock.case.kind))
            if [getattr(clock, name) for name in COUNTED_FIELDS] != before:
                changed_clocks.append(clock)
            if clock.is_primary:
                case = clock.case
                before = [getattr(case, name) for name in CASE_CLOCK_FIELDS]
                copy_to_case(case, clock)
                if [getattr(case, name) for name in CASE_CLOCK_FIELDS] != before:
                    changed_cases.append(case)
        CaseClock.objects.bulk_update(changed_clocks, COUNTED_FIELDS)
    without_clocks = (
        Case.objects.select_for_update()
        .filter(closed_at__isnull=True, registered_at__lt=until, deadline__gte=since)
        .exclude(clocks__is_primary=True)
    )
    for case in without_clocks:
        before = [getattr(case, name) for name in CASE_CLOCK_FIELDS]
        primary_reset(case, calendar)
        if [getattr(case, name) for name in CASE_CLOCK_FIELDS] != before:
            changed_cases.append(case)
    bulk_update_with_history(
        changed_cases,
        Case,
        CASE_CLOCK_FIELDS,
        batch_size=500,
        default_change_reason="工作日历变更,重新计算办理期限",
    )
    return len(changed_cases)


# --- transition handlers (see common_transitions) ----------------------------------------------------


def _resumed_to(case: Case) -> str:
    """The state a suspended case goes back to: the one it was suspended from."""
    event = case.events.filter(type=EventType.SUSPENDED).order_by("-created_at", "-id").first()
    if event is None or not event.from_status:
        raise ApplicationError(_("找不到本案件挂起前的状态"))
    return event.from_status


def handle_suspend(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """挂起: the clocks pause with the reason (the comment); the case waits in the kind's suspended state."""
    clocks = clocks_pause(case=case, actor=actor, reason=data["comment"])
    params: dict[str, Any] = {"clock_labels": _labels(case, clocks)}
    primary = next((clock for clock in clocks if clock.is_primary), None)
    if primary is not None:
        params["remaining"] = remaining_text(primary)
    return workflows.Effect(EventType.SUSPENDED, params)


def handle_resume(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """恢复: the clocks run again with the time they had left; the case goes back to where it was."""
    target = _resumed_to(case)
    clocks = clocks_resume(case=case, actor=actor)
    params: dict[str, Any] = {"clock_labels": _labels(case, clocks)}
    primary = next((clock for clock in clocks if clock.is_primary), None)
    if primary is not None:
        params["deadline"] = timezone.localtime(primary.deadline).isoformat()
    return workflows.Effect(EventType.RESUMED, params, target=target)


def handle_exclude_period(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """扣除不计时期间: a period (鉴定、公告 …) is left out of a clock, which runs out later by as much."""
    clock = period_exclude(
        case=case,
        actor=actor,
        name=data.get("clock") or "",
        start=data["start"],
        end=data["end"],
        reason=data["comment"],
    )
    return workflows.Effect(
        EventType.PERIOD_EXCLUDED,
        {
            "clock_labels": _labels(case, [clock]),
            "period_start": timezone.localtime(data["start"]).isoformat(),
            "period_end": timezone.localtime(data["end"]).isoformat(),
            "deadline": timezone.localtime(clock.deadline).isoformat(),
        },
    )


def _labels(case: Case, clocks: Iterable[CaseClock]) -> str:
    return "、".join(clock_label(case.kind, clock.name) for clock in clocks)


def clock_label(kind: str, name: str) -> str:
    try:
        spec = workflows.get(kind).clock_spec(name)
    except ApplicationError:
        spec = None
    return str(spec.label) if spec is not None else name


# --- reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockView:
    """A clock as the case page shows it."""

    clock: CaseClock
    label: str
    light: str
    remaining: str
    pauses: list[ClockPause]


def case_clocks(case: Case) -> list[ClockView]:
    """The case's clocks, primary first, each with its light, the time left while paused and its
    periods that do not count."""
    clocks = list(case.clocks.prefetch_related("pauses"))
    return [
        ClockView(
            clock=clock,
            label=clock_label(case.kind, clock.name),
            light=clock.light(),
            remaining=remaining_text(clock) if clock.state == ClockState.PAUSED else "",
            pauses=list(clock.pauses.all()),
        )
        for clock in clocks
    ]


# --- the sweep -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    """How many alerts of each level this sweep sent (each with its timeline event and notifications)."""

    warning: int = 0
    breach: int = 0
    escalation: int = 0

    @property
    def total(self) -> int:
        return self.warning + self.breach + self.escalation

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


EVENT_OF_LEVEL = {
    AlertLevel.WARNING: EventType.CLOCK_WARNING,
    AlertLevel.BREACH: EventType.OVERDUE,
    AlertLevel.ESCALATION: EventType.OVERDUE_ESCALATED,
}
CENTRE_ROLES = [Role.CENTRE_STAFF, Role.CENTRE_HEAD]
# After a sweep or a backfill writes this many rows, PostgreSQL's statistics of the tables it reads next are
# refreshed (ANALYZE) rather than left to autovacuum: with stale ones a repeat sweep's join took minutes.
ANALYZE_AFTER_ROWS = 10_000


def _messages() -> dict[str, str]:
    """The notification of each level, with {number} and {clock} for SQL's REPLACE."""
    fill = {"number": "{number}", "clock": "{clock}"}
    return {
        AlertLevel.WARNING: _("案件 %(number)s 的%(clock)s期限临近,请抓紧办理") % fill,
        AlertLevel.BREACH: _("案件 %(number)s 已超过%(clock)s期限") % fill,
        AlertLevel.ESCALATION: _("案件 %(number)s 超过%(clock)s期限未办结,已提请上级督办") % fill,
    }


class _Sql:
    """The sweep's statements for one connection: plain SQL that SQLite (≥ 3.35) and PostgreSQL both
    run, except for building a JSON object and writing a timestamp as text."""

    def __init__(self, vendor: str) -> None:
        if vendor not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"the clock sweep runs on PostgreSQL and SQLite, not {vendor}")
        self.vendor = vendor
        self.t = {
            model: model._meta.db_table
            for model in (Case, CaseClock, ClockAlert, CaseEvent, Notification, Membership, Organization, Region)
        }

    def json_object(self, pairs: Sequence[tuple[str, str]]) -> str:
        args = ", ".join(f"'{key}', {expression}" for key, expression in pairs)
        return f"jsonb_build_object({args})" if self.vendor == "postgresql" else f"json_object({args})"

    def iso(self, expression: str) -> str:
        """A timestamp as ISO 8601 text in UTC (the timeline shows it in local time)."""
        if self.vendor == "postgresql":
            return f"""to_char({expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')"""
        return f"strftime('%%Y-%%m-%%dT%%H:%%M:%%S+00:00', {expression})"


def _label_case(params: dict[str, Any]) -> str:
    """A CASE expression giving each clock's label by its case's kind and its name."""
    whens = []
    for index, (kind, name, label) in enumerate(
        (workflow.kind, spec.name, str(spec.label)) for workflow in workflows.kinds() for spec in workflow.clock_plan()
    ):
        params.update({f"lk{index}": kind, f"ln{index}": name, f"ll{index}": label})
        whens.append(f"WHEN k.kind = %(lk{index})s AND c.name = %(ln{index})s THEN %(ll{index})s")
    return f"CASE {' '.join(whens)} ELSE c.name END" if whens else "c.name"


def _in_list(params: dict[str, Any], prefix: str, values: Sequence[object]) -> str:
    params.update({f"{prefix}{index}": value for index, value in enumerate(values)})
    return ", ".join(f"%({prefix}{index})s" for index in range(len(values)))


def sweep(*, now: datetime.datetime | None = None, using: str = DEFAULT_DB_ALIAS) -> SweepResult:
    """Send every clock alert that has come due, in sets, in one transaction:

    1. alerts: one row per clock, level and deadline due now — 临期预警 once `warn_at` passed, 超期 once
       the deadline passed, 超期升级 once `escalate_at` passed — INSERT … SELECT … ON CONFLICT DO NOTHING,
       so that what another sweep already sent (or is sending) is skipped: the database decides;
    2. one timeline event per alert this sweep sent;
    3. notifications: the members of the case's organisation who work cases and its assignee; for an
       escalation also the centre that oversees that organisation (as for 上报);
    4. the clocks' next alert: moved on only where the alert due now exists, so a deadline moved by a
       transition meanwhile is looked at again.

    Only clocks with something due are read (`next_alert_at`, a partial index), so a sweep with nothing
    new costs next to nothing. After a bulk of alerts, PostgreSQL's statistics of the tables read next
    are refreshed (ANALYZE): stale ones once turned a join of seconds into minutes."""
    now = now or timezone.now()
    connection = connections[using]
    sql = _Sql(connection.vendor)
    t = sql.t
    token = uuid.uuid4().hex
    params: dict[str, Any] = {
        "now": now,
        "token": token,
        "running": ClockState.RUNNING,
        "warning": AlertLevel.WARNING,
        "breach": AlertLevel.BREACH,
        "escalation": AlertLevel.ESCALATION,
        "centre": OrgType.CENTRE,
        **{f"event_{level}": event for level, event in EVENT_OF_LEVEL.items()},
        **{f"msg_{level}": message for level, message in _messages().items()},
    }
    label = _label_case(params)
    worker_roles = _in_list(params, "wr", NOTIFIED_ROLES)
    centre_roles = _in_list(params, "cr", CENTRE_ROLES)
    due = "c.next_alert_at <= %(now)s AND c.state = %(running)s"
    alerts = f"""
        INSERT INTO {t[ClockAlert]} (clock_id, case_id, level, deadline, created_at, sweep)
        SELECT clock_id, case_id, level, deadline, %(now)s, %(token)s FROM (
            SELECT c.id AS clock_id, c.case_id AS case_id, %(warning)s AS level, c.deadline AS deadline
              FROM {t[CaseClock]} c WHERE {due} AND c.warn_at <= %(now)s AND c.deadline >= %(now)s
            UNION ALL
            SELECT c.id, c.case_id, %(breach)s, c.deadline
              FROM {t[CaseClock]} c WHERE {due} AND c.deadline < %(now)s
            UNION ALL
            SELECT c.id, c.case_id, %(escalation)s, c.deadline
              FROM {t[CaseClock]} c WHERE {due} AND c.escalate_at <= %(now)s
        ) AS due WHERE 1 = 1
        ORDER BY clock_id, level
        ON CONFLICT (clock_id, level, deadline) DO NOTHING"""
    event_type = (
        "CASE a.level WHEN %(warning)s THEN %(event_warning)s WHEN %(breach)s THEN %(event_breach)s "
        "ELSE %(event_escalation)s END"
    )
    event_params = sql.json_object([("clock", "c.name"), ("clock_labels", label), ("deadline", sql.iso("a.deadline"))])
    events = f"""
        INSERT INTO {t[CaseEvent]}
            (case_id, type, actor_id, actor_org_id, from_status, to_status, comment, params, created_at)
        SELECT a.case_id, {event_type}, NULL, NULL, k.status, k.status, '', {event_params}, %(now)s
          FROM {t[ClockAlert]} a
          JOIN {t[Case]} k ON k.id = a.case_id
          JOIN {t[CaseClock]} c ON c.id = a.clock_id
         WHERE a.sweep = %(token)s"""
    # This sweep's alerts with what the messages need, materialised once: the three kinds of recipients
    # below join small, known inputs, whatever the planner believes of the big tables (with stale
    # statistics it once ran the overseer look-up per membership row: 80 s instead of a fraction of one).
    # The overseer of an organisation (as for 上报 and 督办): a centre's is the nearest centre above it; a
    # department's, the nearest centre at its level or above; counted once per organisation escalated.
    message = (
        "REPLACE(REPLACE(CASE s.level WHEN %(warning)s THEN %(msg_warning)s WHEN %(breach)s THEN %(msg_breach)s "
        "ELSE %(msg_escalation)s END, '{number}', s.number), '{clock}', s.clock_label)"
    )
    notifications = f"""
        WITH swept AS MATERIALIZED (
            SELECT a.case_id AS case_id, a.level AS level, k.number AS number, k.assigned_org_id AS org_id,
                   k.assignee_id AS assignee_id, {label} AS clock_label
              FROM {t[ClockAlert]} a
              JOIN {t[Case]} k ON k.id = a.case_id
              JOIN {t[CaseClock]} c ON c.id = a.clock_id
             WHERE a.sweep = %(token)s
        ), above AS MATERIALIZED (
            SELECT ao.id AS org_id, (
                SELECT o.id FROM {t[Organization]} o JOIN {t[Region]} r ON r.id = o.region_id
                 WHERE o.org_type = %(centre)s AND o.is_active AND o.id <> ao.id
                   AND ar.code LIKE r.prefix || '%%'
                   AND (r.level < ar.level OR (r.level = ar.level AND ao.org_type <> %(centre)s))
                 ORDER BY r.level DESC, o.code LIMIT 1
            ) AS centre_id
              FROM {t[Organization]} ao JOIN {t[Region]} ar ON ar.id = ao.region_id
             WHERE ao.id IN (SELECT org_id FROM swept WHERE level = %(escalation)s)
        )
        INSERT INTO {t[Notification]} (user_id, case_id, message, created_at)
        SELECT user_id, case_id, message, %(now)s FROM (
            SELECT m.user_id AS user_id, s.case_id AS case_id, {message} AS message
              FROM swept s JOIN {t[Membership]} m ON m.organization_id = s.org_id
             WHERE m.is_active AND m.role IN ({worker_roles})
            UNION
            SELECT s.assignee_id, s.case_id, {message}
              FROM swept s
             WHERE s.assignee_id IS NOT NULL
            UNION
            SELECT m.user_id, s.case_id, {message}
              FROM swept s
              JOIN above ON above.org_id = s.org_id
              JOIN {t[Membership]} m ON m.organization_id = above.centre_id
             WHERE s.level = %(escalation)s AND m.is_active AND m.role IN ({centre_roles})
        ) AS recipients"""
    clock_table = t[CaseClock]
    now_level = (
        f"CASE WHEN {clock_table}.escalate_at <= %(now)s THEN %(escalation)s "
        f"WHEN {clock_table}.deadline < %(now)s THEN %(breach)s ELSE %(warning)s END"
    )
    advance = f"""
        UPDATE {clock_table} SET next_alert_at = CASE
                WHEN escalate_at <= %(now)s THEN NULL
                WHEN deadline < %(now)s THEN escalate_at
                WHEN warn_at <= %(now)s THEN deadline
                ELSE warn_at END
         WHERE next_alert_at <= %(now)s AND state = %(running)s
           AND (warn_at > %(now)s OR EXISTS (
                SELECT 1 FROM {t[ClockAlert]} a
                 WHERE a.clock_id = {clock_table}.id AND a.deadline = {clock_table}.deadline
                   AND a.level = {now_level}))"""
    counts = f"SELECT level, COUNT(*) FROM {t[ClockAlert]} WHERE sweep = %(token)s GROUP BY level"
    analyze_after = ANALYZE_AFTER_ROWS
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(alerts, params)
        sent = cursor.rowcount
        if sent:
            if sent >= analyze_after and sql.vendor == "postgresql":
                cursor.execute(f"ANALYZE {t[ClockAlert]}")
            cursor.execute(events, params)
            cursor.execute(notifications, params)
        cursor.execute(advance, params)
        if cursor.rowcount >= analyze_after and sql.vendor == "postgresql":
            cursor.execute(f"ANALYZE {t[CaseClock]}")
        if not sent:
            return SweepResult()
        cursor.execute(counts, params)
        by_level = dict(cursor.fetchall())
    return SweepResult(**{str(level): by_level.get(level, 0) for level in AlertLevel.values})


# --- clocks for cases written in bulk ------------------------------------------------------------------


def clocks_backfill(*, case_ids: Sequence[int] | None = None, using: str = DEFAULT_DB_ALIAS) -> int:
    """Give cases written in bulk (the demo, an import, an upgrade) their clocks, set-based: the primary
    clock of each case that has none, copied from the case's own figures (rule, deadline, warning,
    verdict; stopped when the case is closed); an open case already marked 超期 by the old sweep (an
    `overdue` event) is not told again. Then, counted in Python and written in bulk, what SQL cannot
    count: the escalation times of primary clocks that declare one, and the other clocks a kind starts at
    registration, for open cases. `case_ids` narrows it to those cases. Returns the clocks created."""
    connection = connections[using]
    sql = _Sql(connection.vendor)
    t = sql.t
    params: dict[str, Any] = {
        "now": timezone.now(),
        "running": ClockState.RUNNING,
        "stopped": ClockState.STOPPED,
        "breach": AlertLevel.BREACH,
        "overdue": EventType.OVERDUE,
    }
    names = []
    for index, workflow in enumerate(workflows.kinds()):
        params.update({f"k{index}": workflow.kind, f"n{index}": workflow.primary_clock.name})
        names.append(f"WHEN k.kind = %(k{index})s THEN %(n{index})s")
    primary_name = f"CASE {' '.join(names)} ELSE %(default)s END" if names else "%(default)s"
    params["default"] = workflows.PRIMARY_CLOCK
    created = 0
    chunks: list[Sequence[int] | None] = [None]
    if case_ids is not None:
        ids = list(case_ids)
        chunks = [ids[start : start + 5000] for start in range(0, len(ids), 5000)]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for chunk in chunks:
            narrow_case, narrow_clock = "", ""
            if chunk is not None:
                in_list = _in_list(params, "id", chunk)
                narrow_case, narrow_clock = f"AND k.id IN ({in_list})", f"AND c.case_id IN ({in_list})"
            cursor.execute(
                f"""
                INSERT INTO {t[CaseClock]} (case_id, name, is_primary, amount, unit, extension_amount, state,
                    started_at, paused_at, remaining, stopped_at, deadline, warn_at, escalate_at, next_alert_at,
                    deadline_provisional, on_time)
                SELECT k.id, {primary_name}, TRUE, k.sla_amount, k.sla_unit, k.extension_amount,
                       CASE WHEN k.closed_at IS NULL THEN %(running)s ELSE %(stopped)s END,
                       k.registered_at, NULL, NULL, k.closed_at, k.deadline, k.warn_at, NULL,
                       CASE WHEN k.closed_at IS NULL THEN k.warn_at END, k.deadline_provisional, k.on_time
                  FROM {t[Case]} k
                 WHERE NOT EXISTS (SELECT 1 FROM {t[CaseClock]} c WHERE c.case_id = k.id AND c.is_primary)
                       {narrow_case}""",
                params,
            )
            created += cursor.rowcount
            cursor.execute(
                f"""
                INSERT INTO {t[ClockAlert]} (clock_id, case_id, level, deadline, created_at, sweep)
                SELECT c.id, c.case_id, %(breach)s, c.deadline, %(now)s, 'backfill'
                  FROM {t[CaseClock]} c
                 WHERE c.is_primary AND c.state = %(running)s AND c.deadline < %(now)s {narrow_clock}
                   AND EXISTS (SELECT 1 FROM {t[CaseEvent]} e WHERE e.case_id = c.case_id AND e.type = %(overdue)s)
                ON CONFLICT (clock_id, level, deadline) DO NOTHING""",
                params,
            )
        created += _backfill_counted(case_ids)
    if connection.vendor == "postgresql" and created >= ANALYZE_AFTER_ROWS:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {t[CaseClock]}")
    return created


def _backfill_counted(case_ids: Sequence[int] | None, chunk: int = 2000) -> int:
    """The backfill's part that needs the calendar: escalation times of open primary clocks that declare
    one, and the other clocks a kind starts at registration (for open cases that lack them)."""
    calendar = WorkCalendar()
    created = 0
    for workflow in workflows.kinds():
        primary = workflow.primary_clock
        extra = [spec for spec in workflow.clock_plan() if not spec.primary and spec.starts == AT_REGISTRATION]
        open_cases = Case.objects.filter(kind=workflow.kind, closed_at__isnull=True)
        if case_ids is not None:
            open_cases = open_cases.filter(pk__in=case_ids)
        if primary.escalate_after is not None:
            clocks = CaseClock.objects.filter(
                case__in=open_cases, is_primary=True, state=ClockState.RUNNING, escalate_at__isnull=True
            ).order_by("pk")
            for start in range(0, clocks.count(), chunk):
                batch = list(clocks[start : start + chunk])
                for clock in batch:
                    clock.escalate_at = calendar.deadline(clock.deadline, *primary.escalate_after)
                CaseClock.objects.bulk_update(batch, ["escalate_at"])
        for spec in extra:
            lacking = open_cases.exclude(clocks__name=spec.name).order_by("pk").values_list("pk", "registered_at")
            rows = list(lacking)
            for start in range(0, len(rows), chunk):
                new = []
                batch_rows = rows[start : start + chunk]
                # A rule that depends on the case (ClockSpec.rule_for) reads it.
                by_id = Case.objects.in_bulk([r[0] for r in batch_rows]) if spec.rule_for is not None else {}
                for case_id, registered_at in batch_rows:
                    amount, unit = spec.rule_of(by_id[case_id]) if by_id else (spec.amount, spec.unit)
                    clock = _new_clock(spec, amount, unit, at=registered_at, calendar=calendar)
                    clock.case_id = case_id
                    new.append(clock)
                CaseClock.objects.bulk_create(new)
                created += len(new)
    return created
