"""Raising a risk from a dispute or an incident in one step (升级为风险), linked both ways: the risk's
`case.parent` is the source case (whose page lists the risk among its linked cases), the risk signs seen on
it (群体性, 极端言行, 多次反复, 涉稳 — at least one) and the origin are kept in `RiskOrigin`, the parties are
carried over (stored encrypted, shown masked), and both timelines say so. See docs/risks-insight.md."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.accounts.choices import Role
from pingan.cases.events import EventSpec, event_record, register_event_types
from pingan.cases.models import Case, Category
from pingan.cases.parties import party_values
from pingan.core.errors import ApplicationError, PermissionDeniedError
from pingan.regions.choices import OrgType, RegionLevel
from pingan.regions.models import Organization

from .choices import KIND, RiskLevel, RiskSource, default_band
from .insight_models import RiskOrigin, RiskSign, RiskSuggestion

if TYPE_CHECKING:
    from pingan.accounts.models import User

# The kinds a risk can be raised from, and the source (风险来源) that makes.
RAISABLE_KINDS = {"dispute": RiskSource.DISPUTE_ESCALATION, "incident": RiskSource.GRID_REPORT}
# Who raises risks: the governance centres' staff (they keep the register) of a centre covering the case.
RAISING_ROLES = (Role.CENTRE_STAFF, Role.CENTRE_HEAD)

RAISED = "risk_raised"  # on the source case(s)
RAISED_FROM = "risk_raised_from"  # on the risk
EVENT_TYPES = (EventSpec(RAISED, gettext_lazy("升级为风险")), EventSpec(RAISED_FROM, gettext_lazy("由案件升级为风险")))


def register_events() -> None:
    register_event_types(EVENT_TYPES)


def raising_orgs(user: User, case: Case) -> list[Organization]:
    """The centres in which `user` may register a risk about `case` (a centre whose jurisdiction covers it)."""
    return [
        membership.organization
        for membership in user.active_memberships
        if membership.role in RAISING_ROLES
        and membership.organization.org_type == OrgType.CENTRE
        and case.region_code.startswith(membership.organization.region.prefix)
    ]


def may_raise_from(case: Case, user: User) -> bool:
    """Whether the page of `case` offers `user` to raise a risk from it."""
    return case.kind in RAISABLE_KINDS and bool(raising_orgs(user, case))


def level_preview(likelihood: int, impact: int) -> str:
    """The level the active matrix gives a score (the default banding when none is active)."""
    from .models import RiskMatrix

    matrix = RiskMatrix.objects.filter(is_active=True).order_by("id").first()
    if matrix is not None and 1 <= likelihood <= matrix.size and 1 <= impact <= matrix.size:
        return matrix.level_for(likelihood, impact)
    return str(default_band(likelihood, impact))


def matrix_cells() -> list[list[str]]:
    """The active matrix's cells (for the page's level preview)."""
    from .choices import DEFAULT_CELLS
    from .models import RiskMatrix

    matrix = RiskMatrix.objects.filter(is_active=True).order_by("id").first()
    return matrix.cells if matrix is not None else DEFAULT_CELLS


def clean_signs(signs: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(sign) for sign in signs))
    unknown = [sign for sign in chosen if sign not in RiskSign.values]
    if unknown:
        raise ApplicationError(_("未知的风险征兆:%(signs)s") % {"signs": "、".join(unknown)}, field="signs")
    if not chosen:
        raise ApplicationError(_("请至少选择一项风险征兆(群体性、极端言行、多次反复、涉稳)"), field="signs")
    return [sign for sign in RiskSign.values if sign in chosen]  # in the declared order


def sign_text(signs: Sequence[str]) -> str:
    return "、".join(str(RiskSign(sign).label) for sign in signs)


def _risk_category(category: Category | None) -> Category:
    if category is None:
        raise ApplicationError(_("请选择风险类别"), field="category")
    if category.kind != KIND or not category.is_active:
        raise ApplicationError(_("类别“%(name)s”不是风险类别") % {"name": category.name}, field="category")
    return category


def _point(case: Case) -> dict[str, Any]:
    """The source's point, when it was located to the source's grid cell (an incident, a case registered in a
    grid); a point kept beside a region chosen by hand stays with its case (the risk lies in the region)."""
    if case.lat is None or case.lng is None or case.region.level != RegionLevel.GRID:
        return {}
    return {"lat": case.lat, "lng": case.lng}


def _carried_parties(cases: Sequence[Case]) -> list[dict[str, Any]]:
    """The parties of the source cases as intake input (one per person: same ID number or phone once)."""
    seen: set[tuple[str, str]] = set()
    parties = []
    for case in cases:
        for party in case.parties.all():
            key = (party.id_number_index, party.phone_index) if (party.id_number or party.phone) else ("", party.name)
            if key in seen:
                continue
            seen.add(key)
            parties.append(party_values(party))
    return parties


@transaction.atomic
def risk_raise_from_case(
    *,
    actor: User,
    source_case: Case,
    signs: Iterable[str],
    category: Category | None,
    likelihood: int,
    impact: int,
    owner_org: Organization | None = None,
    title: str = "",
    description: str = "",
    urgency: str = "normal",
) -> Case:
    """Raise a risk from a dispute or an incident in one step; the risk's parent is the source case."""
    from .services import risk_raise

    source_case = Case.objects.select_for_update().get(pk=source_case.pk)
    if source_case.kind not in RAISABLE_KINDS:
        raise ApplicationError(_("只能由矛盾纠纷或网格事件升级为风险"), field="source_case")
    if not may_raise_from(source_case, actor):
        raise PermissionDeniedError(_("您没有在该案件所在区划登记风险的权限"))
    chosen = clean_signs(signs)
    already = source_case.children.filter(kind=KIND, closed_at__isnull=True).first()
    if already is not None:
        raise ApplicationError(
            _("该案件已升级为风险 %(number)s,且尚未闭环") % {"number": already.number}, field="source_case"
        )
    risk = risk_raise(
        actor=actor,
        category=_risk_category(category),
        title=(title or source_case.title).strip(),
        description=(description or source_case.description).strip(),
        source=RAISABLE_KINDS[source_case.kind],
        likelihood=likelihood,
        impact=impact,
        region=source_case.region,
        owner_org=owner_org,
        **_point(source_case),
        address=source_case.address,
        parties=_carried_parties([source_case]),
        source_case=source_case,
        urgency=urgency,
    )
    RiskOrigin.objects.create(risk_case=risk, source_case=source_case, signs=chosen, raised_by=actor)
    _record_links(actor=actor, risk=risk, sources=[source_case], signs=chosen)
    return risk


def _record_links(*, actor: User, risk: Case, sources: Sequence[Case], signs: Sequence[str], rule: str = "") -> None:
    """The timeline events on both sides: the source case(s) say which risk they became, the risk where it
    came from (the comment reads; the parameters keep the numbers)."""
    signs_text = sign_text(signs) if signs else ""
    for source in sources:
        comment = _("升级为风险 %(number)s") % {"number": risk.number}
        if signs_text:
            comment += _(",风险征兆:%(signs)s") % {"signs": signs_text}
        if rule:
            comment += _(",依据研判规则:%(rule)s") % {"rule": rule}
        event_record(
            case=source, actor=actor, type=RAISED, comment=comment, params={"risk": risk.number, "signs": list(signs)}
        )
    numbers = "、".join(source.number for source in sources)
    comment = _("由 %(numbers)s 升级为风险") % {"numbers": numbers}
    if signs_text:
        comment += _(",风险征兆:%(signs)s") % {"signs": signs_text}
    if rule:
        comment += _(",依据研判规则:%(rule)s") % {"rule": rule}
    event_record(
        case=risk,
        actor=actor,
        type=RAISED_FROM,
        comment=comment,
        params={"sources": [source.number for source in sources], "signs": list(signs)},
    )


def risk_raise_from_suggestion(
    *,
    actor: User,
    suggestion: RiskSuggestion,
    cases: Sequence[Case],
    category: Category | None,
    likelihood: int,
    impact: int,
    owner_org: Organization | None = None,
    title: str,
    description: str,
) -> Case:
    """The risk an accepted suggestion raises (called by suggestions.suggestion_accept inside its
    transaction): its parent is the newest of the cases, the others are linked through the suggestion."""
    from .services import risk_raise

    newest = max(cases, key=lambda case: (case.registered_at, case.pk))
    risk = risk_raise(
        actor=actor,
        category=_risk_category(category),
        title=title.strip(),
        description=description.strip(),
        source=RiskSource.DISPUTE_ESCALATION,
        likelihood=likelihood,
        impact=impact,
        region=suggestion.region,
        owner_org=owner_org,
        address=newest.address,
        parties=_carried_parties(cases),
        source_case=newest,
    )
    signs = [RiskSign.REPEATED.value]
    RiskOrigin.objects.create(risk_case=risk, source_case=newest, signs=signs, suggestion=suggestion, raised_by=actor)
    _record_links(actor=actor, risk=risk, sources=list(cases), signs=signs, rule=suggestion.rule.name)
    return risk


def related_risks(case: Case) -> list[Case]:
    """The risks raised from `case`: its children of the risk kind, and those of accepted suggestions that
    saw it."""
    direct = list(case.children.filter(kind=KIND).select_related("risk"))
    through = (
        Case.objects.filter(kind=KIND, risk_origin__suggestion__cases=case)
        .exclude(pk__in=[risk.pk for risk in direct])
        .select_related("risk")
    )
    return [*direct, *through]


def level_label(level: str) -> str:
    try:
        return str(RiskLevel(level).label)
    except ValueError:
        return level
