"""Back office for the risk register's reference data: the matrix, the level policies (clocks and review
intervals), the plan templates and the mechanisms (categories are the engine's, kind "risk"). Risks
themselves change only through the workflow; the case page of the back office shows them read-only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pingan.cases.admin import CASE_INLINES
from pingan.core.admin import HistoryAdmin, ReadOnlyInline

from .models import LevelPolicy, Risk, RiskMatrix, RiskMechanism, RiskPlanTemplate, RiskPlanTemplateTask


@admin.register(RiskMatrix)
class RiskMatrixAdmin(HistoryAdmin):
    list_display = ["name", "is_active", "updated_at"]
    list_editable = ["is_active"]
    fields = ["name", "is_active", "likelihood_labels", "impact_labels", "cells"]


@admin.register(LevelPolicy)
class LevelPolicyAdmin(HistoryAdmin):
    list_display = [
        "level",
        "respond_amount",
        "respond_unit",
        "dispose_amount",
        "dispose_unit",
        "review_interval_days",
    ]
    list_editable = ["respond_amount", "respond_unit", "dispose_amount", "dispose_unit", "review_interval_days"]


class TemplateTaskInline(admin.TabularInline[RiskPlanTemplateTask, RiskPlanTemplate]):
    model = RiskPlanTemplateTask
    extra = 1
    fields = ["sort_order", "stage", "title", "due_in_days", "required_evidence"]


@admin.register(RiskPlanTemplate)
class RiskPlanTemplateAdmin(admin.ModelAdmin[RiskPlanTemplate]):
    list_display = ["name", "category", "is_active", "created_at"]
    list_filter = ["is_active", "category"]
    search_fields = ["name"]
    fields = ["name", "category", "description", "is_active"]
    inlines = [TemplateTaskInline]


@admin.register(RiskMechanism)
class RiskMechanismAdmin(admin.ModelAdmin[RiskMechanism]):
    list_display = ["name", "category", "owner_org", "created_at"]
    search_fields = ["name"]
    fields = ["name", "content", "category", "owner_org"]
    raw_id_fields = ["owner_org"]


class RiskInline(ReadOnlyInline):
    model = Risk
    verbose_name = _("风险")
    fields = [
        "source",
        "likelihood",
        "impact",
        "level",
        "residual_level",
        "owner_org",
        "grid_codes",
        "next_review_at",
        "rescore_prompted_at",
    ]


CASE_INLINES.append(RiskInline)
