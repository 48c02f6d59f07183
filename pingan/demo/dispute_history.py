"""The plan of a dispute's history: when each step falls (in working days from the registration, then in
office hours), who takes it and what its form carries, as a sequence of the dispute workflow's transitions
(`disputes/workflow.py`) for the planner to check and apply.

The usual course: 受理 (the township centre's clerk) → 指派调解员 (the clerk) → 记录调解, once or more (the
mediator, the case's assignee) → 调解终结 (the mediator) → 核查 (the township head or clerk, never the
mediator; now and then failed, back to mediation: 返工) → 结案 (the same) → 回访评价 (the clerk). Beside it: 督办
(the county centre's head, the day after a late case's deadline), 申请延期 (the mediator, shortly before the
deadline) and 审批延期 (the township head, else the county centre's head), 申请司法确认 (the mediator, after
an agreement). Here are also the mirrors of the dispute handlers (`disputes.services`) the planner applies.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pingan.accounts.choices import Role
from pingan.cases.choices import ClockUnit, FollowUpMethod, Outcome
from pingan.core.errors import ApplicationError
from pingan.disputes import services as ds
from pingan.disputes.choices import KIND, ConfirmationStatus, DisputeEvent
from pingan.disputes.choices import DisputeState as S
from pingan.regions.choices import OrgType

from . import texts
from .actors import Actor
from .mediation import Draw, Mediation
from .periods import OFFICE_MINUTES, Days
from .planner import TZ, CasePlan, Condition, Effect, Planner, Step
from .rows import Row
from .writer import Clock

OPEN_STATES = {S.REGISTERED: 10, S.ACCEPTED: 12, S.MEDIATING: 50, S.CONCLUDED: 16, S.VERIFIED: 12}
# A late case asks for more time in half the cases; the head grants four requests in five.
EXTENSION_SHARE = 0.5
EXTENSION_APPROVED_SHARE = 0.8
# What the two fully staffed townships have open at the cutoff, so that every demo role has work: a case in
# each open state, one overdue and pressed (督办), one waiting for the head's decision on an extension.
OVERDUE = "overdue"
EXTENSION_PENDING = "extension_pending"
FEATURED_SCENES = (*OPEN_STATES, OVERDUE, EXTENSION_PENDING)
FOLLOW_UP_METHODS = FollowUpMethod.values  # computed once: the enum builds the list on every access
# Steps beside the mediation itself: they may fall between the last session and the conclusion.
ASIDE_STEPS = {"supervise", "extension_requested", "extension_approved", "extension_rejected"}


def _insert(steps: list[tuple[int, str]], day: int, step: str, lo: int, hi: int) -> int:
    """Put (day, step) among steps[lo:hi], whose days are in order, after those of the same day; its index."""
    at = next((i for i in range(lo, hi) if steps[i][0] > day), hi)
    steps.insert(at, (day, step))
    return at


class Timeline:
    """When a dispute's steps fall: (working-day offset, step) from acceptance to rating, then times in
    office hours. Draws from the period's random stream."""

    def __init__(self, rng: random.Random, days: Days) -> None:
        self.rng, self.days = rng, days

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

    def times(self, steps: list[tuple[int, str]], start: int, minute: int) -> list:
        """A time in office hours for each step, strictly after the registration and each other."""
        by_day: dict[int, int] = Counter(day for day, _ in steps)
        chosen: dict[int, list[int]] = {}
        for day, n in by_day.items():
            low = minute + 1 if day == 0 else 0
            low = min(low, OFFICE_MINUTES - n)
            chosen[day] = sorted(self.rng.sample(range(low, OFFICE_MINUTES), n))
        return [self.days.at(start + day, chosen[day].pop(0)) for day, _ in steps]


@dataclass(frozen=True)
class Staff:
    """Who works one dispute: the township centre's clerk, the mediator, the verifier (the township head or
    the clerk), the approver of extensions and the county centre's head who presses late cases."""

    clerk: Actor
    mediator: Actor
    verifier: Actor
    approver: Actor
    supervisor: Actor


def planned_steps(
    *,
    rng: random.Random,
    mediation: Mediation,
    draw: Draw,
    staff: Staff,
    case_text: tuple[str, str, tuple[int, int] | None],
    parties: list[Row],
    timeline: list[tuple[int, str]],
    times: list,
    extension: int,
) -> list[Step]:
    """The workflow's steps for a timeline of (day, step) at `times`: the action, the actor and the data of
    its form (the session record, the mediation result…), drawn in the timeline's order."""
    township, county, community = draw.township, draw.county, draw.community
    title, terms, amounts = case_text
    planned: list[Step] = []
    session_number = 0
    for position, ((_day, name), when) in enumerate(zip(timeline, times, strict=True)):
        if name == "accept":
            planned.append(Step("accept", staff.clerk, when))
        elif name == "assign":
            planned.append(Step("assign_mediator", staff.clerk, when, {"mediator": staff.mediator}))
        elif name == "session":
            session_number += 1
            following = [step for _day, step in timeline[position + 1 :] if step not in ASIDE_STEPS]
            final = bool(following) and following[0] == "conclude"
            notes = mediation.session_notes(session_number, final, draw.outcome)
            session = Row(
                held_at=when,
                place=rng.choice(
                    [f"{township.name}人民调解委员会调解室", f"{community[2]}调解室", f"{community[2]}党群服务中心"]
                ),
                attendees="、".join([p["name"] for p in parties] + [staff.mediator.full_name]),
                notes=notes,
                recorded_by_id=staff.mediator.pk,
                created_at=when,
            )
            planned.append(Step("record_session", staff.mediator, when, {"session": session}))
        elif name == "supervise":
            planned.append(Step("supervise", staff.supervisor, when, comment=rng.choice(texts.SUPERVISION_COMMENTS)))
        elif name == "extension_requested":
            reason = rng.choice(texts.EXTENSION_REASONS)
            planned.append(Step("request_extension", staff.mediator, when, {"amount": extension}, reason))
        elif name in ("extension_approved", "extension_rejected"):
            approved = name == "extension_approved"
            comment = rng.choice(texts.EXTENSION_DECISIONS[approved])
            planned.append(Step("approve_extension", staff.approver, when, {"approve": approved}, comment))
        elif name == "conclude":
            result = mediation.result(draw, staff.mediator, when, (title, terms, parties), amounts)
            planned.append(Step("conclude", staff.mediator, when, {"outcome": draw.outcome, "result": result}))
        elif name == "rework":
            comment = rng.choice(texts.REWORK_COMMENTS)
            planned.append(Step("verify", staff.verifier, when, {"passed": False}, comment))
        elif name == "confirm":
            status = ConfirmationStatus.CONFIRMED if rng.random() < 0.85 else ConfirmationStatus.APPLIED
            planned.append(
                Step("request_confirmation", staff.mediator, when, {"court": county.court, "status": status})
            )
        elif name == "verify":
            comment = rng.choice(texts.VERIFY_COMMENTS)
            planned.append(Step("verify", staff.verifier, when, {"passed": True}, comment))
        elif name == "close":
            planned.append(Step("close", staff.verifier, when))
        elif name == "rate":
            satisfaction = mediation.satisfaction(draw.outcome)
            method = rng.choices(FOLLOW_UP_METHODS, weights=[80, 15, 5])[0]
            planned.append(Step("rate", staff.clerk, when, {"satisfaction": satisfaction, "method": method}))
        else:  # pragma: no cover - the timeline names only the steps above
            raise ValueError(name)
    return planned


# --- the dispute handlers (disputes.services), as effects on a plan ---------------------------------


def assign_mediator(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_assign_mediator`: a mediator of an organisation whose jurisdiction covers the case."""
    mediator: Actor = step.data["mediator"]
    if not any(
        m.role == Role.MEDIATOR and plan.case.region_code.startswith(m.organization.region.prefix)
        for m in mediator.active_memberships
    ):
        raise ApplicationError(_("“%(name)s”不是本案件所在地的调解员") % {"name": mediator.username}, field="mediator")
    previous = getattr(plan.case, "assignee", None)
    return Effect(
        DisputeEvent.MEDIATOR_ASSIGNED,
        {
            "mediator": mediator.username,
            "mediator_name": str(mediator),
            "previous": previous.username if previous else "",
        },
        {"assignee_id": mediator.pk, "assignee": mediator},
    )


def record_session(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_record_session`: held no later than now and no earlier than the registration (to the minute);
    the writer puts the session's id in the event (`params["session"]`)."""
    session = step.data["session"]
    held_at = session["held_at"]
    if held_at > step.at:
        raise ApplicationError(_("调解时间不能晚于现在"), field="held_at")
    registered = plan.case.registered_at.astimezone(TZ).replace(second=0, microsecond=0)
    if held_at < registered:
        raise ApplicationError(
            _("调解时间不能早于案件登记时间(%(time)s)") % {"time": f"{registered:%Y-%m-%d %H:%M}"}, field="held_at"
        )
    plan.records.setdefault("sessions", []).append(session)
    return Effect(
        DisputeEvent.SESSION_RECORDED,
        {"held_at": held_at.astimezone(TZ).isoformat()},
        {"sessions": plan.case.sessions + 1},
    )


def conclude(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_conclude`: the mediation result (agreement or failure) by the mediator who concludes."""
    result = step.data["result"]
    plan.records["result"] = result
    return Effect(
        DisputeEvent.CONCLUDED,
        {"outcome": step.data["outcome"], "advised_route": result.get("advised_route", "")},
        {"outcome": step.data["outcome"], "resolved_at": step.at, "resolved_by_id": step.actor.pk},
    )


def request_confirmation(planner: Planner, plan: CasePlan, step: Step) -> Effect:
    """`handle_request_confirmation`: to a court whose jurisdiction covers the case."""
    court = step.data["court"]
    if court.org_type != OrgType.COURT or not plan.case.region_code.startswith(court.region.prefix):
        raise ApplicationError(_("请选择对案件所在地有管辖权的人民法院"), field="court")
    plan.records["confirmation"] = Row(
        court_id=court.pk, applied_by_id=step.actor.pk, applied_at=step.at, status=step.data["status"]
    )
    return Effect(
        DisputeEvent.CONFIRMATION_REQUESTED, {"court": court.code, "court_name": court.name}, {"confirmation": True}
    )


EFFECTS = {
    "assign_mediator": assign_mediator,
    "record_session": record_session,
    "conclude": conclude,
    "request_confirmation": request_confirmation,
}
CONDITIONS: dict[Condition, Condition] = {
    ds.has_session: lambda case: case.sessions > 0,
    ds.is_successful_without_confirmation: lambda case: case.outcome == Outcome.SUCCESS and not case.confirmation,
    ds.is_failed_without_followup: lambda case: case.outcome == Outcome.FAILURE and not case.followup,
}


def dispute_planner(clock: Clock) -> Planner:
    return Planner(KIND, clock, effects=EFFECTS, conditions=CONDITIONS)
