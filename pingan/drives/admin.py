"""Drives in the back office: for reference (with their tags and the tag log). Drives are created and edited
through the drive form and its service, which check the region, the lead unit and the window; tags are added
and removed on the dashboard with a reason. The admin is no side door around that."""

from __future__ import annotations

from django.contrib import admin

from pingan.accounts.access import BusinessRecordAdminMixin
from pingan.core.admin import HistoryAdmin, JurisdictionAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline

from .models import Drive, DriveCase, DriveTagLog


class DriveCaseInline(ReadOnlyInline):
    model = DriveCase
    fields = ["case", "mode", "reason", "tagged_by", "tagged_at"]


class DriveTagLogInline(ReadOnlyInline):
    model = DriveTagLog
    fields = ["case", "action", "mode", "reason", "actor", "created_at"]


@admin.register(Drive)
class DriveAdmin(BusinessRecordAdminMixin, JurisdictionAdminMixin, ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["name", "start_date", "end_date", "region", "lead_org", "status"]
    list_filter = ["status"]
    search_fields = ["name", "description", "region_code"]
    list_select_related = ["region", "lead_org"]
    readonly_fields = [f.name for f in Drive._meta.fields] + ["categories", "target_regions"]
    inlines = [DriveCaseInline, DriveTagLogInline]
