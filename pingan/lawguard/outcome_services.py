"""Writes of 法治护航's outcomes (docs/lawguard.md, "建议、纠纷帮扶、挽回损失与评价"): the risk-prevention
suggestions' lifecycle after issue (accept / decline / implement / verify at the 回访), dispute help (a dispute
opened in the engine for an enterprise), recovered losses with their evidence, and the enterprises' ratings.

Every write checks who acts: the enterprise itself (its portal user) or staff whose jurisdiction covers the
enterprise. A refusal is an ApplicationError (a state that forbids the step: 409); nothing is half-written.
Each step is kept in simple_history and the audit log; a suggestion with a source case also writes an event on
that case's timeline (the event types are registered from lawguard's ready(), `register_events`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.accounts.access import sees_business_data
from pingan.accounts.models import User
from pingan.cases.choices import Channel, PartyRole, PartyType, StateType
from pingan.cases.events import EventSpec, event_record, register_event_types
from pingan.cases.models import Attachment, Case, Category
from pingan.core.audit import audit_log
from pingan.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from pingan.core.models import AuditAction

from .choices import LinkRelation, RecoveryMethod, SuggestionStatus
from .models import Enterprise, EnterpriseAccount, RecoveredLoss, ServiceLink, ServiceRating, Suggestion
from .services import link_case, portal_intake_user

S = SuggestionStatus
MAX_AMOUNT = Decimal("1000000000000")  # ¥10^12: above any enterprise's loss; a typo, not a figure
DISPUTE_KIND = "dispute"

EV_ACCEPTED = "lawguard_sugg_accepted"
EV_DECLINED = "lawguard_sugg_declined"
EV_IMPLEMENTED = "lawguard_sugg_implemented"
EV_VERIFIED = "lawguard_sugg_verified"
EV_REOPENED = "lawguard_sugg_reopened"
EV_DISPUTE_HELP = "lawguard_dispute_help"
EV_LOSS = "lawguard_loss_recorded"
EV_RATED = "lawguard_service_rated"

EVENT_TYPES = (
    EventSpec(EV_ACCEPTED, gettext_lazy("企业采纳风险防范建议")),
    EventSpec(EV_DECLINED, gettext_lazy("企业不采纳风险防范建议")),
    EventSpec(EV_IMPLEMENTED, gettext_lazy("风险防范建议已落实")),
    EventSpec(EV_VERIFIED, gettext_lazy("风险防范建议回访验证")),
    EventSpec(EV_REOPENED, gettext_lazy("回访发现建议未落实")),
    EventSpec(EV_DISPUTE_HELP, gettext_lazy("法治护航纠纷帮扶")),
    EventSpec(EV_LOSS, gettext_lazy("登记挽回损失")),
    EventSpec(EV_RATED, gettext_lazy("企业服务评价")),
)
FINISHED_STATE_TYPES = frozenset({StateType.RESOLVED, StateType.CLOSED})


def register_events() -> None:
    """Called from LawguardConfig.ready(): the timeline events these services write on cases."""
    register_event_types(EVENT_TYPES)


# --- who acts -------------------------------------------------------------------------------------------


def is_staff_for(user: User, enterprise: Enterprise) -> bool:
    """Staff (a business post) whose jurisdiction covers the enterprise."""
    return sees_business_data(user) and user.can_see_code(enterprise.region_code)


def _side(actor: User, enterprise: Enterprise) -> str:
    """ "enterprise" (its own portal user), "staff" (jurisdiction covers it); anyone else: 404 (never
    telling an outsider the record exists)."""
    own = _own_enterprise_id(actor)
    if own is not None:
        if own != enterprise.pk:
            raise NotFoundError(_("记录不存在"))
        return "enterprise"
    if is_staff_for(actor, enterprise):
        return "staff"
    raise NotFoundError(_("记录不存在"))


def _own_enterprise_id(actor: User) -> int | None:
    """The enterprise the actor acts for in the portal (as lawguard.portal.enterprise_of), kept on the user
    object for the rest of its request (a batch of steps by one user asks once)."""
    cache = actor.__dict__
    if "_lawguard_enterprise_id" not in cache:
        cache["_lawguard_enterprise_id"] = (
            EnterpriseAccount.objects.filter(user_id=actor.pk, is_active=True, enterprise__is_active=True)
            .values_list("enterprise_id", flat=True)
            .first()
        )
    return cache["_lawguard_enterprise_id"]


def _text(value: str, field: str, message: str, *, max_length: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(message, field=field)
    if len(value) > max_length:
        raise ApplicationError(_("内容过长(不超过 %(n)s 字)") % {"n": max_length}, field=field)
    return value


# --- suggestions ----------------------------------------------------------------------------------------


def _locked(suggestion: Suggestion) -> Suggestion:
    return (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("enterprise", "source_case")
        .get(pk=suggestion.pk)
    )


def _require(suggestion: Suggestion, allowed: Iterable[str], message: str) -> None:
    if suggestion.status not in set(allowed):
        raise ConflictError(message, code="suggestion_state")


def _suggestion_logged(
    suggestion: Suggestion,
    *,
    actor: User,
    side: str,
    previous: str,
    event: str,
    comment: str,
    at: datetime.datetime,
    reason: str,
) -> None:
    # simple_history's note on the version
    suggestion._change_reason = reason  # type: ignore[attr-defined]
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=suggestion,
        region_code=suggestion.enterprise.region_code,
        changes={"status": [previous, suggestion.status], "by": side, "note": comment[:200]},
    )
    if suggestion.source_case is not None:
        event_record(
            case=suggestion.source_case,
            actor=actor if side == "staff" else None,
            type=event,
            previous=suggestion.source_case.status,
            comment=comment,
            params={"suggestion": suggestion.number, "title": suggestion.title, "by": side},
            at=at,
        )


def _when(at: datetime.datetime | None) -> datetime.datetime:
    at = at or timezone.now()
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ApplicationError(_("时间不能晚于现在"), field="at")
    return at


@transaction.atomic
def suggestion_accept(
    *, actor: User, suggestion: Suggestion, reply: str = "", at: datetime.datetime | None = None
) -> Suggestion:
    """采纳: the enterprise accepts (in the portal, or staff record its answer); its reply is kept."""
    suggestion = _locked(suggestion)
    side = _side(actor, suggestion.enterprise)
    _require(suggestion, {S.ISSUED}, _("只有已发出、尚未答复的建议可以采纳"))
    at = _when(at)
    previous = suggestion.status
    suggestion.status = S.ACCEPTED
    suggestion.enterprise_reply = (reply or "").strip()[:2000]
    suggestion.accepted_at = at
    suggestion.save()
    _suggestion_logged(
        suggestion,
        actor=actor,
        side=side,
        previous=previous,
        event=EV_ACCEPTED,
        comment=suggestion.enterprise_reply,
        at=at,
        reason="accept",
    )
    return suggestion


@transaction.atomic
def suggestion_decline(
    *, actor: User, suggestion: Suggestion, reason: str, at: datetime.datetime | None = None
) -> Suggestion:
    """不采纳: with the enterprise's reason."""
    suggestion = _locked(suggestion)
    side = _side(actor, suggestion.enterprise)
    _require(suggestion, {S.ISSUED}, _("只有已发出、尚未答复的建议可以不采纳"))
    reason = _text(reason, "reason", _("请填写不采纳的理由"))
    at = _when(at)
    previous = suggestion.status
    suggestion.status = S.DECLINED
    suggestion.decline_reason = reason
    suggestion.enterprise_reply = reason
    suggestion.declined_at = at
    suggestion.save()
    _suggestion_logged(
        suggestion,
        actor=actor,
        side=side,
        previous=previous,
        event=EV_DECLINED,
        comment=reason,
        at=at,
        reason="decline",
    )
    return suggestion


@transaction.atomic
def suggestion_implement(
    *,
    actor: User,
    suggestion: Suggestion,
    note: str,
    evidence: Sequence[Attachment] = (),
    at: datetime.datetime | None = None,
) -> Suggestion:
    """已落实: the enterprise reports it done (or staff record it), with what was done; evidence, when given,
    are files of the suggestion's source case."""
    suggestion = _locked(suggestion)
    side = _side(actor, suggestion.enterprise)
    _require(suggestion, {S.ACCEPTED}, _("只有已采纳的建议可以报告落实"))
    note = _text(note, "note", _("请填写落实情况"))
    for attachment in evidence:
        if suggestion.source_case_id is None or attachment.case_id != suggestion.source_case_id:
            raise ApplicationError(_("证明材料须为该建议来源案件的附件"), field="evidence")
    at = _when(at)
    if suggestion.accepted_at and at < suggestion.accepted_at:
        raise ApplicationError(_("落实时间不能早于采纳时间"), field="at")
    previous = suggestion.status
    suggestion.status = S.IMPLEMENTED
    names = "、".join(a.original_name for a in evidence)
    suggestion.implementation_note = note + (f"\n{_('证明材料')}:{names}" if names else "")
    suggestion.implemented_at = at
    suggestion.save()
    _suggestion_logged(
        suggestion,
        actor=actor,
        side=side,
        previous=previous,
        event=EV_IMPLEMENTED,
        comment=note,
        at=at,
        reason="implement",
    )
    return suggestion


@transaction.atomic
def suggestion_verify(
    *,
    actor: User,
    suggestion: Suggestion,
    note: str,
    at: datetime.datetime | None = None,
    implemented: bool = True,
) -> Suggestion:
    """回访验证, by staff of the jurisdiction only, once the enterprise reported it implemented: confirmed
    (→ 回访验证), or found not implemented (→ back to 已采纳, with the note)."""
    suggestion = _locked(suggestion)
    side = _side(actor, suggestion.enterprise)
    if side != "staff":
        raise PermissionDeniedError(_("回访验证由工作站或辖区工作人员进行"))
    _require(suggestion, {S.IMPLEMENTED}, _("建议尚未报告落实,不能回访验证"))
    note = _text(note, "note", _("请填写回访情况"))
    at = _when(at)
    if suggestion.implemented_at and at < suggestion.implemented_at:
        raise ApplicationError(_("回访时间不能早于落实时间"), field="at")
    previous = suggestion.status
    suggestion.verification_note = note
    suggestion.verified_by = actor
    suggestion.verified_at = at
    if implemented:
        suggestion.status = S.VERIFIED
        event = EV_VERIFIED
    else:
        suggestion.status = S.ACCEPTED
        suggestion.implemented_at = None
        event = EV_REOPENED
    suggestion.save()
    _suggestion_logged(
        suggestion,
        actor=actor,
        side=side,
        previous=previous,
        event=event,
        comment=note,
        at=at,
        reason="verify" if implemented else "not_implemented",
    )
    return suggestion


# --- dispute help ---------------------------------------------------------------------------------------


def _dispute_category(category: Category | str) -> Category:
    if isinstance(category, Category):
        return category
    found = Category.objects.filter(kind=DISPUTE_KIND, code=category, is_active=True).first()
    if found is None:
        raise ApplicationError(_("纠纷类别无效"), field="category")
    return found


@transaction.atomic
def dispute_help_open(
    *,
    actor: User,
    enterprise: Enterprise,
    counterparty: Mapping[str, Any],
    title: str,
    description: str,
    category: Category | str,
    channel: str = "",
    address: str = "",
    attachments: Iterable[File[Any]] = (),
    registered_at: datetime.datetime | None = None,
) -> Case:
    """申请纠纷化解: a dispute in the engine's loop (kind "dispute"), the enterprise the applicant (an
    organisation, with its legal representative), the other side the respondent, in the enterprise's
    region; linked to the enterprise (relation dispute). From the portal it is registered through the
    workstation's intake account (lawguard.services.portal_intake_user); the enterprise user is named on the
    case's timeline."""
    side = _side(actor, enterprise)
    other_name = str(counterparty.get("name") or "").strip()
    if not other_name:
        raise ApplicationError(_("请填写对方当事人名称"), field="counterparty")
    party_type = counterparty.get("party_type") or PartyType.ORGANIZATION
    if party_type not in PartyType.values:
        raise ApplicationError(_("对方当事人类型无效"), field="counterparty")
    respondent: dict[str, Any] = {
        "name": other_name,
        "role": PartyRole.RESPONDENT,
        "party_type": party_type,
        "phone": str(counterparty.get("phone") or "").strip(),
        "address": str(counterparty.get("address") or "").strip(),
    }
    if party_type == PartyType.ORGANIZATION:
        respondent["legal_representative"] = str(counterparty.get("legal_representative") or "").strip()
    applicant = {
        "name": enterprise.name,
        "role": PartyRole.APPLICANT,
        "party_type": PartyType.ORGANIZATION,
        "address": enterprise.address,
        "legal_representative": enterprise.legal_representative,
    }
    engine_actor = portal_intake_user(enterprise) if side == "enterprise" else actor
    case = case_register_dispute(
        actor=engine_actor,
        category=_dispute_category(category),
        title=_text(title, "title", _("请填写纠纷标题"), max_length=100),
        description=_text(description, "description", _("请填写纠纷情况"), max_length=5000),
        channel=channel or (Channel.ONLINE if side == "enterprise" else Channel.VISIT),
        region=enterprise.region,
        address=address or enterprise.address,
        parties=[applicant, respondent],
        attachments=attachments,
        registered_at=registered_at,
    )
    link_case(enterprise=enterprise, case=case, relation=LinkRelation.DISPUTE)
    event_record(
        case=case,
        actor=actor if side == "staff" else None,
        type=EV_DISPUTE_HELP,
        previous=case.status,
        at=case.registered_at,
        params={
            "enterprise": enterprise.name,
            "by": side,
            "requested_by": actor.full_name or actor.get_username(),
        },
    )
    return case


def case_register_dispute(**kwargs: Any) -> Case:
    from pingan.cases.services import case_register

    return case_register(kind=DISPUTE_KIND, **kwargs)


# --- recovered losses -----------------------------------------------------------------------------------


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("金额格式无效"), field="amount") from None
    if not amount.is_finite() or amount <= 0:
        raise ApplicationError(_("挽回金额须大于 0"), field="amount")
    if amount > MAX_AMOUNT:
        raise ApplicationError(_("挽回金额超出合理范围(不超过 1 万亿元)"), field="amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError(_("金额最多两位小数(分)"), field="amount")
    return amount.quantize(Decimal("0.01"))


def _loss_fields(
    *, amount: Any, method: str, recovered_on: datetime.date, description: str, today: datetime.date
) -> dict[str, Any]:
    if method not in RecoveryMethod.values:
        raise ApplicationError(_("挽回方式无效"), field="method")
    if not isinstance(recovered_on, datetime.date):
        raise ApplicationError(_("请填写挽回日期"), field="recovered_on")
    if recovered_on > today:
        raise ApplicationError(_("挽回日期不能晚于今天"), field="recovered_on")
    return {
        "amount": _amount(amount),
        "method": method,
        "recovered_on": recovered_on,
        "description": _text(description, "description", _("请填写情况说明")),
    }


def _staff_only(actor: User, enterprise: Enterprise) -> None:
    if _side(actor, enterprise) != "staff":
        raise PermissionDeniedError(_("挽回损失由工作站或辖区工作人员登记"))


@transaction.atomic
def recovered_loss_record(
    *,
    actor: User,
    enterprise: Enterprise,
    case: Case,
    amount: Any,
    method: str,
    recovered_on: datetime.date,
    description: str,
    evidence: Sequence[Attachment],
    recorded_at: datetime.datetime | None = None,
) -> RecoveredLoss:
    """登记挽回损失: the case must concern the enterprise (a ServiceLink), the evidence (at least one file)
    must be files of that case, the amount a positive sum of yuan (≤ 10^12, to the fen), the date not in the
    future."""
    _staff_only(actor, enterprise)
    recorded_at = recorded_at or timezone.now()
    link = ServiceLink.objects.filter(enterprise=enterprise, case=case).select_related("workstation").first()
    if link is None:
        raise ApplicationError(_("该案件与该企业无关联,不能登记挽回损失"), field="case")
    fields = _loss_fields(
        amount=amount,
        method=method,
        recovered_on=recovered_on,
        description=description,
        today=timezone.localtime(recorded_at).date(),
    )
    evidence = list(evidence)
    if not evidence:
        raise ApplicationError(_("请提供证明材料(该案件的附件)"), field="evidence")
    if any(attachment.case_id != case.pk for attachment in evidence):
        raise ApplicationError(_("证明材料须为该案件的附件"), field="evidence")
    loss = RecoveredLoss.objects.create(
        enterprise=enterprise,
        case=case,
        workstation=link.workstation or enterprise.workstation,
        recorded_by=actor,
        recorded_at=recorded_at,
        **fields,
    )
    loss.evidence.set(evidence)
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=loss,
        region_code=enterprise.region_code,
        changes={"amount": str(loss.amount), "method": loss.method, "case": case.number},
    )
    event_record(
        case=case,
        actor=actor,
        type=EV_LOSS,
        previous=case.status,
        at=recorded_at,
        params={"amount": str(loss.amount), "method": loss.method, "enterprise": enterprise.name},
    )
    return loss


@transaction.atomic
def recovered_loss_correct(*, actor: User, loss: RecoveredLoss, reason: str, **changes: Any) -> RecoveredLoss:
    """更正: amount, method, date or description, with a reason (kept on the version in history)."""
    loss = RecoveredLoss.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=loss.pk)
    _staff_only(actor, loss.enterprise)
    reason = _text(reason, "reason", _("请填写更正理由"), max_length=100)
    unknown = set(changes) - {"amount", "method", "recovered_on", "description"}
    if unknown:
        raise ApplicationError(_("不能更正该字段"), field=sorted(unknown)[0])
    current = {f: getattr(loss, f) for f in ("amount", "method", "recovered_on", "description")}
    fields = _loss_fields(**{**current, **changes}, today=timezone.localdate())
    before = {k: str(v) for k, v in current.items() if fields[k] != v}
    for name, value in fields.items():
        setattr(loss, name, value)
    loss._change_reason = reason  # type: ignore[attr-defined]
    loss.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=loss,
        reason=reason,
        region_code=loss.enterprise.region_code,
        changes={k: [v, str(fields[k])] for k, v in before.items()},
    )
    return loss


@transaction.atomic
def recovered_loss_void(*, actor: User, loss: RecoveredLoss, reason: str) -> None:
    """作废: the record leaves the ledger; its history keeps it, with the reason, and the audit log too."""
    loss = RecoveredLoss.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=loss.pk)
    _staff_only(actor, loss.enterprise)
    reason = _text(reason, "reason", _("请填写作废理由"), max_length=100)
    audit_log(
        actor=actor,
        action=AuditAction.DELETE,
        obj=loss,
        reason=reason,
        region_code=loss.enterprise.region_code,
        changes={"amount": str(loss.amount), "case_id": loss.case_id},
    )
    loss._change_reason = reason  # type: ignore[attr-defined]
    loss.delete()


# --- ratings --------------------------------------------------------------------------------------------


def is_finished(case: Case) -> bool:
    """A service the enterprise may rate: answered/served (resolved) or closed, whatever its kind."""
    return case.state_type in FINISHED_STATE_TYPES or case.closed_at is not None


@transaction.atomic
def service_rate(
    *,
    actor: User,
    enterprise: Enterprise,
    case: Case,
    score: int,
    comment: str = "",
    rated_at: datetime.datetime | None = None,
) -> ServiceRating:
    """服务评价: the enterprise (or staff recording its answer) rates a finished service of its own, once."""
    side = _side(actor, enterprise)
    if not ServiceLink.objects.filter(enterprise=enterprise, case=case).exists():
        raise NotFoundError(_("记录不存在"))
    if not is_finished(case):
        raise ConflictError(_("服务尚未办结,办结后才能评价"), code="not_finished")
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise ApplicationError(_("评分须为 1–5 分"), field="score") from None
    if not 1 <= score <= 5:
        raise ApplicationError(_("评分须为 1–5 分"), field="score")
    if ServiceRating.objects.select_for_update().filter(enterprise=enterprise, case=case).exists():
        raise ConflictError(_("该服务已评价,每项服务只能评价一次"), code="already_rated")
    rated_at = rated_at or timezone.now()
    rating = ServiceRating.objects.create(
        enterprise=enterprise,
        case=case,
        score=score,
        comment=(comment or "").strip()[:2000],
        rated_by=actor,
        rated_at=rated_at,
    )
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=rating,
        region_code=enterprise.region_code,
        changes={"score": score, "case": case.number, "by": side},
    )
    event_record(
        case=case, actor=None, type=EV_RATED, previous=case.status, at=rated_at, params={"score": score, "by": side}
    )
    return rating


# --- the 回访 reminder ----------------------------------------------------------------------------------


def revisit_sweep(*, today: datetime.date | None = None) -> int:
    """回访提醒 (run daily by the scheduler, `manage.py lawguard_revisit_sweep`): every open suggestion
    (accepted or implemented) whose 回访 date is today tells the members of its workstation, once (a second
    run the same day finds the message and writes nothing). The engine's notifications name a case: a
    suggestion without a source case is listed on the page's 待回访 view only. Returns how many suggestions."""
    from pingan.accounts.models import Membership
    from pingan.cases.models import Notification
    from pingan.cases.tasks import NOTIFIED_ROLES

    today = today or timezone.localdate()
    due = list(
        Suggestion.objects.filter(
            status__in=[S.ACCEPTED, S.IMPLEMENTED],
            revisit_on=today,
            source_case__isnull=False,
            workstation__isnull=False,
        ).select_related("workstation")
    )
    if not due:
        return 0
    members: dict[int, set[int]] = {}
    for org_id, user_id in Membership.objects.filter(
        organization_id__in={s.workstation.organization_id for s in due if s.workstation},
        is_active=True,
        role__in=NOTIFIED_ROLES,
    ).values_list("organization_id", "user_id"):
        members.setdefault(org_id, set()).add(user_id)
    wanted = []
    for s in due:
        if s.workstation is None or s.source_case_id is None:
            continue
        message = _("风险防范建议 %(number)s 今日(%(day)s)到回访日期,请回访验证") % {
            "number": s.number,
            "day": today.isoformat(),
        }
        for user_id in sorted(members.get(s.workstation.organization_id, set())):
            wanted.append(Notification(user_id=user_id, case_id=s.source_case_id, message=message))
    sent = set(Notification.objects.filter(message__in={n.message for n in wanted}).values_list("user_id", "message"))
    Notification.objects.bulk_create([n for n in wanted if (n.user_id, n.message) not in sent])
    return len(due)
