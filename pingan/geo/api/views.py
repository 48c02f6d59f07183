"""API of outlines: the outlines a user may see as GeoJSON, and the import of outlines (administrators).
The response formats are in docs/grids-geometry.md. The grid at a point (`/api/v1/locate`, which also
names the responsible centre) is served by the map app (`pingan.map.api.views`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pingan.accounts.access import open_to_administrators, signed_in_user
from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.core.api import compressed, error_responses
from pingan.core.errors import ApplicationError, PermissionDeniedError

from ..selectors import MAX_SIMPLIFY_M, feature_collection, shapes_for
from ..services import read_features, shapes_import
from .serializers import (
    ShapeCollectionSerializer,
    ShapeImportResultSerializer,
    ShapeImportSerializer,
    ShapeQuerySerializer,
)


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def can_import_shapes(user: User) -> bool:
    """System administrators (系统管理员) with back-office access, and superusers."""
    return user.is_superuser or (user.is_staff and user.has_role(Role.SYSADMIN))


# --- views -----------------------------------------------------------------------------------------


class ShapeListView(APIView):
    """Outlines of regions and grid cells as a GeoJSON FeatureCollection, within the jurisdiction."""

    @extend_schema(
        operation_id="shapes_list",
        tags=["grids"],
        summary="区划与网格边界(GeoJSON)",
        description="`parent` 不带 `level`:其直接下级的边界;带 `level`:其下该层级的全部边界;只带 `level`:"
        "辖区内该层级的全部边界;都不带:本人辖区顶层区划的边界。坐标为 WGS-84 [经度, 纬度]。",
        parameters=[
            OpenApiParameter("parent", OpenApiTypes.STR, description=gettext_lazy("上级区划代码(须在辖区内)")),
            OpenApiParameter(
                "level", OpenApiTypes.INT, enum=[1, 2, 3, 4, 5], description=gettext_lazy("层级:1 市 … 5 网格")
            ),
            OpenApiParameter(
                "simplify",
                {"type": "number", "minimum": 0, "maximum": MAX_SIMPLIFY_M},
                description=gettext_lazy("简化容差(米,0–1000)"),
            ),
        ],
        responses={200: ShapeCollectionSerializer, **error_responses(400, 401, 404)},
    )
    @compressed
    def get(self, request: Request) -> Response:
        query = _validated(ShapeQuerySerializer, request.query_params)
        rows = shapes_for(user=signed_in_user(request), level=query.get("level"), parent_code=query.get("parent", ""))
        return Response(feature_collection(rows, simplify_m=query["simplify"]))


@open_to_administrators(Role.SYSADMIN)
class ShapeImportView(APIView):
    """Import outlines (all or nothing). System administrators, inside their jurisdiction."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="shapes_import",
        tags=["grids"],
        summary="导入区划与网格边界",
        description="上传 GeoJSON 或含 WKT 列的 CSV/Excel。逐个要素检查(几何有效、闭合、坐标范围、区划代码、"
        "同级不重叠、在上级边界内),有任何错误则不导入,错误逐条列在 `error.fields.file`。"
        "仅系统管理员(或超级用户),且只能导入本人辖区内的区划。",
        request=ShapeImportSerializer,
        responses={200: ShapeImportResultSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        if not can_import_shapes(user):
            raise PermissionDeniedError(_("只有系统管理员可以导入边界"))
        data = _validated(ShapeImportSerializer, request.data)
        features = read_features(data["file"])
        result = shapes_import(
            features=features,
            actor=user,
            coord_system=data["coord_system"],
            source=data["source"],
            overlap_share=data["overlap_share"],
            overlap_m2=data["overlap_m2"],
            dry_run=data["dry_run"],
        )
        if result.errors:
            raise ApplicationError(
                _("文件有 %(n)d 处错误,未导入任何数据:%(first)s")
                % {"n": len(result.errors), "first": result.errors[0]},
                fields={"file": result.errors},
            )
        return Response(
            {**result.as_dict(), "grids_created": result.details.get("grids_created", 0), "dry_run": data["dry_run"]}
        )
