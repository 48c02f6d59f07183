"""法治护航台账 (the ledger): the seed's figures with 同比/环比, and the tables by workstation, by provider role
and by district (区县), every figure computed by the indicators (stats.lawguard_indicators) over a scope, so
each number equals its drill-down list (docs/lawguard-ledger.md)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.lawguard.choices import ProviderRole
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region

from . import indicators
from .indicators import get
from .lawguard_indicators import ROLE_CODES, SEED_CODES, WORKSTATION_CODES, Figure, empty_figure, figures_by
from .selectors import StatsScope, workstations_visible_to

# The cards: the seed's figures first, then the rates and the rest.
CARD_CODES = (
    *SEED_CODES,
    "lg_disputes",
    "lg_consult_on_time_rate",
    "lg_suggestions_verified",
    "lg_suggestion_implementation_rate",
    "lg_rating",
)
# The district sheet's columns, by the report's groups (工作站建设 | 服务企业 | 法律服务 | 风险防范 | 挽回损失).
DISTRICT_GROUPS: tuple[tuple[Promise, tuple[str, ...]], ...] = (
    (gettext_lazy("工作站建设"), ("lg_workstations", "lg_experts")),
    (gettext_lazy("服务企业"), ("lg_guarded_enterprises",)),
    (
        gettext_lazy("法律服务"),
        ("lg_services", "lg_checkups", "lg_consultations", "lg_consult_on_time_rate", "lg_disputes"),
    ),
    (gettext_lazy("风险防范"), ("lg_suggestions", "lg_suggestions_verified", "lg_suggestion_implementation_rate")),
    (gettext_lazy("挽回损失"), ("lg_recovered",)),
)
DISTRICT_CODES = tuple(code for _group, codes in DISTRICT_GROUPS for code in codes)
OTHER_STATIONS = "__other__"


def summary(scope: StatsScope) -> dict:
    """The cards: the ledger's indicators with 同比 and 环比 (one query per source)."""
    return indicators.summary(scope.cases, scope.period, codes=CARD_CODES, records=scope.records)


def totals(scope: StatsScope, codes: tuple[str, ...]) -> dict[str, Figure]:
    return indicators.evaluate(scope.cases, {"p": scope.period}, codes=codes, records=scope.records)["p"]


def _cells(figures: dict[str, Figure], codes: tuple[str, ...]) -> dict[str, Figure]:
    return {code: figures.get(code) or empty_figure(code) for code in codes}


def workstation_rows(scope: StatsScope) -> list[dict]:
    """One row per workstation of the user's jurisdiction (inside the scope's region) or credited with a
    figure; what is credited to a workstation outside the jurisdiction is one row, 辖区外工作站, without
    drill-down (its records are the user's, the workstation is not)."""
    grouped = figures_by(scope.cases, scope.records, scope.period, "workstation", WORKSTATION_CODES)
    stations = workstations_visible_to(scope.user).filter(
        scope.inside("organization__region__code") | Q(organization__code__in=list(grouped))
    )
    visible = {station.organization.code: station for station in stations}
    rows = [
        {"key": code, "name": station.organization.name, "cells": _cells(grouped.get(code, {}), WORKSTATION_CODES)}
        for code, station in sorted(visible.items())
    ]
    others = [figures for code, figures in grouped.items() if code not in visible]
    if others:
        merged = {  # the table's figures are counts and one sum: they add up
            code: Figure(
                get(code),
                sum(f[code].numerator for f in others if code in f),
                None,
                sum((f[code].measured or 0) for f in others if code in f),
            )
            for code in WORKSTATION_CODES
        }
        rows.append({"key": OTHER_STATIONS, "name": _("辖区外工作站"), "cells": _cells(merged, WORKSTATION_CODES)})
    return rows


def role_rows(scope: StatsScope) -> list[dict]:
    """One row per provider role (三官一律 each, expert, the workstation's staff), every role shown."""
    grouped = figures_by(scope.cases, scope.records, scope.period, "provider_role", ROLE_CODES)
    return [
        {"key": role.value, "name": str(role.label), "cells": _cells(grouped.get(role.value, {}), ROLE_CODES)}
        for role in ProviderRole
    ]


def district_rows(scope: StatsScope) -> tuple[list[dict], dict[str, Figure]]:
    """One row per district (区县, the first 6 digits of each record's region field; records placed above
    the districts form a row of their region, "(本级)"), and the 合计 (the scope's own figures)."""
    grouped = figures_by(scope.cases, scope.records, scope.period, "district", DISTRICT_CODES)
    regions = {
        code: (name, level)
        for code, name, level in Region.objects.filter(code__in=list(grouped)).values_list("code", "name", "level")
    }
    rows: list[dict[str, Any]] = []
    for code in sorted(grouped):
        name, level = regions.get(code, (code, RegionLevel.COUNTY))
        if level < RegionLevel.COUNTY:  # placed above the districts (the city itself)
            name = _("%(name)s(本级)") % {"name": name}
        rows.append({"key": code, "name": name, "cells": _cells(grouped[code], DISTRICT_CODES)})
    return rows, _cells(totals(scope, DISTRICT_CODES), DISTRICT_CODES)
