"""The incident API: the phone page and every other client report through the same endpoint.

Reads start from `selectors.incident_list` / `incident_or_404` (the user's jurisdiction); the loop's
steps without files go through the case API's transitions, the two with more go here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from pingan.accounts.access import signed_in_user
from pingan.cases import selectors as case_selectors
from pingan.cases.api.serializers import CaseDetailSerializer
from pingan.cases.models import Case
from pingan.core import idempotency
from pingan.core.api import error_responses
from pingan.core.limits import LimitedJSONParser

from .. import selectors, services
from .filtersets import IncidentFilter
from .serializers import (
    ConvertSerializer,
    FeedbackSerializer,
    IncidentListSerializer,
    IncidentReportSerializer,
    IncidentSerializer,
    report_payload,
)


@extend_schema_view(
    list=extend_schema(
        summary="网格事件列表", responses={200: IncidentListSerializer(many=True), **error_responses(400, 401)}
    ),
    retrieve=extend_schema(summary="网格事件详情", responses={200: IncidentSerializer, **error_responses(401, 404)}),
)
@extend_schema(tags=["incidents"])
class IncidentViewSet(viewsets.GenericViewSet):
    serializer_class = IncidentListSerializer
    filterset_class = IncidentFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Case.objects.none()
        return selectors.incident_list(user=signed_in_user(self.request))

    def get_object(self) -> Case:
        return selectors.incident_or_404(user=signed_in_user(self.request), case_id=self.kwargs["pk"])

    def _incident(self, case_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        case = selectors.incident_or_404(user=signed_in_user(self.request), case_id=case_id)
        return Response(IncidentSerializer(case, context=self.get_serializer_context()).data, status=status_code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(IncidentListSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._incident(self.kwargs["pk"])

    @extend_schema(
        summary="上报网格事件",
        description=(
            "一步上报:类别、情况描述、现场照片(可多张,仅限图片,单张不超过附件上限)、定位(WGS-84,或注明坐标系)"
            "或手选网格。系统按定位落到网格,分流至所在综治中心,按类别计时。"
            "照片不是图片或过大时返回 400,不写入任何数据。同一 `client_ref` 重发返回已上报的事件(200);"
            "`Idempotency-Key` 请求头同样可用(重发返回第一次的应答)。"
        ),
        parameters=[idempotency.OPENAPI_PARAMETER],
        request={"multipart/form-data": IncidentReportSerializer, "application/json": IncidentReportSerializer},
        responses={201: IncidentSerializer, 200: IncidentSerializer, **error_responses(400, 401, 403, 409, 422)},
    )
    @idempotency.idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in_user(request)
        serializer = IncidentReportSerializer(data=report_payload(request.data))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        already = bool(data["client_ref"]) and selectors.report_exists(user=user, client_ref=data["client_ref"])
        case = services.incident_report(actor=user, **data)
        return self._incident(case.pk, status.HTTP_200_OK if already else status.HTTP_201_CREATED)

    @extend_schema(
        summary="处置反馈(附照片)",
        description="承办人报告处置结果并附现场照片;照片先全部检查,不合格则整体拒绝(400)。",
        request={"multipart/form-data": FeedbackSerializer},
        responses={200: IncidentSerializer, **error_responses(400, 401, 404, 409)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def feedback(self, request: Request, pk: int | None = None) -> Response:
        case = self.get_object()
        serializer = FeedbackSerializer(data=report_payload(request.data))
        serializer.is_valid(raise_exception=True)
        services.incident_feed_back(
            case=case,
            actor=signed_in_user(request),
            result=serializer.validated_data["comment"],
            photos=serializer.validated_data["photos"],
        )
        return self._incident(case.pk)

    @extend_schema(
        summary="转为矛盾纠纷",
        description="“矛盾纠纷线索”类事件一步转为矛盾纠纷案件(录入当事人);事件以“已转矛盾纠纷”结案,与新案件关联。",
        request=ConvertSerializer,
        responses={201: CaseDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], parser_classes=[LimitedJSONParser])
    def convert(self, request: Request, pk: int | None = None) -> Response:
        user = signed_in_user(request)
        case = self.get_object()
        serializer = ConvertSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispute = services.incident_to_dispute(case=case, actor=user, **serializer.validated_data)
        dispute = case_selectors.case_visible_or_404(case_selectors.case_detail(user=user), dispute.pk)
        return Response(
            CaseDetailSerializer(dispute, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )
