"""The major-event API (/api/v1/events/): events created from scenario templates, their plan tasks and
completion, sweeps and findings (a finding becomes a case in one step), duty rosters, daily reports
(generate, edit, send, DOCX) and the review whose lessons are saved into the template.

Every endpoint starts from the selectors (what the user may see): an event outside the user's
jurisdiction, and everything of it, is "not found" (404); writes go through the services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from pingan.accounts.access import signed_in_user
from pingan.accounts.models import User
from pingan.cases.api.serializers import CaseRefSerializer
from pingan.core.api import error_responses
from pingan.core.errors import ApplicationError, NotFoundError
from pingan.regions.models import Organization, Region

from .. import documents, selectors, services
from ..filters import EventFilter
from ..models import Event, ScenarioTemplate, TemplateSection
from .serializers import (
    DailyReportEditSerializer,
    DailyReportGenerateSerializer,
    DailyReportSerializer,
    EventLessonSaveSerializer,
    EventLessonSerializer,
    EventReviewSerializer,
    EventReviewWriteSerializer,
    EventRosterQuerySerializer,
    EventTaskCompleteSerializer,
    MajorEventCreateSerializer,
    MajorEventDetailSerializer,
    MajorEventSerializer,
    MajorEventStatusSerializer,
    PlanTaskSerializer,
    RosterShiftInputSerializer,
    RosterShiftSerializer,
    ScenarioTemplateSerializer,
    SweepCreateSerializer,
    SweepFindingCaseSerializer,
    SweepFindingInputSerializer,
    SweepFindingSerializer,
    SweepSerializer,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TAGS = ["events"]


def _org(code: str, *, field: str, user: User) -> Organization:
    org = Organization.objects.select_related("region").filter(code=code, is_active=True).first()
    if org is None or not user.can_see_code(org.region.code):
        raise ApplicationError(_("单位“%(code)s”不存在或不在您的辖区内") % {"code": code}, field=field)
    return org


def _region(code: str, *, field: str, user: User) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None or not user.can_see_code(region.code):
        raise ApplicationError(_("区划“%(code)s”不存在或不在您的辖区内") % {"code": code}, field=field)
    return region


def _account(username: str) -> User:
    account = User.objects.filter(username=username, is_active=True).first()
    if account is None:
        raise ApplicationError(_("平台账号 %(username)s 不存在或已停用") % {"username": username}, field="username")
    return account


def _event(request: Request, pk: int) -> Event:
    return selectors.event_visible_or_404(user=signed_in_user(request), event_id=pk)


class _Base(generics.GenericAPIView):
    pagination_class = None
    filter_backends: list = []


# --- templates and events --------------------------------------------------------------------------


@extend_schema(
    tags=TAGS, summary="安保预案模板", responses={200: ScenarioTemplateSerializer(many=True), **error_responses(401)}
)
class TemplateListView(_Base):
    serializer_class = ScenarioTemplateSerializer

    def get(self, request: Request) -> Response:
        templates = ScenarioTemplate.objects.filter(is_active=True).prefetch_related("sections__tasks")
        return Response(ScenarioTemplateSerializer(templates, many=True).data)


class EventListView(generics.ListAPIView):
    """Events in the user's jurisdiction (filtered like the list page), and a new event from a template."""

    serializer_class = MajorEventSerializer
    filterset_class = EventFilter

    def get_queryset(self) -> QuerySet[Event]:
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        return selectors.event_list(user=signed_in_user(self.request))

    @extend_schema(
        tags=TAGS, summary="重大活动列表", responses={200: MajorEventSerializer(many=True), **error_responses(400, 401)}
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="登记重大活动(由预案模板生成方案)",
        description="选择预案模板时,模板的总体方案、领域、行动、机制及其任务复制为本活动的方案;任务期限按活动首日推算,"
        "责任单位为活动区划内最近的该类型单位(没有则为牵头单位)。场所须有坐标或所在网格。",
        request=MajorEventCreateSerializer,
        responses={201: MajorEventDetailSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        serializer = MajorEventCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        template = None
        if data["template"] is not None:
            template = ScenarioTemplate.objects.filter(pk=data["template"], is_active=True).first()
            if template is None:
                raise ApplicationError(_("预案模板不存在或已停用"), field="template")
        event = services.event_create(
            actor=user,
            name=data["name"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            security_level=data["security_level"],
            lead_org=_org(data["lead_org"], field="lead_org", user=user),
            region=_region(data["region"], field="region", user=user) if data["region"] else None,
            template=template,
            venues=data["venues"],
            description=data["description"],
            risk_radius_m=data["risk_radius_m"],
        )
        fresh = selectors.event_visible_or_404(user=user, event_id=event.pk)
        return Response(MajorEventDetailSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=TAGS, summary="重大活动详情", responses={200: MajorEventDetailSerializer, **error_responses(401, 404)}
)
class EventDetailView(_Base):
    serializer_class = MajorEventDetailSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(MajorEventDetailSerializer(_event(request, pk)).data)


@extend_schema(
    tags=TAGS,
    summary="推进活动状态",
    description="筹备 → 进行中 → 已结束,不能跳过或倒退(409);写复盘后自动为已复盘。",
    request=MajorEventStatusSerializer,
    responses={200: MajorEventDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
)
class EventStatusView(_Base):
    serializer_class = MajorEventStatusSerializer

    def post(self, request: Request, pk: int) -> Response:
        event = _event(request, pk)
        serializer = MajorEventStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.event_advance(actor=signed_in_user(request), event=event, status=serializer.validated_data["status"])
        return Response(MajorEventDetailSerializer(_event(request, pk)).data)


# --- tasks -----------------------------------------------------------------------------------------


@extend_schema(
    tags=TAGS,
    summary="活动的安保任务",
    description="按方案板块排列,含状态和逾期天数。",
    responses={200: PlanTaskSerializer(many=True), **error_responses(401, 404)},
)
class EventTasksView(_Base):
    serializer_class = PlanTaskSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(PlanTaskSerializer(selectors.tasks_of(_event(request, pk)), many=True).data)


@extend_schema(
    tags=TAGS,
    summary="完成安保任务",
    description="登记完成情况;任务要求佐证材料时须上传文件(multipart)。已完成的任务不能再次完成(409)。",
    request={"multipart/form-data": EventTaskCompleteSerializer, "application/json": EventTaskCompleteSerializer},
    responses={200: PlanTaskSerializer, **error_responses(400, 401, 403, 404, 409)},
)
class TaskCompleteView(_Base):
    serializer_class = EventTaskCompleteSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        task = selectors.task_visible_or_404(user=user, task_id=pk)
        serializer = EventTaskCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        task = services.task_complete(
            actor=user, task=task, record=data["record"], evidence=data.get("evidence"), done_at=data.get("done_at")
        )
        return Response(PlanTaskSerializer(selectors.task_visible_or_404(user=user, task_id=task.pk)).data)


# --- sweeps ----------------------------------------------------------------------------------------


class EventSweepsView(_Base):
    serializer_class = SweepSerializer

    @extend_schema(
        tags=TAGS, summary="活动前排查", responses={200: SweepSerializer(many=True), **error_responses(401, 404)}
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(SweepSerializer(selectors.sweeps_of(_event(request, pk)), many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="登记排查",
        description="排查区域(或网格)须在活动区划内;可同时登记发现问题。",
        request=SweepCreateSerializer,
        responses={201: SweepSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        event = _event(request, pk)
        serializer = SweepCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sweep = services.sweep_create(
            actor=user,
            event=event,
            region=_region(data["region"], field="region", user=user),
            swept_on=data["swept_on"],
            org=_org(data["org"], field="org", user=user) if data["org"] else None,
            note=data["note"],
            findings=data["findings"],
        )
        return Response(SweepSerializer(selectors.sweeps_of(event).get(pk=sweep.pk)).data, status=201)


@extend_schema(
    tags=TAGS,
    summary="记录排查发现",
    request=SweepFindingInputSerializer,
    responses={201: SweepFindingSerializer, **error_responses(400, 401, 403, 404)},
)
class SweepFindingsView(_Base):
    serializer_class = SweepFindingInputSerializer

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        sweep = selectors.sweep_visible_or_404(user=user, sweep_id=pk)
        serializer = SweepFindingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = services.finding_add(actor=user, sweep=sweep, **serializer.validated_data)
        return Response(SweepFindingSerializer(finding).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=TAGS,
    summary="排查发现转为风险、矛盾纠纷或网格事件",
    description="一步立案(受理渠道:排查),案件与排查发现互相关联;转为风险须填可能性和影响程度,矛盾纠纷须有当事人。"
    "已转过的发现返回 409。",
    request=SweepFindingCaseSerializer,
    responses={201: CaseRefSerializer, **error_responses(400, 401, 403, 404, 409)},
)
class FindingCaseView(_Base):
    serializer_class = SweepFindingCaseSerializer

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        finding = selectors.finding_visible_or_404(user=user, finding_id=pk)
        serializer = SweepFindingCaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.finding_to_case(actor=user, finding=finding, **serializer.validated_data)
        return Response(CaseRefSerializer(case).data, status=status.HTTP_201_CREATED)


# --- roster ----------------------------------------------------------------------------------------


class EventRosterView(_Base):
    serializer_class = RosterShiftSerializer

    @extend_schema(
        tags=TAGS,
        summary="活动值班表",
        description="值班人员手机号脱敏显示。",
        parameters=[EventRosterQuerySerializer],
        responses={200: RosterShiftSerializer(many=True), **error_responses(400, 401, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        query = EventRosterQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        shifts = selectors.roster_of(_event(request, pk), query.validated_data.get("date"))
        return Response(RosterShiftSerializer(shifts, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="排班",
        description="日期须在活动期间;同一人同一班次只排一次(409)。",
        request=RosterShiftInputSerializer,
        responses={201: RosterShiftSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        event = _event(request, pk)
        serializer = RosterShiftInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = services.roster_add(
            actor=user,
            event=event,
            date=data["date"],
            shift=data["shift"],
            org=_org(data["org"], field="org", user=user),
            user=_account(data["username"]),
            post=data["post"],
        )
        return Response(RosterShiftSerializer(entry).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, summary="取消排班", responses={204: None, **error_responses(401, 403, 404)})
class RosterShiftView(_Base):
    def delete(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        services.roster_remove(actor=user, entry=selectors.shift_visible_or_404(user=user, shift_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- reports ---------------------------------------------------------------------------------------


class EventReportsView(_Base):
    serializer_class = DailyReportSerializer

    @extend_schema(
        tags=TAGS, summary="活动日报", responses={200: DailyReportSerializer(many=True), **error_responses(401, 404)}
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(DailyReportSerializer(_event(request, pk).reports.all(), many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="生成日报",
        description="由当日的任务、排查、案事件和场馆周边风险生成草稿,期号按生成顺序为第N期;每天一期(409)。",
        request=DailyReportGenerateSerializer,
        responses={201: DailyReportSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        event = _event(request, pk)
        serializer = DailyReportGenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_generate(
            actor=signed_in_user(request), event=event, day=serializer.validated_data["day"]
        )
        return Response(DailyReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ReportView(_Base):
    serializer_class = DailyReportSerializer

    @extend_schema(tags=TAGS, summary="日报详情", responses={200: DailyReportSerializer, **error_responses(401, 404)})
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            DailyReportSerializer(selectors.report_visible_or_404(user=signed_in_user(request), report_id=pk)).data
        )

    @extend_schema(
        tags=TAGS,
        summary="修改日报",
        description="只改所给字段;已报送的日报不能修改(409)。",
        request=DailyReportEditSerializer,
        responses={200: DailyReportSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        report = selectors.report_visible_or_404(user=user, report_id=pk)
        serializer = DailyReportEditSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        report = services.report_edit(actor=user, report=report, **serializer.validated_data)
        return Response(DailyReportSerializer(report).data)


@extend_schema(
    tags=TAGS,
    summary="报送日报",
    description="报送后日报冻结,不能再修改或重复报送(409)。",
    request=None,
    responses={200: DailyReportSerializer, **error_responses(400, 401, 403, 404, 409)},
)
class ReportSendView(_Base):
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        report = services.report_send(actor=user, report=selectors.report_visible_or_404(user=user, report_id=pk))
        return Response(DailyReportSerializer(report).data)


class ReportDocxView(_Base):
    """GET events/reports/{id}/report.docx: a file name, not a collection, so no slash."""

    @extend_schema(
        tags=TAGS,
        summary="下载日报(DOCX)",
        operation_id="v1_events_reports_docx",
        responses={(200, DOCX): OpenApiTypes.BINARY, **error_responses(401, 404)},
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        report = selectors.report_visible_or_404(user=signed_in_user(request), report_id=pk)
        return HttpResponse(
            documents.report_docx(report),
            content_type=DOCX,
            headers={"Content-Disposition": content_disposition_header(True, documents.report_filename(report))},
        )


# --- review ----------------------------------------------------------------------------------------


class EventReviewView(_Base):
    serializer_class = EventReviewSerializer

    @extend_schema(tags=TAGS, summary="活动复盘", responses={200: EventReviewSerializer, **error_responses(401, 404)})
    def get(self, request: Request, pk: int) -> Response:
        event = _event(request, pk)
        review = getattr(event, "review", None)
        if review is None:
            raise NotFoundError(_("该活动尚未复盘"))
        return Response(EventReviewSerializer(review).data)

    @extend_schema(
        tags=TAGS,
        summary="撰写复盘",
        description="活动结束后撰写(否则 409);再次提交则修改复盘并追加改进措施。活动状态变为已复盘。",
        request=EventReviewWriteSerializer,
        responses={200: EventReviewSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def put(self, request: Request, pk: int) -> Response:
        event = _event(request, pk)
        serializer = EventReviewWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.review_write(actor=signed_in_user(request), event=event, **serializer.validated_data)
        return Response(EventReviewSerializer(review).data)


@extend_schema(
    tags=TAGS,
    summary="改进措施存入预案模板(提升)",
    description="任务类存为所选板块的新任务,机制类存为模板的新机制;下次由该模板创建的活动即带上。只能存一次(409)。",
    request=EventLessonSaveSerializer,
    responses={200: EventLessonSerializer, **error_responses(400, 401, 403, 404, 409)},
)
class LessonSaveView(_Base):
    serializer_class = EventLessonSaveSerializer

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        lesson = selectors.lesson_visible_or_404(user=user, lesson_id=pk)
        serializer = EventLessonSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        section = None
        if serializer.validated_data["section"] is not None:
            section = TemplateSection.objects.filter(pk=serializer.validated_data["section"]).first()
            if section is None:
                raise ApplicationError(_("模板板块不存在"), field="section")
        lesson = services.lesson_save_to_template(actor=user, lesson=lesson, section=section)
        return Response(EventLessonSerializer(lesson).data)
