"""The camera register's filters, shared by the web list and the API. Always applied to a queryset that
already starts from what the user may see (selectors.camera_list)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pingan.regions.filters import RegionFilter

from .choices import CameraStatus, CameraType
from .models import Camera


class CameraFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索(编码、名称、地址)"), method="filter_q")
    region = RegionFilter()
    # Older links and API clients name a grid by its code; on the page the region picker picks grids too.
    grid = django_filters.CharFilter(label=_("网格代码"), field_name="region_code", widget=forms.HiddenInput)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CameraStatus.choices, empty_label=_("全部状态"))
    type = django_filters.ChoiceFilter(
        label=_("类型"), field_name="camera_type", choices=CameraType.choices, empty_label=_("全部类型")
    )
    owner = django_filters.CharFilter(label=_("建设/权属单位"), field_name="owner_unit", lookup_expr="icontains")

    class Meta:
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Camera], name: str, value: str) -> QuerySet[Camera]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(address__icontains=value))
