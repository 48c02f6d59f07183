"""Writes of 法治护航's register. Every write is here (pages, API, the kinds above and the demo call these)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.models import User
from pingan.cases.models import Case
from pingan.core.errors import ApplicationError

from .choices import LinkRelation, ProviderRole, Severity
from .models import Enterprise, ServiceLink, Suggestion, Workstation


def link_case(
    *,
    enterprise: Enterprise,
    case: Case,
    relation: str,
    workstation: Workstation | None = None,
    provider_role: str = "",
    provider_name: str = "",
) -> ServiceLink:
    """Record that `case` concerns `enterprise` (once per pair; a second call updates the workstation and the
    provider when given). The workstation defaults to the enterprise's own."""
    if relation not in LinkRelation.values:
        raise ApplicationError(_("关联类型无效"), field="relation")
    if provider_role and provider_role not in ProviderRole.values:
        raise ApplicationError(_("服务人员角色无效"), field="provider_role")
    link, created = ServiceLink.objects.get_or_create(
        enterprise=enterprise,
        case=case,
        defaults={
            "relation": relation,
            "workstation": workstation or enterprise.workstation,
            "provider_role": provider_role,
            "provider_name": provider_name,
            "created_at": case.registered_at,
        },
    )
    if not created and (workstation or provider_role or provider_name):
        link_provider_set(link, workstation=workstation, provider_role=provider_role, provider_name=provider_name)
    return link


def link_provider_set(
    link: ServiceLink, *, workstation: Workstation | None = None, provider_role: str = "", provider_name: str = ""
) -> ServiceLink:
    """Who delivered the service (the answer, the 体检): the ledger counts by role and workstation."""
    if provider_role and provider_role not in ProviderRole.values:
        raise ApplicationError(_("服务人员角色无效"), field="provider_role")
    fields = []
    if workstation is not None:
        link.workstation = workstation
        fields.append("workstation")
    if provider_role:
        link.provider_role = provider_role
        fields.append("provider_role")
    if provider_name:
        link.provider_name = provider_name
        fields.append("provider_name")
    if fields:
        link.save(update_fields=fields)
    return link


@transaction.atomic
def suggestion_issue(
    *,
    actor: User,
    enterprise: Enterprise,
    title: str,
    content: str,
    severity: str,
    revisit_on: datetime.date,
    source_case: Case | None = None,
    implement_by: datetime.date | None = None,
    issued_at: datetime.datetime | None = None,
) -> Suggestion:
    """Issue a risk-prevention suggestion (风险防范建议) to an enterprise, with its 回访 date."""
    issued_at = issued_at or timezone.now()
    errors = {}
    if not title.strip():
        errors["title"] = _("请填写建议标题")
    if not content.strip():
        errors["content"] = _("请填写建议内容")
    if severity not in Severity.values:
        errors["severity"] = _("风险等级无效")
    if revisit_on < timezone.localtime(issued_at).date():
        errors["revisit_on"] = _("回访日期不能早于发出日期")
    if implement_by and implement_by > revisit_on:
        errors["implement_by"] = _("整改期限不能晚于回访日期")
    if errors:
        field, message = next(iter(errors.items()))
        raise ApplicationError(message, field=field)
    suggestion = Suggestion(
        number="",
        enterprise=enterprise,
        source_case=source_case,
        workstation=enterprise.workstation,
        title=title.strip(),
        content=content.strip(),
        severity=severity,
        issued_at=issued_at,
        issued_by=actor,
        implement_by=implement_by,
        revisit_on=revisit_on,
    )
    suggestion.number = _provisional_number()
    suggestion.save()
    suggestion.number = f"JY{timezone.localtime(issued_at):%Y}{suggestion.pk:07d}"
    suggestion.save(update_fields=["number"])
    return suggestion


def _provisional_number() -> str:
    import uuid

    return f"tmp-{uuid.uuid4().hex[:20]}"


def portal_intake_user(enterprise: Enterprise) -> User:
    """The account a portal request is registered through (the engine's `actor`): the intake account of the
    workstation that serves the enterprise (法治护航工作站·网上受理), created on first use, inactive, without a
    password, holding a 职能部门工作人员 post at the workstation, as Open311's service accounts do. An enterprise
    without a workstation cannot file through the portal. The enterprise user who asked is recorded by the
    kind (its own record and the timeline), never as the engine's actor."""
    from pingan.accounts.choices import Role
    from pingan.accounts.models import Membership

    station = enterprise.workstation
    if station is None or not station.is_active or not station.organization.is_active:
        raise ApplicationError(_("该企业尚无服务工作站,请联系所在地法治护航工作站开通"), field="enterprise")
    org = station.organization
    username = f"portal-{org.code}".lower()[:150]
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": f"{org.name}·网上受理"[:50], "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, organization=org, role=Role.DEPARTMENT_STAFF)
    return user
