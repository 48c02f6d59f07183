"""Back office for the 体检 checklists (the categories are the engine's, kind "lawservice"). A change to a
checklist or its items bumps its version; a running 体检 keeps the copy it took. Services themselves change
only through the workflow."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import F
from django.forms import ModelForm
from django.http import HttpRequest

from .models import ChecklistItem, ChecklistTemplate


class ChecklistItemInline(admin.TabularInline[ChecklistItem, ChecklistTemplate]):
    model = ChecklistItem
    extra = 1
    fields = ["sort_order", "area", "question", "legal_basis", "suggestion"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin[ChecklistTemplate]):
    list_display = ["name", "industries", "is_active", "version", "updated_at"]
    list_editable = ["is_active"]
    fields = ["name", "industries", "is_active", "version"]
    readonly_fields = ["version"]
    inlines = [ChecklistItemInline]

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            ChecklistTemplate.objects.filter(pk=form.instance.pk).update(version=F("version") + 1)
