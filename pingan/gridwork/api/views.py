"""The grid API: grids, grid people (masked; unmask with a reason; import), duty rosters, patrols and
visits with their findings (a finding opens a case in one step), counts, and the grid worker's workbench.

Every endpoint starts from the selectors (what the user may see), so anything outside the user's
jurisdiction is simply "not found" (404); writes go through the services."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from pingan.accounts.access import signed_in_user
from pingan.accounts.models import User
from pingan.cases.api.serializers import CaseListSerializer
from pingan.core.api import error_body, error_responses
from pingan.core.concurrency import IF_MATCH_PARAMETER, etag, if_match
from pingan.core.errors import ApplicationError, NotFoundError
from pingan.regions.models import Region
from pingan.regions.services import read_table

from .. import selectors, services
from ..filters import GridMemberFilter, PatrolFilter
from ..models import DutyShift, GridMember, Patrol
from .serializers import (
    DutyRosterPlanSerializer,
    DutyShiftQuerySerializer,
    DutyShiftSerializer,
    GridCellSerializer,
    GridMemberFullSerializer,
    GridMemberImportResultSerializer,
    GridMemberImportSerializer,
    GridMemberSerializer,
    GridMemberUnmaskSerializer,
    GridMemberWriteSerializer,
    GridWorkSerializer,
    PatrolCancelSerializer,
    PatrolCountsQuerySerializer,
    PatrolCountsSerializer,
    PatrolCreateSerializer,
    PatrolDetailSerializer,
    PatrolFindingCaseSerializer,
    PatrolFindingInputSerializer,
    PatrolFindingSerializer,
    PatrolLogSerializer,
    PatrolSerializer,
)


def _grid_for_write(user: User, code: str, *, field: str = "grid") -> Region:
    """A grid named in a request body: outside the jurisdiction it is an input error on that field."""
    try:
        return selectors.grid_visible_or_404(user=user, code=code)
    except NotFoundError as exc:
        raise ApplicationError(exc.message, field=field) from None


def _account(username: str | None) -> User | None:
    if not username:
        return None
    account = User.objects.filter(username=username, is_active=True).first()
    if account is None:
        raise ApplicationError(_("平台账号 %(username)s 不存在或已停用") % {"username": username}, field="username")
    return account


# --- grids -----------------------------------------------------------------------------------------


@extend_schema(tags=["grids"])
@extend_schema_view(
    list=extend_schema(summary="网格列表", responses={200: GridCellSerializer(many=True), **error_responses(401)}),
    retrieve=extend_schema(summary="网格详情", responses={200: GridCellSerializer, **error_responses(401, 404)}),
)
class GridViewSet(viewsets.ReadOnlyModelViewSet):
    """Grid cells inside the user's jurisdiction, with active people and open cases."""

    serializer_class = GridCellSerializer
    filter_backends: list = []
    lookup_field = "code"
    lookup_value_converter = "str"

    def get_queryset(self) -> QuerySet[Region]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Region.objects.none()
        return selectors.grid_list(user=signed_in_user(self.request))

    def get_object(self) -> Region:
        grid = self.get_queryset().filter(code=self.kwargs["code"]).first()
        if grid is None:
            raise NotFoundError(_("网格不存在或不在您的辖区内"))
        return grid


# --- grid people -----------------------------------------------------------------------------------


@extend_schema(tags=["grid-people"])
@extend_schema_view(
    list=extend_schema(
        summary="网格力量(脱敏)", responses={200: GridMemberSerializer(many=True), **error_responses(400, 401)}
    ),
    retrieve=extend_schema(
        summary="网格人员详情(脱敏)", responses={200: GridMemberSerializer, **error_responses(401, 404)}
    ),
)
class GridMemberViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GridMemberSerializer
    filterset_class = GridMemberFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[GridMember]:
        if getattr(self, "swagger_fake_view", False):
            return GridMember.objects.none()
        return selectors.member_list(user=signed_in_user(self.request))

    def get_object(self) -> GridMember:
        return selectors.member_visible_or_404(user=signed_in_user(self.request), member_id=self.kwargs["pk"])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        return Response(GridMemberSerializer(member).data, headers={"ETag": etag(services.member_edit_token(member))})

    def _values(self, data: dict) -> dict:
        values = dict(data)
        if "grid" in values:
            values["grid"] = _grid_for_write(signed_in_user(self.request), values["grid"])
        if "username" in values:
            values["user"] = _account(values.pop("username"))
        return values

    @extend_schema(
        summary="添加网格人员",
        description="联系电话、身份证号校验后规范化保存;仅管辖该网格的综治中心工作人员可操作。",
        request=GridMemberWriteSerializer,
        responses={201: GridMemberSerializer, **error_responses(400, 401, 403, 409)},
    )
    def create(self, request: Request) -> Response:
        serializer = GridMemberWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = self._values(serializer.validated_data)
        values.pop("is_active", None)
        member = services.member_create(actor=signed_in_user(request), **values)
        return Response(GridMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改网格人员",
        description="带 `If-Match`(读取时的 ETag)则在记录已被他人修改时返回 409,列出变化的字段。",
        parameters=[IF_MATCH_PARAMETER],
        request=GridMemberWriteSerializer,
        responses={200: GridMemberSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def partial_update(self, request: Request, pk: int | None = None) -> Response:
        member = self.get_object()
        serializer = GridMemberWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        member = services.member_update(
            actor=signed_in_user(request),
            member=member,
            edit_token=if_match(request),
            **self._values(serializer.validated_data),
        )
        return Response(GridMemberSerializer(member).data, headers={"ETag": etag(services.member_edit_token(member))})

    @extend_schema(
        summary="网格人员离岗",
        description="记录保留(历史排班和巡查仍指向此人),状态改为离岗。",
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def destroy(self, request: Request, pk: int | None = None) -> Response:
        services.member_deactivate(actor=signed_in_user(request), member=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="查看网格人员完整信息",
        description="须填写事由;仅管辖该网格的综治中心工作人员和网格员可查看。每次查看记入审计日志。",
        request=GridMemberUnmaskSerializer,
        responses={200: GridMemberFullSerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def unmask(self, request: Request, pk: int | None = None) -> Response:
        member = self.get_object()
        serializer = GridMemberUnmaskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.member_unmask(
            actor=signed_in_user(request), member=member, reason=serializer.validated_data["reason"]
        )
        response = Response(GridMemberFullSerializer(member).data)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        summary="批量导入网格人员",
        description="Excel 或 CSV;全部行通过检查才写入,否则返回 400,`error.fields.rows` 列出每一行的问题。",
        request={"multipart/form-data": GridMemberImportSerializer},
        responses={200: GridMemberImportResultSerializer, **error_responses(400, 401)},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request: Request) -> Response:
        serializer = GridMemberImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.members_import(
            rows=read_table(serializer.validated_data["file"]), actor=signed_in_user(request)
        )
        if not result.ok:
            return Response(
                error_body("invalid", result.errors[0], {"rows": result.errors}), status=status.HTTP_400_BAD_REQUEST
            )
        return Response(GridMemberImportResultSerializer(result.as_dict()).data)


# --- duty rosters ----------------------------------------------------------------------------------


@extend_schema(tags=["grid-people"])
class DutyShiftViewSet(viewsets.GenericViewSet):
    serializer_class = DutyShiftSerializer
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self) -> QuerySet[DutyShift]:
        if getattr(self, "swagger_fake_view", False):
            return DutyShift.objects.none()
        return selectors.shifts_visible_to(signed_in_user(self.request))

    @extend_schema(
        summary="值班排班",
        description="辖区内网格的排班,默认本周;`grid` 为辖区外的网格时返回 404。",
        parameters=[DutyShiftQuerySerializer],
        responses={200: DutyShiftSerializer(many=True), **error_responses(400, 401, 404)},
    )
    def list(self, request: Request) -> Response:
        query = DutyShiftQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        monday = selectors.week_start(timezone.localdate())
        start = query.validated_data.get("date_from") or monday
        end = query.validated_data.get("date_to") or start + datetime.timedelta(days=6)
        if end < start:
            raise ApplicationError(_("结束日期不能早于开始日期"), field="date_to")
        shifts = self.get_queryset().filter(date__range=(start, end))
        if query.validated_data.get("grid"):
            grid = selectors.grid_visible_or_404(user=signed_in_user(request), code=query.validated_data["grid"])
            shifts = shifts.filter(grid=grid)
        return Response(DutyShiftSerializer(shifts, many=True).data)

    @extend_schema(
        summary="排定一周值班",
        description="给出的班次替换该网格该周原有的全部排班;仅管辖该网格的综治中心工作人员可操作。",
        request=DutyRosterPlanSerializer,
        responses={200: DutyShiftSerializer(many=True), **error_responses(400, 401, 403)},
    )
    # JSON only: a week's shifts are a list of objects, which a form encoding cannot carry.
    @action(detail=False, methods=["post"], parser_classes=[JSONParser])
    def plan(self, request: Request) -> Response:
        user = signed_in_user(request)
        serializer = DutyRosterPlanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        grid = _grid_for_write(user, data["grid"])
        shifts = [
            services.ShiftInput(date=s["date"], shift=s["shift"], member_id=s["member"], note=s["note"])
            for s in data["shifts"]
        ]
        services.roster_week_plan(actor=user, grid=grid, week_start=data["week_start"], shifts=shifts)
        planned = selectors.grid_roster(user=user, grid=grid, start=data["week_start"])
        return Response(DutyShiftSerializer(planned, many=True).data)


# --- patrols and visits ----------------------------------------------------------------------------


@extend_schema(tags=["patrols"])
@extend_schema_view(
    list=extend_schema(summary="巡查走访", responses={200: PatrolSerializer(many=True), **error_responses(400, 401)}),
    retrieve=extend_schema(
        summary="巡查走访详情", responses={200: PatrolDetailSerializer, **error_responses(401, 404)}
    ),
)
class PatrolViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PatrolSerializer
    filterset_class = PatrolFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Patrol]:
        if getattr(self, "swagger_fake_view", False):
            return Patrol.objects.none()
        if self.action == "list":
            return selectors.patrol_list(user=signed_in_user(self.request))
        return selectors.patrol_detail(user=signed_in_user(self.request))

    def get_object(self) -> Patrol:
        user = signed_in_user(self.request)
        return selectors.patrol_visible_or_404(
            user=user, patrol_id=self.kwargs["pk"], queryset=selectors.patrol_detail(user=user)
        )

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return PatrolSerializer if self.action == "list" else PatrolDetailSerializer

    def _detail(self, patrol: Patrol, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.patrol_visible_or_404(user=signed_in_user(self.request), patrol_id=patrol.pk)
        return Response(PatrolDetailSerializer(fresh).data, status=status_code)

    @extend_schema(
        summary="安排巡查走访",
        description="入户走访、夜访须填写走访对象;不填参加人员时为本人(须是该网格的网格员)。",
        request=PatrolCreateSerializer,
        responses={201: PatrolDetailSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request: Request) -> Response:
        user = signed_in_user(request)
        serializer = PatrolCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["grid"] = _grid_for_write(user, data["grid"])
        patrol = services.patrol_plan(actor=user, **data)
        return self._detail(patrol, status.HTTP_201_CREATED)

    @extend_schema(
        summary="登记巡查走访完成情况",
        description="每次巡查走访只登记一次(已完成或已取消的返回 409);发现问题可一并提交。",
        request=PatrolLogSerializer,
        responses={200: PatrolDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def log(self, request: Request, pk: int | None = None) -> Response:
        patrol = self.get_object()
        serializer = PatrolLogSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        patrol = services.patrol_log(actor=signed_in_user(request), patrol=patrol, **serializer.validated_data)
        return self._detail(patrol)

    @extend_schema(
        summary="取消巡查走访",
        request=PatrolCancelSerializer,
        responses={200: PatrolDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: int | None = None) -> Response:
        patrol = self.get_object()
        serializer = PatrolCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        patrol = services.patrol_cancel(
            actor=signed_in_user(request), patrol=patrol, reason=serializer.validated_data["reason"]
        )
        return self._detail(patrol)

    @extend_schema(
        summary="记录发现问题",
        request=PatrolFindingInputSerializer,
        responses={201: PatrolFindingSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def findings(self, request: Request, pk: int | None = None) -> Response:
        patrol = self.get_object()
        serializer = PatrolFindingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = services.finding_add(actor=signed_in_user(request), patrol=patrol, **serializer.validated_data)
        return Response(PatrolFindingSerializer(finding).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["patrols"],
    summary="发现问题转为事件立案",
    description="一步登记为网格事件(渠道:网格员上报,所在网格为巡查网格);每条发现问题只能立案一次(409)。",
    request=PatrolFindingCaseSerializer,
    responses={201: CaseListSerializer, **error_responses(400, 401, 403, 404, 409)},
)
class PatrolFindingCaseView(generics.GenericAPIView):
    serializer_class = PatrolFindingCaseSerializer
    filter_backends: list = []

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        finding = selectors.finding_visible_or_404(user=user, finding_id=pk)
        serializer = PatrolFindingCaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.finding_open_case(actor=user, finding=finding, **serializer.validated_data)
        return Response(CaseListSerializer(case).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["patrols"],
    summary="巡查走访统计",
    description="期间内(按计划时间)已完成的巡查走访、发现问题和转立案件,按网格或按人员;默认本月。",
    parameters=[PatrolCountsQuerySerializer],
    responses={200: PatrolCountsSerializer, **error_responses(400, 401)},
)
class PatrolCountsView(generics.GenericAPIView):
    serializer_class = PatrolCountsSerializer
    filter_backends: list = []

    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        query = PatrolCountsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        start = query.validated_data.get("start") or today.replace(day=1)
        end = query.validated_data.get("end") or today
        if end < start:
            raise ApplicationError(_("结束日期不能早于开始日期"), field="end")
        by = query.validated_data["by"]
        if by == "worker":
            rows = [
                {"grid": m.grid, "member": m, "done": m.done, "planned": None, "findings": m.findings, "cases": None}
                for m in selectors.patrol_counts_by_worker(user=user, start=start, end=end)
            ]
        else:
            rows = [
                {
                    "grid": g,
                    "member": None,
                    "done": g.done,
                    "planned": g.planned,
                    "findings": g.findings,
                    "cases": g.cases,
                }
                for g in selectors.patrol_counts_by_grid(user=user, start=start, end=end)
            ]
        return Response(PatrolCountsSerializer({"by": by, "start": start, "end": end, "rows": rows}).data)


@extend_schema(
    tags=["patrols"],
    summary="网格员工作台",
    description="本人所在网格的今日值班、待办巡查走访(计划在3天内或已逾期)和未结案件;不是网格人员时返回 404。",
    responses={200: GridWorkSerializer, **error_responses(401, 404)},
)
class GridWorkView(generics.GenericAPIView):
    serializer_class = GridWorkSerializer
    filter_backends: list = []

    def get(self, request: Request) -> Response:
        work = selectors.grid_work(user=signed_in_user(request))
        if work is None:
            raise NotFoundError(_("您不是任何网格的网格人员"))
        return Response(GridWorkSerializer(work).data)
