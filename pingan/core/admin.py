"""The back office (后台管理): the site's titles, read-only building blocks, and the audit log.

Records that change only through services (cases, timelines, the audit log) are shown read-only here:
the admin is for reference data and accounts, never a side door around the workflow."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import AuditLog

admin.site.site_header = _("平安 · 后台管理")
admin.site.site_title = settings.PINGAN_SITE_NAME
admin.site.index_title = _("系统管理")


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose "revert to this version" needs the change permission.

    simple_history hides the revert button from view-only users but still accepts the POST; the
    security auditor (安全审计员), who may only look, must not be able to revert a record."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class JurisdictionAdminMixin:
    """Staff see in the back office only what lies inside their organisations' jurisdictions: a district's
    system administrator maintains the district, the city's the city. `jurisdiction_field` is the lookup
    to the record's region code. Superusers (the platform's operators) see everything."""

    jurisdiction_field = "region_code"
    jurisdiction_distinct = False

    def get_queryset(self, request):
        from pingan.regions.models import prefix_q

        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        queryset = queryset.filter(prefix_q(self.jurisdiction_field, request.user.jurisdiction_prefixes()))
        return queryset.distinct() if self.jurisdiction_distinct else queryset


class ReadOnlyAdminMixin:
    """Lists and detail pages only: no add, change or delete, for superusers too."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(AuditLog)
class AuditLogAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log, for the security auditor (安全审计员): append-only, so read-only here. Entries tied
    to no place (imports, account changes) are shown to the city's auditors only."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_superuser and any(
            len(prefix) <= len(settings.PINGAN_CITY_CODE) - 2 for prefix in request.user.jurisdiction_prefixes()
        ):
            queryset = queryset | AuditLog.objects.filter(region_code="")
        return queryset

    list_display = ["created_at", "actor", "action", "object_type", "object_repr", "ip", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "actor__username", "actor__full_name", "reason", "region_code", "ip"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    show_full_result_count = False  # counting a large log on every page load is slow
    fields = [
        "created_at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "region_code",
        "ip",
        "user_agent",
        "reason",
        "changes",
    ]
    readonly_fields = fields
