"""The map dashboard (网格地图) at /map/: the page, the figures table of the current level, and the side
panel of a grid cell (loaded with htmx). The map itself is drawn by pingan/static/map/map.js from the
API in `api/views.py`; the table and the panel are rendered here, so they work without JavaScript too."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from pingan.accounts.access import signed_in_user
from pingan.cameras.selectors import scope_region
from pingan.core.http import HtmxRequest
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region

from . import selectors
from .risk_layer import legend as risk_legend

PANEL_PLACEHOLDER = "000000000000000"


def _region(request: HttpRequest) -> Region | None:
    return scope_region(user=signed_in_user(request), code=request.GET.get("region", ""))


def _level_context(request: HttpRequest, region: Region | None) -> dict[str, Any]:
    level = selectors.map_level(user=signed_in_user(request), region=region)
    return {**level, "measures": selectors.measure_labels(), "grid_level": RegionLevel.GRID}


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    context = _level_context(request, region)
    context["risk_legend"] = risk_legend()
    context["config"] = {
        "region": region.code if region else "",
        "regionsUrl": reverse("api-map-regions"),
        "heatUrl": reverse("api-map-heat"),
        "risksUrl": reverse("api-map-risks"),
        "riskLegend": risk_legend(),
        "camerasUrl": reverse("api-camera-points"),
        "tableUrl": reverse("map-table"),
        "panelUrl": reverse("map-grid-panel", args=[PANEL_PLACEHOLDER]),
        "panelPlaceholder": PANEL_PLACEHOLDER,
        "gridLevel": RegionLevel.GRID,
        "measures": context["measures"],
        "texts": {
            "open": _("未结案件"),
            "overdue": _("超期案件"),
            "density": _("每网格案件数(近一年)"),
            "grids": _("网格数"),
            "centres": _("综治中心数"),
            "cameras": _("视频监控点位"),
            "heat": _("案件热力"),
            "risks": _("风险"),
            "risksTruncated": _("风险较多,只显示了一部分。"),
            "loading": _("正在加载…"),
            "error": _("地图数据加载失败,请刷新页面重试"),
            "noShapes": _("本级区划暂无边界数据,仅显示下方统计表。"),
            "heatTruncated": _("案件较多,热力图只显示最近的 %(count)d 件。") % {"count": selectors.MAX_HEAT_POINTS},
            "camerasTruncated": _("点位较多,只显示了一部分。"),
        },
    }
    return render(request, "map/map.html", context)


@login_required
def map_table(request: HttpRequest) -> HttpResponse:
    return render(request, "map/map_table.html", _level_context(request, _region(request)))


@login_required
def map_grid_panel(request: HtmxRequest, code: str) -> HttpResponse:
    panel = selectors.grid_panel(user=signed_in_user(request), code=code)
    # Without htmx (a link opened on its own) the panel comes in a page of its own.
    template = "map/map_panel.html" if request.htmx else "map/map_panel_page.html"
    return render(request, template, panel)
