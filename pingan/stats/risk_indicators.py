"""The risk register's indicators (风险防控), registered like the others (stats.indicators): risks by level and
by stage, risks with an overdue stage clock, and the on-time rate of the stage clocks. Their cohort is the
common one — risks (kind "risk") registered in the period — and every numerator and denominator is a Q over
Case, so the drill-down lists exactly the cases counted (docs/indicators.md, 风险防控指标).

The stage clocks are the risk's clocks other than the primary one (应对, 处置 by its level; docs/clocks.md):
a clock is 超期 at `as_of` when it was running then and past its deadline; it is due (应到期) when it had
stopped by then or was overdue; it is late when it stopped late or was overdue."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from pingan.cases.choices import ClockState
from pingan.cases.models import Case, CaseClock
from pingan.risks.choices import KIND, RiskLevel, RiskStage

from .indicators import COUNT, RATE, Indicator, Period, register

GROUP = "risks"
IS_RISK = Q(kind=KIND)


def _stage_clocks() -> Q:
    return Q(case=OuterRef("pk"), is_primary=False)


def _running_overdue(as_of: datetime.datetime) -> Q:
    """Running at `as_of` (started, not yet stopped, not paused now) and past its deadline then."""
    return (
        Q(started_at__lte=as_of, deadline__lt=as_of)
        & (Q(stopped_at__isnull=True) | Q(stopped_at__gt=as_of))
        & ~Q(state=ClockState.PAUSED)
    )


def _has_clock(condition: Q) -> Q:
    return Q(Exists(CaseClock.objects.filter(_stage_clocks() & condition)))


def stage_overdue_q(as_of: datetime.datetime) -> Q:
    """A risk with a stage clock overdue at `as_of`."""
    return IS_RISK & _has_clock(_running_overdue(as_of))


def stage_due_q(as_of: datetime.datetime) -> Q:
    """A risk with a stage clock that was due by `as_of`: stopped by then, or overdue then."""
    return IS_RISK & _has_clock(Q(stopped_at__lte=as_of) | _running_overdue(as_of))


def stage_on_time_q(as_of: datetime.datetime) -> Q:
    """Due by `as_of`, and none of its stage clocks late: none stopped late, none overdue."""
    late = Q(stopped_at__lte=as_of, on_time=False) | _running_overdue(as_of)
    return stage_due_q(as_of) & ~_has_clock(late)


def _constant(q: Q) -> Callable[[datetime.datetime], Q]:
    """A filter that does not depend on the instant of the overdue test."""

    def numerator_filter(as_of: datetime.datetime) -> Q:
        return q

    return numerator_filter


def _count(code: str, name: str, formula: str, definition: str, q: Q, version: str = "1.0") -> Indicator:
    return register(
        Indicator(
            code=code,
            name=gettext_lazy(name),
            formula=gettext_lazy(formula),
            numerator_definition=gettext_lazy(definition),
            denominator_definition="",
            unit=COUNT,
            version=version,
            better="",
            numerator_filter=_constant(q),
            group=GROUP,
        )
    )


_count("risks", "风险数", "风险数 = 统计期内登记的风险数", "登记时间在统计期内的风险(任何阶段)", IS_RISK)
LEVEL_NAMES = {
    RiskLevel.RED: "红色风险数",
    RiskLevel.ORANGE: "橙色风险数",
    RiskLevel.YELLOW: "黄色风险数",
    RiskLevel.BLUE: "蓝色风险数",
}
for _level, _name in LEVEL_NAMES.items():
    _count(
        f"risks_{_level}",
        _name,
        f"{_name} = 统计期内登记、当前等级为{RiskLevel(_level).label}的风险数",
        f"统计队列中当前风险等级为{RiskLevel(_level).label}的风险(按最近一次评估)",
        IS_RISK & Q(risk__level=_level),
    )
for _stage in RiskStage:
    _label = str(_stage.label)
    _count(
        f"risks_stage_{_stage.value}",
        f"{_label}阶段风险数" if _stage != RiskStage.CLOSED else "已闭环风险数",
        f"统计期内登记、当前处于“{_label}”的风险数",
        f"统计队列中当前状态为“{_label}”的风险",
        IS_RISK & Q(status=_stage.value),
    )
register(
    Indicator(
        code="risks_stage_overdue",
        name=gettext_lazy("阶段超期风险数"),
        formula=gettext_lazy("阶段超期风险数 = 统计期内登记、应对或处置时限已过期仍未完成的风险数"),
        numerator_definition=gettext_lazy(
            "统计队列中至少有一个阶段时限(应对、处置)截至统计期末(或当前,取较早者)仍在计时且已过期限的风险"
        ),
        denominator_definition="",
        unit=COUNT,
        version="1.0",
        better="down",
        numerator_filter=stage_overdue_q,
        group=GROUP,
    )
)
register(
    Indicator(
        code="risks_stage_on_time_rate",
        name=gettext_lazy("阶段时限按期率"),
        formula=gettext_lazy("阶段时限按期率 = 阶段时限均按期的风险数 ÷ 阶段时限已到期的风险数"),
        numerator_definition=gettext_lazy("分母中没有一个阶段时限超期(超期完成或到期未完成)的风险"),
        denominator_definition=gettext_lazy(
            "统计队列中至少有一个阶段时限(应对、处置)截至统计期末(或当前,取较早者)已停止或已过期限的风险"
        ),
        unit=RATE,
        version="1.0",
        numerator_filter=stage_on_time_q,
        denominator_filter=stage_due_q,
        group=GROUP,
    )
)


def by_owner(base: QuerySet[Case], period: Period, *, now: datetime.datetime | None = None) -> list[dict]:
    """The cohort's risks per owner unit (责任单位): how many, by level, and with an overdue stage clock — the
    same filters as the indicators, so each figure equals its drill-down with `owner_org` (one query)."""
    as_of = period.as_of(now or timezone.now())
    aggregates = {"risks": Count("pk")}
    aggregates.update({f"risks_{level}": Count("pk", filter=Q(risk__level=level)) for level in LEVEL_NAMES})
    aggregates["risks_stage_overdue"] = Count("pk", filter=stage_overdue_q(as_of))
    rows: Any = (  # values() rows with the aggregates
        base.filter(period.cohort_q() & IS_RISK)
        .values("risk__owner_org__code", "risk__owner_org__name")
        .annotate(**aggregates)
        .order_by(F("risks").desc(), "risk__owner_org__code")
    )
    return [
        {
            "code": row["risk__owner_org__code"],
            "name": row["risk__owner_org__name"],
            **{key: row[key] for key in aggregates},
        }
        for row in rows
        if row["risk__owner_org__code"]
    ]
