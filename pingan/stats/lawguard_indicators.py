"""法治护航's indicators (group "lawguard"), registered like the others (stats.indicators; docs/indicators.md,
法治护航指标), and the ledger's tables by workstation, by provider role and by district.

Sources: the cases of the kinds `consult` (法律咨询) and `lawservice` (法律服务, 法治体检 among them), named by
the contract's strings (stats never imports those apps), and the disputes linked to an enterprise — all in the
common cohort, the cases registered in the period, placed by the case's region code; the register's records
(pingan.lawguard): suggestions issued in the period, losses recovered in it and ratings given in it, placed
by their enterprise's region code; and three stocks counted at the period's end: workstations running,
enterprises with a complete 三官一律 and experts in the team.

By workstation and by provider role: a case counts for the workstation (role) of any of its enterprise links
(ServiceLink.workstation, .provider_role) — once per workstation even with several links; a suggestion and
a recovered loss for their own `workstation`; an enterprise with 三官一律 for the workstation serving it.
Suggestions, losses, ratings and the stocks are not split by role (they carry none)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy

from pingan.cases.models import closed_on_time_q, due_q
from pingan.lawguard.choices import GuardRole, LinkRelation, SuggestionStatus
from pingan.lawguard.models import (
    Enterprise,
    Expert,
    GuardAssignment,
    RecoveredLoss,
    ServiceLink,
    ServiceRating,
    Suggestion,
    Workstation,
)

from .indicators import (
    RATE,
    SCORE,
    YUAN,
    Figure,
    Indicator,
    Period,
    Records,
    Source,
    get,
    measure_aggregate,
    register,
)

GROUP = "lawguard"
CONSULT = "consult"  # the kinds' names (the contract): pingan.consultations, pingan.lawchecks
LAWSERVICE = "lawservice"
CHECKUP_CATEGORY = "lawservice_checkup"  # 法治体检, a category of the lawservice kind
DISPUTE_RELATION = LinkRelation.DISPUTE
DISTRICT_DIGITS = 6  # a region code's county (区县) part


def _local_date(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def _suggestion_row(s: Suggestion) -> dict:
    return {
        "id": s.pk,
        "label": f"{s.number} {s.title}",
        "enterprise": s.enterprise.name,
        "region_code": s.enterprise.region_code,
        "date": _local_date(s.issued_at),
        "value": "",
        "status": str(s.get_status_display()),
    }


def _loss_row(loss: RecoveredLoss) -> dict:
    return {
        "id": loss.pk,
        "label": f"{loss.case.number} {loss.get_method_display()}",
        "enterprise": loss.enterprise.name,
        "region_code": loss.enterprise.region_code,
        "date": loss.recovered_on.isoformat(),
        "value": f"{loss.amount}",
        "status": "",
    }


def _rating_row(rating: ServiceRating) -> dict:
    return {
        "id": rating.pk,
        "label": rating.case.number,
        "enterprise": rating.enterprise.name,
        "region_code": rating.enterprise.region_code,
        "date": _local_date(rating.rated_at),
        "value": str(rating.score),
        "status": "",
    }


def _workstation_row(station: Workstation) -> dict:
    return {
        "id": station.pk,
        "label": station.organization.name,
        "enterprise": "",
        "region_code": station.organization.region.code,
        "date": station.opened_on.isoformat() if station.opened_on else "",
        "value": "",
        "status": "",
    }


def _enterprise_row(enterprise: Enterprise) -> dict:
    return {
        "id": enterprise.pk,
        "label": enterprise.credit_code,
        "enterprise": enterprise.name,
        "region_code": enterprise.region_code,
        "date": "",
        "value": "",
        "status": str(enterprise.get_level_display()),
    }


def _expert_row(expert: Expert) -> dict:
    return {
        "id": expert.pk,
        "label": expert.name,
        "enterprise": expert.unit,
        "region_code": expert.team.region.code,
        "date": expert.joined_on.isoformat(),
        "value": "",
        "status": expert.team.name,
    }


SUGGESTIONS = Source(
    key="suggestion",
    name=gettext_lazy("风险防范建议"),
    queryset=Suggestion.objects.all,
    region_field="enterprise__region_code",
    period_filter=lambda p: p.range_q("issued_at"),
    period_definition=gettext_lazy("发出时间在统计期内的风险防范建议,按企业所在区划"),
    row=_suggestion_row,
    order_by=("issued_at", "id"),
    related=("enterprise",),
    dimensions=(("workstation", "workstation__organization__code"),),
)
LOSSES = Source(
    key="loss",
    name=gettext_lazy("挽回损失"),
    queryset=RecoveredLoss.objects.all,
    region_field="enterprise__region_code",
    period_filter=lambda p: p.range_q("recovered_on", dates=True),
    period_definition=gettext_lazy("挽回日期在统计期内的挽回损失记录,按企业所在区划"),
    row=_loss_row,
    order_by=("recovered_on", "id"),
    related=("enterprise", "case"),
    dimensions=(("workstation", "workstation__organization__code"),),
)
RATINGS = Source(
    key="rating",
    name=gettext_lazy("服务评价"),
    queryset=ServiceRating.objects.all,
    region_field="enterprise__region_code",
    period_filter=lambda p: p.range_q("rated_at"),
    period_definition=gettext_lazy("评价时间在统计期内的企业服务评价,按企业所在区划"),
    row=_rating_row,
    order_by=("rated_at", "id"),
    related=("enterprise", "case"),
)


def workstation_running_q(period: Period) -> Q:
    """运行中的工作站 at the period's end: running (工作站与机构均启用; the current flag) and opened by then."""
    return Q(is_active=True, organization__is_active=True) & (
        Q(opened_on__isnull=True) | Q(opened_on__lte=period.date_to)
    )


def guard_complete_q(period: Period) -> Q:
    """三官一律 complete at the period's end: for each of the four roles, an assignment that had started by
    then and had not ended before it (ended_on empty or on/after the day); the enterprise on the register."""
    day = period.date_to
    q = Q(is_active=True)
    for role in GuardRole.values:
        serving = GuardAssignment.objects.filter(enterprise=OuterRef("pk"), role=role, started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day)
        )
        q &= Q(Exists(serving))
    return q


def expert_active_q(period: Period) -> Q:
    """在库专家 at the period's end: joined by then and in the team (the current flag)."""
    return Q(is_active=True, joined_on__lte=period.date_to)


WORKSTATIONS = Source(
    key="workstation",
    name=gettext_lazy("法治护航工作站"),
    queryset=Workstation.objects.all,
    region_field="organization__region__code",
    period_filter=workstation_running_q,
    period_definition=gettext_lazy("统计期末运行中的工作站,按工作站机构所在区划"),
    row=_workstation_row,
    order_by=("organization__code",),
    related=("organization__region",),
    dimensions=(("workstation", "organization__code"),),
    stock=True,
)
GUARDED = Source(
    key="guarded_enterprise",
    name=gettext_lazy("三官一律派驻企业"),
    queryset=Enterprise.objects.all,
    region_field="region_code",
    period_filter=guard_complete_q,
    period_definition=gettext_lazy("统计期末法官、检察官、警官、律师四个角色均有在任派驻人员的在册企业,按企业所在区划"),
    row=_enterprise_row,
    order_by=("name", "id"),
    dimensions=(("workstation", "workstation__organization__code"),),
    stock=True,
)
EXPERTS = Source(
    key="expert",
    name=gettext_lazy("法律专家"),
    queryset=Expert.objects.all,
    region_field="team__region__code",
    period_filter=expert_active_q,
    period_definition=gettext_lazy("统计期末在库的法律专家,按专家团所在区划"),
    row=_expert_row,
    order_by=("name", "id"),
    related=("team__region",),
    stock=True,
)
SOURCES = {s.key: s for s in (SUGGESTIONS, LOSSES, RATINGS, WORKSTATIONS, GUARDED, EXPERTS)}

# A case's links to enterprises: what the tables by workstation and by role split the case indicators by.
CASE_DIMENSIONS = {
    "workstation": "enterprise_links__workstation__organization__code",
    "provider_role": "enterprise_links__provider_role",
}


def case_link_q(*, workstation: Workstation | None = None, provider_role: str = "") -> Q:
    """Cases with an enterprise link credited to `workstation` and/or delivered by `provider_role`."""
    links = ServiceLink.objects.filter(case=OuterRef("pk"))
    if workstation is not None:
        links = links.filter(workstation=workstation)
    if provider_role:
        links = links.filter(provider_role=provider_role)
    return Q(Exists(links))


def _constant(q: Q) -> Callable[[datetime.datetime], Q]:
    def condition(as_of: datetime.datetime) -> Q:
        return q

    return condition


def _all(as_of: datetime.datetime) -> Q:
    return Q()


def _indicator(
    code: str,
    name: str,
    formula: str,
    definition: str,
    numerator: Callable[[datetime.datetime], Q],
    *,
    unit: str,
    source: Source | None = None,
    denominator: Callable[[datetime.datetime], Q] | None = None,
    denominator_definition: str = "",
    measure: str = "count",
    measure_field: str = "",
    better: str = "",
) -> Indicator:
    return register(
        Indicator(
            code=code,
            name=gettext_lazy(name),
            formula=gettext_lazy(formula),
            numerator_definition=gettext_lazy(definition),
            denominator_definition=gettext_lazy(denominator_definition) if denominator_definition else "",
            unit=unit,
            version="1.0",
            numerator_filter=numerator,
            denominator_filter=denominator,
            better=better,
            group=GROUP,
            source=source,
            measure=measure,
            measure_field=measure_field,
        )
    )


IS_CONSULT = Q(kind=CONSULT)
IS_SERVICE = Q(kind=LAWSERVICE)
IS_CHECKUP = IS_SERVICE & Q(category__code=CHECKUP_CATEGORY)
IS_DISPUTE_HELPED = Q(Exists(ServiceLink.objects.filter(case=OuterRef("pk"), relation=DISPUTE_RELATION)))
IMPLEMENTED = Q(status__in=[SuggestionStatus.IMPLEMENTED, SuggestionStatus.VERIFIED])

# Structure (工作站建设、服务企业、专家): stocks at the period's end.
_indicator(
    "lg_workstations",
    "法治护航工作站数",
    "工作站数 = 统计期末运行中的法治护航工作站数",
    "统计期末运行中(工作站及其机构均启用,设立日期不晚于期末)的工作站,按工作站机构所在区划",
    _all,
    unit="个",
    source=WORKSTATIONS,
)
_indicator(
    "lg_guarded_enterprises",
    "三官一律派驻企业数",
    "三官一律派驻企业数 = 统计期末法官、检察官、警官、律师均在任的企业数",
    "统计期末四个角色各有一名在任派驻人员(开始日期不晚于期末、结束日期为空或不早于期末)的在册企业",
    _all,
    unit="家",
    source=GUARDED,
)
_indicator(
    "lg_experts",
    "法律专家数",
    "法律专家数 = 统计期末在库的法律专家数",
    "统计期末在库(入库日期不晚于期末)的法律专家团成员,按专家团所在区划",
    _all,
    unit="名",
    source=EXPERTS,
)
# Services (法律服务): the cases of the kinds, in the cohort.
_indicator(
    "lg_services",
    "法律服务和法治体检数",
    "法律服务和法治体检数 = 统计期内登记的法律服务案件数(含法治体检)",
    "统计队列中类型为法律服务(lawservice)的案件,按案件所在区划",
    _constant(IS_SERVICE),
    unit="件",
)
_indicator(
    "lg_checkups",
    "法治体检数",
    "法治体检数 = 统计期内登记、类别为法治体检的法律服务案件数",
    "统计队列中类型为法律服务、类别为法治体检(lawservice_checkup)的案件",
    _constant(IS_CHECKUP),
    unit="件",
)
_indicator(
    "lg_consultations",
    "法律咨询数",
    "法律咨询数 = 统计期内登记的法律咨询案件数",
    "统计队列中类型为法律咨询(consult)的案件,按案件所在区划",
    _constant(IS_CONSULT),
    unit="件",
)
_indicator(
    "lg_consult_on_time_rate",
    "咨询按期答复率",
    "咨询按期答复率 = 按期答复的咨询数 ÷ 应答复的咨询数",
    "统计队列中已办结且主时限按期(答复未超过期限)的法律咨询",
    lambda as_of: IS_CONSULT & closed_on_time_q(),
    unit=RATE,
    denominator=lambda as_of: IS_CONSULT & due_q(as_of),
    denominator_definition="统计队列中已办结,或截至统计期末(或当前,取较早者)未办结且已过答复期限的法律咨询",
    better="up",
)
_indicator(
    "lg_disputes",
    "涉企纠纷数",
    "涉企纠纷数 = 统计期内登记、关联企业为纠纷当事方的案件数",
    "统计队列中至少有一条“涉企纠纷”企业关联的案件",
    _constant(IS_DISPUTE_HELPED),
    unit="件",
)
# Risk prevention (风险防范).
_indicator(
    "lg_suggestions",
    "风险防范建议数",
    "风险防范建议数 = 统计期内发出的风险防范建议数",
    "发出时间在统计期内的风险防范建议(任何状态),按企业所在区划",
    _all,
    unit="条",
    source=SUGGESTIONS,
)
_indicator(
    "lg_suggestions_verified",
    "回访验证建议数",
    "回访验证建议数 = 统计期内发出、已回访验证落实的建议数",
    "统计期内发出、状态为“回访验证”的风险防范建议",
    _constant(Q(status=SuggestionStatus.VERIFIED)),
    unit="条",
    source=SUGGESTIONS,
)
_indicator(
    "lg_suggestion_implementation_rate",
    "建议落实率",
    "建议落实率 = 已落实的建议数 ÷ 发出的建议数",
    "统计期内发出、状态为“已落实”或“回访验证”的风险防范建议",
    _constant(IMPLEMENTED),
    unit=RATE,
    source=SUGGESTIONS,
    denominator=_all,
    denominator_definition="统计期内发出的风险防范建议(含未采纳、尚在整改的)",
    better="up",
)
# Recovered losses (挽回损失) and the enterprises' ratings.
_indicator(
    "lg_recovered",
    "挽回损失金额",
    "挽回损失金额 = 统计期内挽回损失金额之和(元)",
    "挽回日期在统计期内的挽回损失记录(分子为记录数,值为金额之和),按企业所在区划",
    _all,
    unit=YUAN,
    source=LOSSES,
    measure="sum",
    measure_field="amount",
)
_indicator(
    "lg_rating",
    "企业评价平均分",
    "企业评价平均分 = 统计期内企业服务评价得分之和 ÷ 评价数(1–5分)",
    "评价时间在统计期内的企业服务评价(分子为评价数,值为平均分)",
    _all,
    unit=SCORE,
    source=RATINGS,
    measure="avg",
    measure_field="score",
    better="up",
)

# The seed's figures (the ledger's cards and the demo's check), in the order of the report.
SEED_CODES = (
    "lg_workstations",
    "lg_guarded_enterprises",
    "lg_experts",
    "lg_services",
    "lg_checkups",
    "lg_consultations",
    "lg_suggestions",
    "lg_recovered",
)
# The tables' columns: by workstation, and by the role that delivered a case (三官一律 each + expert + staff).
WORKSTATION_CODES = (
    "lg_guarded_enterprises",
    "lg_services",
    "lg_checkups",
    "lg_consultations",
    "lg_disputes",
    "lg_suggestions",
    "lg_suggestions_verified",
    "lg_recovered",
)
ROLE_CODES = ("lg_services", "lg_checkups", "lg_consultations", "lg_disputes")


def _group_path(ind: Indicator, by: str) -> Any:
    """The expression a grouped count groups `ind`'s records by, or None if they cannot be split so."""
    if by == "district":
        field = "region_code" if ind.source is None else ind.source.region_field
        return Substr(field, 1, DISTRICT_DIGITS)
    path = CASE_DIMENSIONS.get(by) if ind.source is None else ind.source.dimension(by)
    return F(path) if path else None


def figures_by(
    base: QuerySet, records: Records, period: Period, by: str, codes: Iterable[str], *, now=None
) -> dict[str, dict[str, Figure]]:
    """{group key: {code: Figure}} for `by` = "district" (区县, the first 6 digits of the region field),
    "workstation" (organisation code) or "provider_role": one grouped query per source. A case with links
    to two enterprises of one workstation counts once for it (distinct cases); the drill-down with the same
    `workstation`/`provider_role`/`region` lists exactly these."""
    now = now or timezone.now()
    as_of = period.as_of(now)
    by_source: dict[str, list[Indicator]] = {}
    for ind in (get(code) for code in codes):
        if _group_path(ind, by) is not None:
            by_source.setdefault(ind.source_key, []).append(ind)
    out: dict[str, dict[str, Figure]] = {}
    for members in by_source.values():
        first = members[0]
        queryset = base if first.source is None else records(first.source)
        aggregates: dict[str, Any] = {}
        for ind in members:
            aggregates[f"{ind.code}_n"] = Count("pk", distinct=True, filter=ind.numerator_filter(as_of))
            if ind.denominator_filter is not None:
                aggregates[f"{ind.code}_d"] = Count("pk", distinct=True, filter=ind.denominator_filter(as_of))
            if ind.measure != "count":
                aggregates[f"{ind.code}_m"] = measure_aggregate(ind, ind.numerator_filter(as_of))
        rows: Any = (
            queryset.filter(first.period_q(period))
            .annotate(group_key=_group_path(first, by))
            .values("group_key")
            .annotate(**aggregates)
            .order_by("group_key")
        )
        for row in rows:
            if not row["group_key"]:
                continue
            figures = out.setdefault(row["group_key"], {})
            for ind in members:
                figures[ind.code] = Figure(
                    ind,
                    row[f"{ind.code}_n"] or 0,
                    (row[f"{ind.code}_d"] or 0) if ind.has_denominator else None,
                    row.get(f"{ind.code}_m"),
                )
    return out


def empty_figure(code: str) -> Figure:
    ind = get(code)
    return Figure(ind, 0, 0 if ind.has_denominator else None, None)


def figure_values(figures: Mapping[str, Figure], codes: Iterable[str]) -> dict[str, Any]:
    return {code: (figures[code] if code in figures else empty_figure(code)).value for code in codes}
