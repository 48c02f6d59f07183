"""The back office's read-only view of the suggestions, recovered losses and ratings (writes go through the
services: pages and API)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pingan.accounts.access import BusinessRecordAdminMixin

from .models import RecoveredLoss, ServiceRating, Suggestion


class _ReadOnly(BusinessRecordAdminMixin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Suggestion)
class SuggestionAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["number", "enterprise", "severity", "status", "revisit_on"]
    list_filter = ["status", "severity"]
    search_fields = ["number", "title", "enterprise__name"]


@admin.register(RecoveredLoss)
class RecoveredLossAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["enterprise", "case", "amount", "method", "recovered_on"]
    list_filter = ["method"]


@admin.register(ServiceRating)
class ServiceRatingAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["enterprise", "case", "score", "rated_at"]
