"""The one filter of the services register (`LegalServiceFilter`), used by the page (/lawservices/) and the
API (/api/v1/lawservices/) alike, always over `selectors.services_for(user)`."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingan.cases.choices import ClockState
from pingan.cases.models import Case, CaseClock, Category
from pingan.core.filters import BooleanFilter
from pingan.regions.models import Organization

from .choices import KIND, ServiceState


def overdue_q() -> Q:
    """超期: open, and a running clock (办结, 服务 or 出具) past its deadline."""
    late = CaseClock.objects.filter(case=OuterRef("pk"), state=ClockState.RUNNING, deadline__lt=timezone.now())
    return Q(closed_at__isnull=True) & Q(Exists(late))


class LegalServiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", help_text=_("编号、标题或企业名称的一部分"))
    category = django_filters.ModelChoiceFilter(
        label=_("服务类别"),
        queryset=Category.objects.filter(kind=KIND).order_by("sort_order", "code"),
        to_field_name="code",
        empty_label=_("全部类别"),
        error_messages={"invalid_choice": _("类别“%(value)s”不存在")},
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ServiceState.choices, empty_label=_("全部状态"))
    workstation = django_filters.ModelChoiceFilter(
        field_name="assigned_org",
        label=_("工作站代码"),
        queryset=Organization.objects.all(),
        to_field_name="code",
        widget=forms.TextInput,
        error_messages={"invalid_choice": _("工作站代码“%(value)s”不存在")},
    )
    overdue = BooleanFilter(label=_("超期"), method="filter_overdue", help_text=_("未办结且时限已过"))
    awaiting_review = BooleanFilter(label=_("待审核"), method="filter_awaiting", help_text=_("体检报告待审核"))

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        if self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)

    def filter_q(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(title__icontains=value) | Q(legalservice__enterprise__name__icontains=value)
        )

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_awaiting(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        awaiting = Q(status=ServiceState.REVIEW, legalservice__reviewed_at__isnull=True)
        return queryset.filter(awaiting) if value else queryset.exclude(awaiting)
