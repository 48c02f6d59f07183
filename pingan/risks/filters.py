"""The one filter of the risk register (`RiskFilter`), used by the page (/risks/) and the API
(/api/v1/risks/) alike, always over `selectors.risks_for(user)`. A value a filter cannot take is an error
(the API's 400, the page's message), never a silently empty list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingan.cases.choices import ClockState
from pingan.cases.filters import StableOrderingFilter
from pingan.cases.models import Case, CaseClock, Category
from pingan.core.filters import BooleanFilter
from pingan.regions.filters import RegionFilter
from pingan.regions.models import Organization

from .choices import KIND, RiskLevel, RiskSource, RiskStage, TaskStatus
from .models import RiskTask


def overdue_q() -> Q:
    """超期: open, and a running clock (闭环, 应对 or 处置) past its deadline, or an open task past its due date."""
    now = timezone.now()
    late_clock = CaseClock.objects.filter(case=OuterRef("pk"), state=ClockState.RUNNING, deadline__lt=now)
    late_task = RiskTask.objects.filter(
        risk_id=OuterRef("pk"), status=TaskStatus.OPEN, due_date__lt=timezone.localdate()
    )
    return Q(closed_at__isnull=True) & (Exists(late_clock) | Exists(late_task))


class RiskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"), method="filter_q", help_text=_("编号或标题的一部分"), widget=forms.TextInput
    )
    level = django_filters.ChoiceFilter(
        field_name="risk__level", label=_("风险等级"), choices=RiskLevel.choices, empty_label=_("全部等级")
    )
    stage = django_filters.ChoiceFilter(
        field_name="status", label=_("阶段"), choices=RiskStage.choices, empty_label=_("全部阶段")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("类别"),
        queryset=Category.objects.filter(kind=KIND).order_by("sort_order", "code"),
        to_field_name="code",
        empty_label=_("全部类别"),
        help_text=_("风险类别代码,如 risk_public_order"),
        error_messages={"invalid_choice": _("类别“%(value)s”不存在")},
    )
    source = django_filters.ChoiceFilter(
        field_name="risk__source", label=_("来源"), choices=RiskSource.choices, empty_label=_("全部来源")
    )
    owner_org = django_filters.ModelChoiceFilter(
        field_name="risk__owner_org",
        label=_("责任单位代码"),
        queryset=Organization.objects.all(),
        to_field_name="code",
        widget=forms.TextInput,
        help_text=_("责任单位的机构代码,如 C430211004"),
        error_messages={"invalid_choice": _("责任单位代码“%(value)s”不存在")},
    )
    region = RegionFilter(help_text=_("区划代码,含其下级区划与网格;代码不存在时返回 400"))
    overdue = BooleanFilter(
        label=_("超期"), method="filter_overdue", help_text=_("未闭环且闭环、应对或处置时限已过,或有任务逾期")
    )
    review_due = BooleanFilter(label=_("待复核"), method="filter_review_due", help_text=_("已到定期复核时间"))
    ordering = StableOrderingFilter(
        label=_("排序"),
        fields=(("registered_at", "registered_at"), ("deadline", "deadline"), ("risk__next_review_at", "next_review")),
        field_labels={"registered_at": _("登记时间"), "deadline": _("闭环期限"), "risk__next_review_at": _("复核时间")},
        empty_label=_("默认(登记时间倒序)"),
        help_text=_("排序(默认 -registered_at)"),
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        if self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)

    def filter_q(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)) if value else queryset

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_review_due(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        if value is None:
            return queryset
        due = Q(closed_at__isnull=True, risk__next_review_at__lte=timezone.now())
        return queryset.filter(due) if value else queryset.exclude(due)
