"""Writes of the legal-service kind: registering a service (a portal booking, a workstation's offer), and
the handlers of its transitions (the 体检's self-check, check, findings, report draft, review, issue; the
other services' start and finish). Every step is an engine transition (workflow.py); this module is what
they do. The report's documents are made by documents.py."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.models import User
from pingan.cases import clocks, workflows
from pingan.cases import services as cs
from pingan.cases.choices import Channel
from pingan.cases.models import Case, Category
from pingan.core.errors import ApplicationError
from pingan.lawguard import services as lawguard
from pingan.lawguard.choices import LinkRelation, ProviderRole, Severity
from pingan.lawguard.models import Enterprise, Expert, ServiceLink

from .choices import CHECKUP, KIND, REVISIT_AFTER_DAYS, Answer, Origin, ServiceEvent, Slot
from .models import CheckItem, ChecklistItem, ChecklistTemplate, Finding, LegalService

# --- checklists ------------------------------------------------------------------------------------


def templates_for(industry: str) -> list[ChecklistTemplate]:
    """The active checklists a 体检 of an enterprise in `industry` uses: the general ones (no industry
    listed) first, then those naming the industry."""
    templates = list(ChecklistTemplate.objects.filter(is_active=True).order_by("id"))
    general = [t for t in templates if not t.industries]
    special = [t for t in templates if t.industries and industry in t.industries]
    return general + special


@transaction.atomic
def checklist_item_save(
    *,
    template: ChecklistTemplate,
    area: str,
    question: str,
    legal_basis: str,
    suggestion: str = "",
    item: ChecklistItem | None = None,
) -> ChecklistItem:
    """Add or change an item of a checklist; the template's version goes up (running 体检 keep their copy)."""
    if not question.strip():
        raise ApplicationError(_("请填写检查事项"), field="question")
    if not legal_basis.strip():
        raise ApplicationError(_("请填写法律依据"), field="legal_basis")
    item = item or ChecklistItem(template=template, sort_order=template.items.count() + 1)
    item.area, item.question, item.legal_basis, item.suggestion = (
        area,
        question.strip(),
        legal_basis.strip(),
        suggestion,
    )
    item.full_clean(exclude=["template"])
    item.save()
    ChecklistTemplate.objects.filter(pk=template.pk).update(version=template.version + 1)
    return item


def _copy_checklist(service: LegalService) -> None:
    templates = templates_for(service.enterprise.industry)
    if not templates:
        raise ApplicationError(_("尚无可用的体检清单,请先在后台维护体检清单"), field="category")
    own = templates[-1]
    service.template, service.template_version = own, own.version
    service.save(update_fields=["template", "template_version"])
    items = ChecklistItem.objects.filter(template__in=templates).order_by("template_id", "sort_order", "id")
    CheckItem.objects.bulk_create(
        CheckItem(
            service=service,
            area=item.area,
            question=item.question,
            legal_basis=item.legal_basis,
            suggestion=item.suggestion,
            sort_order=order,
        )
        for order, item in enumerate(items, start=1)
    )


# --- registering a service ---------------------------------------------------------------------------


def is_checkup(case: Case) -> bool:
    return case.category.code == CHECKUP


@transaction.atomic
def service_register(
    *,
    actor: User,
    enterprise: Enterprise,
    category: Category,
    origin: str,
    booked_by: User | None = None,
    wished_date: datetime.date | None = None,
    wished_slot: str = "",
    concerns: str = "",
    registered_at: datetime.datetime | None = None,
) -> Case:
    """Register a legal service for `enterprise` with the engine (assigned to the enterprise's workstation),
    its LegalService row, the enterprise link (relation SERVICE); a 体检 copies its checklist now."""
    station = enterprise.workstation
    if station is None or not station.is_active:
        raise ApplicationError(_("该企业尚无服务工作站"), field="enterprise")
    if origin not in Origin.values:
        raise ApplicationError(_("服务来源无效"), field="origin")
    if wished_slot and wished_slot not in Slot.values:
        raise ApplicationError(_("期望时段无效"), field="wished_slot")
    when = registered_at or timezone.now()
    if wished_date is not None and wished_date < timezone.localtime(when).date():
        raise ApplicationError(_("期望日期不能早于今天"), field="wished_date")
    if len(concerns) > 2000:
        raise ApplicationError(_("关注事项不能超过 2000 字"), field="concerns")
    case = cs.case_register(
        actor=actor,
        kind=KIND,
        category=category,
        title=f"{category.name}·{enterprise.name}"[:100],
        description=concerns.strip()
        or _("为%(name)s提供%(service)s") % {"name": enterprise.name, "service": category.name},
        channel=Channel.ONLINE if origin == Origin.PORTAL else Channel.VISIT,
        region=enterprise.region,
        address=enterprise.address,
        assigned_org=station.organization,
        registered_at=registered_at,
    )
    service = LegalService.objects.create(
        case=case,
        enterprise=enterprise,
        origin=origin,
        booked_by=booked_by,
        wished_date=wished_date,
        wished_slot=wished_slot,
        concerns=concerns.strip(),
    )
    lawguard.link_case(enterprise=enterprise, case=case, relation=LinkRelation.SERVICE)
    if category.code == CHECKUP:
        _copy_checklist(service)
    return case


def checkup_category() -> Category:
    return Category.objects.get(code=CHECKUP)


def portal_book(
    *, user: User, enterprise: Enterprise, wished_date: datetime.date, wished_slot: str = "", concerns: str = ""
) -> Case:
    """预约法治体检 from the portal: registered through the workstation's intake account (the engine's actor);
    the enterprise user is recorded as who booked."""
    return service_register(
        actor=lawguard.portal_intake_user(enterprise),
        enterprise=enterprise,
        category=checkup_category(),
        origin=Origin.PORTAL,
        booked_by=user,
        wished_date=wished_date,
        wished_slot=wished_slot,
        concerns=concerns,
    )


def portal_self_check(*, user: User, enterprise: Enterprise, case: Case, answers: Mapping[str, Any]) -> Case:
    """The enterprise's self-check from the portal: the `self_check` transition, taken by the intake account."""
    if not LegalService.objects.filter(pk=case.pk, enterprise=enterprise).exists():
        raise ApplicationError(_("体检不存在"), field="case")
    return cs.case_transition(
        case=case,
        actor=lawguard.portal_intake_user(enterprise),
        action="self_check",
        data={"answers": answers, "filled_by": user.pk},
    )


# --- conditions ----------------------------------------------------------------------------------------


def _service(case: Case) -> LegalService:
    return LegalService.objects.get(pk=case.pk)


def all_checked(case: Case) -> bool:
    return not CheckItem.objects.filter(service_id=case.pk, answer="").exists()


def awaiting_review(case: Case) -> bool:
    service = _service(case)
    return service.drafted_at is not None and not service.is_approved


def approved(case: Case) -> bool:
    return _service(case).is_approved


def not_checkup(case: Case) -> bool:
    return not is_checkup(case)


def has_findings(case: Case) -> bool:
    return Finding.objects.filter(service_id=case.pk).exists()


# --- handlers ------------------------------------------------------------------------------------------


def _answers_apply(case: Case, answers: Mapping[str, Any], *, own: bool) -> int:
    """Write checklist answers {item id: {"answer": yes|no|na, "note": …}}; `own` for the self-check. One
    update per distinct (answer, note), so a checklist answered mostly 符合 costs a couple of statements."""
    known = set(CheckItem.objects.filter(service_id=case.pk).values_list("pk", flat=True))
    groups: dict[tuple[str, str], list[int]] = {}
    for key, value in answers.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = 0
        if pk not in known:
            raise ApplicationError(_("体检事项“%(id)s”不属于本次体检") % {"id": key}, field="answers")
        answer = value.get("answer", "") if isinstance(value, Mapping) else value
        note = str(value.get("note", "") if isinstance(value, Mapping) else "")[:500]
        if answer not in Answer.values:
            raise ApplicationError(_("体检结果须为 符合、不符合 或 不适用"), field="answers")
        groups.setdefault((answer, note), []).append(pk)
    answer_field, note_field = ("self_answer", "self_note") if own else ("answer", "note")
    for (answer, note), pks in groups.items():
        CheckItem.objects.filter(pk__in=pks).update(**{answer_field: answer, note_field: note})
    return sum(len(pks) for pks in groups.values())


def handle_confirm(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    case.accepted_at = case.accepted_at or timezone.now()
    return workflows.Effect(ServiceEvent.CONFIRMED, notify_org=False)


def handle_self_check(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    count = _answers_apply(case, data["answers"], own=True)
    filled_by = data.get("filled_by") or actor.pk
    LegalService.objects.filter(pk=case.pk).update(self_checked_at=timezone.now(), self_checked_by_id=filled_by)
    return workflows.Effect(ServiceEvent.SELF_CHECKED, {"lawservice_items": count}, notify_org=True)


def _served(case: Case, actor: User, data: Mapping[str, Any]) -> None:
    service = _service(case)
    role = data.get("provider_role") or ProviderRole.STAFF
    service.served_by = actor
    service.provider_role = role
    service.provider_name = (data.get("provider_name") or actor.full_name or actor.username)[:50]
    service.save(update_fields=["served_by", "provider_role", "provider_name"])
    link = ServiceLink.objects.get(enterprise_id=service.enterprise_id, case=case)
    lawguard.link_provider_set(link, provider_role=service.provider_role, provider_name=service.provider_name)


def handle_start(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    case.accepted_at = case.accepted_at or timezone.now()
    _served(case, actor, data)
    event = ServiceEvent.CHECK_STARTED if is_checkup(case) else ServiceEvent.SERVICE_STARTED
    return workflows.Effect(event, notify_org=False)


def _finding_add(case: Case, actor: User, data: Mapping[str, Any]) -> Finding:
    item = None
    if data.get("item"):
        item = CheckItem.objects.filter(service_id=case.pk, pk=data["item"]).first()
        if item is None:
            raise ApplicationError(_("体检事项不属于本次体检"), field="item")
    if data.get("severity") not in Severity.values:
        raise ApplicationError(_("风险等级无效"), field="severity")
    suggestion = (data.get("suggestion") or (item.suggestion if item else "")).strip()
    if not suggestion:
        raise ApplicationError(_("请填写整改建议"), field="suggestion")
    description = (data.get("description") or "").strip()
    if not description:
        raise ApplicationError(_("请填写问题描述"), field="description")
    implement_by = data.get("implement_by")
    if isinstance(implement_by, str):
        implement_by = datetime.date.fromisoformat(implement_by)
    if implement_by is None:
        raise ApplicationError(_("请填写整改期限"), field="implement_by")
    if implement_by < timezone.localtime(case.registered_at).date():
        raise ApplicationError(_("整改期限不能早于体检登记日期"), field="implement_by")
    return Finding.objects.create(
        service_id=case.pk,
        item=item,
        description=description,
        severity=data["severity"],
        suggestion=suggestion,
        implement_by=implement_by,
        created_by=actor,
        created_at=timezone.now(),
    )


def handle_record_check(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """体检 results (and, with them, the experts of the 会诊 and any findings in one go)."""
    count = _answers_apply(case, data.get("answers") or {}, own=False)
    experts: Iterable[Expert] = data.get("experts") or ()
    if experts:
        _service(case).experts.add(*experts)
    findings = [_finding_add(case, actor, row) for row in data.get("findings") or ()]
    return workflows.Effect(
        ServiceEvent.CHECK_RECORDED, {"lawservice_items": count, "lawservice_findings": len(findings)}, notify_org=False
    )


def handle_add_finding(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    finding = _finding_add(case, actor, data)
    return workflows.Effect(
        ServiceEvent.FINDING_ADDED, {"lawservice_finding": finding.description[:60]}, notify_org=False
    )


def handle_remove_finding(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    deleted, _rows = Finding.objects.filter(service_id=case.pk, pk=data["finding"]).delete()
    if not deleted:
        raise ApplicationError(_("问题记录不存在"), field="finding")
    return workflows.Effect(ServiceEvent.FINDING_REMOVED, notify_org=False)


def handle_draft(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """报告草稿: the findings as they stand go to review; the drafter may not review it."""
    LegalService.objects.filter(pk=case.pk).update(
        drafted_at=timezone.now(), drafted_by=actor, reviewed_at=None, reviewed_by=None, review_comment=""
    )
    return workflows.Effect(ServiceEvent.DRAFTED)


def handle_return(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    LegalService.objects.filter(pk=case.pk).update(review_comment=data["comment"], reviewed_at=None, reviewed_by=None)
    return workflows.Effect(ServiceEvent.RETURNED)


def handle_approve(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    LegalService.objects.filter(pk=case.pk).update(
        reviewed_at=timezone.now(), reviewed_by=actor, review_comment=data.get("comment", "")
    )
    return workflows.Effect(ServiceEvent.APPROVED)


def handle_issue(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """出具: number the report, freeze its documents as the case's attachments (with their hashes), and turn
    each finding into a tracked suggestion (lawguard.Suggestion) with its 回访 date. `issued_on` records a
    report issued earlier (补录); `generate=False` leaves the documents to be rendered on first download."""
    service = LegalService.objects.select_related("enterprise__workstation").get(pk=case.pk)
    issued_on: datetime.date | None = data.get("issued_on")
    now = timezone.now()
    issued_at = now
    if issued_on is not None:
        if not timezone.localtime(case.registered_at).date() <= issued_on <= timezone.localdate():
            raise ApplicationError(_("出具日期须在登记日期与今天之间"), field="issued_on")
        issued_at = timezone.make_aware(datetime.datetime.combine(issued_on, datetime.time(17, 0)))
        issued_at = min(issued_at, now)
    service.issued_at = issued_at
    service.report_number = f"TJ{case.number[2:]}"
    findings = list(Finding.objects.filter(service=service).select_related("item"))
    for finding in findings:
        revisit_on = max(finding.implement_by, timezone.localtime(issued_at).date()) + datetime.timedelta(
            days=REVISIT_AFTER_DAYS
        )
        finding.suggestion_record = lawguard.suggestion_issue(
            actor=actor,
            enterprise=service.enterprise,
            title=(finding.item.question if finding.item else finding.description)[:100],
            content=finding.suggestion,
            severity=finding.severity,
            revisit_on=revisit_on,
            source_case=case,
            implement_by=finding.implement_by,
            issued_at=issued_at,
        )
    Finding.objects.bulk_update(findings, ["suggestion_record"])
    service.save(update_fields=["issued_at", "report_number"])
    if data.get("generate", True):
        report_freeze(case=case, service=service, actor=actor)
    return workflows.Effect(
        ServiceEvent.ISSUED, {"lawservice_report": service.report_number, "lawservice_suggestions": len(findings)}
    )


def report_freeze(*, case: Case, service: LegalService, actor: User) -> LegalService:
    """Render the issued report (DOCX and PDF) and store both as the case's attachments with their hashes."""
    from . import documents

    docx = cs.attachment_add(
        case=case,
        actor=actor,
        upload=ContentFile(documents.report_docx(service), name=documents.filename(service, "docx")),
    )
    pdf = cs.attachment_add(
        case=case,
        actor=actor,
        upload=ContentFile(documents.report_pdf(service), name=documents.filename(service, "pdf")),
    )
    service.report_docx, service.report_pdf = docx, pdf
    service.save(update_fields=["report_docx", "report_pdf"])
    return service


def handle_revisit(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    return workflows.Effect(ServiceEvent.REVISIT_STARTED, notify_org=False)


def handle_finish(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    outcome = (data.get("outcome") or "").strip()
    if not outcome:
        raise ApplicationError(_("请填写服务结果"), field="outcome")
    LegalService.objects.filter(pk=case.pk).update(outcome=outcome)
    case.resolved_at = case.closed_at = timezone.now()
    case.resolved_by = actor
    clocks.clocks_stop_all(case=case, at=case.closed_at)  # the on-time verdicts, frozen from here on
    return workflows.Effect(ServiceEvent.FINISHED, {"on_time": case.on_time}, notify_org=False)
