"""Writing planned cases in bulk, with every row the services would have left.

`cases_write` applies (checks) every plan first (`Planner.apply`: one refused step and nothing is written),
then numbers the cases from the daily sequences and writes, per kind, in bulk: the cases; their parties; the
kind's own rows (through the caller's `records` hook: mediation sessions and results, extension requests…);
the timeline events; the historical records of the case (simple_history: one "+" at registration, one "~"
per transition, by the actor, at the step's time) and of the parties ("+" at registration, as
`bulk_create_with_history` leaves them); and the audit log entries `cases.services` writes (CREATE at
registration, TRANSITION with the action and the states for every step).

`Clock` is the one place where the demo computes a case's clock (deadline, warning time, on-time verdict).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

from pingan.cases.clocks import clocks_backfill
from pingan.cases.models import Case, CaseEvent, CaseNumberSequence, Party
from pingan.cases.services import clock_reset
from pingan.core.auditchain import chain_rows, lock_chain
from pingan.core.models import AuditAction, AuditLog
from pingan.workcalendar.calendar import WorkCalendar

from .planner import as_case
from .rows import BATCH, Row, Table, times_forget

if TYPE_CHECKING:
    from .planner import CasePlan, Planner


class Clock:
    """The one place where the demo computes a case's clock, as the services do: the deadline and warning
    time at registration (`start`: the category's SlaPolicy or the workflow's default on the working
    calendar, `cases.services.clock_reset`), again when an extension is approved (`extend`, from
    `handle_approve_extension`), and the on-time verdict frozen when the case closes (`stop`, from the
    closing handlers). The planner calls `start` when it registers a case, and the effects of the steps
    that extend or close a case call the others; each returns the case fields it changes. Rows of a case's
    clocks are written by `cases_write` from these figures (`cases.clocks.clocks_backfill`); a clock that starts
    or stops on other declared transitions would be called from `Planner.take`, which sees every step."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar

    def start(self, plan: CasePlan) -> None:
        clock_reset(as_case(plan.case), self.calendar)

    def extend(self, plan: CasePlan, amount: int) -> dict[str, Any]:
        case = plan.case
        extended = SimpleNamespace(
            kind=case.kind,
            registered_at=case.registered_at,
            sla_amount=case.sla_amount,
            sla_unit=case.sla_unit,
            extension_amount=case.extension_amount + amount,
        )
        clock_reset(as_case(extended), self.calendar)
        return {name: getattr(extended, name) for name in ("extension_amount", *CLOCK_FIELDS)}

    def stop(self, plan: CasePlan, at: datetime.datetime) -> dict[str, Any]:
        return {"closed_at": at, "on_time": at <= plan.case.deadline}


CLOCK_FIELDS = ("deadline", "deadline_provisional", "warn_at")


# --- numbering -------------------------------------------------------------------------------------


def number_cases(plans: list[CasePlan], prefix: str) -> None:
    """Give each case the number the daily sequence would have given it, after any already issued, and
    move the sequences on so that later registrations continue from there."""
    plans.sort(key=lambda p: p.case.registered_at)
    tz = timezone.get_current_timezone()
    days = sorted({p.case.registered_at.astimezone(tz).date() for p in plans})
    existing = {s.day: s for s in CaseNumberSequence.objects.filter(prefix=prefix, day__in=days)}
    last = {day: seq.last for day, seq in existing.items()}
    for plan in plans:
        day = plan.case.registered_at.astimezone(tz).date()
        last[day] = last.get(day, 0) + 1
        plan.case.number = plan.registration["number"] = f"{prefix}{day:%Y%m%d}-{last[day]:04d}"
    for day, seq in existing.items():
        seq.last = last[day]
    CaseNumberSequence.objects.bulk_update(existing.values(), ["last"], batch_size=BATCH)
    CaseNumberSequence.objects.bulk_create(
        [CaseNumberSequence(prefix=prefix, day=day, last=n) for day, n in last.items() if day not in existing],
        batch_size=BATCH,
    )


def ids_by_case(
    model: type[models.Model], plans: list[CasePlan], order: Iterable[str] = ("id",)
) -> dict[int, list[int]]:
    """The ids of `model`'s rows of the planned cases, by case id, in `order`."""
    ids: dict[int, list[int]] = {}
    case_ids = [p.case.pk for p in plans]
    for start in range(0, len(case_ids), BATCH):
        rows = model._default_manager.filter(case_id__in=case_ids[start : start + BATCH]).order_by("case_id", *order)
        for case_id, pk in rows.values_list("case_id", "id"):
            ids.setdefault(case_id, []).append(pk)
    return ids


# --- history ---------------------------------------------------------------------------------------


def created_history(model: type[models.Model], rows: Iterable[tuple[Row, datetime.datetime, int | None]]) -> int:
    """One "+" historical record per created row (with its "id"), as `bulk_create_with_history` leaves
    them: (row, when, by whom)."""
    table = Table(get_history_model_for_model(model))

    def records() -> Iterator[list]:
        for row, at, user_id in rows:
            yield table.values(
                {
                    **row,
                    "history_date": at,
                    "history_type": "+",
                    "history_user_id": user_id,
                    "history_change_reason": None,
                }
            )

    return table.insert(records())


def _case_history(plans: list[CasePlan]) -> Iterator[list]:
    """The historical records of each case: the registration ("+"), then one ("~") per transition with the
    fields it changed, each by the step's actor at the step's time."""
    table = Table(get_history_model_for_model(Case))
    date, kind, user = (table.index[name] for name in ("history_date", "history_type", "history_user_id"))
    for plan in plans:
        (at, user_id, _changes), *steps = plan.history
        record = table.values(
            {
                **plan.registration,
                "id": plan.case.pk,
                "history_date": at,
                "history_type": "+",
                "history_user_id": user_id,
            }
        )
        yield record
        for at, user_id, changes in steps:
            record = record.copy()
            for name, value in changes.items():
                index = table.index.get(name)
                if index is not None:
                    record[index] = table.prepare(index, value)
            record[date], record[kind], record[user] = table.prepare(date, at), "~", user_id
            yield record


def _audit(plans: list[CasePlan]) -> Iterator[dict[str, Any]]:
    """The audit entries of `cases.services`: CREATE at registration, TRANSITION for each step (the action
    and the states it led from and to). Chained (core.auditchain.chain_rows) before they are written."""
    for plan in plans:
        case = plan.case
        created = {
            "created_at": case.registered_at,
            "actor_id": plan.registrar.pk,
            "action": AuditAction.CREATE.value,
            "object_type": Case._meta.label_lower,
            "object_id": str(case.pk),
            "object_repr": f"{case.number} {case.title}"[:200],
            "region_code": case.region_code,
            "ip": None,
            "user_agent": "",
            "reason": "",
            "changes": {"number": case.number, "kind": case.kind},
        }
        yield created
        for event in plan.events:
            if "action" not in event:
                continue
            yield {
                **created,
                "created_at": event["created_at"],
                "actor_id": event["actor_id"],
                "action": AuditAction.TRANSITION.value,
                "changes": {"action": event["action"], "from": event["from_status"], "to": event["to_status"]},
            }


# --- the whole --------------------------------------------------------------------------------------


def cases_write(
    planner: Planner, plans: list[CasePlan], *, records: Callable[[list[CasePlan]], Mapping[str, int]] | None = None
) -> dict[str, int]:
    """Check every plan against the workflow, then write the cases and everything the services leave with
    them; `records(plans)` writes the kind's own rows once cases and parties have their ids (and may put
    their ids in the events' params). Call inside a transaction: a refused plan raises before any write."""
    for plan in plans:
        if not plan.applied:
            planner.apply(plan)
    number_cases(plans, planner.workflow.number_prefix)
    cases = Table(Case)
    cases.insert(cases.values(vars(p.case)) for p in plans)
    ids: dict[str, int] = {}
    for prefix in sorted({p.case.number[:6] for p in plans}):  # the kind's prefix and the year
        ids.update(Case.objects.filter(number__startswith=prefix).values_list("number", "id"))
    for plan in plans:
        plan.case.pk = plan.case.id = ids[plan.case.number]

    for plan in plans:
        for party in plan.parties:
            party["case_id"] = plan.case.pk
    parties = Table(Party)
    party_count = parties.insert(parties.values(row) for p in plans for row in p.parties)
    party_ids = ids_by_case(Party, [p for p in plans if p.parties])
    for plan in plans:
        for party, pk in zip(plan.parties, party_ids.get(plan.case.pk, []), strict=True):
            party["id"] = pk
    created_history(Party, ((row, p.case.registered_at, p.registrar.pk) for p in plans for row in p.parties))

    counts = dict(records(plans)) if records else {}
    for plan in plans:
        for event in plan.events:
            event["case_id"] = plan.case.pk
    events = Table(CaseEvent)
    event_count = events.insert(events.values(event) for p in plans for event in p.events)
    history_count = Table(get_history_model_for_model(Case)).insert(_case_history(plans))
    audit = Table(AuditLog)
    lock_chain()  # the entries continue the audit log's hash chain, in the order they are written
    audit_count = audit.insert(audit.values(row) for row in chain_rows(_audit(plans)))
    # The cases' clocks (时限): the primary one from the case's own figures, with the kind's other clocks
    # that start at registration, as the engine would have started them.
    clock_count = clocks_backfill(case_ids=[plan.case.pk for plan in plans])
    times_forget()
    return {
        "cases": len(plans),
        "parties": party_count,
        "events": event_count,
        "history": history_count,
        "audit": audit_count,
        "clocks": clock_count,
        **counts,
    }
