"""The statistics API: indicators with 同比/环比, breakdowns and drill-downs, scoped to what the user may see."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pingan.accounts.access import signed_in_user
from pingan.core.api import ErrorSerializer
from pingan.core.errors import ApplicationError
from pingan.lawguard.choices import ProviderRole

from .. import indicators, ledger, risk_indicators
from ..lawguard_indicators import ROLE_CODES, WORKSTATION_CODES
from ..selectors import StatsScope, stats_scope
from .serializers import (
    StatsBreakdownSerializer,
    StatsDrilldownCaseSerializer,
    StatsDrilldownRecordSerializer,
    StatsLedgerTableSerializer,
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
    OpenApiParameter(
        "workstation",
        OpenApiTypes.STR,
        description=_("法治护航工作站的机构代码(须在本人辖区内):只计记在该工作站名下的案件和记录"),
    ),
    OpenApiParameter(
        "provider_role",
        OpenApiTypes.STR,
        enum=list(ProviderRole.values),
        description=_("服务人员角色:只计由该角色提供服务的案件(法治护航)"),
    ),
]
ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 404: ErrorSerializer}


class SummaryView(APIView):
    """Every indicator for a region and period, with 同比 (same period last year) and 环比 (previous period)."""

    @extend_schema(
        operation_id="stats_summary",
        tags=["stats"],
        parameters=[
            OpenApiParameter(
                "group",
                OpenApiTypes.STR,
                enum=["risks", "lawguard"],
                description=_("指标组:默认为案件指标和风险防控指标;lawguard 为法治护航指标(台账)"),
            ),
            *SCOPE_PARAMETERS,
        ],
        responses={200: StatsSummarySerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        scope = stats_scope(user=signed_in_user(request), params=request.query_params)
        group = request.query_params.get("group", "")
        codes = None
        if group:
            if group not in indicators.groups():
                raise ApplicationError(_("未知的指标组:%(group)s") % {"group": group}, field="group")
            codes = [ind.code for ind in indicators.all_indicators(group)]
        result = indicators.summary(scope.cases, scope.period, codes=codes, records=scope.records)
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
    """The exact cases behind an indicator's numerator or denominator, page by page; for an indicator that
    counts other records (法治护航's suggestions, losses, ratings, workstations, enterprises, experts), those
    records."""

    serializer_class = StatsDrilldownCaseSerializer
    filter_backends = []  # the parameters are the indicator's scope, validated by stats_scope

    def _indicator(self) -> indicators.Indicator:
        return indicators.get(self.request.query_params.get("indicator", ""))

    def get_queryset(self):
        scope = stats_scope(user=signed_in_user(self.request), params=self.request.query_params)
        indicator = self._indicator()
        found = indicators.drilldown(
            scope.cases,
            scope.period,
            indicator.code,
            self.request.query_params.get("part", "numerator"),
            records=scope.records,
        )
        return found if indicator.source is not None else found.select_related("category", "region")

    def get_serializer(self, *args, **kwargs):
        source = self._indicator().source
        if source is None or not args:
            return super().get_serializer(*args, **kwargs)
        rows = [{**source.row(record), "source": source.key} for record in args[0]]
        return StatsDrilldownRecordSerializer(rows, many=True)

    @extend_schema(
        operation_id="stats_drilldown",
        tags=["stats"],
        parameters=[
            OpenApiParameter(
                "indicator",
                OpenApiTypes.STR,
                required=True,
                enum=[i.code for i in indicators.every_indicator()],
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
        responses={
            200: PolymorphicProxySerializer(
                component_name="StatsDrilldownRow",
                serializers=[StatsDrilldownCaseSerializer, StatsDrilldownRecordSerializer],
                resource_type_field_name=None,
                many=True,
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


def _table(scope: StatsScope, rows: list[dict], codes: tuple[str, ...]) -> dict:
    return {
        "region": scope.region_dict(),
        **scope.period.as_dict(),
        "rows": [
            {
                "key": row["key"],
                "name": row["name"],
                "figures": [
                    {
                        "code": code,
                        "numerator": row["cells"][code].numerator,
                        "value": row["cells"][code].value,
                        "display": indicators.display(row["cells"][code].value, row["cells"][code].indicator.unit),
                    }
                    for code in codes
                ],
            }
            for row in rows
        ],
    }


class LawguardWorkstationsView(APIView):
    """法治护航台账·按工作站: each workstation's figures (每个数字等于以 workstation 为参数的下钻清单条数)."""

    @extend_schema(
        operation_id="stats_lawguard_workstations",
        tags=["stats"],
        parameters=SCOPE_PARAMETERS,
        responses={200: StatsLedgerTableSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        scope = stats_scope(user=signed_in_user(request), params=request.query_params)
        table = _table(scope, ledger.workstation_rows(scope), WORKSTATION_CODES)
        return Response(StatsLedgerTableSerializer(table).data)


class LawguardRolesView(APIView):
    """法治护航台账·按服务人员角色: 三官一律 each, experts and staff (下钻时以 provider_role 为参数)."""

    @extend_schema(
        operation_id="stats_lawguard_roles",
        tags=["stats"],
        parameters=SCOPE_PARAMETERS,
        responses={200: StatsLedgerTableSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        scope = stats_scope(user=signed_in_user(request), params=request.query_params)
        return Response(StatsLedgerTableSerializer(_table(scope, ledger.role_rows(scope), ROLE_CODES)).data)
