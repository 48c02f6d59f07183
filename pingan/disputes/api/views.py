"""The dispute kind's own API: the 调解协议书 of a case, and the mediators a case may be assigned to."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from pingan.accounts.access import signed_in_user
from pingan.cases import selectors
from pingan.core.api import error_responses

from ..services import agreement_download, mediators_for
from .serializers import MediatorQuerySerializer, MediatorSerializer

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class AgreementView(generics.GenericAPIView):
    """GET cases/{id}/agreement.docx: a file name, not a collection, so no slash."""

    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        tags=["cases"],
        summary="下载调解协议书",
        operation_id="v1_cases_agreement_docx",
        description="仅调解成功的矛盾纠纷;文书含完整个人信息,仅可查看完整个人信息的人员可下载,记入审计日志。",
        responses={(200, DOCX): OpenApiTypes.BINARY, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        user = signed_in_user(request)
        case = selectors.case_visible_or_404(selectors.case_list(user=user), pk)
        filename, content = agreement_download(case=case, actor=user)
        return HttpResponse(
            content, content_type=DOCX, headers={"Content-Disposition": content_disposition_header(True, filename)}
        )


@extend_schema(
    tags=["cases"],
    summary="可指派的调解员",
    parameters=[MediatorQuerySerializer],
    responses={200: MediatorSerializer(many=True), **error_responses(400, 401, 404)},
)
class MediatorListView(generics.GenericAPIView):
    serializer_class = MediatorSerializer
    pagination_class = None
    filter_backends: list = []

    def get(self, request: Request) -> Response:
        query = MediatorQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        case = selectors.case_visible_or_404(
            selectors.case_list(user=signed_in_user(request)), query.validated_data["case"]
        )
        return Response(MediatorSerializer(mediators_for(case), many=True).data)
