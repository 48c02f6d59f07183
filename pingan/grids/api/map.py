"""The map dashboard's data (compact JSON for ECharts): one level of regions with outlines and figures,
and the case heat layer. The camera layer is `GET /api/v1/cameras/points/`. Everything is limited to the
viewer's jurisdiction; a region outside it is a 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from pingan.cameras.selectors import scope_region
from pingan.core.api import compressed, error_responses
from pingan.grids import map_selectors

REGION_PARAM = OpenApiParameter("region", str, description="区划代码(默认:本人辖区;多个辖区时为各辖区)")


class MapRegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()


class MapRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField(help_text="层级:2 县区、3 乡镇街道、4 村社区、5 网格")
    open = serializers.IntegerField(help_text="未结案件数")
    overdue = serializers.IntegerField(help_text="超期未结案件数")
    recent = serializers.IntegerField(help_text="近一年登记的案件数")
    density = serializers.FloatField(allow_null=True, help_text="每网格案件数(近一年);无网格时为 null")
    grids = serializers.IntegerField(help_text="网格数")
    centres = serializers.IntegerField(help_text="综治中心数(含本级)")
    cameras = serializers.IntegerField(help_text="视频监控点位数")
    has_shape = serializers.BooleanField(help_text="是否有边界")


class MapTotalsSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    recent = serializers.IntegerField()
    grids = serializers.IntegerField()
    centres = serializers.IntegerField()
    cameras = serializers.IntegerField()


class MapLevelSerializer(serializers.Serializer):
    region = MapRegionRefSerializer(allow_null=True)
    breadcrumbs = MapRegionRefSerializer(many=True)
    rows = MapRowSerializer(many=True)
    totals = MapTotalsSerializer()
    features = serializers.JSONField(
        help_text="下级区划边界,GeoJSON FeatureCollection(WGS-84),properties: code, name, level"
    )


class HeatSerializer(serializers.Serializer):
    points = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        help_text="近一年有位置的案件 [经度, 纬度],WGS-84",
    )
    truncated = serializers.BooleanField()


@extend_schema(
    tags=["map"],
    summary="地图:下级区划及其数据",
    description="`region` 的下级区划(网格为其本身)的边界和数据:未结、超期、每网格案件数,网格数、综治中心数、点位数。",
    parameters=[REGION_PARAM],
    responses={200: MapLevelSerializer, **error_responses(401, 404)},
)
class MapRegionsView(APIView):
    @compressed
    def get(self, request):
        region = scope_region(user=request.user, code=request.query_params.get("region", ""))
        return Response(map_selectors.map_level(user=request.user, region=region))


@extend_schema(
    tags=["map"],
    summary="地图:案件热力",
    parameters=[REGION_PARAM],
    responses={200: HeatSerializer, **error_responses(401, 404)},
)
class MapHeatView(APIView):
    @compressed
    def get(self, request):
        region = scope_region(user=request.user, code=request.query_params.get("region", ""))
        return Response(map_selectors.case_heat(user=request.user, region=region))
