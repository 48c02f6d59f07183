"""What `load_demo` checks before it writes: generated people pass the same validators as user input, and
generated timelines take only the transitions their kind's workflow declares (each planned step is checked
in full — state, actor, four-eyes rules, condition — by `planner.Planner.apply`; `timeline_check` checks a
timeline's events against the declaration alone). A failure aborts the load with a clear error; nothing is
written. Also the SLA-light figures the load reports for the recent months."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pingan.cases import workflows
from pingan.cases.choices import EventType, Light
from pingan.cases.events import event_label
from pingan.cases.models import Case
from pingan.cases.parties import FIELDS, clean_parties
from pingan.core.errors import ApplicationError
from pingan.gridwork.services import _clean_member
from pingan.regions.models import Organization

INTAKE_EVENTS = (EventType.REGISTERED, EventType.ROUTED)


class InvalidDemoData(CommandError):
    """Generated data that user input could not have produced: the load stops before writing it."""


def _same(row: Mapping[str, str], cleaned: Mapping[str, str], fields: Iterable[str]) -> str | None:
    """The first field whose generated value is not already in the validators' canonical form."""
    return next((name for name in fields if (row.get(name) or "") != (cleaned.get(name) or "")), None)


def _check_people[R: Mapping[str, Any]](
    rows: Iterable[R],
    clean: Callable[[R], Mapping[str, Any]],
    what: Callable[[R], str],
    fields: Iterable[str] = ("id_number", "phone"),
) -> None:
    for row in rows:
        try:
            cleaned = clean(row)
        except ApplicationError as exc:
            raise InvalidDemoData(
                _("演示数据未通过与用户输入相同的校验,未写入任何数据:%(what)s:%(error)s")
                % {"what": what(row), "error": exc.message}
            ) from exc
        changed = _same(row, cleaned, fields)
        if changed:
            raise InvalidDemoData(
                _("演示数据未通过与用户输入相同的校验,未写入任何数据:%(what)s的%(field)s“%(value)s”不是规范写法")
                % {"what": what(row), "field": changed, "value": row[changed]}
            )


# What intake reads from an 18-digit ID number (GB 11643-1999) when the party leaves it blank.
DERIVED = ("gender", "birth_date")


def parties_check(parties: Iterable[dict]) -> None:
    """Every party passes the intake's checks (`cases.services` on the form and the API) unchanged, and
    takes the gender and birth date they read from its ID number, as a party registered by hand does."""

    def clean(row: dict) -> dict:
        cleaned = vars(clean_parties([row])[0])
        for name in DERIVED:
            row[name] = row.get(name) or cleaned[name]
        return cleaned

    _check_people(
        parties,
        clean,
        lambda row: _("当事人“%(name)s”") % {"name": row.get("name", "")},
        [name for name in FIELDS if name not in ("role", "party_type")],
    )


def members_check(members: Iterable[Mapping]) -> None:
    """Every grid person passes the checks of `grids.services` (the form, the API and the Excel import)."""
    fields = ("name", "role", "phone", "id_number")
    _check_people(
        members,
        lambda row: _clean_member({name: row.get(name, "") for name in fields}),
        lambda row: _("网格力量“%(name)s”") % {"name": row.get("name", "")},
    )


def declared_targets(workflow: workflows.Workflow, transition: workflows.Transition, state: str) -> set[str]:
    """Where the declaration lets `transition` take a case in `state`: its target (the same state for a step
    that keeps it), or a state of the workflow its options name for the handler to choose (a failed
    verification's `rework_to`)."""
    states = {s.value for s in workflow.states}
    return {transition.target or state} | {v for v in transition.options.values() if v in states}


def timeline_check(kind: str, events: list[Mapping], status: str, label: str) -> None:
    """The events of one case take only transitions its kind's workflow declares: each event leads from
    the state the case is in to a state the declaration allows — by the event's action where it names one
    (the planner's events do), else by some declared transition from that state — and the case ends where
    its last event left it."""
    workflow = workflows.get(kind)
    state = workflow.initial
    for event in events:
        if event["type"] in INTAKE_EVENTS:
            continue
        action = event.get("action")
        candidates = [workflow.transition(action)] if action else list(workflow.transitions)
        if not any(
            t is not None and state in t.sources and event["to_status"] in declared_targets(workflow, t, state)
            for t in candidates
        ):
            raise InvalidDemoData(
                _("演示案件“%(case)s”的办理过程不符合流程定义:“%(event)s”不能从“%(state)s”到“%(target)s”")
                % {
                    "case": label,
                    "event": event_label(event["type"]),
                    "state": workflow.state_label(state),
                    "target": workflow.state_label(event["to_status"]),
                }
            )
        state = event["to_status"]
    if state != status:
        raise InvalidDemoData(
            _("演示案件“%(case)s”的状态“%(status)s”与办理过程不符") % {"case": label, "status": status}
        )


def plans_check(kind: str, plans: Iterable) -> None:
    """Check every planned case's timeline (`timeline_check`), and that an organisation its kind admits
    (`Workflow.org_types`) holds it, before any of them is written."""
    plans = list(plans)
    for plan in plans:
        case = plan.case
        timeline_check(kind, plan.events, case.status, f"{case.registered_at:%Y-%m-%d} {case.title}")
    workflow = workflows.get(kind)
    held = {plan.case.assigned_org_id for plan in plans}
    for org in Organization.objects.filter(pk__in=held).exclude(org_type__in=workflow.org_types)[:1]:
        raise InvalidDemoData(workflow.org_refusal(org))


def light_figures(cases: Iterable, now: datetime.datetime) -> dict[str, int]:
    """Open cases by SLA light at `now`, and closed ones on time or late (what the workbench will show)."""
    counts = Counter(Case.light(case, now) if case.closed_at is None else case.on_time for case in cases)
    return {
        "green": counts[Light.GREEN],
        "yellow": counts[Light.YELLOW],
        "red": counts[Light.RED],
        "closed_on_time": counts[True],
        "closed_late": counts[False],
    }


def light_report(figures: Mapping[str, int]) -> str:
    open_count = figures["green"] + figures["yellow"] + figures["red"]
    closed = figures["closed_on_time"] + figures["closed_late"]
    return (
        f"在办 {open_count} 件(正常 {figures['green']},临期 {figures['yellow']},超期 {figures['red']}),"
        f"已结案 {closed} 件(按期 {figures['closed_on_time']},超期 {figures['closed_late']})"
    )


def drive_figures_check(name: str, figures: Mapping[str, Any], generated: Mapping[str, Any]) -> None:
    """A drive of the demo counts the dispute records of its year from the database (pingan.drives.figures);
    the generator summarised the same records as it planned them (`disputes.plans_summary`: concluded in the
    year, successful). The two must agree, or the drive's window or scope is not the year's."""
    expected = {"mediated": generated.get("mediated"), "successful": generated.get("success")}
    counted = {"mediated": figures["mediated"], "successful": figures["successful"]}
    if counted != expected:
        raise InvalidDemoData(
            f"专项行动“{name}”的数据与生成的矛盾纠纷记录不一致:统计 {counted},生成 {expected};未写入任何数据。"
        )
