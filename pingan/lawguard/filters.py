"""The register's filters, shared by the web lists and the API. Always applied to a queryset that already
starts from what the user may see (lawguard.selectors)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pingan.regions.filters import RegionFilter

from .choices import Industry, Scale, SpecialisationLevel, Speciality
from .models import Enterprise, EnterpriseAccount, Expert, GuardAssignment, Workstation


def visible_workstations(request: Any) -> QuerySet[Workstation]:
    """The workstations the requesting user may see (the choices of the workstation filter)."""
    from .selectors import workstations_for

    user = getattr(request, "user", None)
    if user is None:
        return Workstation.objects.none()
    return workstations_for(user).select_related(None).only("pk", "organization__name")


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索(名称、统一社会信用代码)"), method="filter_q")
    industry = django_filters.ChoiceFilter(label=_("行业门类"), choices=Industry.choices, empty_label=_("全部行业"))
    scale = django_filters.ChoiceFilter(label=_("企业规模"), choices=Scale.choices, empty_label=_("全部规模"))
    level = django_filters.ChoiceFilter(
        label=_("专精特新等级"),
        choices=[(value or "none", label) for value, label in SpecialisationLevel.choices],
        empty_label=_("全部等级"),
        method="filter_level",
    )
    region = RegionFilter()
    workstation = django_filters.ModelChoiceFilter(
        label=_("服务工作站"),
        queryset=visible_workstations,  # type: ignore[arg-type]  # django-filter takes a callable of the request
        empty_label=_("全部工作站"),
    )
    has_guards = django_filters.BooleanFilter(label=_("已派驻三官一律"), method="filter_has_guards")
    active = django_filters.BooleanFilter(label=_("在册"), field_name="is_active")

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))

    def filter_level(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        return queryset.filter(level="" if value == "none" else value)

    def filter_has_guards(self, queryset: QuerySet[Enterprise], name: str, value: bool | None) -> QuerySet[Enterprise]:
        if value is None:
            return queryset
        current = Exists(GuardAssignment.objects.filter(enterprise=OuterRef("pk"), ended_on__isnull=True))
        return queryset.filter(current if value else ~current)


class WorkstationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索(名称、代码)"), method="filter_q")
    region = RegionFilter(field_name="organization__region__code")
    active = django_filters.BooleanFilter(label=_("运行中"), field_name="is_active")

    class Meta:
        model = Workstation
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Workstation], name: str, value: str) -> QuerySet[Workstation]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(organization__name__icontains=value) | Q(organization__code__icontains=value))


class ExpertFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索(姓名、单位)"), method="filter_q")
    speciality = django_filters.ChoiceFilter(
        label=_("专业领域"), choices=Speciality.choices, empty_label=_("全部领域"), method="filter_speciality"
    )
    active = django_filters.BooleanFilter(label=_("在库"), field_name="is_active")

    class Meta:
        model = Expert
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Expert], name: str, value: str) -> QuerySet[Expert]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(unit__icontains=value))

    def filter_speciality(self, queryset: QuerySet[Expert], name: str, value: str) -> QuerySet[Expert]:
        # A JSON list of strings: matched on its text, which works alike on SQLite and PostgreSQL.
        return queryset.filter(specialities__icontains=f'"{value}"') if value else queryset


class EnterpriseAccountFilter(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(label=_("企业"), field_name="enterprise_id")
    active = django_filters.BooleanFilter(label=_("有效"), field_name="is_active")

    class Meta:
        model = EnterpriseAccount
        fields: list[str] = []
