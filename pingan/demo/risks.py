"""The demo's risk register (风险): a register across the city, county and township levels with every level
(红橙黄蓝) and every stage of the closed loop (预见 → 应对 → 处置 → 总结 → 提升 → 已闭环), some with an overdue
stage clock, some raised from demo disputes (linked both ways, with their risk signs), and the repeated-
dispute sweep run over the demo's disputes so that suggestions wait on the review list.

Everything goes through the services and the guarded transitions, as a person would (risks.services.risk_raise,
risks.raising, cases.services.case_transition, risks.suggestions.sweep), by the demo's named accounts: the
city's centre clerk, the county centres' clerks and the featured townships' clerks (demo.staff). A review is
signed off by the centre above the owner. The few dozen risks load in seconds at any --scale."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone

from pingan.accounts.models import User
from pingan.cases.models import Case, Category
from pingan.cases.services import case_transition
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Organization, Region
from pingan.risks.choices import RiskLevel, RiskSource, RiskStage
from pingan.risks.insight_models import DEFAULT_RULES, SuggestionBasis, SuggestionRule
from pingan.risks.models import RiskPlanTemplate, RiskPlanTemplateTask, RiskTask
from pingan.risks.raising import risk_raise_from_case
from pingan.risks.services import risk_raise
from pingan.risks.suggestions import sweep

from .geography import centre_code
from .staff import COUNTY_SLUGS, featured_townships

DATASET = "risks"
STAGES = [stage.value for stage in RiskStage]
# (likelihood, impact) per level on the default matrix: 红 5×5 / 5×4, 橙 4×4 / 3×4, 黄 2×3 / 3×3, 蓝 1×1 / 2×2.
SCORES = {"red": [(5, 5), (5, 4)], "orange": [(4, 4), (3, 4)], "yellow": [(2, 3), (3, 3)], "blue": [(1, 1), (2, 2)]}
TITLES = {
    "risk_public_order": ["{place}夜市摊贩与城管冲突风险", "{place}出租屋治安隐患"],
    "risk_disputes": ["{place}小区业主与物业集体纠纷风险", "{place}征地拆迁补偿矛盾风险"],
    "risk_finance": ["{place}非法集资兑付风险", "{place}房地产项目逾期交房维权风险"],
    "risk_public_safety": ["{place}老旧燃气管网安全风险", "{place}汛期山体滑坡隐患"],
    "risk_political": ["{place}重点人员进京非访风险"],
    "risk_cyber": ["{place}网络谣言引发聚集风险"],
}


@dataclass(frozen=True)
class Desk:
    """Who keeps the register at one level, and the centre above who signs the reviews off."""

    clerk: User
    centre: Organization
    region: Region
    superior: User | None


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _desks() -> list[Desk]:
    city_clerk = _user("city_clerk")
    city_centre = Organization.objects.get(code=centre_code("430200"))
    desks = [Desk(city_clerk, city_centre, city_centre.region, None)] if city_clerk else []
    for township, slug in featured_townships():
        county = township.parent_code
        county_slug = COUNTY_SLUGS.get(county, county)
        county_clerk = _user(f"{county_slug}_clerk")
        township_clerk = _user(f"{county_slug}_{slug}_clerk")
        county_centre = Organization.objects.get(code=centre_code(county))
        township_centre = Organization.objects.get(code=centre_code(township.code))
        if county_clerk is not None:
            desks.append(Desk(county_clerk, county_centre, county_centre.region, city_clerk))
        if township_clerk is not None:
            desks.append(Desk(township_clerk, township_centre, township_centre.region, county_clerk))
    return desks


def _template() -> RiskPlanTemplate:
    template, created = RiskPlanTemplate.objects.get_or_create(
        name="群体性聚集风险处置预案", defaults={"description": "演示数据:专班、走访、稳控、舆情应对"}
    )
    if created:
        for order, (stage, title, days) in enumerate(
            [
                (RiskStage.RESPONSE, "成立工作专班,明确包案领导", 1),
                (RiskStage.RESPONSE, "摸排涉及人员底数", 2),
                (RiskStage.DISPOSAL, "逐户走访、政策解释", 5),
                (RiskStage.DISPOSAL, "稳控重点人员,做好舆情应对", 5),
            ]
        ):
            RiskPlanTemplateTask.objects.create(
                template=template, stage=stage, title=title, due_in_days=days, sort_order=order
            )
    return template


def act(case: Case, actor: User, action: str, **data: Any) -> Case:
    return case_transition(case=case, actor=actor, action=action, data=data)


def _finish_stage_tasks(case: Case, actor: User, stage: str) -> None:
    for task in RiskTask.objects.filter(risk_id=case.pk, stage=stage, status="open").order_by("id"):
        act(case, actor, "record_task", task=task.pk, record="已按要求完成", complete=True)


def walk(case: Case, desk: Desk, target: str, template: RiskPlanTemplate, today: datetime.date) -> Case:
    """Take a risk through the loop up to `target`, as its owner centre would (the review signed above)."""
    actor = desk.clerk
    order = STAGES.index(target)
    if order >= STAGES.index(RiskStage.RESPONSE):
        case = act(case, actor, "start_response")
        case = act(case, actor, "apply_template", template=template.pk)
    if order >= STAGES.index(RiskStage.DISPOSAL):
        _finish_stage_tasks(case, actor, RiskStage.RESPONSE)
        case.risk.refresh_from_db()
        if case.risk.rescore_prompted_at is not None:
            case = act(case, actor, "score", likelihood=case.risk.likelihood, impact=case.risk.impact, note="专班复评")
        case = act(case, actor, "start_disposal")
    if order >= STAGES.index(RiskStage.SUMMARY):
        _finish_stage_tasks(case, actor, RiskStage.DISPOSAL)
        case = act(case, actor, "set_residual", likelihood=1, impact=2)
        case = act(case, actor, "start_summary")
    if order >= STAGES.index(RiskStage.IMPROVEMENT) and desk.superior is not None:
        case = act(case, actor, "write_review", worked="专班包案、逐户走访,矛盾就地化解", failed="早期预警不够及时")
        case = act(case, desk.superior, "sign_off", comment="同意")
        case = act(case, actor, "start_improvement")
        due = (today + datetime.timedelta(days=30)).isoformat()
        act(case, actor, "add_improvement", title="建立重点领域矛盾季度排查机制", due_date=due)
    if order >= STAGES.index(RiskStage.CLOSED) and desk.superior is not None:
        for task in RiskTask.objects.filter(risk_id=case.pk, stage=RiskStage.IMPROVEMENT, status="open"):
            act(case, actor, "complete_improvement", task=task.pk, record="机制已印发", save_as="mechanism")
        case = act(case, actor, "close_loop")
    return case


def risks_load(*, seed: int, today: datetime.date) -> dict[str, Any]:
    """The register (see the module's docstring); returns what the loader reports."""
    rng = random.Random(seed)
    desks = _desks()
    template = _template()
    categories = {c.code: c for c in Category.objects.filter(kind="risk", code__in=list(TITLES))}
    now = timezone.now()
    made: list[Case] = []
    levels = list(SCORES)
    plan: list[tuple[Desk, str, str, bool]] = []  # desk, level, stage, overdue
    for index, desk in enumerate(desks):
        # Each desk: every level once; the stages spread over the desks, the first two desks' reds overdue.
        for offset, level in enumerate(levels):
            stage = STAGES[(index + offset) % len(STAGES)]
            if desk.superior is None and STAGES.index(stage) >= STAGES.index(RiskStage.IMPROVEMENT):
                stage = RiskStage.SUMMARY  # the city's own reviews have nobody above to sign them
            plan.append((desk, level, stage, level in ("red", "orange") and stage == RiskStage.FORESIGHT))
    for desk, level, stage, overdue in plan:
        code = rng.choice(sorted(categories))
        likelihood, impact = rng.choice(SCORES[level])
        place = desk.region.name
        registered_at = now - datetime.timedelta(days=rng.randint(2, 6) if overdue else 0, hours=rng.randint(0, 3))
        case = risk_raise(
            actor=desk.clerk,
            category=categories[code],
            title=rng.choice(TITLES[code]).format(place=place),
            description=f"{place}综治中心排查发现,需按分级管控要求落实应对处置。",
            source=rng.choice([RiskSource.GRID_REPORT, RiskSource.DEPARTMENT_REFERRAL, RiskSource.PUBLIC_OPINION]),
            likelihood=likelihood,
            impact=impact,
            region=desk.region,
            owner_org=desk.centre,
            registered_at=registered_at if overdue else None,
        )
        made.append(walk(case, desk, stage, template, today))
    raised = _raise_from_disputes(desks)
    _demo_rule(now)
    swept = sweep().as_dict()
    cases = Case.objects.filter(pk__in=[c.pk for c in made + raised]).select_related("risk")
    return {
        "risks": len(made) + len(raised),
        "from_disputes": len(raised),
        "levels": dict(Counter(c.risk.level for c in cases)),
        "stages": dict(Counter(c.status for c in cases)),
        "suggestions": swept["created"],
        "today": today.isoformat(),
    }


def _demo_rule(now: datetime.datetime) -> SuggestionRule:
    """The platform's default rules (migration 0090), and the demo's own, tuned to the demo's volume so that a
    few suggestions wait on the review list at any --scale: disputes in one township within 90 days, at least
    as many as the third busiest township had (never fewer than 2)."""
    for name, basis, threshold, window, level in DEFAULT_RULES:
        SuggestionRule.objects.get_or_create(
            name=name, defaults={"basis": basis, "threshold": threshold, "window_days": window, "place_level": level}
        )
    busiest = list(
        Case.objects.filter(
            kind="dispute",
            registered_at__gte=now - datetime.timedelta(days=90),
            region__level__gte=RegionLevel.TOWNSHIP,
        )
        .annotate(place=Substr("region_code", 1, 9))
        .values("place")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("n", flat=True)[:3]
    )
    threshold = max(2, busiest[-1]) if busiest else 2
    rule, _created = SuggestionRule.objects.update_or_create(
        name="演示:同一乡镇(街道)90天内纠纷多发",
        defaults={
            "basis": SuggestionBasis.PLACE,
            "threshold": threshold,
            "window_days": 90,
            "place_level": RegionLevel.TOWNSHIP,
            "risk_category": Category.objects.filter(kind="risk", code="risk_disputes").first(),
        },
    )
    return rule


def _raise_from_disputes(desks: list[Desk]) -> list[Case]:
    """升级为风险 from open demo disputes of the featured townships (their newest), with their risk signs."""
    category = Category.objects.filter(kind="risk", code="risk_disputes").first()
    signs = [["crowd", "repeated"], ["stability"], ["extreme", "crowd"]]
    raised: list[Case] = []
    for desk in desks:
        if desk.centre.region.level != RegionLevel.TOWNSHIP:  # the townships' desks
            continue
        disputes = (
            Case.objects.filter(kind="dispute", closed_at__isnull=True, region_code__startswith=desk.region.prefix)
            .exclude(children__kind="risk")
            .order_by("-registered_at", "-id")[:2]
        )
        for n, dispute in enumerate(disputes):
            raised.append(
                risk_raise_from_case(
                    actor=desk.clerk,
                    source_case=dispute,
                    signs=signs[(len(raised) + n) % len(signs)],
                    category=category,
                    likelihood=4,
                    impact=3 + n,
                    owner_org=desk.centre,
                )
            )
    return raised


def report(counts: Mapping[str, Any]) -> str:
    levels = "、".join(f"{level.label} {counts['levels'][level]}" for level in RiskLevel if level in counts["levels"])
    stages = "、".join(f"{stage.label} {counts['stages'][stage]}" for stage in RiskStage if stage in counts["stages"])
    return (
        f"风险登记簿:风险 {counts['risks']} 件(由矛盾纠纷升级 {counts['from_disputes']} 件;等级 {levels};"
        f"阶段 {stages}),待研判建议 {counts['suggestions']} 条"
    )
