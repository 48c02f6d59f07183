"""The camera register's filters, shared by the web list and the API. Always applied to a queryset that
already starts from what the user may see (selectors.camera_list)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingan.regions.models import Region

from .choices import CameraStatus, CameraType


class CameraFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索(编码、名称、地址)"), method="filter_q")
    region = django_filters.CharFilter(label=_("区划"), method="filter_region")
    grid = django_filters.CharFilter(label=_("网格代码"), field_name="region_code")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CameraStatus.choices, empty_label=_("全部状态"))
    type = django_filters.ChoiceFilter(
        label=_("类型"), field_name="camera_type", choices=CameraType.choices, empty_label=_("全部类型")
    )
    owner = django_filters.CharFilter(label=_("建设/权属单位"), field_name="owner_unit", lookup_expr="icontains")

    class Meta:
        fields: list[str] = []

    def __init__(self, *args, region_choices: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if region_choices is not None:  # the web list offers the user's districts and townships
            self.filters["region"].extra["widget"] = forms.Select(choices=[("", _("全部辖区")), *region_choices])

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(address__icontains=value))

    def filter_region(self, queryset, name, value):
        region = Region.objects.filter(code=value.strip()).first()
        return queryset.filter(region_code__startswith=region.prefix) if region else queryset.none()
