"""The dashboard (数据看板): indicator cards, charts by the level below the user's region (district, township,
community or grid), by category and by month, and drill-down lists; 法治护航台账 (the ledger) and its export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.accounts.access import signed_in_user
from pingan.cases import workflows
from pingan.core.audit import audit_log
from pingan.core.errors import ApplicationError, NotFoundError
from pingan.core.models import AuditAction

from . import exports, indicators, ledger, risk_indicators
from .lawguard_indicators import GROUP as LAWGUARD
from .lawguard_indicators import ROLE_CODES, WORKSTATION_CODES
from .selectors import StatsScope, stats_scope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DRILLDOWN_PAGE_SIZE = 50
REGION_TITLES = {
    "district": gettext_lazy("按区县"),
    "township": gettext_lazy("按乡镇街道"),
    "community": gettext_lazy("按村社区"),
    "grid": gettext_lazy("按网格"),
}


def _scope_or_defaults(request: HttpRequest) -> tuple[StatsScope, str]:
    """The scope asked for; on bad input, the defaults and the message (a foreign region is a 404)."""
    user = signed_in_user(request)
    try:
        return stats_scope(user=user, params=request.GET), ""
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    except ApplicationError as exc:
        kept = ("region", "kind", "owner_org", "workstation", "provider_role")
        params = {k: request.GET[k] for k in kept if k in request.GET and k not in exc.fields}
        try:
            return stats_scope(user=user, params=params), exc.message
        except ApplicationError:
            return stats_scope(user=user, params={}), exc.message


def _change_text(indicator: dict, key: str) -> tuple[str, str]:
    """(arrow, text) for 同比/环比: rates move in percentage points, counts in per cent."""
    change, relative = indicator[f"{key}_change"], indicator[key]
    if change is None:
        return "", _("无可比数据")
    arrow = "▲" if change > 0 else "▼" if change < 0 else "■"
    if indicator["unit"] == indicators.RATE:
        return arrow, _("%(sign)s%(value).2f个百分点") % {"sign": "+" if change > 0 else "", "value": change * 100}
    if relative is None:
        if indicator["unit"] != indicators.COUNT:  # 元, 分, 个, 家, 名, 条
            return arrow, f"{'+' if change > 0 else ''}{indicators.display(change, indicator['unit'])}"
        return arrow, _("%(sign)s%(value)d件") % {"sign": "+" if change > 0 else "", "value": change}
    return arrow, f"{'+' if relative > 0 else ''}{relative * 100:.2f}%"


def _tone(indicator: dict, key: str) -> str:
    change = indicator[f"{key}_change"]
    if not change or not indicator["better"]:
        return "text-secondary"
    good = (change > 0) == (indicator["better"] == "up")
    return "text-success" if good else "text-danger"


def _cards(result: dict, query: dict) -> list[dict]:
    cards = []
    for item in result["indicators"]:
        yoy_arrow, yoy_text = _change_text(item, "yoy")
        mom_arrow, mom_text = _change_text(item, "mom")
        cards.append(
            {
                **item,
                "yoy_arrow": yoy_arrow,
                "yoy_text": yoy_text,
                "yoy_tone": _tone(item, "yoy"),
                "mom_arrow": mom_arrow,
                "mom_text": mom_text,
                "mom_tone": _tone(item, "mom"),
                "numerator_url": urlencode({**query, "indicator": item["code"], "part": "numerator"}),
                "denominator_url": urlencode({**query, "indicator": item["code"], "part": "denominator"})
                if item["denominator"] is not None
                else "",
            }
        )
    return cards


def _series(rows: list[dict]) -> dict:
    def percent(value):
        return None if value is None else round(value * 100, 2)

    return {
        "keys": [r["key"] for r in rows],
        "labels": [r["label"] for r in rows],
        "received": [r["received"] for r in rows],
        "closed": [r["closed"] for r in rows],
        "closure_rate": [percent(r["closure_rate"]) for r in rows],
        "mediation_success_rate": [percent(r["mediation_success_rate"]) for r in rows],
        "satisfaction_rate": [percent(r["satisfaction_rate"]) for r in rows],
    }


def _risk_owner_rows(scope: StatsScope, query: dict) -> list[dict]:
    """风险按责任单位: each owner unit's risks of the cohort by level, with the drill-down links."""
    rows = []
    for row in risk_indicators.by_owner(scope.cases, scope.period):
        links = {
            code: urlencode({**query, "owner_org": row["code"], "indicator": code, "part": "numerator"})
            for code in ("risks", *(f"risks_{level}" for level in risk_indicators.LEVEL_NAMES), "risks_stage_overdue")
        }
        rows.append({**row, "links": links})
    return rows


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope, error = _scope_or_defaults(request)
    cases, period = scope.cases, scope.period
    result = indicators.summary(cases, period)
    by_region = scope.region_breakdown
    charts = {
        "region": {"by": by_region, **_series(indicators.breakdown(cases, period, by_region))},
        "category": _series(indicators.breakdown(cases, period, "category")),
        "month": _series(indicators.breakdown(cases, period, "month")),
        "texts": {
            "received": _("受理数"),
            "closed": _("结案数"),
            "closure_rate": _("结案率(%)"),
            "mediation_success_rate": _("调解成功率(%)"),
            "satisfaction_rate": _("满意率(%)"),
            "empty": _("暂无数据"),
        },
    }
    query = scope.query()
    keep = {k: v for k, v in query.items() if k in ("region", "kind")}
    all_cards = _cards(result, query)
    context = {
        "scope": scope,
        "region": scope.region_dict(),
        "error": error,
        "result": result,
        "cards": [card for card in all_cards if not card["group"]],
        # 风险防控: the risk register's indicators, and its risks by owner unit (each figure drills down).
        "risk_cards": [card for card in all_cards if card["group"] == risk_indicators.GROUP],
        "risk_owners": _risk_owner_rows(scope, query),
        "charts": charts,
        "region_title": REGION_TITLES[by_region],
        "kind_choices": workflows.kind_choices(),
        "quick_links": _quick_links(keep),
    }
    return render(request, "stats/dashboard.html", context)


def _quick_links(keep: dict) -> list[dict]:
    return [
        {"label": _("本年"), "query": urlencode(keep)},
        {"label": _("2022年"), "query": urlencode({**keep, "date_from": "2022-01-01", "date_to": "2022-12-31"})},
    ]


def _linked(rows: list[dict], query: dict, dimension: str, codes: tuple[str, ...]) -> list[dict]:
    """The table's rows with each figure's display and its drill-down (the row's workstation or role)."""
    out = []
    for row in rows:
        cells = []
        for code in codes:
            figure = row["cells"][code]
            link = ""
            if row["key"] != ledger.OTHER_STATIONS:
                link = urlencode({**query, dimension: row["key"], "indicator": code, "part": "numerator"})
            cells.append(
                {
                    "code": code,
                    "display": indicators.display(figure.value, figure.indicator.unit),
                    "count": figure.numerator,
                    "link": link,
                }
            )
        out.append({"key": row["key"], "name": row["name"], "cells": cells})
    return out


@login_required
def lawguard_ledger(request: HttpRequest) -> HttpResponse:
    """法治护航台账: the seed's figures with 同比/环比, by workstation and by provider role."""
    scope, error = _scope_or_defaults(request)
    query = {k: v for k, v in scope.query().items() if k not in ("kind", "owner_org", "workstation", "provider_role")}
    keep = {k: v for k, v in query.items() if k == "region"}
    context = {
        "scope": scope,
        "region": scope.region_dict(),
        "error": error,
        "result": (result := ledger.summary(scope)),
        "cards": _cards(result, query),
        "headers": {
            "workstation": [indicators.get(code).name for code in WORKSTATION_CODES],
            "role": [indicators.get(code).name for code in ROLE_CODES],
        },
        "workstations": _linked(ledger.workstation_rows(scope), query, "workstation", WORKSTATION_CODES),
        "roles": _linked(ledger.role_rows(scope), query, "provider_role", ROLE_CODES),
        "quick_links": _quick_links(keep),
        "export_query": urlencode(query),
    }
    return render(request, "stats/lawguard_ledger.html", context)


@login_required
def lawguard_export(request: HttpRequest) -> HttpResponse:
    """The ledger as 法治护航工作情况统计表 (.xlsx), logged."""
    scope, error = _scope_or_defaults(request)
    if error:
        raise Http404(error)
    user = signed_in_user(request)
    memberships = user.active_memberships
    unit = memberships[0].organization.name if memberships else user.full_name
    today = timezone.localdate()
    content = exports.lawguard_xlsx(scope, unit=unit, today=today)
    audit_log(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="stats.lawguard_ledger",
        region_code=scope.region.code if scope.region is not None else "",
        changes={"filters": scope.query(), "masked": True, "format": "xlsx", "report": "lawguard"},
    )
    filename = _("法治护航工作情况统计表-%(date)s.xlsx") % {"date": today.strftime("%Y%m%d")}
    return HttpResponse(
        content,
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(True, filename), "Cache-Control": "no-store"},
    )


@login_required
def drilldown(request: HttpRequest) -> HttpResponse:
    scope, error = _scope_or_defaults(request)
    code, part = request.GET.get("indicator", ""), request.GET.get("part", "numerator")
    indicator, page, status = None, None, 200
    if not error:
        try:
            indicator = indicators.get(code)
            found = indicators.drilldown(scope.cases, scope.period, code, part, records=scope.records)
            if indicator.source is None:
                found = found.select_related("category", "region")
            page = Paginator(found, DRILLDOWN_PAGE_SIZE).get_page(request.GET.get("page"))
        except ApplicationError as exc:
            error = exc.message
    if error:
        status = 400
    rows, records = [], []
    if page is not None and indicator is not None and indicator.source is not None:
        records = [indicator.source.row(record) for record in page]
    elif page is not None:
        for case in page:
            rows.append({"case": case, "status": workflows.get(case.kind).state_label(case.status)})
    query = scope.query()
    ledger_back = indicator is not None and indicator.group == LAWGUARD
    return render(
        request,
        "stats/drilldown.html",
        {
            "scope": scope,
            "region": scope.region_dict(),
            "indicator": indicator.describe() if indicator else None,
            "part": part,
            "error": error,
            "page": page,
            "rows": rows,
            "records": records,
            "source": indicator.source if indicator else None,
            "ledger_back": ledger_back,
            "page_query": urlencode({**query, "indicator": code, "part": part}),
            "back_query": urlencode(query),
        },
        status=status,
    )
