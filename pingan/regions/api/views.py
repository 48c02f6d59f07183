"""Browsing the region tree and finding organisations, always within the user's jurisdiction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pingan.core.api import error_responses
from pingan.regions.choices import OrgType
from pingan.regions.models import Organization, Region
from pingan.regions.selectors import region_by_code, region_search, regions_within, user_prefixes

from .serializers import OrganizationSerializer, RegionMatchSerializer, RegionSerializer

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from pingan.accounts.models import User


def jurisdiction_roots(user: User | AnonymousUser) -> QuerySet[Region]:
    """The top regions of the user's jurisdiction (one per organisation subtree they belong to)."""
    return Region.objects.filter(prefix__in=user_prefixes(user), is_active=True)


@extend_schema(tags=["regions"])
@extend_schema_view(
    list=extend_schema(
        summary="下级区划",
        description="`parent` 的直接下级区划;不带 `parent` 时为本人辖区的顶层区划。辖区外的 `parent` 返回 404。",
        parameters=[OpenApiParameter("parent", str, description="上级区划代码")],
        responses={200: RegionSerializer(many=True), **error_responses(401, 404)},
    ),
    retrieve=extend_schema(summary="区划详情", responses={200: RegionSerializer, **error_responses(401, 404)}),
    search=extend_schema(
        summary="按名称查找区划",
        description="本人辖区内名称包含 `q`(或代码以 `q` 开头)的区划,上级在前,最多 20 个,各带路径"
        "(如“天元区 › 嵩山路街道”)。辖区外的区划不出现。页面上的区划筛选用它选取区划。",
        parameters=[OpenApiParameter("q", str, description="名称的一部分,如“嵩山”")],
        responses={200: RegionMatchSerializer(many=True), **error_responses(401)},
    ),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    serializer_class = RegionSerializer
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Region]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Region.objects.none()
        return regions_within(user_prefixes(self.request.user)).filter(is_active=True).order_by("code")

    # The stubs' filter_queryset is generic over the row type (for values() querysets); this view's rows are
    # always regions, and without `parent` it answers another queryset (the user's top regions).
    def filter_queryset(self, queryset: QuerySet[Region]) -> QuerySet[Region]:  # type: ignore[override]
        if self.action != "list":
            return queryset
        parent_code = self.request.query_params.get("parent")
        if not parent_code:
            return jurisdiction_roots(self.request.user).order_by("code")
        parent = queryset.filter(code=parent_code).first()
        if parent is None:
            raise Http404
        return queryset.filter(parent=parent)

    @action(detail=False, url_path="search")
    def search(self, request: Request) -> Response:
        matches = region_search(user=request.user, query=request.query_params.get("q", ""))
        return Response(RegionMatchSerializer(matches, many=True).data)


class OrganizationFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码(该区划及其下级的单位)"))
    covering = django_filters.CharFilter(method="filter_covering", label=_("区划代码(管辖范围包含该区划的单位)"))
    type = django_filters.ChoiceFilter(field_name="org_type", choices=OrgType.choices, label=_("单位类型"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("名称包含"))

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_region(self, queryset: QuerySet[Organization], name: str, value: Any) -> QuerySet[Organization]:
        region = region_by_code(value)
        return queryset.filter(region__code__startswith=region.prefix) if region else queryset.none()

    def filter_covering(self, queryset: QuerySet[Organization], name: str, value: Any) -> QuerySet[Organization]:
        region = region_by_code(value)
        if region is None:
            return queryset.none()
        return queryset.filter(region__in=region.ancestors(include_self=True))


@extend_schema(tags=["regions"])
@extend_schema_view(
    list=extend_schema(
        summary="组织机构",
        description="辖区内的单位,以及管辖范围覆盖本人辖区的上级单位(用于上报、转办时选择目标单位)。",
        responses={200: OrganizationSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        summary="组织机构详情", responses={200: OrganizationSerializer, **error_responses(401, 404)}
    ),
)
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet[Organization]):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[Organization]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Organization.objects.none()
        user = self.request.user
        prefixes = user_prefixes(user)
        # A township clerk must find the district and city centres above to escalate to them.
        above = {ancestor.pk for root in jurisdiction_roots(user) for ancestor in root.ancestors()}
        inside = Q(pk__in=[])
        for prefix in prefixes:
            inside |= Q(region__code__startswith=prefix)
        return (
            Organization.objects.filter(is_active=True)
            .filter(inside | Q(region_id__in=above))
            .select_related("region")
            .order_by("region__code", "org_type", "code")
        )
