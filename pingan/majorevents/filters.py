"""The filter of the event list (web page and API alike), applied to a queryset that already starts from
what the user may see (selectors.event_list)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from pingan.regions.filters import RegionFilter

from .choices import EventStatus, SecurityLevel


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称包含"), field_name="name", lookup_expr="icontains")
    region = RegionFilter(label=_("区划(该区划及其下级)"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=EventStatus.choices, empty_label=_("全部状态"))
    security_level = django_filters.ChoiceFilter(
        label=_("安保等级"), choices=SecurityLevel.choices, empty_label=_("全部等级")
    )
    date_from = django_filters.DateFilter(
        label=_("结束日期自"), field_name="end_date", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("开始日期至"),
        field_name="start_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        fields: list[str] = []
