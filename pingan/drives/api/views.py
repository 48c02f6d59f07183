"""The drive API: list and detail of the drives the user sees, their figures, breakdowns by region and by
week, the cases behind every number, and hand tags. Every figure is limited to the user's jurisdiction."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pingan.accounts.access import signed_in_user
from pingan.cases.models import Category
from pingan.core.api import error_responses
from pingan.core.errors import ApplicationError
from pingan.core.jurisdiction import prefix_q
from pingan.core.limits import LimitedJSONParser
from pingan.regions.models import Organization, Region
from pingan.regions.selectors import region_by_code

from .. import figures as counting
from .. import selectors, services
from ..filters import DriveFilter
from ..models import Drive
from .serializers import (
    DriveBreakdownSerializer,
    DriveCaseSerializer,
    DriveDetailSerializer,
    DriveFiguresSerializer,
    DriveListSerializer,
    DriveTagSerializer,
    DriveWriteSerializer,
    TagInputSerializer,
    TagLogSerializer,
    UntagInputSerializer,
)

REGION_PARAMETER = OpenApiParameter(
    "region",
    OpenApiTypes.STR,
    description=_("按区划分组或下钻时的区划代码,须在专项行动区划和本人辖区内;默认为专项行动的区划"),
)


@extend_schema_view(
    list=extend_schema(
        summary="专项行动列表", responses={200: DriveListSerializer(many=True), **error_responses(400, 401)}
    ),
    retrieve=extend_schema(summary="专项行动详情", responses={200: DriveDetailSerializer, **error_responses(401, 404)}),
)
@extend_schema(tags=["drives"])
class DriveViewSet(viewsets.GenericViewSet):
    serializer_class = DriveListSerializer
    filterset_class = DriveFilter
    lookup_value_converter = "int"
    parser_classes = [LimitedJSONParser]

    def get_queryset(self) -> QuerySet[Drive]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Drive.objects.none()
        return selectors.drives_visible_to(signed_in_user(self.request)).order_by("-start_date", "-id")

    def get_object(self) -> Drive:
        return selectors.drive_or_404(signed_in_user(self.request), self.kwargs["pk"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(DriveListSerializer(page, many=True).data)

    @extend_schema(
        summary="新建专项行动",
        description="区划、类别、牵头单位以代码给出;须为可在该区划组织专项行动的综治中心人员、负责人或领导。",
        request=DriveWriteSerializer,
        responses={201: DriveDetailSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        drive = services.drive_save(actor=signed_in_user(request), drive=None, **_drive_input(request))
        return Response(self._detail(request, drive), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改专项行动",
        description="整体替换专项行动的设置(同新建的字段);修改记入历史和审计日志。",
        request=DriveWriteSerializer,
        responses={200: DriveDetailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        drive = self.get_object()
        drive = services.drive_save(actor=signed_in_user(request), drive=drive, **_drive_input(request))
        return Response(self._detail(request, drive))

    def _detail(self, request: Request, drive: Drive) -> dict[str, Any]:
        user = signed_in_user(request)
        tags = drive.tags.filter(prefix_q("case__region_code", user.jurisdiction_prefixes())).select_related(
            "case", "tagged_by"
        )
        return dict(DriveDetailSerializer(drive, context={"tags": tags}).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(request, self.get_object()))

    @extend_schema(
        summary="专项行动数据",
        description="排查数、调解终结数、调解成功数、调解成功率,限于本人辖区(口径见 docs/drives.md)。",
        responses={200: DriveFiguresSerializer, **error_responses(401, 404)},
    )
    @action(detail=True, methods=["get"])
    def figures(self, request: Request, pk: int | None = None) -> Response:
        drive = self.get_object()
        totals = counting.totals(drive, selectors.drive_cases_for(signed_in_user(request), drive))
        return Response(DriveFiguresSerializer({"drive": drive.pk, **totals}).data)

    @extend_schema(
        summary="专项行动分组数据",
        description=(
            "by=region:按所选区划(默认专项行动的区划)的下一级区划分组,登记在本级的案件单列“(本级)”;"
            "by=week:按登记所在周(周一至周日,北京时间)分组,专项行动期间的每一周都列出。每种分组一次查询。"
        ),
        parameters=[
            OpenApiParameter(
                "by", OpenApiTypes.STR, enum=[*counting.BREAKDOWNS], required=True, description=_("分组方式")
            ),
            REGION_PARAMETER,
        ],
        responses={200: DriveBreakdownSerializer, **error_responses(400, 401, 404)},
    )
    @action(detail=True, methods=["get"])
    def breakdown(self, request: Request, pk: int | None = None) -> Response:
        drive = self.get_object()
        user = signed_in_user(request)
        by = request.query_params.get("by", "")
        if by not in counting.BREAKDOWNS:
            raise ApplicationError(_("by 应为 region(按区划)或 week(按周)"), field="by")
        cases = selectors.drive_cases_for(user, drive)
        if by == "region":
            region = selectors.breakdown_region(user, drive, request.query_params.get("region", "").strip())
            rows, code = counting.by_region(drive, cases, region), region.code
        else:
            rows, code = counting.by_week(drive, cases), None
        return Response(DriveBreakdownSerializer({"drive": drive.pk, "by": by, "region": code, "rows": rows}).data)

    @extend_schema(
        summary="专项行动数据下钻",
        description="构成某个数值的案件清单,与计数使用同一过滤条件;可限于区划分组的一行(region + area)或一周(week)。",
        parameters=[
            OpenApiParameter("figure", OpenApiTypes.STR, enum=[*counting.FIGURES], description=_("数值,默认 found")),
            REGION_PARAMETER,
            OpenApiParameter("area", OpenApiTypes.STR, description=_("区划分组的 key(须同时给出 region)")),
            OpenApiParameter("week", OpenApiTypes.DATE, description=_("某周星期一的日期")),
        ],
        responses={200: DriveCaseSerializer(many=True), **error_responses(400, 401, 404)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def cases(self, request: Request, pk: int | None = None) -> Response:
        drive = self.get_object()
        user = signed_in_user(request)
        params = request.query_params
        code = params.get("region", "").strip()
        queryset = counting.drilldown(
            drive,
            selectors.drive_cases_for(user, drive),
            figure=params.get("figure", "found"),
            region=selectors.breakdown_region(user, drive, code) if code else None,
            area=params.get("area", "").strip(),
            week=params.get("week", "").strip(),
        ).select_related("category", "region")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(DriveCaseSerializer(page, many=True).data)

    @extend_schema(
        summary="手工标记案件",
        description=(
            "将本人辖区内、专项行动排查区域内的案件手工纳入(include)或排除(exclude),须写明理由;"
            "已自动计入的案件不能再纳入,本不计入的不能排除,已标记的须先取消。"
        ),
        request=TagInputSerializer,
        responses={201: DriveTagSerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"], parser_classes=[LimitedJSONParser])
    def tag(self, request: Request, pk: int | None = None) -> Response:
        drive = self.get_object()
        serializer = TagInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        tag = services.drive_tag(
            drive=drive, case_ref=data["case"], actor=signed_in_user(request), mode=data["mode"], reason=data["reason"]
        )
        return Response(DriveTagSerializer(tag).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="取消手工标记",
        description="取消一件案件的手工标记,须写明理由;取消记录保留在标记记录中。",
        request=UntagInputSerializer,
        responses={200: TagLogSerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"], parser_classes=[LimitedJSONParser])
    def untag(self, request: Request, pk: int | None = None) -> Response:
        drive = self.get_object()
        serializer = UntagInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.drive_untag(
            drive=drive,
            case_ref=serializer.validated_data["case"],
            actor=signed_in_user(request),
            reason=serializer.validated_data["reason"],
        )
        return Response(TagLogSerializer(entry).data)


def _drive_input(request: Request) -> dict[str, Any]:
    """The write body checked for shape, with its codes turned into records (an unknown code is a 400 on
    its field); the service checks what the records may be."""
    serializer = DriveWriteSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    categories = list(Category.objects.filter(code__in=data["categories"], is_active=True))
    missing = sorted(set(data["categories"]) - {c.code for c in categories})
    if missing:
        raise ApplicationError(_("类别代码不存在:%(codes)s") % {"codes": "、".join(missing)}, field="categories")
    targets = list(Region.objects.filter(code__in=data["target_regions"], is_active=True))
    missing = sorted(set(data["target_regions"]) - {r.code for r in targets})
    if missing:
        raise ApplicationError(_("区划代码不存在:%(codes)s") % {"codes": "、".join(missing)}, field="target_regions")
    region = region_by_code(data["region"])
    if region is None:
        raise ApplicationError(_("区划代码不存在:%(codes)s") % {"codes": data["region"]}, field="region")
    lead_org = Organization.objects.select_related("region").filter(code=data["lead_org"]).first()
    if lead_org is None:
        raise ApplicationError(_("单位代码不存在:%(code)s") % {"code": data["lead_org"]}, field="lead_org")
    return {**data, "categories": categories, "target_regions": targets, "region": region, "lead_org": lead_org}
