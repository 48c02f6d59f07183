"""法治护航's register in the back office: for reference only. Enterprises, workstations, the 三官一律, experts
and portal accounts are written through the register's pages and API (credit codes checked, places located,
history kept, every change audited); the admin is no side door around that. Phones are left out."""

from __future__ import annotations

from django.contrib import admin

from pingan.core.admin import HistoryAdmin, JurisdictionAdminMixin, ReadOnlyAdminMixin

from .models import Enterprise, EnterpriseAccount, Expert, GuardAssignment, Workstation


@admin.register(Enterprise)
class EnterpriseAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["name", "credit_code", "industry", "scale", "level", "region", "workstation", "is_active"]
    list_filter = ["level", "scale", "industry", "is_active"]
    search_fields = ["name", "credit_code", "region_code"]
    list_select_related = ["region", "workstation__organization"]
    readonly_fields = [f.name for f in Enterprise._meta.fields]


@admin.register(Workstation)
class WorkstationAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, HistoryAdmin):
    jurisdiction_field = "organization__region__code"
    list_display = ["organization", "address", "opened_on", "is_active"]
    list_select_related = ["organization"]
    readonly_fields = ["organization", "address", "lng", "lat", "regions", "opened_on", "description", "is_active"]


@admin.register(GuardAssignment)
class GuardAssignmentAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, HistoryAdmin):
    jurisdiction_field = "enterprise__region_code"
    list_display = ["enterprise", "role", "person_name", "unit", "started_on", "ended_on"]
    list_filter = ["role"]
    list_select_related = ["enterprise"]
    fields = ("enterprise", "role", "person_name", "unit", "user", "started_on", "ended_on", "end_reason")
    readonly_fields = fields


@admin.register(Expert)
class ExpertAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, HistoryAdmin):
    jurisdiction_field = "team__region__code"
    list_display = ["name", "unit", "title", "team", "is_active"]
    list_filter = ["is_active"]
    fields = ("team", "name", "unit", "title", "specialities", "user", "joined_on", "is_active")
    readonly_fields = fields


@admin.register(EnterpriseAccount)
class EnterpriseAccountAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    jurisdiction_field = "enterprise__region_code"
    list_display = ["user", "enterprise", "created_by", "created_at", "is_active"]
    list_select_related = ["user", "enterprise", "created_by"]
    readonly_fields = ["user", "enterprise", "created_by", "created_at", "is_active"]
