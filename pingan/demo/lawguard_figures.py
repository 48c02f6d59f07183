"""The demo's check of 法治护航's 2022 figures (step "lawguard-figures", the last of `lawguard_load`): the
seed's figures for Zhuzhou, computed from the records the earlier steps wrote through the ledger's own
indicators (stats.lawguard_indicators) — never written in — and compared with the seed: 36 workstations,
127 enterprises with a complete 三官一律, 18 experts, 730+ legal services and 法治体检, 842 consultations,
1,305 risk-prevention suggestions and over ¥30,000,000 recovered. A figure below its threshold stops the load
(InvalidDemoData): the ledger would not show the seed."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pingan.cases.models import Case
from pingan.lawguard.models import Enterprise, Workstation
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region
from pingan.stats.indicators import Period, Source, evaluate
from pingan.stats.lawguard_indicators import SEED_CODES

from .checks import InvalidDemoData

YEAR = Period(datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
# The seed (Zhuzhou, 2022): the least each figure must reach. 法治体检 is "of which" (no figure of its own).
SEED: Mapping[str, float] = {
    "lg_workstations": 36,
    "lg_guarded_enterprises": 127,
    "lg_experts": 18,
    "lg_services": 730,
    "lg_consultations": 842,
    "lg_suggestions": 1305,
    "lg_recovered": 30_000_000,
}


def city_figures(period: Period = YEAR, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The ledger's seed figures for the city (the tree's city-level region), every record inside it."""
    city = Region.objects.filter(level=RegionLevel.CITY).order_by("code").first()
    if city is None:
        raise InvalidDemoData(_("没有市级区划,无法计算法治护航指标"))

    def records(source: Source) -> QuerySet:
        return source.queryset().filter(**{f"{source.region_field}__startswith": city.prefix})

    base = Case.objects.filter(region_code__startswith=city.prefix)
    result = evaluate(base, {"year": period}, codes=SEED_CODES, records=records, now=now)["year"]
    return {code: figure.value for code, figure in result.items()}


def check(figures: Mapping[str, Any], thresholds: Mapping[str, float] = SEED) -> None:
    """Raise InvalidDemoData naming every figure below its threshold."""
    short = [
        f"{code} {figures.get(code) or 0} < {least}"
        for code, least in thresholds.items()
        if (figures.get(code) or 0) < least
    ]
    if short:
        raise InvalidDemoData(_("法治护航 2022 年指标低于种子数据:%(short)s") % {"short": ";".join(short)})


def load(*, seed: int, today: datetime.date, thresholds: Mapping[str, float] = SEED) -> dict:
    """Compute the 2022 figures, check them against `thresholds`, return them (the step's counts). A database
    without 法治护航's register (no workstation, no enterprise: the register step did not run) is reported,
    not checked; once the register is there, every figure must reach its threshold."""
    figures = city_figures()
    checked = Workstation.objects.exists() or Enterprise.objects.exists()
    if checked:
        check(figures, thresholds)
    return {**figures, "year": YEAR.date_from.year, "checked": checked}


def report(counts: Mapping[str, Any]) -> str:
    if not counts["checked"]:
        return f"法治护航 {counts['year']} 年指标:尚无法治护航登记数据(工作站、企业),未核对"
    return (
        f"法治护航 {counts['year']} 年:工作站 {counts['lg_workstations']} 个,三官一律派驻企业 "
        f"{counts['lg_guarded_enterprises']} 家,专家 {counts['lg_experts']} 名,法律服务和法治体检 "
        f"{counts['lg_services']} 件(其中法治体检 {counts['lg_checkups']} 件),法律咨询 {counts['lg_consultations']} 件,"
        f"风险防范建议 {counts['lg_suggestions']} 条,挽回损失 {counts['lg_recovered']:,.2f} 元"
    )
