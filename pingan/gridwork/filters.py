"""Filters of the grid people and patrol lists (web pages and API alike). Always applied to a queryset
that already starts from what the user may see (selectors)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from pingan.core.filters import BooleanFilter
from pingan.regions.filters import RegionFilter

from .choices import MemberRole, PatrolKind, PatrolStatus


class GridMemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名包含"), field_name="name", lookup_expr="icontains")
    region = RegionFilter(label=_("区划(该区划及其下级网格)"))
    role = django_filters.ChoiceFilter(label=_("身份"), choices=MemberRole.choices, empty_label=_("全部身份"))
    active = BooleanFilter(label=_("在岗"), field_name="is_active")

    class Meta:
        fields: list[str] = []


class PatrolFilter(django_filters.FilterSet):
    region = RegionFilter(label=_("区划(该区划及其下级网格)"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=PatrolKind.choices, empty_label=_("全部类型"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=PatrolStatus.choices, empty_label=_("全部状态"))
    member = django_filters.NumberFilter(label=_("参加人员 ID"), field_name="members")
    date_from = django_filters.DateFilter(
        label=_("计划日期自"),
        field_name="planned_for",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("至"), field_name="planned_for", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        fields: list[str] = []
