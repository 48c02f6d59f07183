"""Repeated-dispute suggestions (重复纠纷风险研判): rules kept in the back office (SuggestionRule) find
disputes that repeat — about the same party (found by the party's keyed blind index of ID number or phone,
never by the plaintext), in the same place with the same category, or in the same place — at least N within
W days. A scheduled sweep writes what it finds to a review list, with the rule that fired written out in
Chinese and the cases it saw; a person decides: accept (the risk is raised in one step, linked to those
cases) or dismiss with a reason. A decided suggestion for the same rule and key does not come back unless
new cases arrive. See docs/risks-insight.md."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.cases.models import Case, Category, Party
from pingan.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from pingan.core.jurisdiction import prefix_q
from pingan.core.masking import mask_name
from pingan.regions.models import Organization, Region

from .insight_models import PLACE_LEVELS, RiskSuggestion, SuggestionBasis, SuggestionRule, SuggestionStatus
from .raising import RAISING_ROLES, risk_raise_from_suggestion

if TYPE_CHECKING:
    from pingan.accounts.models import User

DISPUTE = "dispute"
# The party's keyed indexes a rule compares, in order of trust (an ID number names one person).
PARTY_INDEXES = (("id_number_index", "id"), ("phone_index", "phone"))
MAX_CASES = 200  # a suggestion lists at most this many cases (the newest)


@dataclass
class Finding:
    """What a rule found for one key: the cases (oldest first), where they lie, and who or what they share."""

    rule: SuggestionRule
    key: str
    subject: str
    region: Region
    cases: list[Case] = field(default_factory=list)


def _common_region(cases: Sequence[Case]) -> Region:
    """The lowest region whose subtree holds every case (their jurisdiction for the review list)."""
    region = cases[0].region
    while region.parent_id is not None and not all(c.region_code.startswith(region.prefix) for c in cases):
        region = region.parent  # type: ignore[assignment]
    return region


def _window(rule: SuggestionRule, now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    return now - datetime.timedelta(days=rule.window_days), now


def rule_disputes(rule: SuggestionRule, now: datetime.datetime) -> QuerySet[Case]:
    """The disputes a rule looks at: registered within its window (and of its categories, when it names any)."""
    since, until = _window(rule, now)
    disputes = Case.objects.filter(kind=DISPUTE, registered_at__gte=since, registered_at__lte=until)
    category_ids = [category.pk for category in rule.categories.all()]
    if category_ids:
        disputes = disputes.filter(category_id__in=category_ids)
    return disputes


def _load(ids: Iterable[int]) -> list[Case]:
    return list(
        Case.objects.filter(pk__in=list(ids))
        .select_related("region", "category")
        .order_by("registered_at", "id")[:MAX_CASES]
    )


def findings(rule: SuggestionRule, *, now: datetime.datetime | None = None) -> list[Finding]:
    """Every key on which `rule` fires now: a grouped count per key, then the cases of the keys that reach
    the threshold."""
    now = now or timezone.now()
    disputes = rule_disputes(rule, now)
    found: list[Finding] = []
    if rule.basis == SuggestionBasis.PARTY:
        seen_sets: set[frozenset[int]] = set()
        for index, prefix in PARTY_INDEXES:
            parties = Party.objects.filter(case__in=disputes).exclude(**{index: ""})
            keys = (
                parties.values(index)
                .annotate(n=Count("case", distinct=True))
                .filter(n__gte=rule.threshold)
                .values_list(index, flat=True)
            )
            for value in keys:
                rows = list(parties.filter(**{index: value}).values_list("case_id", "name").order_by("case_id"))
                ids = frozenset(case_id for case_id, _name in rows)
                if ids in seen_sets:  # the same person found by ID number and by phone: once
                    continue
                seen_sets.add(ids)
                cases = _load(ids)
                found.append(Finding(rule, f"{prefix}:{value}", mask_name(rows[0][1]), _common_region(cases), cases))
        return found
    digits = PLACE_LEVELS[rule.place_level]  # type: ignore[index]
    placed = disputes.filter(region__level__gte=rule.place_level).annotate(place=Substr("region_code", 1, digits))
    group = ("place", "category_id") if rule.basis == SuggestionBasis.PLACE_CATEGORY else ("place",)
    groups = list(placed.values(*group).annotate(n=Count("pk")).filter(n__gte=rule.threshold).order_by(*group))
    regions = Region.objects.in_bulk([row["place"] for row in groups], field_name="code")
    categories = Category.objects.in_bulk([row.get("category_id") for row in groups if row.get("category_id")])
    for row in groups:
        region = regions.get(row["place"])
        if region is None:
            continue
        same = placed.filter(place=row["place"])
        key, subject = row["place"], region.name
        if "category_id" in row:
            category = categories[row["category_id"]]
            same = same.filter(category_id=category.pk)
            key, subject = f"{key}|{category.code}", f"{region.name} · {category.name}"
        found.append(Finding(rule, key, subject, region, _load(same.values_list("pk", flat=True))))
    return found


def explain(finding: Finding, *, now: datetime.datetime) -> str:
    """The rule that fired, written out in Chinese for the person who decides."""
    rule = finding.rule
    since, until = _window(rule, now)
    values = {
        "name": rule.name,
        "days": rule.window_days,
        "since": timezone.localtime(since).strftime("%Y-%m-%d"),
        "until": timezone.localtime(until).strftime("%Y-%m-%d"),
        "count": len(finding.cases),
        "threshold": rule.threshold,
        "subject": finding.subject,
    }
    if rule.basis == SuggestionBasis.PARTY:
        basis = _("身份证号码") if finding.key.startswith("id:") else _("联系电话")
        text = _(
            "规则“%(name)s”:同一当事人(%(subject)s,按%(basis)s比对)在 %(days)d 天内(%(since)s 至 %(until)s)"
            "涉及 %(count)d 件矛盾纠纷,达到 %(threshold)d 件的预警线。"
        ) % {**values, "basis": basis}
    elif rule.basis == SuggestionBasis.PLACE_CATEGORY:
        text = (
            _(
                "规则“%(name)s”:%(subject)s 在 %(days)d 天内(%(since)s 至 %(until)s)发生同类矛盾纠纷 %(count)d 件,"
                "达到 %(threshold)d 件的预警线。"
            )
            % values
        )
    else:
        text = (
            _(
                "规则“%(name)s”:%(subject)s 在 %(days)d 天内(%(since)s 至 %(until)s)发生矛盾纠纷 %(count)d 件,"
                "达到 %(threshold)d 件的预警线。"
            )
            % values
        )
    categories = [category.name for category in rule.categories.all()]
    if categories:
        text += _("(限于类别:%(names)s)") % {"names": "、".join(categories)}
    return str(text)


@dataclass
class SweepResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    suppressed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "suppressed": self.suppressed,
        }


@transaction.atomic
def _write(finding: Finding, *, now: datetime.datetime, result: SweepResult) -> None:
    ids = {case.pk for case in finding.cases}
    latest = max(case.registered_at for case in finding.cases)
    explanation = explain(finding, now=now)
    pending = (
        RiskSuggestion.objects.select_for_update()
        .filter(rule=finding.rule, key=finding.key, status=SuggestionStatus.PENDING)
        .first()
    )
    if pending is not None:
        new = ids - set(pending.cases.values_list("pk", flat=True))
        if not new:
            result.unchanged += 1
            return
        pending.cases.add(*new)
        pending.case_count = pending.cases.count()
        pending.latest_case_at = max(pending.latest_case_at, latest)
        pending.explanation, pending.subject, pending.updated_at = explanation, finding.subject, now
        pending.save(update_fields=["case_count", "latest_case_at", "explanation", "subject", "updated_at"])
        result.updated += 1
        return
    decided = (
        RiskSuggestion.objects.filter(rule=finding.rule, key=finding.key)
        .exclude(status=SuggestionStatus.PENDING)
        .order_by("-decided_at", "-id")
        .first()
    )
    if decided is not None and not ids - set(decided.cases.values_list("pk", flat=True)):
        result.suppressed += 1  # decided already, and no new case since
        return
    suggestion = RiskSuggestion.objects.create(
        rule=finding.rule,
        key=finding.key,
        subject=finding.subject,
        region=finding.region,
        region_code=finding.region.code,
        case_count=len(ids),
        latest_case_at=latest,
        explanation=explanation,
        created_at=now,
        updated_at=now,
    )
    suggestion.cases.add(*ids)
    result.created += 1


def sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Run every active rule and write what it finds to the review list (one transaction per key)."""
    now = now or timezone.now()
    result = SweepResult()
    for rule in SuggestionRule.objects.filter(is_active=True).prefetch_related("categories").order_by("id"):
        for finding in findings(rule, now=now):
            _write(finding, now=now, result=result)
    return result


# --- reading and deciding ---------------------------------------------------------------------------------


def suggestions_for(user: User) -> QuerySet[RiskSuggestion]:
    """The suggestions whose cases lie in the user's jurisdiction."""
    return RiskSuggestion.objects.filter(prefix_q("region_code", user.jurisdiction_prefixes())).select_related(
        "rule", "region", "decided_by", "risk"
    )


def suggestion_visible_or_404(user: User, suggestion_id: int | str) -> RiskSuggestion:
    suggestion = suggestions_for(user).filter(pk=suggestion_id).first()
    if suggestion is None:
        raise NotFoundError(_("研判建议不存在或不在您的辖区内"))
    return suggestion


def may_decide(user: User, suggestion: RiskSuggestion) -> bool:
    """A centre's staff whose jurisdiction covers the suggestion decide it (they would register the risk)."""
    return any(
        membership.role in RAISING_ROLES and suggestion.region_code.startswith(membership.organization.region.prefix)
        for membership in user.active_memberships
    )


def _locked_pending(actor: User, suggestion_id: int | str) -> RiskSuggestion:
    visible = suggestion_visible_or_404(actor, suggestion_id)
    suggestion = RiskSuggestion.objects.select_for_update().select_related("rule", "region").get(pk=visible.pk)
    if suggestion.status != SuggestionStatus.PENDING:
        raise ConflictError(_("该建议已研判(%(status)s),不能再次处理") % {"status": suggestion.get_status_display()})
    if not may_decide(actor, suggestion):
        raise PermissionDeniedError(_("您没有研判该建议的权限"))
    return suggestion


@transaction.atomic
def suggestion_accept(
    *,
    actor: User,
    suggestion_id: int | str,
    category: Category | None,
    likelihood: int,
    impact: int,
    owner_org: Organization | None = None,
    title: str = "",
    description: str = "",
) -> Case:
    """Accept a suggestion: the risk is raised in one step, linked to the cases the rule saw."""
    suggestion = _locked_pending(actor, suggestion_id)
    cases = list(suggestion.cases.select_related("region").order_by("registered_at", "id"))
    risk = risk_raise_from_suggestion(
        actor=actor,
        suggestion=suggestion,
        cases=cases,
        category=category or suggestion.rule.risk_category,
        likelihood=likelihood,
        impact=impact,
        owner_org=owner_org,
        title=title or _("%(subject)s 矛盾纠纷反复发生") % {"subject": suggestion.subject},
        description=description or suggestion.explanation,
    )
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.decided_by, suggestion.decided_at, suggestion.risk = actor, timezone.now(), risk
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "risk"])
    return risk


@transaction.atomic
def suggestion_dismiss(*, actor: User, suggestion_id: int | str, reason: str) -> RiskSuggestion:
    """Dismiss a suggestion with a reason; it does not come back for the same cases."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ApplicationError(_("请填写驳回理由"), field="reason")
    if len(reason) > 500:
        raise ApplicationError(_("驳回理由不能超过 500 字"), field="reason")
    suggestion = _locked_pending(actor, suggestion_id)
    suggestion.status = SuggestionStatus.DISMISSED
    suggestion.decided_by, suggestion.decided_at, suggestion.dismiss_reason = actor, timezone.now(), reason
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "dismiss_reason"])
    return suggestion
