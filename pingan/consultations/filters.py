"""The one filter of the consultation register (`ConsultationFilter`), used by the page (/consultations/) and
the API (/api/v1/consultations/) alike, always over `selectors.consultations_for(user)`. A value a filter
cannot take is an error (the API's 400, the page's message), never a silently empty list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pingan.cases.choices import Urgency
from pingan.cases.filters import StableOrderingFilter
from pingan.cases.models import Case
from pingan.core.filters import BooleanFilter
from pingan.lawguard.choices import ProviderRole
from pingan.regions.choices import OrgType
from pingan.regions.models import Organization

from .choices import ConsultChannel, ConsultState
from .selectors import AWAITING, answer_overdue_q, queue_q


class ConsultationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_q",
        help_text=_("编号、标题、企业名称或 12345 工单号的一部分"),
        widget=forms.TextInput,
    )
    state = django_filters.ChoiceFilter(
        field_name="status", label=_("状态"), choices=ConsultState.choices, empty_label=_("全部状态")
    )
    channel = django_filters.ChoiceFilter(
        field_name="consultation__channel",
        label=_("咨询渠道"),
        choices=ConsultChannel.choices,
        empty_label=_("全部渠道"),
    )
    role = django_filters.ChoiceFilter(
        field_name="consultation__answered_role",
        label=_("答复人角色"),
        choices=ProviderRole.choices,
        empty_label=_("全部角色"),
    )
    urgency = django_filters.ChoiceFilter(label=_("紧急程度"), choices=Urgency.choices, empty_label=_("全部"))
    workstation = django_filters.ModelChoiceFilter(
        field_name="consultation__enterprise__workstation__organization",
        label=_("工作站代码"),
        queryset=Organization.objects.filter(org_type=OrgType.LAW_WORKSTATION),
        to_field_name="code",
        widget=forms.TextInput,
        help_text=_("服务工作站的机构代码"),
        error_messages={"invalid_choice": _("工作站代码“%(value)s”不存在")},
    )
    awaiting = BooleanFilter(label=_("待答复"), method="filter_awaiting", help_text=_("尚未答复(含专家会诊、退回补充)"))
    overdue = BooleanFilter(label=_("超期"), method="filter_overdue", help_text=_("尚未答复且已过答复时限"))
    mine = BooleanFilter(
        label=_("我的待办"), method="filter_mine", help_text=_("转交给我(三官一律)或由我会诊(专家)、尚未答复的咨询")
    )
    ordering = StableOrderingFilter(
        label=_("排序"),
        fields=(("registered_at", "registered_at"), ("deadline", "deadline")),
        field_labels={"registered_at": _("登记时间"), "deadline": _("办结期限")},
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
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(title__icontains=value)
            | Q(consultation__enterprise__name__icontains=value)
            | Q(consultation__ticket_number=value)
        )

    def filter_awaiting(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        return queryset.filter(status__in=AWAITING) if value else queryset.exclude(status__in=AWAITING)

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        return queryset.filter(answer_overdue_q()) if value else queryset.exclude(answer_overdue_q())

    def filter_mine(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none() if value else queryset
        return queryset.filter(queue_q(user)) if value else queryset.exclude(queue_q(user))
