"""The one filter of the drive list, used by the page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingan.core.filters import BooleanFilter

from .choices import DriveStatus
from .models import Drive


class DriveFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", help_text=_("名称或说明中的文字"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=DriveStatus.choices, empty_label=_("全部状态"))
    running = BooleanFilter(label=_("仅今天在期间内的"), method="filter_running")
    region = django_filters.CharFilter(
        label=_("区划代码"), field_name="region_code", lookup_expr="startswith", help_text=_("所属区划代码的前缀")
    )

    class Meta:
        model = Drive
        fields = ["q", "status", "running", "region"]

    def filter_q(self, queryset: QuerySet[Drive], name: str, value: str) -> QuerySet[Drive]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_running(self, queryset: QuerySet[Drive], name: str, value: bool) -> QuerySet[Drive]:
        if value is None:
            return queryset
        today = timezone.localdate()
        running = Q(start_date__lte=today, end_date__gte=today)
        return queryset.filter(running) if value else queryset.exclude(running)
