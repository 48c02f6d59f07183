"""法治护航's register in the API (/api/v1/lawguard/): enterprises with their 三官一律, workstations, the expert
team and enterprise portal accounts. Everything starts from what the user may see; a record outside it is a
404. The lists take the same filters as the pages (lawguard.filters)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from pingan.accounts.access import signed_in_user
from pingan.accounts.models import User
from pingan.core.api import error_responses
from pingan.core.errors import ApplicationError
from pingan.regions.choices import OrgType
from pingan.regions.models import Organization, Region
from pingan.regions.services import read_table

from .. import selectors, services
from ..filters import EnterpriseAccountFilter, EnterpriseFilter, ExpertFilter, WorkstationFilter
from ..models import Enterprise, EnterpriseAccount, Expert, Workstation
from .serializers import (
    EnterpriseAccountCreatedSerializer,
    EnterpriseAccountSerializer,
    EnterpriseAccountWriteSerializer,
    EnterpriseDetailSerializer,
    EnterpriseImportResultSerializer,
    EnterpriseSerializer,
    EnterpriseUpdateSerializer,
    EnterpriseWriteSerializer,
    ExpertSerializer,
    ExpertWriteSerializer,
    GuardAssignmentSerializer,
    GuardAssignWriteSerializer,
    ImportSerializer,
    WorkstationSerializer,
)


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ApplicationError(_("区划代码“%(code)s”不存在") % {"code": code}, field="region")
    return region


def _workstation(user: User, station_id: int | None) -> Workstation | None:
    if station_id is None:
        return None
    station = selectors.workstations_for(user).filter(pk=station_id).first()
    if station is None:
        raise ApplicationError(_("工作站不存在或不在您的辖区内"), field="workstation")
    return station


def _enterprise_args(user: User, data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "region" in data:
        data["region"] = _region(data["region"])
    if "workstation" in data:
        data["workstation"] = _workstation(user, data["workstation"])
    return data


@extend_schema(tags=["lawguard"])
@extend_schema_view(
    list=extend_schema(
        summary="企业名录", responses={200: EnterpriseSerializer(many=True), **error_responses(400, 401)}
    ),
    retrieve=extend_schema(
        summary="企业详情", responses={200: EnterpriseDetailSerializer, **error_responses(401, 404)}
    ),
)
class EnterpriseViewSet(viewsets.GenericViewSet):
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Enterprise]:
        if getattr(self, "swagger_fake_view", False):
            return Enterprise.objects.none()
        return selectors.enterprise_list(user=signed_in_user(self.request))

    def get_object(self) -> Enterprise:
        return selectors.enterprise_get(user=signed_in_user(self.request), enterprise_id=self.kwargs["pk"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(EnterpriseSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(EnterpriseDetailSerializer(self.get_object()).data)

    @extend_schema(
        summary="登记企业",
        description="统一社会信用代码按 GB 32100-2015 校验且不能重复;有经纬度时定位到网格,否则按 `region`。",
        request=EnterpriseWriteSerializer,
        responses={201: EnterpriseDetailSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in_user(request)
        serializer = EnterpriseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = services.enterprise_create(actor=user, **_enterprise_args(user, serializer.validated_data))
        enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise.pk)
        return Response(EnterpriseDetailSerializer(enterprise).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改企业信息",
        request=EnterpriseUpdateSerializer,
        responses={200: EnterpriseDetailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in_user(request)
        enterprise = self.get_object()
        serializer = EnterpriseUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if k in request.data}
        coord_system = changes.pop("coord_system", "wgs84")
        services.enterprise_update(
            actor=user, enterprise=enterprise, coord_system=coord_system, **_enterprise_args(user, changes)
        )
        return Response(EnterpriseDetailSerializer(self.get_object()).data)

    @extend_schema(
        summary="批量导入企业",
        description=(
            "只新增;任何一行有误(含统一社会信用代码在文件内或名录中重复)则整个文件都不导入,"
            "错误逐行逐列列在 `error.fields.rows`。"
        ),
        request={"multipart/form-data": ImportSerializer},
        responses={200: EnterpriseImportResultSerializer, **error_responses(400, 401, 403)},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
        filterset_class=None,
    )
    def import_file(self, request: Request) -> Response:
        serializer = ImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = read_table(serializer.validated_data["file"], field="file")
        result = services.enterprises_import(rows=rows, actor=signed_in_user(request))
        if not result.ok:
            raise ApplicationError(
                _("文件中有 %(count)d 处问题,未导入任何数据") % {"count": len(result.errors)},
                fields={"rows": result.errors},
            )
        return Response(EnterpriseImportResultSerializer({"total": result.total, "created": result.created}).data)

    @extend_schema(
        methods=["GET"],
        summary="三官一律(在任与历任)",
        responses={200: GuardAssignmentSerializer(many=True), **error_responses(401, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="派驻三官一律",
        description="同一角色的现任于新任开始前一日(同日开始则当日)结束,历任保留。",
        request=GuardAssignWriteSerializer,
        responses={201: GuardAssignmentSerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def guards(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        enterprise = self.get_object()
        if request.method == "GET":
            history = selectors.guard_history(enterprise)
            return Response(GuardAssignmentSerializer(history, many=True).data)
        serializer = GuardAssignWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        username = data.pop("user")
        holder = None
        if username:
            holder = User.objects.filter(username=username, is_active=True).first()
            if holder is None:
                raise ApplicationError(_("用户名 %(name)s 不存在") % {"name": username}, field="user")
        assignment = services.guard_assign(actor=user, enterprise=enterprise, user=holder, **data)
        return Response(GuardAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["lawguard"])
@extend_schema_view(
    list=extend_schema(
        summary="法治护航工作站", responses={200: WorkstationSerializer(many=True), **error_responses(400, 401)}
    ),
    retrieve=extend_schema(summary="工作站详情", responses={200: WorkstationSerializer, **error_responses(401, 404)}),
)
class WorkstationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = WorkstationSerializer
    filterset_class = WorkstationFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Workstation]:
        if getattr(self, "swagger_fake_view", False):
            return Workstation.objects.none()
        return selectors.workstations_for(signed_in_user(self.request)).prefetch_related("regions")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        station = selectors.workstation_get(user=signed_in_user(request), workstation_id=kwargs["pk"])
        return Response(WorkstationSerializer(station).data)


@extend_schema(tags=["lawguard"])
@extend_schema_view(
    list=extend_schema(summary="法律专家", responses={200: ExpertSerializer(many=True), **error_responses(400, 401)}),
    retrieve=extend_schema(summary="专家详情", responses={200: ExpertSerializer, **error_responses(401, 404)}),
)
class ExpertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ExpertSerializer
    filterset_class = ExpertFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Expert]:
        if getattr(self, "swagger_fake_view", False):
            return Expert.objects.none()
        return selectors.experts_for(signed_in_user(self.request))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(
            ExpertSerializer(selectors.expert_get(user=signed_in_user(request), expert_id=kwargs["pk"])).data
        )

    @extend_schema(
        summary="专家入库",
        description="加入本人辖区内(或其上级)的法律专家团;仅综治中心工作人员。",
        request=ExpertWriteSerializer,
        responses={201: ExpertSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in_user(request)
        serializer = ExpertWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        prefixes = user.jurisdiction_prefixes()
        team = next(
            (
                t
                for t in Organization.objects.filter(org_type=OrgType.EXPERT_TEAM, is_active=True).select_related(
                    "region"
                )
                if user.is_superuser or any(t.region.code.startswith(p) for p in prefixes)
            ),
            None,
        )
        if team is None:
            raise ApplicationError(_("您的辖区内没有法律专家团"), field="team")
        expert = services.expert_create(actor=user, team=team, **serializer.validated_data)
        return Response(ExpertSerializer(expert).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改专家信息",
        request=ExpertWriteSerializer,
        responses={200: ExpertSerializer, **error_responses(400, 401, 403, 404)},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in_user(request)
        expert = selectors.expert_get(user=user, expert_id=kwargs["pk"])
        serializer = ExpertWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if k in request.data}
        expert = services.expert_update(actor=user, expert=expert, **changes)
        return Response(ExpertSerializer(expert).data)


@extend_schema(tags=["lawguard"])
@extend_schema_view(
    list=extend_schema(
        summary="企业账号", responses={200: EnterpriseAccountSerializer(many=True), **error_responses(400, 401)}
    ),
)
class EnterpriseAccountViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = EnterpriseAccountSerializer
    filterset_class = EnterpriseAccountFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[EnterpriseAccount]:
        if getattr(self, "swagger_fake_view", False):
            return EnterpriseAccount.objects.none()
        return selectors.accounts_for(signed_in_user(self.request))

    @extend_schema(
        summary="开通企业账号",
        description="由服务该企业的工作站人员开通;返回的临时密码只出现这一次,首次登录须修改。记入审计日志。",
        request=EnterpriseAccountWriteSerializer,
        responses={201: EnterpriseAccountCreatedSerializer, **error_responses(400, 401, 403, 404)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in_user(request)
        serializer = EnterpriseAccountWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        enterprise = selectors.enterprise_get(user=user, enterprise_id=data.pop("enterprise"))
        account, password = services.enterprise_account_create(actor=user, enterprise=enterprise, **data)
        body = {**EnterpriseAccountSerializer(account).data, "temporary_password": password}
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        summary="停用企业账号",
        request=None,
        responses={200: EnterpriseAccountSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def deactivate(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        account = selectors.account_get(user=user, account_id=pk)
        account = services.enterprise_account_deactivate(actor=user, account=account)
        return Response(EnterpriseAccountSerializer(account).data)
