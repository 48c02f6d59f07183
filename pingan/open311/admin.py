"""Back office for Open311: client applications (issue a key on creation, rotate keys) and a read-only
list of what they filed. A key is shown once, in the confirmation message; only its hash is kept."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from pingan.accounts.access import BusinessRecordAdminMixin
from pingan.core.admin import JurisdictionAdminMixin, ReadOnlyAdminMixin

from .models import Open311Client, Open311Request
from .services import IssuedKey, client_issue, client_key_rotate


def _show_key(request, issued: IssuedKey) -> None:
    messages.warning(
        request,
        _("“%(client)s”的 API 密钥(只显示这一次,请立即交给接入单位):%(key)s")
        % {"client": issued.client.name, "key": issued.key},
    )


@admin.register(Open311Client)
class Open311ClientAdmin(JurisdictionAdminMixin, admin.ModelAdmin):
    jurisdiction_field = "organization__region__code"
    list_display = ["name", "organization", "key_prefix", "rate_limit", "is_active", "key_issued_at", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "key_prefix", "organization__name", "organization__code"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["key_prefix", "service_user", "created_at", "key_issued_at", "last_used_at"]
    actions = ["rotate_keys"]

    def get_exclude(self, request, obj=None):
        # A new client is issued active; deactivating is a later change.
        return ["is_active"] if obj is None else []

    def has_delete_permission(self, request, obj=None):
        # Its service account is named on the cases it registered: deactivate a client instead.
        return False

    def get_readonly_fields(self, request, obj=None):
        # The organisation is its service account's: a client of another organisation is a new client.
        return [*self.readonly_fields, "organization"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = client_issue(
            actor=request.user, name=obj.name, organization=obj.organization, rate_limit=obj.rate_limit
        )
        obj.pk = issued.client.pk
        obj.refresh_from_db()
        _show_key(request, issued)

    @admin.action(description=_("重新签发所选应用的密钥(旧密钥立即失效)"))
    def rotate_keys(self, request, queryset):
        for client in queryset:
            _show_key(request, client_key_rotate(actor=request.user, client=client))


@admin.register(Open311Request)
class Open311RequestAdmin(BusinessRecordAdminMixin, JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """What was filed through Open311; the case itself is worked in the case pages."""

    jurisdiction_field = "case__region_code"
    list_display = ["case", "client", "created_at"]
    list_filter = ["client"]
    search_fields = ["case__number", "account_id"]
    list_select_related = ["case", "client__organization"]
    fields = readonly_fields = ("case", "client", "token", "media_url", "account_id", "attributes", "created_at")
