"""Filters of the incident list: the case list's one filter (cases.filters.CaseFilter), extended."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pingan.accounts.access import signed_in_user
from pingan.cases.filters import CaseFilter
from pingan.cases.models import Case
from pingan.core.filters import BooleanFilter


class IncidentFilter(CaseFilter):
    """The case list's filters (status, category, region with its subtree, dates…) plus open/closed and
    the reporter's own."""

    is_open = BooleanFilter(field_name="closed_at", lookup_expr="isnull", label=_("仅未结案"))
    mine = BooleanFilter(method="filter_mine", label=_("仅本人上报"))

    class Meta(CaseFilter.Meta):
        pass

    def filter_mine(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        if not value:
            return queryset
        assert self.request is not None  # the incident list and its API pass their request
        return queryset.filter(created_by=signed_in_user(self.request))
