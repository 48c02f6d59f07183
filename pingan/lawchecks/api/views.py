"""The legal-service API: the register (list filtered by the one LegalServiceFilter the page shares), a
report's download (audit-logged), and the portal's own endpoint (an enterprise user's services, and booking
a 体检). The flow's steps are the engine's transitions (`POST /api/v1/cases/{id}/transitions/`), declared
once in workflow.py; the self-check and the check's answers and findings are parameters of theirs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pingan.accounts.access import open_to_everyone, requires, signed_in_user
from pingan.cases.models import Case
from pingan.core.api import error_responses
from pingan.core.errors import NotFoundError, PermissionDeniedError
from pingan.core.limits import LimitedJSONParser
from pingan.lawguard.portal import NOT_AN_ENTERPRISE, enterprise_of, is_enterprise_user

from .. import selectors, services
from ..filters import LegalServiceFilter
from ..models import LegalService
from ..views import _report_response
from .serializers import LegalServiceListSerializer, PortalBookSerializer, PortalServiceSerializer


@extend_schema_view(
    list=extend_schema(
        summary="法律服务台账",
        description="本辖区的法律服务(含法治体检),按类别、状态、工作站、超期、待审核筛选(与网页台账同一筛选)。",
        responses={200: LegalServiceListSerializer(many=True), **error_responses(400, 401)},
    ),
)
@extend_schema(tags=["lawservices"])
class LegalServiceViewSet(viewsets.GenericViewSet[Case]):
    serializer_class = LegalServiceListSerializer
    filterset_class = LegalServiceFilter

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return selectors.services_for(signed_in_user(self.request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(LegalServiceListSerializer(page, many=True).data)


FORMAT = OpenApiParameter(
    "fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["docx", "pdf"], description="docx 或 pdf"
)


@extend_schema(
    tags=["lawservices"],
    summary="下载法律风险评估报告",
    description="报告草稿(审核中)或已出具的报告(冻结的附件);每次下载记入审计日志。",
    parameters=[FORMAT],
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **error_responses(401, 404)},
)
class ReportDownloadView(APIView):
    def get(self, request: Request, case_id: int, fmt: str) -> HttpResponse:
        case = selectors.services_for(signed_in_user(request)).filter(pk=case_id).first()
        if case is None or case.legalservice.drafted_at is None or fmt not in ("docx", "pdf"):
            raise NotFoundError(_("报告不存在或不在您的辖区内"))
        return _report_response(request, case.legalservice, fmt)


@open_to_everyone
@requires(is_enterprise_user, NOT_AN_ENTERPRISE)
@extend_schema(tags=["portal"])
class PortalServiceView(generics.GenericAPIView[LegalService]):
    """The enterprise user's own services; POST books a 法治体检 (企业端)."""

    serializer_class = PortalServiceSerializer
    parser_classes = [LimitedJSONParser]
    pagination_class = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # The access marks admit every signed-in user (open_to_everyone is checked first): refuse here
        # whoever holds no enterprise account, staff included.
        if enterprise_of(request.user) is None:
            raise PermissionDeniedError(NOT_AN_ENTERPRISE)

    def get_queryset(self) -> QuerySet[LegalService]:
        if getattr(self, "swagger_fake_view", False):
            return LegalService.objects.none()
        enterprise = enterprise_of(self.request.user)
        return selectors.portal_services(enterprise) if enterprise else LegalService.objects.none()

    @extend_schema(
        summary="我的法律服务(企业端)",
        responses={200: PortalServiceSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(PortalServiceSerializer(self.get_queryset(), many=True).data)

    @extend_schema(
        summary="预约法治体检(企业端)",
        request=PortalBookSerializer,
        responses={201: PortalServiceSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        serializer = PortalBookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = enterprise_of(request.user)
        assert enterprise is not None  # the access rule let only an enterprise user in
        case = services.portal_book(user=signed_in_user(request), enterprise=enterprise, **serializer.validated_data)
        return Response(PortalServiceSerializer(case.legalservice).data, status=status.HTTP_201_CREATED)
