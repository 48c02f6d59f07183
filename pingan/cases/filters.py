"""The one filter of the case list (`CaseFilter`), for every list of cases: the web list (/cases/) and its
Excel export, the API's list (/api/v1/cases/) and export (cases/export.xlsx), and a kind's own list, which
extends it by subclassing (incidents.api.filtersets.IncidentFilter). So one query string selects the same
cases, in the same order, wherever it is used (tests/test_case_filters.py checks every declared filter).

Always applied to a queryset that already starts from what the user may see (selectors.case_list).

Each filter's `label` is its name on the page; `help_text` describes it in the OpenAPI document.
A value the filter cannot take is an error, never a silently empty list: the API answers 400 in its one
error shape; the page shows the message and lists nothing (see `filter_queryset`).

Parameters the page and the API once read differently (until issue 8 they had two filters):
- `category` is the category's code (`neighbour`), as the API always took it; the page used to send the
  category's id, and such a link still works (a value that is no code but a category's id).
- `kind` and `status` were free text in the API (an unknown value listed nothing): now an unknown one is a
  400, as on the page.
- `ordering` was the API's only: the page takes it too.
- `region` and `assigned_org` with an unknown code are errors on both (they used to list nothing)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import ModelChoiceField

from pingan.core.audit import audit_log
from pingan.core.filters import BooleanFilter
from pingan.core.models import AuditAction
from pingan.regions.filters import RegionFilter
from pingan.regions.models import Organization

from . import workflows
from .choices import Channel, Light, Urgency
from .models import Case, CaseQuerySet, Category, Party, closed_on_time_q, due_q
from .selectors import CaseSearch

if TYPE_CHECKING:
    from django.utils.functional import Promise

# The closing clock of the 按期结案率 (stats.indicators "on_time_rate"): its denominator 应结案 and its
# numerator 按期结案, so a figure's link lists exactly the cases it counts.
DUE_CHOICES = [("due", _("应结案")), ("on_time", _("按期结案"))]

SEARCH_LABEL = _("搜索编号、标题、地址,或当事人身份证号码、电话")


def status_choices() -> list[tuple[str, str]]:
    """Every state of every registered kind, once (kinds may share state names)."""
    seen: dict[str, str] = {}
    for workflow in workflows.kinds():
        for state in workflow.states:
            seen.setdefault(state.value, str(state.label))
    return list(seen.items())


def _described(intro: str | Promise, choices: Callable[[], list[tuple[str, str]]]) -> str:
    """An API description that lists a registry's values (known only once every kind has registered)."""
    return f"{intro}:" + "、".join(f"`{value}` {label}" for value, label in choices())


_described_lazy = lazy(_described, str)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class CategoryField(ModelChoiceField):
    """A category by its code; a page link from before the one filter carries the category's id, which is
    taken when no category has that code."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError:
            if isinstance(value, str) and value.strip().isdigit() and self.queryset is not None:
                category = self.queryset.filter(pk=int(value)).first()
                if category is not None:
                    return category
            raise

    def label_from_instance(self, obj: Category) -> str:
        return obj.name if obj.is_active else gettext("%(name)s(已停用)") % {"name": obj.name}


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = CategoryField


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ordering by the fields asked for, then by id, so that ties (equal deadlines) come out in one order on
    every page, in the export and in the API."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        return qs.order_by(*ordering, "-id")


class CaseFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", gettext("结束日期不能早于开始日期"))
        return cleaned


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_q",
        help_text=SEARCH_LABEL,
        widget=forms.TextInput(attrs={"placeholder": SEARCH_LABEL}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("案件类型"),
        choices=workflows.kind_choices,
        empty_label=_("全部类型"),
        help_text=_described_lazy(_("案件类型"), workflows.kind_choices),
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=status_choices,
        empty_label=_("全部状态"),
        help_text=_described_lazy(_("状态(各案件类型的状态)"), status_choices),
    )
    category = CategoryFilter(
        label=_("类别"),
        queryset=Category.objects.order_by("kind", "sort_order", "code"),
        to_field_name="code",
        empty_label=_("全部类别"),
        help_text=_("类别代码,如 neighbour(见 /api/v1/categories/);也接受类别 ID(旧的网页链接)"),
        error_messages={"invalid_choice": _("类别“%(value)s”不存在")},
    )
    channel = django_filters.ChoiceFilter(label=_("受理渠道"), choices=Channel.choices, empty_label=_("全部渠道"))
    urgency = django_filters.ChoiceFilter(label=_("紧急程度"), choices=Urgency.choices, empty_label=_("全部"))
    light = django_filters.ChoiceFilter(
        label=_("预警"),
        choices=Light.choices,
        empty_label=_("全部"),
        method="filter_light",
        help_text=_("预警灯(办理期限)"),
    )
    region = RegionFilter(help_text=_("区划代码,含其下级区划与网格(如市级 430200 含全市);代码不存在时返回 400"))
    date_from = django_filters.DateFilter(
        label=_("登记日期自"),
        method="filter_date_from",
        help_text=_("登记日期起(含,北京时间)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("至"),
        method="filter_date_to",
        help_text=_("登记日期止(含,北京时间)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # The leader's first screen links here: a figure per organisation, the 督办 queue, the on-time rate's parts.
    assigned_org = django_filters.ModelChoiceFilter(
        label=_("承办单位代码"),
        queryset=Organization.objects.all(),
        to_field_name="code",
        widget=forms.TextInput,
        help_text=_("承办单位的机构代码,如 C430211004"),
        error_messages={"invalid_choice": _("承办单位代码“%(value)s”不存在")},
    )
    supervised = BooleanFilter(
        label=_("督办中"), method="filter_supervised", help_text=_("督办中(未结案且被督办);false 为其余案件")
    )
    due = django_filters.ChoiceFilter(
        label=_("结案期限"),
        choices=DUE_CHOICES,
        method="filter_due",
        empty_label=_("全部"),
        help_text=_("按期结案率的分母(应结案)或分子(按期结案)"),
    )
    ordering = StableOrderingFilter(
        label=_("排序"),
        fields=(("registered_at", "registered_at"), ("deadline", "deadline"), ("number", "number")),
        field_labels={"registered_at": _("登记时间"), "deadline": _("办理期限"), "number": _("案件编号")},
        empty_label=_("默认(登记时间倒序)"),
        help_text=_("排序(默认 -registered_at)"),
    )

    class Meta:
        model = Case
        fields: list[str] = []
        form = CaseFilterForm

    def filter_queryset(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        # A filter given a value it cannot take narrows nothing silently: the list is empty and the page
        # shows the form's message (the API has answered 400 before it gets here).
        if self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)

    def filter_q(self, queryset: CaseQuerySet, name: str, value: str) -> CaseQuerySet:
        """The one search of the case list: see selectors.CaseSearch. A search by a party's ID number or
        phone is recorded in the audit log, masked."""
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

    def filter_light(self, queryset: CaseQuerySet, name: str, value: str) -> CaseQuerySet:
        return queryset.with_light(value)

    def filter_date_from(self, queryset: CaseQuerySet, name: str, value: datetime.date) -> CaseQuerySet:
        return queryset.filter(registered_at__gte=_start_of(value))

    def filter_date_to(self, queryset: CaseQuerySet, name: str, value: datetime.date) -> CaseQuerySet:
        return queryset.filter(registered_at__lt=_start_of(value + datetime.timedelta(days=1)))

    def filter_supervised(self, queryset: CaseQuerySet, name: str, value: bool) -> CaseQuerySet:
        under_supervision = Q(closed_at__isnull=True, supervision_count__gt=0)  # 督办中: open and supervised
        return queryset.filter(under_supervision) if value else queryset.exclude(under_supervision)

    def filter_due(self, queryset: CaseQuerySet, name: str, value: str) -> CaseQuerySet:
        # The same predicates as the 按期结案率's numerator and denominator (stats.indicators).
        return queryset.filter(closed_on_time_q() if value == "on_time" else due_q(timezone.now()))

    def active_filters(self) -> dict[str, Any]:
        """The filters in effect, for the audit log of an export and for keeping them across pages."""
        data = self.data
        if not self.is_bound or data is None:
            return {}
        active: dict[str, Any] = {name: data.get(name) for name in self.filters if data.get(name)}
        if "q" in active:
            active["q"] = CaseSearch.parse(active["q"]).shown
        return active
