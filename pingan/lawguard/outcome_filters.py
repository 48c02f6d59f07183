"""The filters of the suggestions list and of the recovered-loss ledger, shared by the pages and the API,
always over the user's jurisdiction (outcome_selectors)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingan.core.filters import BooleanFilter

from .choices import RecoveryMethod, Severity, SuggestionStatus
from .models import RecoveredLoss, Suggestion
from .outcome_selectors import implement_overdue, revisit_due


class SuggestionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", help_text=_("编号、标题或企业名称的一部分"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SuggestionStatus.choices, empty_label=_("全部状态"))
    severity = django_filters.ChoiceFilter(label=_("风险等级"), choices=Severity.choices, empty_label=_("全部等级"))
    workstation = django_filters.CharFilter(
        label=_("工作站代码"), field_name="workstation__organization__code", help_text=_("工作站的机构代码")
    )
    region = django_filters.CharFilter(
        label=_("区划代码"), field_name="enterprise__region_code", lookup_expr="startswith"
    )
    overdue = BooleanFilter(label=_("整改逾期"), method="filter_overdue", help_text=_("过了整改期限仍未报告落实"))
    revisit_due = BooleanFilter(label=_("待回访"), method="filter_revisit", help_text=_("回访日期已到(含今天)"))

    class Meta:
        model = Suggestion
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Suggestion], name: str, value: str) -> QuerySet[Suggestion]:
        from django.db.models import Q

        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(title__icontains=value) | Q(enterprise__name__icontains=value)
        )

    def filter_overdue(self, queryset: QuerySet[Suggestion], name: str, value: bool | None) -> QuerySet[Suggestion]:
        if value is None:
            return queryset
        late = implement_overdue(queryset, timezone.localdate())
        return late if value else queryset.exclude(pk__in=late.values("pk"))

    def filter_revisit(self, queryset: QuerySet[Suggestion], name: str, value: bool | None) -> QuerySet[Suggestion]:
        if value is None:
            return queryset
        due = revisit_due(queryset, timezone.localdate())
        return due if value else queryset.exclude(pk__in=due.values("pk"))


class LossFilter(django_filters.FilterSet):
    method = django_filters.ChoiceFilter(label=_("挽回方式"), choices=RecoveryMethod.choices, empty_label=_("全部方式"))
    workstation = django_filters.CharFilter(
        label=_("工作站代码"), field_name="workstation__organization__code", help_text=_("工作站的机构代码")
    )
    region = django_filters.CharFilter(
        label=_("区划代码"), field_name="enterprise__region_code", lookup_expr="startswith"
    )
    year = django_filters.NumberFilter(label=_("年度"), field_name="recovered_on", lookup_expr="year")
    enterprise = django_filters.CharFilter(label=_("企业名称"), field_name="enterprise__name", lookup_expr="icontains")

    class Meta:
        model = RecoveredLoss
        fields: list[str] = []
