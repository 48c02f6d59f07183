"""Dispute-specific actions: assign a mediator, record sessions, conclude, judicial confirmation, and
the follow-up case when mediation fails."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.cases.choices import Channel, Outcome, PartyRole
from pingan.cases.models import Case, Party
from pingan.cases.parties import PartyInput, party_values
from pingan.cases.services import can_unmask, case_register
from pingan.cases.workflows import Effect, Transition
from pingan.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from pingan.regions.choices import OrgType
from pingan.regions.models import Organization

from .choices import KIND, DisputeEvent
from .models import JudicialConfirmation, MediationResult, MediationSession


def intake_check(*, parties: Sequence[PartyInput], **kwargs: Any) -> None:
    """A dispute is between people: the intake names at least one party."""
    if not parties:
        raise ApplicationError(_("矛盾纠纷至少需要一名当事人"), field="parties")


def agreement_download(*, case: Case, actor: User) -> tuple[str, bytes]:
    """The 调解协议书 of a successful mediation as (filename, DOCX bytes). It carries the parties' personal
    data in full, so only those who may unmask it get it, and every download is logged."""
    from pingan.core.audit import audit_log
    from pingan.core.models import AuditAction

    from . import documents

    if case.kind != KIND or case.outcome != Outcome.SUCCESS:
        raise NotFoundError(_("本案件没有调解协议书"))
    if not can_unmask(case, actor):
        raise PermissionDeniedError(_("调解协议书含完整个人信息,您无权下载"))
    content, filename = documents.agreement_docx(case), documents.agreement_filename(case)
    audit_log(
        actor=actor,
        action=AuditAction.DOWNLOAD,
        obj=case,
        changes={"document": "mediation_agreement", "filename": filename},
    )
    return filename, content


def mediators_for(case: Case) -> list[User]:
    """Active users holding the mediator role in an organisation whose jurisdiction covers the case."""
    from pingan.accounts.models import Membership

    memberships = Membership.objects.filter(
        role=Role.MEDIATOR, is_active=True, organization__is_active=True, user__is_active=True
    ).select_related("organization__region", "user")
    return sorted(
        {m.user for m in memberships if case.region_code.startswith(m.organization.region.prefix)},
        key=lambda u: u.username,
    )


def handle_assign_mediator(*, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect:
    mediator = next((u for u in mediators_for(case) if u.username == data["mediator"]), None)
    if mediator is None:
        raise ApplicationError(_("“%(name)s”不是本案件所在地的调解员") % {"name": data["mediator"]}, field="mediator")
    previous = case.assignee
    case.assignee = mediator
    return Effect(
        DisputeEvent.MEDIATOR_ASSIGNED,
        {
            "mediator": mediator.username,
            "mediator_name": str(mediator),
            "previous": previous.username if previous else "",
        },
    )


def handle_record_session(*, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect:
    held_at = data["held_at"]
    if held_at > timezone.now():
        raise ApplicationError(_("调解时间不能晚于现在"), field="held_at")
    # The form takes minutes: a session in the minute the case was registered is not "before" it.
    registered = timezone.localtime(case.registered_at).replace(second=0, microsecond=0)
    if held_at < registered:
        raise ApplicationError(
            _("调解时间不能早于案件登记时间(%(time)s)") % {"time": f"{registered:%Y-%m-%d %H:%M}"},
            field="held_at",
        )
    session = MediationSession.objects.create(
        case=case,
        held_at=data["held_at"],
        place=data.get("place", ""),
        online_link=data.get("online_link", ""),
        attendees=data["attendees"],
        notes=data["notes"],
        recorded_by=actor,
    )
    return Effect(
        DisputeEvent.SESSION_RECORDED,
        {"session": session.pk, "held_at": timezone.localtime(session.held_at).isoformat()},
        notify_org=False,
    )


def has_session(case: Case) -> bool:
    return case.sessions.exists()


def agreement_number(case: Case) -> str:
    return f"{case.number}-XY"


def agreement_parties(case: Case) -> list[Party]:
    """The parties to the 调解协议书: everyone but a 反映人, who reported the dispute without being in it."""
    return [party for party in case.parties.all() if party.role != PartyRole.REPORTER]


def party_gaps(party: Party) -> list[str]:
    """The basic details (人民调解法 第二十九条(一)) the agreement must state and the record lacks.

    A person: 性别 and 出生日期 (both read from an 18-digit ID number), 民族, and 住址 or 工作单位 (the law's
    "单位或住址"); 职业 is stated when known. An organisation: 住所 and 法定代表人. Why these: docs/disputes.md."""
    if not party.is_person:
        return [
            label
            for label, value in ((_("住所"), party.address), (_("法定代表人"), party.legal_representative))
            if not value
        ]
    return [
        label
        for label, present in (
            (_("性别"), party.gender),
            (_("出生日期"), party.birth_date),
            (_("民族"), party.ethnicity),
            (_("住址或工作单位"), party.address or party.employer),
        )
        if not present
    ]


def _check_agreement_parties(parties: list[Party], responsibilities: dict[str, str]) -> None:
    errors: dict[str, list[str]] = {}
    for party in parties:
        who = f"{party.get_role_display()}{party.masked['name']}"
        gaps = party_gaps(party)
        if gaps:
            errors.setdefault("parties", []).append(
                _("%(who)s缺少%(gaps)s") % {"who": who, "gaps": "、".join(str(g) for g in gaps)}
            )
        if not responsibilities.get(str(party.pk)):
            errors.setdefault("responsibilities", []).append(_("请填写%(who)s的责任") % {"who": who})
    unknown = set(responsibilities) - {str(party.pk) for party in parties}
    if unknown:
        errors.setdefault("responsibilities", []).append(
            _("当事人ID %(ids)s 不是本案协议的当事人") % {"ids": "、".join(sorted(unknown))}
        )
    if "parties" in errors:
        errors["parties"] = [
            _("调解协议书须载明当事人的基本情况,请先补充:%(list)s") % {"list": ";".join(errors["parties"])}
        ]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], fields=errors)


def handle_conclude(*, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect:
    now = timezone.now()
    outcome = data["outcome"]
    success = outcome == Outcome.SUCCESS
    agreement: dict[str, Any] = {
        "disputed_matters": "",
        "responsibilities": {},
        "terms": "",
        "performance_method": "",
        "performance_detail": "",
        "performance_deadline": None,
        "instalments": [],
    }
    if success:
        _check_agreement_parties(agreement_parties(case), data["responsibilities"])
        agreement.update({name: data[name] for name in agreement})
        agreement["instalments"] = [
            {"due": item["due"].isoformat(), "amount": f"{item['amount']:.2f}"} for item in data["instalments"]
        ]
    MediationResult.objects.update_or_create(
        case=case,
        defaults={
            "outcome": outcome,
            **agreement,
            "amount": data.get("amount"),
            "advised_route": "" if success else data.get("advised_route", ""),
            "agreement_number": agreement_number(case) if success else "",
            "mediator": actor,
            "concluded_at": now,
        },
    )
    case.outcome, case.resolved_at, case.resolved_by = outcome, now, actor
    return Effect(DisputeEvent.CONCLUDED, {"outcome": outcome, "advised_route": data.get("advised_route", "")})


def is_successful_without_confirmation(case: Case) -> bool:
    return case.outcome == Outcome.SUCCESS and not JudicialConfirmation.objects.filter(case=case).exists()


def handle_request_confirmation(*, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect:
    court = Organization.objects.select_related("region").filter(code=data["court"], is_active=True).first()
    if court is None or court.org_type != OrgType.COURT or not case.region_code.startswith(court.region.prefix):
        raise ApplicationError(_("请选择对案件所在地有管辖权的人民法院"), field="court")
    JudicialConfirmation.objects.create(case=case, court=court, applied_by=actor)
    return Effect(
        DisputeEvent.CONFIRMATION_REQUESTED, {"court": court.code, "court_name": court.name}, notify_org=False
    )


def is_failed_without_followup(case: Case) -> bool:
    return case.outcome == Outcome.FAILURE and not case.children.exists()


def handle_open_followup(*, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect:
    to_org = Organization.objects.select_related("region").filter(code=data["to_org"], is_active=True).first()
    if to_org is None or not case.region_code.startswith(to_org.region.prefix):
        raise ApplicationError(_("承接单位不存在或对案件所在地没有管辖权"), field="to_org")
    route = getattr(getattr(case, "mediation", None), "advised_route", "")
    child = case_register(
        actor=actor,
        kind=KIND,
        category=case.category,
        title=case.title,
        channel=Channel.REFERRAL,
        description=_("由 %(number)s 调解不成转入。%(text)s") % {"number": case.number, "text": case.description},
        region=case.region,
        urgency=case.urgency,
        address=case.address,
        parties=[party_values(p) for p in case.parties.all()],
        parent=case,
        assigned_org=to_org,
    )
    return Effect(
        DisputeEvent.FOLLOWUP_OPENED,
        {"child": child.pk, "child_number": child.number, "to_org": to_org.code, "route": route},
        notify_org=False,
    )
