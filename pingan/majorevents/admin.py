"""Back office of major-event security: the scenario templates (sections and their tasks, edited here) and
the events' records, read-only beyond what the pages write (within the staff member's jurisdiction)."""

from __future__ import annotations

from django.contrib import admin

from pingan.accounts.access import BusinessRecordAdminMixin
from pingan.core.admin import JurisdictionAdminMixin

from .models import DailyReport, Event, PlanTask, ScenarioTemplate, TemplateSection, TemplateTask


class TemplateTaskInline(admin.TabularInline):
    model = TemplateTask
    extra = 1
    fields = ["order", "title", "org_type", "due_offset_days", "required_evidence", "from_lesson"]
    readonly_fields = ["from_lesson"]


@admin.register(TemplateSection)
class TemplateSectionAdmin(admin.ModelAdmin):
    list_display = ["template", "order", "kind", "title"]
    list_filter = ["template", "kind"]
    inlines = [TemplateTaskInline]


class TemplateSectionInline(admin.TabularInline):
    model = TemplateSection
    extra = 1
    fields = ["order", "kind", "title", "description"]
    show_change_link = True


@admin.register(ScenarioTemplate)
class ScenarioTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "updated_at"]
    search_fields = ["name"]
    inlines = [TemplateSectionInline]


class PlanTaskInline(admin.TabularInline):
    model = PlanTask
    extra = 0
    fields = ("section", "title", "org", "due_date", "status", "done_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(BusinessRecordAdminMixin, JurisdictionAdminMixin, admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "security_level", "status", "lead_org"]
    list_filter = ["status", "security_level"]
    search_fields = ["name"]
    readonly_fields = ["region_code", "created_by", "created_at", "template"]
    raw_id_fields = ["lead_org", "region"]
    inlines = [PlanTaskInline]


@admin.register(DailyReport)
class DailyReportAdmin(BusinessRecordAdminMixin, JurisdictionAdminMixin, admin.ModelAdmin):
    jurisdiction_field = "event__region_code"
    list_display = ["event", "number", "day", "status", "sent_at"]
    list_filter = ["status"]
    readonly_fields = ["event", "day", "number", "status", "figures", "generated_at", "sent_at", "sent_by"]
