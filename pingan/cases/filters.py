"""The case list's filters (web list and its Excel export). Always applied to a queryset that already
starts from what the user may see (selectors.case_list)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pingan.core.audit import audit_log
from pingan.core.models import AuditAction
from pingan.regions.filters import RegionFilter

from . import workflows
from .choices import Channel, Light, Urgency
from .models import Category, Party, closed_on_time_q, due_q
from .selectors import CaseSearch

# The closing clock of the 按期结案率 (stats.indicators "on_time_rate"): its denominator 应结案 and its
# numerator 按期结案, so a figure's link lists exactly the cases it counts.
DUE_CHOICES = [("due", _("应结案")), ("on_time", _("按期结案"))]


def status_choices() -> list[tuple[str, str]]:
    """Every state of every registered kind, once (kinds may share state names)."""
    seen: dict[str, str] = {}
    for workflow in workflows.kinds():
        for state in workflow.states:
            seen.setdefault(state.value, str(state.label))
    return list(seen.items())


def active_categories(request):
    return Category.objects.filter(is_active=True).order_by("kind", "sort_order", "code")


SEARCH_LABEL = _("搜索编号、标题、地址,或当事人身份证号码、电话")


class CaseSearchMixin:
    """The one search of the case list (`q`), for the pages and the API: see selectors.CaseSearch.
    A search by a party's ID number or phone is recorded in the audit log, masked."""

    def filter_q(self, queryset, name, value):
        search = CaseSearch.parse(value)
        if search.personal:
            audit_log(
                actor=getattr(self.request, "user", None),
                action=AuditAction.VIEW_PERSONAL,
                object_type=Party._meta.label_lower,
                reason=gettext("按当事人身份证号码或电话检索案件"),
                changes={"search": search.personal},
            )
        return search.apply(queryset)


class OversightFilters(CaseSearchMixin, django_filters.FilterSet):
    """The filters behind a leader's first screen (a figure per organisation, the 督办 queue, the on-time
    rate's parts), declared once for the pages and the API."""

    assigned_org = django_filters.CharFilter(field_name="assigned_org__code", label=_("承办单位代码"))
    supervised = django_filters.BooleanFilter(label=_("督办中"), method="filter_supervised")
    due = django_filters.ChoiceFilter(label=_("结案期限"), choices=DUE_CHOICES, method="filter_due")

    def filter_supervised(self, queryset, name, value):
        if value is None:
            return queryset
        under_supervision = Q(closed_at__isnull=True, supervision_count__gt=0)  # 督办中: open and supervised
        return queryset.filter(under_supervision) if value else queryset.exclude(under_supervision)

    def filter_due(self, queryset, name, value):
        # The same predicates as the 按期结案率's numerator and denominator (stats.indicators).
        return queryset.filter(closed_on_time_q() if value == "on_time" else due_q(timezone.now()))


class CaseFilter(OversightFilters):
    q = django_filters.CharFilter(
        label=_("搜索"), method="filter_q", widget=forms.TextInput(attrs={"placeholder": SEARCH_LABEL})
    )
    kind = django_filters.ChoiceFilter(label=_("案件类型"), choices=workflows.kind_choices, empty_label=_("全部类型"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=status_choices, empty_label=_("全部状态"))
    category = django_filters.ModelChoiceFilter(label=_("类别"), queryset=active_categories, empty_label=_("全部类别"))
    channel = django_filters.ChoiceFilter(label=_("受理渠道"), choices=Channel.choices, empty_label=_("全部渠道"))
    urgency = django_filters.ChoiceFilter(label=_("紧急程度"), choices=Urgency.choices, empty_label=_("全部"))
    light = django_filters.ChoiceFilter(
        label=_("预警"), choices=Light.choices, empty_label=_("全部"), method="filter_light"
    )
    region = RegionFilter()
    date_from = django_filters.DateFilter(
        label=_("登记日期自"),
        field_name="registered_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("至"),
        field_name="registered_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        fields: list[str] = []

    def filter_light(self, queryset, name, value):
        return queryset.with_light(value) if value else queryset

    def active_filters(self) -> dict[str, str]:
        """The filters in effect, for the audit log of an export and for keeping them across pages."""
        if not self.is_bound:
            return {}
        active = {name: self.data.get(name) for name in self.filters if self.data.get(name)}
        if "q" in active:
            active["q"] = CaseSearch.parse(active["q"]).shown
        return active
