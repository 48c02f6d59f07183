"""The camera register in the back office: for reference only. Cameras are registered, moved and imported
through the camera pages and API, where every point is located to its grid cell; the admin is no side door
around that."""

from __future__ import annotations

from django.contrib import admin

from pingan.core.admin import HistoryAdmin, JurisdictionAdminMixin, ReadOnlyAdminMixin

from .models import Camera


@admin.register(Camera)
class CameraAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["code", "name", "camera_type", "status", "grid", "owner_unit", "installed_on"]
    list_filter = ["status", "camera_type", "is_generated"]
    search_fields = ["code", "name", "address", "owner_unit", "region_code"]
    list_select_related = ["grid"]
    show_full_result_count = False  # a city has about 100,000 cameras
    readonly_fields = [f.name for f in Camera._meta.fields]
