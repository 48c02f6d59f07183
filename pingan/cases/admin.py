"""Back office for the case engine: editable reference data (categories, clocks, routing) and read-only
views of cases and their timelines. Cases change only through services, never in the admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from pingan.accounts.access import BusinessRecordAdminMixin
from pingan.core.admin import HistoryAdmin, JurisdictionAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline
from pingan.core.masking import mask_id_number, mask_name, mask_phone

from . import workflows
from .models import Case, CaseEvent, Category, ExtensionRequest, Party, RoutingRule, SlaPolicy
from .templatetags.pingan_ui import kind_label, state_label

if TYPE_CHECKING:
    from simple_history.models import HistoricalChanges, ModelChange, ModelChangeValue

# Inlines that case kinds add to the case page (a kind's app appends here from its admin.py), so that
# the engine does not import any kind.
CASE_INLINES: list[type[admin.options.InlineModelAdmin[Any, Any]]] = []


class KindFilter(admin.SimpleListFilter):
    """案件类型 by its name (矛盾纠纷), not its code (dispute): kinds are registered, not model choices."""

    title = _("案件类型")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
        return workflows.kind_choices()

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(kind=self.value()) if self.value() else queryset


class KindColumnMixin:
    @admin.display(description=_("案件类型"), ordering="kind")
    def kind_name(self, obj: Category | SlaPolicy | RoutingRule | Case) -> str:
        return kind_label(obj.kind)


@admin.register(Category)
class CategoryAdmin(KindColumnMixin, admin.ModelAdmin[Category]):
    list_display = ["code", "name", "kind_name", "sort_order", "is_active"]
    list_editable = ["name", "sort_order", "is_active"]
    list_filter = [KindFilter, "is_active"]
    search_fields = ["code", "name"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(KindColumnMixin, admin.ModelAdmin[SlaPolicy]):
    list_display = ["kind_name", "category", "urgency", "amount", "unit"]
    list_filter = [KindFilter, "urgency", "unit"]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(KindColumnMixin, JurisdictionAdminMixin, admin.ModelAdmin[RoutingRule]):
    jurisdiction_field = "region__code"
    list_display = ["kind_name", "category", "region", "organization", "is_active"]
    list_filter = [KindFilter, "is_active", "organization__org_type"]
    search_fields = ["region__name", "region__code", "organization__name", "organization__code"]
    list_select_related = ["category", "region", "organization"]
    autocomplete_fields = ["category", "region", "organization"]


def _hidden(value: object) -> str:
    return "***" if value else ""


# How the history view shows a change to each personal field of a party: the same masking as the pages
# (birth date, ethnicity, employer and legal representative are shown only with the parties in full).
PERSONAL_FIELDS: dict[str, Callable[[Any], str]] = {
    "name": mask_name,
    "id_number": mask_id_number,
    "phone": mask_phone,
    "birth_date": _hidden,
    "ethnicity": _hidden,
    "employer": _hidden,
    "legal_representative": _hidden,
    "id_number_index": _hidden,  # the blind indexes (core.fields)
    "phone_index": _hidden,
}


class PartyMasking:
    """Party names, ID numbers and phones appear masked in the back office: seeing them in full is a
    logged action of the people working the case (see cases.services.parties_unmask), not of admins."""

    @admin.display(description=_("姓名/名称"))
    def masked_name(self, obj: Party) -> str:
        return mask_name(obj.name)

    @admin.display(description=_("身份证号码"))
    def masked_id_number(self, obj: Party) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: Party) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("年龄"))
    def age(self, obj: Party) -> int | None:
        return obj.age


PARTY_INLINE_FIELDS = ("role", "masked_name", "masked_id_number", "masked_phone")


class PartyInline(PartyMasking, ReadOnlyInline):
    model = Party
    fields = PARTY_INLINE_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(PARTY_INLINE_FIELDS)


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change: ModelChange, value: ModelChangeValue) -> Any:
        mask = PERSONAL_FIELDS.get(change.field)
        return mask(value or "") if mask else super().prepare_delta_change_value(change, value)


PARTY_ADMIN_FIELDS = (
    "case",
    "role",
    "party_type",
    "masked_name",
    "masked_id_number",
    "masked_phone",
    "gender",
    "age",
    "occupation",
    "address",
)


@admin.register(Party)
class PartyAdmin(BusinessRecordAdminMixin, JurisdictionAdminMixin, PartyMasking, ReadOnlyAdminMixin, HistoryAdmin):
    jurisdiction_field = "case__region_code"
    list_display = ["case", "role", "masked_name", "masked_id_number", "masked_phone"]
    list_filter = ["role", "party_type"]
    search_fields = ["case__number"]
    list_select_related = ["case"]
    fields = readonly_fields = PARTY_ADMIN_FIELDS

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: HistoricalChanges
    ) -> HistoricalRecordContextHelper:
        return MaskedHistoryHelper(self.model, historical_record)


EVENT_INLINE_FIELDS = ("created_at", "type", "actor", "actor_org", "from_status", "to_status", "comment")


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = EVENT_INLINE_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(EVENT_INLINE_FIELDS)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("actor", "actor_org")


@admin.register(Case)
class CaseAdmin(BusinessRecordAdminMixin, KindColumnMixin, JurisdictionAdminMixin, ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["number", "title", "kind_name", "category", "status_name", "assigned_org", "deadline", "closed_at"]
    list_filter = [KindFilter, "state_type", "channel", "urgency", "outcome", "category"]
    search_fields = ["number", "title"]
    list_select_related = ["assigned_org", "category"]
    date_hierarchy = "registered_at"
    show_full_result_count = False
    inlines = [PartyInline, EventInline]

    def get_inlines(
        self, request: HttpRequest, obj: Model | None
    ) -> list[type[admin.options.InlineModelAdmin[Any, Any]]]:
        return [*self.inlines, *CASE_INLINES]

    @admin.display(description=_("状态"), ordering="status")
    def status_name(self, case: Case) -> str:
        return state_label(case.status, case.kind)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]


@admin.register(CaseEvent)
class CaseEventAdmin(BusinessRecordAdminMixin, JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin[CaseEvent]):
    jurisdiction_field = "case__region_code"
    list_display = ["created_at", "case", "type", "actor", "actor_org", "from_status_name", "to_status_name"]
    list_filter = ["type"]
    search_fields = ["case__number", "comment"]
    list_select_related = ["case", "actor", "actor_org"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description=_("原状态"), ordering="from_status")
    def from_status_name(self, event: CaseEvent) -> str:
        return state_label(event.from_status, event.case.kind)

    @admin.display(description=_("新状态"), ordering="to_status")
    def to_status_name(self, event: CaseEvent) -> str:
        return state_label(event.to_status, event.case.kind)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(
    BusinessRecordAdminMixin, JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin[ExtensionRequest]
):
    jurisdiction_field = "case__region_code"
    list_display = ["case", "amount", "status", "requested_by", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["case__number", "reason"]
    list_select_related = ["case", "requested_by", "decided_by"]
