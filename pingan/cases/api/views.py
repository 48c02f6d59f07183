"""The case API: thin views that validate with serializers, read through selectors and write through services.

Every case endpoint starts from `selectors.case_list` / `case_detail` (what the user may see), so a case
outside the user's jurisdiction is simply "not found" (404) everywhere, including files and documents.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.http import FileResponse, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from pingan.accounts.access import signed_in_user
from pingan.cases import selectors, services, workflows
from pingan.cases.models import Case, Category, ExportJob, Notification
from pingan.core import idempotency
from pingan.core.api import FirstRendererNegotiation, error_responses
from pingan.core.audit import audit_log
from pingan.core.concurrency import IF_MATCH_PARAMETER, etag, if_match
from pingan.core.errors import ApplicationError, NotFoundError
from pingan.core.models import AuditAction

from ..filters import CaseFilter
from .serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CaseCreatedSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CategorySerializer,
    EventSerializer,
    ExportJobCreateSerializer,
    ExportJobSerializer,
    NotificationSerializer,
    PartyFullSerializer,
    PartyUpdateSerializer,
    UnmaskSerializer,
    intake_notices,
    intake_payload,
)
from .transitions import TransitionSerializer, transition_request_schema

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    return HttpResponse(
        content, content_type=content_type, headers={"Content-Disposition": content_disposition_header(True, filename)}
    )


@extend_schema_view(
    list=extend_schema(summary="案件列表", responses={200: CaseListSerializer(many=True), **error_responses(400, 401)}),
    retrieve=extend_schema(summary="案件详情", responses={200: CaseDetailSerializer, **error_responses(401, 404)}),
)
@extend_schema(tags=["cases"])
class CaseViewSet(viewsets.GenericViewSet[Case]):
    serializer_class = CaseListSerializer
    filterset_class = CaseFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Case]:
        user = self.request.user
        if self.action in ("list", "export"):
            return selectors.case_list(user=user)
        kinds = workflows.kinds()
        return (
            selectors.case_detail(user=user)
            .select_related(*{name for w in kinds for name in w.detail_related})
            .prefetch_related(
                "attachments__uploaded_by", "clocks__pauses", *{name for w in kinds for name in w.detail_prefetch}
            )
        )

    def get_object(self) -> Case:
        # Not filtered by the list's query parameters: a detail URL names one case.
        return selectors.case_visible_or_404(self.get_queryset(), self.kwargs["pk"])

    def _detail(self) -> Response:
        serializer = CaseDetailSerializer(self.get_object(), context=self.get_serializer_context())
        return Response(serializer.data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(CaseListSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail()

    @extend_schema(
        summary="登记案件",
        description="可带 `Idempotency-Key` 请求头:重发同一请求不会重复登记。",
        parameters=[idempotency.OPENAPI_PARAMETER],
        request=CaseCreateSerializer,
        responses={201: CaseCreatedSerializer, **error_responses(400, 401, 403, 422)},
    )
    @idempotency.idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = CaseCreateSerializer(data=intake_payload(request.data))
        serializer.is_valid(raise_exception=True)
        case = services.case_register(actor=signed_in_user(request), **serializer.validated_data)
        self.kwargs["pk"] = case.pk
        notices = intake_notices(serializer.validated_data.get("parties", []))
        context = {**self.get_serializer_context(), "intake_notices": notices}
        return Response(CaseCreatedSerializer(self.get_object(), context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="办理过程", responses={200: EventSerializer(many=True), **error_responses(401, 404)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: int) -> Response:
        case = self.get_object()
        events = selectors.case_events(case=case)
        return Response(EventSerializer(events, many=True, context={"case": case}).data)

    @extend_schema(
        summary="办理操作(流转)",
        description="执行一项办理操作;可执行的操作见案件详情的 `allowed_actions`。状态或权限不允许时返回 409。",
        request=transition_request_schema(),
        responses={200: CaseDetailSerializer, **error_responses(400, 401, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: int) -> Response:
        case = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.case_transition(
            case=case,
            actor=signed_in_user(request),
            action=serializer.validated_data["action"],
            data=TransitionSerializer.params(request.data),
        )
        return self._detail()

    @extend_schema(
        summary="查看当事人完整信息",
        description="须填写事由;仅承办单位、上级综治中心和承办人可查看。每次查看记入审计日志。",
        request=UnmaskSerializer,
        responses={200: PartyFullSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"], pagination_class=None)
    def unmask(self, request: Request, pk: int) -> Response:
        case = self.get_object()
        serializer = UnmaskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        parties = services.parties_unmask(
            case=case, actor=signed_in_user(request), reason=serializer.validated_data["reason"]
        )
        return Response(PartyFullSerializer(parties, many=True).data)

    @extend_schema(
        summary="补充或更正当事人信息",
        description=(
            "只修改提交的字段,校验与登记相同;仅承办单位、上级综治中心和承办人可在结案前修改。记入审计日志。"
            "带 `If-Match`(查看完整信息时的 edit_token,或上次修改应答的 ETag)则在他人已修改时返回 409。"
        ),
        parameters=[
            OpenApiParameter("party_id", int, OpenApiParameter.PATH, description="当事人 ID"),
            IF_MATCH_PARAMETER,
        ],
        request=PartyUpdateSerializer,
        responses={200: PartyFullSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["patch"], url_path="parties/<int:party_id>", url_name="party")
    def party(self, request: Request, pk: int, *, party_id: int) -> Response:
        case = self.get_object()
        serializer = PartyUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        party = services.party_update(
            case=case,
            actor=signed_in_user(request),
            party_id=party_id,
            data=serializer.validated_data,
            edit_token=if_match(request),
        )
        return Response(PartyFullSerializer(party).data, headers={"ETag": etag(services.party_edit_token(party))})

    @extend_schema(
        summary="上传附件",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request: Request, pk: int) -> Response:
        case = self.get_object()
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            case=case, actor=signed_in_user(request), upload=serializer.validated_data["file"]
        )
        return Response(
            AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="下载附件",
        parameters=[OpenApiParameter("att_id", int, OpenApiParameter.PATH, description="附件 ID")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **error_responses(401, 404)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="attachments/<int:att_id>/download",
        url_name="download",
        content_negotiation_class=FirstRendererNegotiation,
    )
    def download(self, request: Request, pk: int, *, att_id: int) -> FileResponse:
        case = self.get_object()
        attachment, handle = services.attachment_open(case=case, actor=signed_in_user(request), attachment_id=att_id)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )

    @extend_schema(
        summary="导出案件(Excel)",
        operation_id="v1_cases_export_xlsx",
        filters=True,
        description="与案件列表相同的筛选条件;个人信息脱敏;记入审计日志。导出全市或超过设定条数的案件时"
        "答 400(export_job_required),须改用导出任务 POST /api/v1/exports/。",
        responses={(200, XLSX): OpenApiTypes.BINARY, **error_responses(400, 401)},
    )
    def export(self, request: Request) -> HttpResponse:
        """GET cases/export.xlsx (mapped in urls.py)."""
        from pingan.cases.exports import (
            cases_xlsx,  # written alongside; imported here so this module always loads
            needs_job,
        )

        queryset = self.filter_queryset(self.get_queryset())
        rows = queryset.count()
        if needs_job(user=request.user, rows=rows, region_filter=request.query_params.get("region", "")):
            raise ApplicationError(
                _("导出全市或大批量案件(%(rows)s 件)须申请导出任务并填写事由:POST /api/v1/exports/") % {"rows": rows},
                code="export_job_required",
            )
        content = cases_xlsx(queryset)
        audit_log(
            actor=request.user,
            action=AuditAction.EXPORT,
            object_type="cases.case",
            changes={"filters": CaseFilter(request.query_params, request=request).active_filters(), "rows": rows},
        )
        return _file_response(content, XLSX, f"cases-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@extend_schema(
    tags=["cases"],
    summary="案件类别",
    parameters=[OpenApiParameter("kind", str, description="案件类型,如 dispute;不填则列出全部")],
    responses={200: CategorySerializer(many=True), **error_responses(401)},
)
class CategoryListView(generics.ListAPIView[Category]):
    serializer_class = CategorySerializer
    pagination_class = None
    filter_backends: list[type[BaseFilterBackend]] = []

    def get_queryset(self) -> QuerySet[Category]:
        queryset = Category.objects.filter(is_active=True)
        kind = self.request.query_params.get("kind")
        return queryset.filter(kind=kind) if kind else queryset


@extend_schema_view(
    list=extend_schema(
        summary="我的提醒",
        description="未读在前,其次按时间倒序。",
        parameters=[OpenApiParameter("unread", bool, description="只看未读")],
        responses={200: NotificationSerializer(many=True), **error_responses(401)},
    ),
)
@extend_schema(tags=["notifications"])
class NotificationViewSet(viewsets.GenericViewSet[Notification]):
    serializer_class = NotificationSerializer
    filter_backends: list[type[BaseFilterBackend]] = []
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Notification]:
        queryset = Notification.objects.filter(user=signed_in_user(self.request)).select_related("case")
        unread = self.request.query_params.get("unread", "")
        if unread not in ("", "true", "false", "1", "0"):  # as core.filters.BooleanFilter reads a yes/no
            raise ApplicationError(_("须为 true 或 false"), field="unread")
        if unread in ("true", "1"):
            queryset = queryset.filter(read_at__isnull=True)
        return queryset.order_by(F("read_at").desc(nulls_first=True), "-created_at", "-id")

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)

    @extend_schema(
        summary="标记已读", request=None, responses={200: NotificationSerializer, **error_responses(401, 404)}
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: int) -> Response:
        notification = self.get_queryset().filter(pk=pk).first()
        if notification is None:
            raise NotFoundError(_("提醒不存在"))
        services.notification_mark_read(user=signed_in_user(request), notification_id=notification.pk)
        notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)


@extend_schema_view(
    retrieve=extend_schema(
        summary="导出任务进度",
        description="状态、进度与条数;完成且未过期时给出下载地址。仅申请人可见,其他人 404。",
        responses={200: ExportJobSerializer, **error_responses(401, 404)},
    ),
)
@extend_schema(tags=["cases"])
class ExportJobViewSet(viewsets.GenericViewSet[ExportJob]):
    """Export jobs (导出任务): the whole city or a large list, written in the background (cases.exports).
    Only the requester sees a job; anyone else gets 404."""

    serializer_class = ExportJobSerializer
    lookup_value_converter = "int"
    filter_backends: list[type[BaseFilterBackend]] = []
    pagination_class = None

    def get_queryset(self) -> QuerySet[ExportJob]:
        return ExportJob.objects.filter(requester_id=self.request.user.pk)

    def get_object(self) -> ExportJob:
        job = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if job is None:
            raise NotFoundError(_("导出任务不存在"))
        return job

    @extend_schema(
        summary="申请导出任务",
        description="按案件列表的筛选参数导出(个人信息脱敏),须填写事由;在后台生成,进度见返回的任务。"
        "申请与每次下载均记入审计日志;文件仅申请人可下载,过期后删除。",
        request=ExportJobCreateSerializer,
        responses={202: ExportJobSerializer, **error_responses(400, 401)},
    )
    def create(self, request: Request) -> Response:
        from pingan.cases.exports import export_job_start

        serializer = ExportJobCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = QueryDict(mutable=True)
        params.update(serializer.validated_data["filters"])
        user = signed_in_user(request)
        filterset = CaseFilter(params, queryset=selectors.case_list(user=user), request=request)
        if not filterset.is_valid():
            raise ValidationError({"filters": filterset.errors})
        job = export_job_start(
            actor=user,
            query=params.dict(),
            filters=filterset.active_filters(),
            rows=filterset.qs.count(),
            reason=serializer.validated_data["reason"],
        )
        job.refresh_from_db()
        return Response(ExportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(ExportJobSerializer(self.get_object()).data)

    @extend_schema(
        summary="下载导出文件",
        description="仅申请人可下载,每次下载记入审计日志;未完成或已过期答 409。",
        responses={(200, XLSX): OpenApiTypes.BINARY, **error_responses(401, 404, 409)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="file",
        url_name="download",
        content_negotiation_class=FirstRendererNegotiation,
    )
    def download(self, request: Request, pk: int) -> FileResponse:
        from pingan.cases.exports import export_job_open

        job, handle = export_job_open(job_id=pk, actor=signed_in_user(request))
        return FileResponse(handle, as_attachment=True, filename=f"cases-{job.pk}.xlsx", content_type=XLSX)
