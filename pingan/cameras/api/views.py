"""The camera register's API: list with filters, detail, create, change, counts by region and status,
the compact point layer of the map, and the import of a whole file. Everything starts from what the user
may see; a camera or region outside it is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from pingan.accounts.access import open_to_administrators, signed_in_user
from pingan.accounts.choices import Role
from pingan.core.api import compressed, error_responses
from pingan.core.concurrency import IF_MATCH_PARAMETER, etag, if_match
from pingan.core.errors import ApplicationError

from .. import selectors, services
from ..choices import CameraStatus
from ..filters import CameraFilter
from ..importing import read_camera_file
from ..models import Camera
from .serializers import (
    CameraCountsSerializer,
    CameraImportSerializer,
    CameraPointsSerializer,
    CameraSerializer,
    CameraUpdateSerializer,
    CameraWriteSerializer,
    ImportResultSerializer,
)

REGION_PARAM = OpenApiParameter("region", str, description="区划代码(默认:本人辖区)")


@extend_schema(tags=["cameras"])
@extend_schema_view(
    list=extend_schema(
        summary="视频监控点位", responses={200: CameraSerializer(many=True), **error_responses(400, 401)}
    ),
    retrieve=extend_schema(summary="点位详情", responses={200: CameraSerializer, **error_responses(401, 404)}),
)
@open_to_administrators(Role.SYSADMIN)  # they maintain the register too (services check where)
class CameraViewSet(viewsets.GenericViewSet):
    serializer_class = CameraSerializer
    filterset_class = CameraFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Camera]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Camera.objects.none()
        return selectors.camera_list(user=signed_in_user(self.request)).order_by("code")

    def get_object(self) -> Camera:
        return selectors.camera_get(user=signed_in_user(self.request), camera_id=self.kwargs["pk"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(CameraSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        camera = self.get_object()
        return Response(CameraSerializer(camera).data, headers={"ETag": etag(services.camera_edit_token(camera))})

    @extend_schema(
        summary="登记点位",
        description="所在网格由经纬度自动确定;`coord_system` 为 gcj02/bd09 时先换算为 WGS-84。",
        request=CameraWriteSerializer,
        responses={201: CameraSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = CameraWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        camera = services.camera_create(actor=signed_in_user(request), **serializer.validated_data)
        return Response(CameraSerializer(camera).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改点位",
        description="带 `If-Match`(读取时的 ETag)则在点位已被他人修改时返回 409,列出变化的字段。",
        parameters=[IF_MATCH_PARAMETER],
        request=CameraUpdateSerializer,
        responses={200: CameraSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        camera = self.get_object()
        serializer = CameraUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if k in request.data}
        camera = services.camera_update(
            actor=signed_in_user(request), camera=camera, edit_token=if_match(request), **changes
        )
        return Response(CameraSerializer(camera).data, headers={"ETag": etag(services.camera_edit_token(camera))})

    @extend_schema(
        summary="点位分区统计",
        description="`region` 的每个下级区划的点位数,按状态分列。",
        parameters=[REGION_PARAM],
        responses={200: CameraCountsSerializer, **error_responses(401, 404)},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def counts(self, request: Request) -> Response:
        user = signed_in_user(request)
        region = selectors.scope_region(user=user, code=request.query_params.get("region", ""))
        return Response(CameraCountsSerializer(selectors.camera_counts(user=user, region=region)).data)

    @extend_schema(
        summary="点位图层",
        description="地图用的紧凑点位数据:每个点位 [经度, 纬度, 状态序号]。",
        parameters=[
            REGION_PARAM,
            OpenApiParameter("status", str, many=True, enum=CameraStatus.values, description="只要这些状态"),
        ],
        responses={200: CameraPointsSerializer, **error_responses(400, 401, 404)},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    @compressed
    def points(self, request: Request) -> Response:
        user = signed_in_user(request)
        region = selectors.scope_region(user=user, code=request.query_params.get("region", ""))
        statuses = [value for value in request.query_params.getlist("status") if value]
        unknown = sorted(set(statuses) - set(CameraStatus.values))
        if unknown:
            message = _("未知的点位状态:%(values)s") % {"values": "、".join(unknown)}
            raise ApplicationError(message, field="status")
        return Response(selectors.camera_points(user=user, region=region, statuses=statuses))

    @extend_schema(
        summary="批量导入点位",
        description="按点位编码新增或更新;任何一行有误则整个文件都不导入,错误逐行列在 `error.fields.rows`。",
        request={"multipart/form-data": CameraImportSerializer},
        responses={200: ImportResultSerializer, **error_responses(400, 401, 403)},
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
        serializer = CameraImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = read_camera_file(serializer.validated_data["file"])
        result = services.cameras_import(
            rows=rows, actor=signed_in_user(request), coord_system=serializer.validated_data["coord_system"]
        )
        if not result.ok:
            raise ApplicationError(
                _("文件中有 %(count)d 处问题,未导入任何数据") % {"count": len(result.errors)},
                fields={"rows": result.errors},
            )
        return Response(ImportResultSerializer(result.as_dict()).data)
