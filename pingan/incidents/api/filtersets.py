"""Filters of the incident list: the case list's one filter (cases.filters.CaseFilter), extended."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from pingan.cases.filters import CaseFilter


class IncidentFilter(CaseFilter):
    """The case list's filters (status, category, region with its subtree, dates…) plus open/closed and
    the reporter's own."""

    is_open = django_filters.BooleanFilter(field_name="closed_at", lookup_expr="isnull", label=_("仅未结案"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("仅本人上报"))

    class Meta(CaseFilter.Meta):
        pass

    def filter_mine(self, queryset, name, value):
        return queryset.filter(created_by=self.request.user) if value else queryset
