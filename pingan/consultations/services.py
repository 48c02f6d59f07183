"""Writes of the consultation kind (法律咨询): registering a question through the engine's one door (the
workstation's form, the 12345 hotline form, the enterprise portal, the case API), and the handlers of its
transitions (转交三官一律, 专家会诊, 答复, 办结; 退回补充 is the engine's pause).

The engine calls `intake_check` (an enterprise is required), `intake_route` (the enterprise's workstation) and
`on_register` (the Consultation row and the enterprise's ServiceLink) for a consult case whatever the door, so
`POST /api/v1/cases/` with kind `consult` registers the same consultation as the pages."""

from __future__ import annotations

import contextvars
import datetime
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.models import User
from pingan.cases import services as cs
from pingan.cases import workflows
from pingan.cases.choices import PartyRole, PartyType, Urgency
from pingan.cases.events import event_record
from pingan.cases.models import Case, Category
from pingan.cases.parties import PartyInput
from pingan.core.errors import ApplicationError, ConflictError
from pingan.core.validators import normalize_credit_code
from pingan.lawguard import services as lg
from pingan.lawguard.choices import GuardRole, LinkRelation, ProviderRole, Speciality
from pingan.lawguard.models import Enterprise, Expert, GuardAssignment, ServiceLink, ServiceRating
from pingan.regions.choices import OrgType
from pingan.regions.models import Organization, Region
from pingan.workcalendar.calendar import WorkCalendar

from .choices import (
    ANSWER_RULES,
    ENGINE_CHANNEL,
    FROM_ENGINE_CHANNEL,
    KIND,
    RATING_WINDOW_DAYS,
    ConsultChannel,
    ConsultEvent,
    ConsultState,
)
from .models import Consultation

# --- what the kind's own doors add to the engine's intake ------------------------------------------------


@dataclass
class _Intake:
    """What the kind's services know of a consultation that the engine's intake does not carry."""

    enterprise: Enterprise
    channel: str = ""
    ticket_number: str = ""
    difficult: bool = False
    specialities: list[str] = field(default_factory=list)
    asked_by: User | None = None


_INTAKE: contextvars.ContextVar[_Intake | None] = contextvars.ContextVar("consult_intake", default=None)


@contextmanager
def _intake(details: _Intake) -> Iterator[None]:
    token = _INTAKE.set(details)
    try:
        yield
    finally:
        _INTAKE.reset(token)


def enterprise_lookup(text: str) -> Enterprise | None:
    """An enterprise on the register named by its 统一社会信用代码 or its exact name (None: none, or several
    enterprises of that name)."""
    text = text.strip()
    if not text:
        return None
    try:
        code = normalize_credit_code(text)
    except Exception:  # noqa: BLE001  (not a code: a name)
        code = ""
    if code:
        found = Enterprise.objects.filter(credit_code=code, is_active=True).first()
        if found is not None:
            return found
    named = list(Enterprise.objects.filter(name=text, is_active=True)[:2])
    return named[0] if len(named) == 1 else None


def _enterprise_of(parties: Iterable[PartyInput]) -> Enterprise | None:
    details = _INTAKE.get()
    if details is not None:
        return details.enterprise
    for party in parties:
        if party.party_type == PartyType.ORGANIZATION and party.role == PartyRole.APPLICANT:
            found = enterprise_lookup(party.name)
            if found is not None:
                return found
    return None


def intake_check(*, parties: list[PartyInput], category: Category, channel: str, region: Region) -> None:
    """Workflow.intake_check: a consultation is asked by an enterprise on the register."""
    enterprise = _enterprise_of(parties)
    if enterprise is None:
        raise ApplicationError(
            _("法律咨询须指明咨询企业:请添加一名“法人或其他组织”类申请人,名称填写在册企业的全称或统一社会信用代码"),
            field="parties",
            code="enterprise_required",
        )
    if not region.code.startswith(enterprise.region_code) and not enterprise.region_code.startswith(region.code):
        raise ApplicationError(_("所选区划与企业“%(name)s”的所在地不符") % {"name": enterprise.name}, field="region")


def _station_org(enterprise: Enterprise) -> Organization | None:
    station = enterprise.workstation
    if station is None or not station.is_active or not station.organization.is_active:
        return None
    return station.organization


def expert_team_for(region: Region) -> Organization | None:
    """The legal expert team (法律专家团) nearest above the region: the deepest active team whose region holds it."""
    teams = Organization.objects.filter(org_type=OrgType.EXPERT_TEAM, is_active=True).select_related("region")
    covering = [team for team in teams if region.code.startswith(team.region.prefix)]
    return max(covering, key=lambda team: (team.region.level, team.code), default=None)


def intake_route(*, parties: list[PartyInput], category: Category, region: Region) -> Organization | None:
    """Workflow.intake_route: the enterprise's workstation; without one, the expert team; else the engine's routing."""
    enterprise = _enterprise_of(parties)
    if enterprise is None:
        return None
    details = _INTAKE.get()
    station = _station_org(enterprise)
    if station is not None and not (details and details.difficult):
        return station
    return expert_team_for(enterprise.region)


def on_register(*, case: Case, actor: User, parties: list[PartyInput]) -> None:
    """Workflow.on_register: the consultation's own row and the enterprise's link (the ledger's 法律咨询)."""
    enterprise = _enterprise_of(parties)
    assert enterprise is not None  # intake_check refused it otherwise
    details = _INTAKE.get() or _Intake(enterprise=enterprise)
    channel = details.channel or FROM_ENGINE_CHANNEL.get(case.channel, ConsultChannel.WORKSTATION)
    Consultation.objects.create(
        case=case,
        enterprise=enterprise,
        question=case.description,
        channel=channel,
        ticket_number=details.ticket_number,
        difficult=details.difficult,
        specialities=details.specialities,
        asked_by=details.asked_by,
    )
    lg.link_case(enterprise=enterprise, case=case, relation=LinkRelation.CONSULTATION)


# --- registering ------------------------------------------------------------------------------------------


def default_category() -> Category:
    category = Category.objects.filter(kind=KIND, is_active=True).order_by("sort_order", "code").first()
    if category is None:
        raise ApplicationError(_("尚未设置法律咨询的类别,请联系管理员"), field="category")
    return category


def _specialities_clean(values: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(value) for value in values if str(value)))
    unknown = [value for value in chosen if value not in Speciality.values]
    if unknown:
        raise ApplicationError(_("涉及领域无效:%(values)s") % {"values": "、".join(unknown)}, field="specialities")
    return chosen


def _title(enterprise: Enterprise, question: str) -> str:
    first = " ".join(question.strip().splitlines()[0].split()) if question.strip() else ""
    text = first if len(first) <= 40 else first[:39] + "…"
    return f"{enterprise.name[:40]}:{text}"[: Case._meta.get_field("title").max_length]


@transaction.atomic
def consultation_register(
    *,
    actor: User,
    enterprise: Enterprise,
    question: str,
    channel: str,
    urgency: str = Urgency.NORMAL,
    specialities: Iterable[str] = (),
    ticket_number: str = "",
    caller_name: str = "",
    caller_phone: str = "",
    difficult: bool = False,
    asked_by: User | None = None,
    registered_at: datetime.datetime | None = None,
) -> Case:
    """Register a consultation through the engine: the enterprise as the case's party (法人, 申请人), the 12345
    caller as a party too (反映人, phone encrypted), routed to the enterprise's workstation — or to the expert
    team when the question is marked 疑难 or the enterprise has no workstation."""
    question = question.strip()
    if not question:
        raise ApplicationError(_("请填写咨询问题"), field="question")
    if channel not in ConsultChannel.values:
        raise ApplicationError(_("咨询渠道无效"), field="channel")
    ticket_number = ticket_number.strip()
    if channel == ConsultChannel.HOTLINE and not ticket_number:
        raise ApplicationError(_("12345 热线转来的咨询须填写工单号"), field="ticket_number")
    if ticket_number and Consultation.objects.filter(ticket_number=ticket_number).exists():
        raise ConflictError(
            _("工单号“%(number)s”已登记,请勿重复登记") % {"number": ticket_number}, field="ticket_number"
        )
    parties: list[dict[str, Any]] = [
        {
            "name": enterprise.name,
            "party_type": PartyType.ORGANIZATION,
            "role": PartyRole.APPLICANT,
            "address": enterprise.address,
            "legal_representative": enterprise.legal_representative,
        }
    ]
    if caller_name.strip() or caller_phone.strip():
        if not caller_name.strip():
            raise ApplicationError(_("请填写来电人姓名"), field="caller_name")
        parties.append({"name": caller_name, "phone": caller_phone, "role": PartyRole.REPORTER})
    details = _Intake(
        enterprise=enterprise,
        channel=channel,
        ticket_number=ticket_number,
        difficult=difficult,
        specialities=_specialities_clean(specialities),
        asked_by=asked_by,
    )
    with _intake(details):
        case = cs.case_register(
            actor=actor,
            kind=KIND,
            category=default_category(),
            title=_title(enterprise, question),
            description=question,
            channel=ENGINE_CHANNEL[channel],
            region=enterprise.region,
            urgency=urgency,
            address=enterprise.address,
            parties=parties,
            registered_at=registered_at,
        )
    if asked_by is not None:
        event_record(
            case=case,
            actor=None,
            type=ConsultEvent.ASKED,
            previous=case.status,
            at=case.registered_at,
            params={"consult_asked_by": asked_by.full_name or asked_by.username, "consult_enterprise": enterprise.name},
        )
    return case


# --- the clocks ------------------------------------------------------------------------------------------


def answer_rule(case: Case) -> tuple[int, str] | None:
    """答复时限 (ClockSpec.rule_for of the `answer` clock): by the case's urgency (choices.ANSWER_RULES)."""
    return ANSWER_RULES.get(case.urgency)


# --- who answers -----------------------------------------------------------------------------------------


def current_guards(enterprise: Enterprise) -> dict[str, GuardAssignment]:
    """The enterprise's current 三官一律, by role."""
    return {
        guard.role: guard
        for guard in GuardAssignment.objects.filter(enterprise=enterprise, ended_on__isnull=True).select_related("user")
    }


def default_role(user: User, enterprise: Enterprise) -> str:
    """The role a user answers in, by default: their current 三官一律 post with the enterprise, an expert of the
    team, else the workstation's staff."""
    guard = (
        GuardAssignment.objects.filter(enterprise=enterprise, user=user, ended_on__isnull=True)
        .values_list("role", flat=True)
        .first()
    )
    if guard:
        return str(guard)
    if Expert.objects.filter(user=user, is_active=True).exists():
        return ProviderRole.EXPERT
    return ProviderRole.STAFF


def _consultation(case: Case) -> Consultation:
    return Consultation.objects.select_for_update().select_related("enterprise").get(pk=case.pk)


def has_guard_accounts(case: Case) -> bool:
    return GuardAssignment.objects.filter(
        enterprise__consultations=case.pk, ended_on__isnull=True, user__isnull=False, user__is_active=True
    ).exists()


def handle_hand_to_guard(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """转交三官一律: the question goes to the enterprise's current judge, prosecutor, police officer or lawyer
    (their account is the case's assignee, who may then answer it)."""
    consultation = _consultation(case)
    guard = current_guards(consultation.enterprise).get(data["role"])
    if guard is None or guard.user is None or not guard.user.is_active:
        raise ApplicationError(
            _("该企业当前没有在岗的%(role)s,或其未开通系统账号") % {"role": GuardRole(data["role"]).label},
            field="role",
        )
    case.assignee = guard.user
    return workflows.Effect(
        ConsultEvent.HANDED,
        {"consult_role": data["role"], "consult_person": guard.user.full_name or guard.person_name},
    )


def has_experts(case: Case) -> bool:
    return Expert.objects.filter(is_active=True).exists()


def handle_escalate(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """专家会诊: the question goes to the expert team (its organisation), to the expert chosen (the assignee)."""
    consultation = _consultation(case)
    expert = Expert.objects.select_related("team", "user").filter(pk=data["expert"], is_active=True).first()
    if expert is None:
        raise ApplicationError(_("专家不存在或已不在库"), field="expert")
    workflows.get(case.kind).org_check(expert.team)
    case.assigned_org = expert.team
    case.assignee = expert.user if expert.user is not None and expert.user.is_active else None
    consultation.escalated_to = expert
    consultation.save(update_fields=["escalated_to"])
    return workflows.Effect(
        ConsultEvent.ESCALATED,
        {"to_org": expert.team.code, "to_org_name": expert.team.name, "consult_expert": expert.name},
    )


def handle_answer(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """答复: the answer, who gave it and in which role (the ledger counts by 三官一律 role). The case returns to
    the enterprise's workstation, which follows up until it is closed."""
    consultation = _consultation(case)
    role = data.get("answered_role") or default_role(actor, consultation.enterprise)
    if role not in ProviderRole.values:
        raise ApplicationError(_("答复人角色无效"), field="answered_role")
    now = timezone.now()
    consultation.answer = data["answer"].strip()
    consultation.answered_by, consultation.answered_role, consultation.answered_at = actor, role, now
    consultation.save(update_fields=["answer", "answered_by", "answered_role", "answered_at"])
    case.resolved_at = now
    link = ServiceLink.objects.filter(enterprise=consultation.enterprise, case=case).first()
    if link is not None:
        lg.link_provider_set(link, provider_role=role, provider_name=(actor.full_name or actor.username)[:50])
    station = _station_org(consultation.enterprise)
    if station is not None and station.pk != case.assigned_org_id:
        case.assigned_org, case.assignee = station, None
    return workflows.Effect(ConsultEvent.ANSWERED, {"consult_role": role})


def handle_close(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """办结: after the enterprise's rating (taken here by the workstation, or given in the portal), or once the
    rating window has passed without one."""
    consultation = _consultation(case)
    score = data.get("score")
    if score:
        ServiceRating.objects.update_or_create(
            case=case,
            enterprise=consultation.enterprise,
            defaults={"score": score, "comment": data.get("comment", ""), "rated_by": actor},
        )
    cs.handle_close(case=case, actor=actor, transition=transition, data=data)
    return workflows.Effect(ConsultEvent.CLOSED, {"on_time": case.on_time, "consult_score": score or ""})


# --- the enterprise's rating and the sweep -------------------------------------------------------------------


@transaction.atomic
def consultation_rate(*, user: User, enterprise: Enterprise, case: Case, score: int, comment: str = "") -> Case:
    """The enterprise rates an answered consultation in the portal (1–5); the consultation is closed through the
    workstation's intake account (the enterprise user is recorded as the rater)."""
    consultation = Consultation.objects.filter(pk=case.pk, enterprise=enterprise).first()
    if consultation is None:
        raise ApplicationError(_("咨询不存在"), field="case")
    if case.status != ConsultState.ANSWERED:
        raise ConflictError(_("只有已答复、尚未办结的咨询可以评价"))
    if not 1 <= int(score) <= 5:
        raise ApplicationError(_("评分须为 1–5 分"), field="score")
    case = cs.case_transition(
        case=case, actor=lg.portal_intake_user(enterprise), action="close", data={"score": score, "comment": comment}
    )
    ServiceRating.objects.filter(case=case, enterprise=enterprise).update(rated_by=user)
    return case


def closing_due_before(now: datetime.datetime) -> datetime.datetime:
    """Answers given before this moment have waited RATING_WINDOW_DAYS working days for a rating."""
    calendar = WorkCalendar()
    day, counted = timezone.localdate(now), 0
    while counted < RATING_WINDOW_DAYS:
        day -= datetime.timedelta(days=1)
        counted += calendar.is_workday(day)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def consultations_autoclose(*, now: datetime.datetime | None = None) -> int:
    """办结 the answered consultations whose rating window has passed without a rating, through the workstation's
    intake account. Returns how many were closed."""
    now = now or timezone.now()
    before = closing_due_before(now)
    due = Case.objects.filter(kind=KIND, status=ConsultState.ANSWERED, consultation__answered_at__lt=before).filter(
        ~Q(consultation__enterprise__workstation=None)
    )
    closed = 0
    for case in due.select_related("consultation__enterprise").order_by("pk"):
        cs.case_transition(
            case=case,
            actor=lg.portal_intake_user(case.consultation.enterprise),
            action="close",
            data={"comment": _("答复后 %(days)s 个工作日未评价,自动办结") % {"days": RATING_WINDOW_DAYS}},
        )
        closed += 1
    return closed


def enterprise_for(user: User, text: str) -> Enterprise:
    """The enterprise a staff member or a 12345 operator names (full name or credit code), inside their
    jurisdiction; otherwise a 400 on `enterprise` that says nothing of enterprises elsewhere."""
    found = enterprise_lookup(text)
    if found is None or not user.can_see_code(found.region_code):
        raise ApplicationError(
            _("未找到企业“%(text)s”,或该企业不在您的辖区内:请填写企业全称或统一社会信用代码") % {"text": text.strip()},
            field="enterprise",
        )
    return found
