"""API of outlines and places: the outlines a user may see as GeoJSON, the grid at a point, and the
import of outlines (administrators). The response formats are in docs/grids-geometry.md."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pingan.accounts.access import open_to_administrators
from pingan.accounts.choices import Role
from pingan.core.api import compressed, error_responses
from pingan.core.errors import ApplicationError, PermissionDeniedError

from ..choices import ShapeSource
from ..coords import CoordSystem
from ..geometry_import import DEFAULT_OVERLAP_M2, DEFAULT_OVERLAP_SHARE, read_features, shapes_import
from ..selectors_shapes import MAX_SIMPLIFY_M, feature_collection, place_at, shapes_for

# --- documentation of the responses ----------------------------------------------------------------


class ShapeGeometrySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Polygon", "MultiPolygon"])
    coordinates = serializers.ListField(child=serializers.JSONField(), help_text=gettext_lazy("WGS-84,[经度, 纬度]"))


class ShapePropertiesSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField(help_text=gettext_lazy("1 市、2 县区、3 乡镇街道、4 村社区、5 网格"))
    parent = serializers.CharField(help_text=gettext_lazy("上级区划代码(市级为空)"))
    label = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2, help_text=gettext_lazy("标注点 [经度, 纬度]")
    )
    area_km2 = serializers.FloatField()
    source = serializers.ChoiceField(choices=ShapeSource.choices)


class ShapeFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.CharField()
    geometry = ShapeGeometrySerializer()
    properties = ShapePropertiesSerializer()


class ShapeCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    bbox = serializers.ListField(
        child=serializers.FloatField(),
        min_length=4,
        max_length=4,
        required=False,
        help_text=gettext_lazy("[最小经度, 最小纬度, 最大经度, 最大纬度];没有要素时省略"),
    )
    features = ShapeFeatureSerializer(many=True)


class PlaceRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PlacePointSerializer(serializers.Serializer):
    lng = serializers.FloatField()
    lat = serializers.FloatField()


class PlaceSerializer(serializers.Serializer):
    point = PlacePointSerializer(help_text=gettext_lazy("定位所用的 WGS-84 坐标"))
    coord_system = serializers.ChoiceField(choices=CoordSystem.choices)
    grid = PlaceRegionSerializer(allow_null=True)
    community = PlaceRegionSerializer(allow_null=True)
    township = PlaceRegionSerializer(allow_null=True)
    district = PlaceRegionSerializer(allow_null=True)
    centre = PlaceRegionSerializer(allow_null=True, help_text=gettext_lazy("负责的综治中心"))
    reason = serializers.ChoiceField(
        choices=["outside", "outside_jurisdiction"],
        allow_null=True,
        help_text=gettext_lazy("没有网格的原因:outside 不在任何网格内;outside_jurisdiction 网格不在您的辖区内"),
    )


class ShapeImportResultSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=gettext_lazy("要素数"))
    created = serializers.IntegerField(help_text=gettext_lazy("新增边界数"))
    updated = serializers.IntegerField(help_text=gettext_lazy("更新边界数"))
    unchanged = serializers.IntegerField(help_text=gettext_lazy("未变边界数"))
    grids_created = serializers.IntegerField(help_text=gettext_lazy("新建网格数"))
    dry_run = serializers.BooleanField()


# --- requests --------------------------------------------------------------------------------------


class ShapeQuerySerializer(serializers.Serializer):
    level = serializers.IntegerField(required=False, min_value=1, max_value=5)
    parent = serializers.RegexField(
        r"^\d{1,20}$", required=False, error_messages={"invalid": gettext_lazy("区划代码应为数字")}
    )
    simplify = serializers.FloatField(required=False, min_value=0, max_value=MAX_SIMPLIFY_M, default=0)


class LocateQuerySerializer(serializers.Serializer):
    lng = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    coord_system = serializers.ChoiceField(choices=CoordSystem.choices, default=CoordSystem.WGS84)


class ShapeImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("GeoJSON(FeatureCollection),或含 WKT 边界列的 CSV/Excel"))
    coord_system = serializers.ChoiceField(
        choices=CoordSystem.choices,
        default=CoordSystem.WGS84,
        help_text=gettext_lazy("整个文件的坐标系;GCJ-02、BD-09 导入时转换为 WGS-84"),
    )
    source = serializers.ChoiceField(choices=ShapeSource.choices, default=ShapeSource.IMPORTED)
    overlap_share = serializers.FloatField(
        min_value=0,
        max_value=0.5,
        default=DEFAULT_OVERLAP_SHARE,
        help_text=gettext_lazy("允许的重叠/越界面积占较小区划面积的比例"),
    )
    overlap_m2 = serializers.FloatField(
        min_value=0,
        max_value=1_000_000,
        default=DEFAULT_OVERLAP_M2,
        help_text=gettext_lazy("允许的重叠/越界面积(平方米)"),
    )
    dry_run = serializers.BooleanField(default=False, help_text=gettext_lazy("只检查,不写入"))


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _brief(region) -> dict | None:
    return {"code": region.code, "name": region.name} if region is not None else None


def can_import_shapes(user) -> bool:
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
            OpenApiParameter("simplify", OpenApiTypes.FLOAT, description=gettext_lazy("简化容差(米,0–1000)")),
        ],
        responses={200: ShapeCollectionSerializer, **error_responses(400, 401, 404)},
    )
    @compressed
    def get(self, request: Request) -> Response:
        query = _validated(ShapeQuerySerializer, request.query_params)
        rows = shapes_for(user=request.user, level=query.get("level"), parent_code=query.get("parent", ""))
        return Response(feature_collection(rows, simplify_m=query["simplify"]))


class LocateView(APIView):
    """The grid cell at a point, with its community, township, district and responsible centre."""

    @extend_schema(
        operation_id="locate",
        tags=["grids"],
        summary="按坐标定位网格",
        description="点在网格边界上时归代码最小的网格。不在任何网格内时 `grid` 为 null、`reason` 为 outside;"
        "网格不在您的辖区内时 `reason` 为 outside_jurisdiction(不透露网格)。",
        parameters=[LocateQuerySerializer],
        responses={200: PlaceSerializer, **error_responses(400, 401)},
    )
    def get(self, request: Request) -> Response:
        query = _validated(LocateQuerySerializer, request.query_params)
        place = place_at(user=request.user, lng=query["lng"], lat=query["lat"], coord_system=query["coord_system"])
        return Response(
            {
                "point": {"lng": place.lng, "lat": place.lat},
                "coord_system": place.coord_system,
                "grid": _brief(place.grid),
                "community": _brief(place.community),
                "township": _brief(place.township),
                "district": _brief(place.district),
                "centre": _brief(place.centre),
                "reason": place.reason,
            }
        )


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
        if not can_import_shapes(request.user):
            raise PermissionDeniedError(_("只有系统管理员可以导入边界"))
        data = _validated(ShapeImportSerializer, request.data)
        features = read_features(data["file"])
        result = shapes_import(
            features=features,
            actor=request.user,
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
