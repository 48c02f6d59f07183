"""The consultation API: the register (list filtered by the one ConsultationFilter the page shares) and the
enterprise portal's own consultations (list, ask). A consultation in full is the engine's case detail
(`/api/v1/cases/{id}/`, with the kind's `consultation` field); its steps are the engine's transitions
(`POST /api/v1/cases/{id}/transitions/`), and a 12345 call or a workstation's question is registered through
the engine's intake (`POST /api/v1/cases/`, kind `consult`, the enterprise as an organisation party)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pingan.accounts.access import open_to_everyone, requires, signed_in_user
from pingan.cases.choices import Urgency
from pingan.cases.models import Case
from pingan.core import idempotency
from pingan.core.api import error_responses
from pingan.core.limits import LimitedJSONParser
from pingan.lawguard import services as lg
from pingan.lawguard.portal import NOT_AN_ENTERPRISE, enterprise_of, is_enterprise_user

from .. import selectors, services
from ..choices import ConsultChannel
from ..filters import ConsultationFilter
from .serializers import ConsultationListSerializer, PortalConsultationSerializer, PortalQuestionSerializer


@extend_schema_view(
    list=extend_schema(
        summary="法律咨询台账",
        description=(
            "本辖区的法律咨询,按状态、渠道、答复人角色、工作站、待答复、超期(答复时限)、我的待办等筛选"
            "(与网页的咨询台账同一筛选)。详情与办理见 /api/v1/cases/{id}/ 与其 transitions。"
        ),
        responses={200: ConsultationListSerializer(many=True), **error_responses(400, 401)},
    ),
)
@extend_schema(tags=["consultations"])
class ConsultationViewSet(viewsets.GenericViewSet[Case]):
    serializer_class = ConsultationListSerializer
    filterset_class = ConsultationFilter

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Case.objects.none()
        return selectors.consultations_for(signed_in_user(self.request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ConsultationListSerializer(page, many=True).data)


@open_to_everyone
@requires(is_enterprise_user, NOT_AN_ENTERPRISE)
class PortalConsultationView(APIView):
    """The enterprise's own consultations (企业端): open to enterprise users only; nothing of another enterprise."""

    parser_classes = [LimitedJSONParser]
    filter_backends: list[type[BaseFilterBackend]] = []

    @extend_schema(
        tags=["portal"],
        summary="我的咨询(企业端)",
        description="本企业的法律咨询及答复。仅对企业账号开放。",
        responses={200: PortalConsultationSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        enterprise = enterprise_of(request.user)
        rows = selectors.portal_consultations(enterprise)[:200] if enterprise else []
        return Response(PortalConsultationSerializer(rows, many=True).data)

    @extend_schema(
        tags=["portal"],
        summary="我要咨询(企业端)",
        description=(
            "以本企业名义提出法律咨询:经企业所属工作站的网上受理账号登记,转工作站答复(紧急的 2 小时内)。"
            "可带 `Idempotency-Key` 请求头。"
        ),
        parameters=[idempotency.OPENAPI_PARAMETER],
        request=PortalQuestionSerializer,
        responses={201: PortalConsultationSerializer, **error_responses(400, 401, 403)},
    )
    @idempotency.idempotent
    def post(self, request: Request) -> Response:
        enterprise = enterprise_of(request.user)
        assert enterprise is not None  # the access rule let an enterprise user alone in
        serializer = PortalQuestionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = services.consultation_register(
            actor=lg.portal_intake_user(enterprise),
            enterprise=enterprise,
            question=data["question"],
            channel=ConsultChannel.PORTAL,
            urgency=Urgency.URGENT if data["urgent"] else Urgency.NORMAL,
            specialities=data["specialities"],
            asked_by=signed_in_user(request),
        )
        case = selectors.portal_consultations(enterprise).get(pk=case.pk)
        return Response(PortalConsultationSerializer(case).data, status=status.HTTP_201_CREATED)
