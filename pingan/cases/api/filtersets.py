"""The filters of the case list, shared by the list and its Excel export."""

from __future__ import annotations

import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingan.cases.choices import Channel, Light, Urgency
from pingan.cases.filters import SEARCH_LABEL, OversightFilters
from pingan.cases.models import Case
from pingan.regions.filters import RegionFilter


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class CaseFilter(OversightFilters):
    kind = django_filters.CharFilter(label=_("案件类型"))
    status = django_filters.CharFilter(label=_("状态"))
    category = django_filters.CharFilter(field_name="category__code", label=_("类别代码"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("受理渠道"))
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label=_("紧急程度"))
    light = django_filters.ChoiceFilter(choices=Light.choices, method="filter_light", label=_("预警灯"))
    region = RegionFilter(label=_("区划代码(含下级)"))
    date_from = django_filters.DateFilter(method="filter_date_from", label=_("登记日期起(含)"))
    date_to = django_filters.DateFilter(method="filter_date_to", label=_("登记日期止(含)"))
    q = django_filters.CharFilter(method="filter_q", label=SEARCH_LABEL)
    ordering = django_filters.OrderingFilter(
        fields=(("registered_at", "registered_at"), ("deadline", "deadline"), ("number", "number")),
        field_labels={"registered_at": _("登记时间"), "deadline": _("办理期限"), "number": _("案件编号")},
        label=_("排序(默认 -registered_at)"),
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_light(self, queryset, name, value):
        return queryset.with_light(value)

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(registered_at__gte=_start_of(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(registered_at__lt=_start_of(value + datetime.timedelta(days=1)))
