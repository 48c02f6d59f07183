"""Filters of the incident list."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from pingan.cases.api.filtersets import CaseFilter
from pingan.cases.models import Case


class IncidentFilter(CaseFilter):
    """The case list's filters (status, category, region with its subtree, dates…) plus open/closed."""

    is_open = django_filters.BooleanFilter(field_name="closed_at", lookup_expr="isnull", label=_("仅未结案"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("仅本人上报"))

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_mine(self, queryset, name, value):
        return queryset.filter(created_by=self.request.user) if value else queryset
