"""The statistics API: indicators with 同比/环比, breakdowns and drill-downs, scoped to what the user may see."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pingan.accounts.access import signed_in_user
from pingan.core.api import ErrorSerializer

from .. import indicators, risk_indicators
from ..selectors import stats_scope
from .serializers import (
    StatsBreakdownSerializer,
    StatsDrilldownCaseSerializer,
    StatsRiskOwnersSerializer,
    StatsSummarySerializer,
)

SCOPE_PARAMETERS = [
    OpenApiParameter("region", OpenApiTypes.STR, description=_("区划代码,须在本人辖区内;默认为本人辖区")),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description=_("统计期开始日期(含),默认本年1月1日")),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description=_("统计期结束日期(含),默认今天")),
    OpenApiParameter("kind", OpenApiTypes.STR, description=_("案件类型,如 dispute;默认全部类型")),
    OpenApiParameter(
        "owner_org", OpenApiTypes.STR, description=_("风险责任单位代码(须在本人辖区内):只计该单位负责的风险")
    ),
]
ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 404: ErrorSerializer}


class SummaryView(APIView):
    """Every indicator for a region and period, with 同比 (same period last year) and 环比 (previous period)."""

    @extend_schema(
        operation_id="stats_summary",
        tags=["stats"],
        parameters=SCOPE_PARAMETERS,
        responses={200: StatsSummarySerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        scope = stats_scope(user=signed_in_user(request), params=request.query_params)
        result = indicators.summary(scope.cases, scope.period)
        return Response(StatsSummarySerializer({**result, "region": scope.region_dict(), "kind": scope.kind}).data)


class BreakdownView(APIView):
    """The main indicators by district, township, community, grid cell, category or month."""

    @extend_schema(
        operation_id="stats_breakdown",
        tags=["stats"],
        parameters=[
            OpenApiParameter(
                "by",
                OpenApiTypes.STR,
                enum=list(indicators.BREAKDOWNS),
                required=True,
                description=_(
                    "分组:district 区县、township 乡镇街道、community 村社区、grid 网格、category 类别、month 月份"
                ),
            ),
            *SCOPE_PARAMETERS,
        ],
        responses={200: StatsBreakdownSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        scope = stats_scope(user=signed_in_user(request), params=request.query_params)
        by = request.query_params.get("by", "")
        rows = indicators.breakdown(scope.cases, scope.period, by)
        return Response(
            StatsBreakdownSerializer(
                {
                    "region": scope.region_dict(),
                    "kind": scope.kind,
                    **scope.period.as_dict(),
                    "by": by,
                    "rows": rows,
                }
            ).data
        )


class RiskOwnersView(APIView):
    """风险按责任单位: the cohort's risks per owner unit, by level and with an overdue stage clock."""

    @extend_schema(
        operation_id="stats_risk_owners",
        tags=["stats"],
        description=_("每个数字等于以 owner_org 为参数、对应指标(risks、risks_red…)的下钻清单条数。"),
        parameters=SCOPE_PARAMETERS,
        responses={200: StatsRiskOwnersSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        scope = stats_scope(user=signed_in_user(request), params=request.query_params)
        rows = risk_indicators.by_owner(scope.cases, scope.period)
        return Response(
            StatsRiskOwnersSerializer({"region": scope.region_dict(), **scope.period.as_dict(), "rows": rows}).data
        )


class DrilldownView(ListAPIView):
    """The exact cases behind an indicator's numerator or denominator, page by page."""

    serializer_class = StatsDrilldownCaseSerializer
    filter_backends = []  # the parameters are the indicator's scope, validated by stats_scope

    def get_queryset(self):
        scope = stats_scope(user=signed_in_user(self.request), params=self.request.query_params)
        cases = indicators.drilldown(
            scope.cases,
            scope.period,
            self.request.query_params.get("indicator", ""),
            self.request.query_params.get("part", "numerator"),
        )
        return cases.select_related("category", "region")

    @extend_schema(
        operation_id="stats_drilldown",
        tags=["stats"],
        parameters=[
            OpenApiParameter(
                "indicator",
                OpenApiTypes.STR,
                required=True,
                enum=[i.code for i in indicators.all_indicators()],
                description=_("指标代码"),
            ),
            OpenApiParameter(
                "part",
                OpenApiTypes.STR,
                enum=list(indicators.PARTS),
                description=_("numerator 分子(默认)或 denominator 分母"),
            ),
            *SCOPE_PARAMETERS,
        ],
        responses={200: StatsDrilldownCaseSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)
