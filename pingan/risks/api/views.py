"""The risk API: the register (list filtered by the one RiskFilter the page shares), raising a risk, a
risk in full, and the reference data (matrix, level policies, plan templates) for reading. The loop's
steps are the engine's transitions (`POST /api/v1/cases/{id}/transitions/`), declared once in workflow.py."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request
from rest_framework.response import Response

from pingan.accounts.access import signed_in_user
from pingan.cases import selectors as case_selectors
from pingan.cases.models import Case
from pingan.core import idempotency
from pingan.core.api import error_responses
from pingan.core.errors import ApplicationError, NotFoundError

from .. import selectors, services
from ..filters import RiskFilter
from ..models import LevelPolicy, RiskPlanTemplate, RiskPlanTemplateTask
from .serializers import (
    LevelPolicySerializer,
    MatrixSerializer,
    PlanTemplateSerializer,
    RiskListSerializer,
    RiskRaiseSerializer,
    RiskSerializer,
)


def _risk_or_404(request: Request, case_id: int | str) -> Case:
    risk = selectors.risks_for(signed_in_user(request)).select_related("parent").filter(pk=case_id).first()
    if risk is None:
        raise NotFoundError(_("风险不存在或不在您的辖区内"))
    return risk


@extend_schema_view(
    list=extend_schema(
        summary="风险台账",
        description="本辖区的风险,按等级、阶段、类别、责任单位、区划、超期等筛选(与网页的风险台账同一筛选)。",
        responses={200: RiskListSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        summary="风险详情",
        description=(
            "风险的评估、任务、评估记录、总结与签批,及当前可执行的操作(经 /api/v1/cases/{id}/transitions/ 执行)。"
        ),
        responses={200: RiskSerializer, **error_responses(401, 404)},
    ),
)
@extend_schema(tags=["risks"])
class RiskViewSet(viewsets.GenericViewSet[Case]):
    serializer_class = RiskListSerializer
    filterset_class = RiskFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Case.objects.none()
        return selectors.risks_for(signed_in_user(self.request))

    def _risk(self, case_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        case = _risk_or_404(self.request, case_id)
        return Response(RiskSerializer(case, context=self.get_serializer_context()).data, status=status_code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(RiskListSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._risk(self.kwargs["pk"])

    @extend_schema(
        summary="新建风险(预见)",
        description=(
            "登记一项风险:来源、类别、可能性 × 影响程度(按风险矩阵定级)、责任单位、所在区划(或网格、或定位点)、"
            "涉及人员(加密保存,脱敏显示)。任何字段不合格返回 400,不写入任何数据。"
        ),
        parameters=[idempotency.OPENAPI_PARAMETER],
        request=RiskRaiseSerializer,
        responses={201: RiskSerializer, **error_responses(400, 401, 403, 409, 422)},
    )
    @idempotency.idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in_user(request)
        serializer = RiskRaiseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        source_id = data.pop("source_case", None)
        source_case = None
        if source_id is not None:
            source_case = case_selectors.case_list(user=user).filter(pk=source_id).first()
            if source_case is None:
                raise ApplicationError(_("来源案件不存在或不在您的辖区内"), field="source_case")
        case = services.risk_raise(actor=user, source_case=source_case, **data)
        return self._risk(case.pk, status.HTTP_201_CREATED)


@extend_schema(
    tags=["risks"],
    summary="风险矩阵",
    description="启用中的可能性 × 影响程度矩阵(后台可编辑)。",
    responses={200: MatrixSerializer, **error_responses(401)},
)
class RiskMatrixView(generics.GenericAPIView):
    serializer_class = MatrixSerializer
    filter_backends: list[type[BaseFilterBackend]] = []

    def get(self, request: Request) -> Response:
        return Response(MatrixSerializer(services.active_matrix()).data)


@extend_schema(
    tags=["risks"],
    summary="分级管控要求",
    description="各风险等级的应对时限、处置时限与定期复核周期(后台可编辑)。",
    responses={200: LevelPolicySerializer(many=True), **error_responses(401)},
)
class LevelPolicyListView(generics.ListAPIView[LevelPolicy]):
    serializer_class = LevelPolicySerializer
    pagination_class = None
    filter_backends: list[type[BaseFilterBackend]] = []
    queryset = LevelPolicy.objects.order_by("id")


@extend_schema(
    tags=["risks"],
    summary="预案模板",
    description="启用中的预案模板及其任务(套用时按工作日历从当日起算期限)。",
    responses={200: PlanTemplateSerializer(many=True), **error_responses(401)},
)
class PlanTemplateListView(generics.ListAPIView[RiskPlanTemplate]):
    serializer_class = PlanTemplateSerializer
    pagination_class = None
    filter_backends: list[type[BaseFilterBackend]] = []

    def get_queryset(self) -> QuerySet[RiskPlanTemplate]:
        return (
            RiskPlanTemplate.objects.filter(is_active=True)
            .select_related("category")
            .prefetch_related(Prefetch("tasks", queryset=RiskPlanTemplateTask.objects.order_by("sort_order", "id")))
            .order_by("name", "id")
        )
