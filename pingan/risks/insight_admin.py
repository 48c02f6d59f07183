"""The back office of the repeated-dispute rules (and a read-only view of the suggestions they wrote)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .insight_models import RiskSuggestion, SuggestionRule


@admin.register(SuggestionRule)
class SuggestionRuleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "basis", "threshold", "window_days", "place_level", "is_active"]
    list_filter = ["basis", "is_active"]
    filter_horizontal = ["categories"]


@admin.register(RiskSuggestion)
class RiskSuggestionAdmin(admin.ModelAdmin):
    list_display = ["subject", "rule", "region_code", "status", "case_count", "latest_case_at"]
    list_filter = ["status", "rule"]
    readonly_fields = [field.name for field in RiskSuggestion._meta.fields]
    exclude = ["cases"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
