"""Back office for grid people (with the Excel/CSV import), duty rosters and patrols. Personal data is shown
masked on lists, change pages and the history (core.admin.MaskedPersonalDataAdminMixin); the full values only
through the audited unmask of the grid pages."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalChanges
from simple_history.template_utils import HistoricalRecordContextHelper

from pingan.accounts.access import BusinessRecordAdminMixin
from pingan.core.admin import (
    HistoryAdmin,
    JurisdictionAdminMixin,
    MaskedPersonalDataAdminMixin,
    MaskedPersonalDataForm,
    personal_data_history_helper,
)
from pingan.regions.admin import ImportAdminMixin

from . import services
from .models import DutyShift, GridMember, Patrol, PatrolFinding


@admin.register(GridMember)
class GridMemberAdmin(MaskedPersonalDataAdminMixin, JurisdictionAdminMixin, ImportAdminMixin, HistoryAdmin):
    form = MaskedPersonalDataForm
    list_display = ["masked_name", "role", "grid", "masked_phone", "building", "user", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["region_code", "grid__name"]
    raw_id_fields = ["grid", "user"]
    list_select_related = ["grid", "user"]
    readonly_fields = ["region_code"]
    import_service = staticmethod(services.members_import)
    import_note = gettext_lazy("同一网格内按姓名识别同一人:已有的人员将被更新,文件中没有的列保持原值。")
    import_columns = (
        ("网格代码", gettext_lazy("必填,须是已有网格")),
        ("姓名", gettext_lazy("必填")),
        ("身份", gettext_lazy("必填:专职网格员、兼职网格员、楼栋长、格格平安志愿者")),
        ("联系电话", gettext_lazy("可选,手机号或带区号的固定电话")),
        ("身份证号", gettext_lazy("可选,18位")),
        ("负责楼栋/片区", gettext_lazy("可选")),
        ("上岗日期", gettext_lazy("可选,如 2022-03-01")),
        ("平台账号", gettext_lazy("可选,已有的用户名")),
        ("在岗", gettext_lazy("可选:是/否,默认是")),
        ("备注", gettext_lazy("可选")),
    )

    @admin.display(description=gettext_lazy("姓名"), ordering="name")
    def masked_name(self, obj: GridMember) -> str:
        return obj.masked_name

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: HistoricalChanges
    ) -> HistoricalRecordContextHelper:
        return personal_data_history_helper(self.model, historical_record)


@admin.register(DutyShift)
class DutyShiftAdmin(JurisdictionAdminMixin, admin.ModelAdmin):
    list_display = ["date", "shift", "grid", "member"]
    list_filter = ["shift", "date"]
    search_fields = ["region_code"]
    raw_id_fields = ["grid", "member"]
    list_select_related = ["grid", "member"]
    readonly_fields = ["region_code"]
    date_hierarchy = "date"


class PatrolFindingInline(admin.TabularInline):
    model = PatrolFinding
    fields = ["description", "lng", "lat", "case", "created_at"]
    raw_id_fields = ["case"]
    extra = 0


@admin.register(Patrol)
class PatrolAdmin(BusinessRecordAdminMixin, JurisdictionAdminMixin, HistoryAdmin):
    list_display = ["planned_for", "kind", "grid", "status", "created_by"]
    list_filter = ["kind", "status"]
    search_fields = ["region_code", "grid__name"]
    raw_id_fields = ["grid", "members", "created_by"]
    list_select_related = ["grid", "created_by"]
    readonly_fields = ["region_code"]
    date_hierarchy = "planned_for"
    inlines = [PatrolFindingInline]
