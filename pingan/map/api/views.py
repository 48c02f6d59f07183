"""The map's data (compact JSON for ECharts): one level of regions with outlines and figures, and the case
heat layer; and the place at a point, which the map picker of the intake forms asks for. The camera layer
is `GET /api/v1/cameras/points/`. Everything is limited to the viewer's jurisdiction; a region outside it
is a 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pingan.accounts.access import signed_in_user
from pingan.cameras.selectors import scope_region
from pingan.cases.services import nearest_centre
from pingan.core.api import compressed, error_responses
from pingan.geo.selectors import place_at
from pingan.regions.models import Organization, Region
from pingan.risks.choices import RiskLevel

from .. import selectors
from ..risk_layer import parse_levels, risk_layer
from .serializers import HeatSerializer, LocateQuerySerializer, MapLevelSerializer, PlaceSerializer, RiskLayerSerializer

REGION_PARAM = OpenApiParameter("region", str, description="区划代码(默认:本人辖区;多个辖区时为各辖区)")


def _brief(region: Region | Organization | None) -> dict[str, str] | None:
    return {"code": region.code, "name": region.name} if region is not None else None


@extend_schema(
    tags=["map"],
    summary="地图:下级区划及其数据",
    description="`region` 的下级区划(网格为其本身)的边界和数据:未结、超期、每网格案件数,网格数、综治中心数、点位数。",
    parameters=[REGION_PARAM],
    responses={200: MapLevelSerializer, **error_responses(401, 404)},
)
class MapRegionsView(APIView):
    @compressed
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        region = scope_region(user=user, code=request.query_params.get("region", ""))
        return Response(selectors.map_level(user=user, region=region))


@extend_schema(
    tags=["map"],
    summary="地图:案件热力",
    parameters=[REGION_PARAM],
    responses={200: HeatSerializer, **error_responses(401, 404)},
)
class MapHeatView(APIView):
    @compressed
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        region = scope_region(user=user, code=request.query_params.get("region", ""))
        return Response(selectors.case_heat(user=user, region=region))


@extend_schema(
    tags=["map"],
    summary="地图:风险分布",
    description="辖区内未闭环的风险,按等级(红、橙、黄、蓝)着色的点位,以及各风险所涉网格的最高等级。"
    "`level` 可重复或以逗号分隔,筛选显示的等级;`counts` 为各等级的数量。",
    parameters=[
        REGION_PARAM,
        OpenApiParameter(
            "level",
            str,
            many=True,
            enum=list(RiskLevel.values),
            description="风险等级:red、orange、yellow、blue,可重复(默认全部)",
        ),
    ],
    responses={200: RiskLayerSerializer, **error_responses(400, 401, 404)},
)
class MapRisksView(APIView):
    @compressed
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        region = scope_region(user=user, code=request.query_params.get("region", ""))
        levels = parse_levels(request.query_params.getlist("level"))
        return Response(risk_layer(user=user, region=region, levels=levels))


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
        query = LocateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        place = place_at(user=signed_in_user(request), **query.validated_data, centre_of=nearest_centre)
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
