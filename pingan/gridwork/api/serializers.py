"""Grid people, rosters and patrols as the API reads and writes them. Personal data goes out masked;
the full phone and ID number only on the answer to an unmask with a reason. Writes are validated here
and handed to the services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingan.cases.api.serializers import CaseListSerializer, CaseRefSerializer
from pingan.cases.choices import Urgency
from pingan.core.api import ReasonField
from pingan.core.validators import ID_NUMBER_INPUT_MAX_LENGTH
from pingan.regions.api.serializers import RegionRefSerializer

from ..choices import MemberRole, PatrolKind, Shift
from ..forms import incident_categories
from ..models import DutyShift, GridMember, Patrol, PatrolFinding

# --- grids -----------------------------------------------------------------------------------------


class GridCellSerializer(serializers.Serializer):
    """A grid cell with its community and township, active people and open cases (from selectors.grid_list)."""

    code = serializers.CharField()
    name = serializers.CharField()
    community = RegionRefSerializer(source="parent")
    township = RegionRefSerializer(source="parent.parent", allow_null=True)
    member_count = serializers.IntegerField()
    open_cases = serializers.IntegerField()


# --- people ----------------------------------------------------------------------------------------


class GridMemberRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="masked_name")
    role_label = serializers.CharField(source="get_role_display")

    class Meta:
        model = GridMember
        fields = ["id", "name", "role", "role_label"]


class GridMemberSerializer(serializers.ModelSerializer):
    """A grid member as everyone who may see the grid sees them: name, phone and ID number masked (脱敏)."""

    grid = RegionRefSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    name = serializers.CharField(source="masked_name")
    phone = serializers.CharField(source="masked_phone")
    id_number = serializers.CharField(source="masked_id_number")
    username = serializers.CharField(source="user.username", allow_null=True, default=None)

    class Meta:
        model = GridMember
        fields = [
            "id",
            "grid",
            "role",
            "role_label",
            "name",
            "phone",
            "id_number",
            "building",
            "started_on",
            "is_active",
            "username",
            "note",
        ]


class GridMemberFullSerializer(GridMemberSerializer):
    """A grid member in full: only on the answer to `member_unmask`, which logs who saw it and why."""

    name = serializers.CharField()
    phone = serializers.CharField()
    id_number = serializers.CharField()


class GridMemberWriteSerializer(serializers.Serializer):
    """Input of a new grid member or a change (PATCH: only the fields sent)."""

    grid = serializers.CharField(max_length=20, help_text=_("网格代码"))
    role = serializers.ChoiceField(choices=MemberRole.choices)
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=ID_NUMBER_INPUT_MAX_LENGTH, required=False, allow_blank=True)
    building = serializers.CharField(max_length=100, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    username = serializers.CharField(
        max_length=150, required=False, allow_blank=True, allow_null=True, help_text=_("平台账号用户名;空为不关联")
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class GridMemberUnmaskSerializer(serializers.Serializer):
    reason = ReasonField(help_text=_("查看事由,记入审计日志"))


class GridMemberImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("Excel(.xlsx)或 CSV;表头:网格代码、姓名、身份,可选联系电话等"))


class GridMemberImportResultSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


# --- duty rosters ----------------------------------------------------------------------------------


class DutyShiftSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="region_code")
    shift_label = serializers.CharField(source="get_shift_display")
    member = GridMemberRefSerializer()

    class Meta:
        model = DutyShift
        fields = ["id", "grid", "date", "shift", "shift_label", "member", "note"]


class DutyShiftInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    shift = serializers.ChoiceField(choices=Shift.choices)
    member = serializers.IntegerField(help_text=_("网格人员 ID(本网格在岗人员)"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DutyRosterPlanSerializer(serializers.Serializer):
    grid = serializers.CharField(max_length=20, help_text=_("网格代码"))
    week_start = serializers.DateField(help_text=_("该周的星期一"))
    shifts = DutyShiftInputSerializer(many=True, help_text=_("本周全部班次;将替换该网格本周原有排班"))


class DutyShiftQuerySerializer(serializers.Serializer):
    grid = serializers.CharField(required=False, help_text=_("网格代码;不填为辖区内全部网格"))
    date_from = serializers.DateField(required=False, help_text=_("默认本周一"))
    date_to = serializers.DateField(required=False, help_text=_("默认本周日"))

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("date_from") and data.get("date_to"):
            if data["date_to"] < data["date_from"]:
                raise serializers.ValidationError({"date_to": _("结束日期不能早于开始日期")})
            if (data["date_to"] - data["date_from"]).days > 92:
                raise serializers.ValidationError({"date_to": _("一次最多查询92天的排班")})
        return data


# --- patrols and visits ----------------------------------------------------------------------------


class PatrolFindingSerializer(serializers.ModelSerializer):
    case = CaseRefSerializer(allow_null=True)

    class Meta:
        model = PatrolFinding
        fields = ["id", "description", "lng", "lat", "case", "created_at"]


class PatrolSerializer(serializers.ModelSerializer):
    """One patrol or visit of a list (from selectors.patrol_list: no N+1)."""

    grid = RegionRefSerializer()
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    members = GridMemberRefSerializer(many=True)
    finding_count = serializers.IntegerField(required=False)
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = Patrol
        fields = [
            "id",
            "kind",
            "kind_label",
            "grid",
            "status",
            "status_label",
            "planned_for",
            "started_at",
            "ended_at",
            "members",
            "places",
            "route",
            "household",
            "summary",
            "finding_count",
            "created_by",
            "created_at",
        ]


class PatrolDetailSerializer(PatrolSerializer):
    findings = PatrolFindingSerializer(many=True)

    class Meta(PatrolSerializer.Meta):
        fields = [*PatrolSerializer.Meta.fields, "findings"]


class PatrolCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PatrolKind.choices)
    grid = serializers.CharField(max_length=20, help_text=_("网格代码"))
    planned_for = serializers.DateTimeField()
    members = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text=_("网格人员 ID;不填为本人")
    )
    places = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    route = serializers.JSONField(
        required=False, allow_null=True, default=None, help_text=_("GeoJSON LineString,WGS-84 [经度, 纬度]")
    )
    household = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PatrolFindingInputSerializer(serializers.Serializer):
    description = serializers.CharField()
    lng = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)


class PatrolLogSerializer(serializers.Serializer):
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    summary = serializers.CharField()
    members = serializers.ListField(
        child=serializers.IntegerField(), required=False, allow_null=True, default=None, help_text=_("不填为计划的人员")
    )
    findings = PatrolFindingInputSerializer(many=True, required=False, default=list)


class PatrolCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class PatrolFindingCaseSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=incident_categories(), help_text=_("网格事件类别代码,如 inc_fire")
    )
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    urgency = serializers.ChoiceField(
        choices=Urgency.choices, required=False, allow_blank=True, default="", help_text=_("不填为类别的默认紧急程度")
    )


# --- counts and the workbench ----------------------------------------------------------------------


class PatrolCountsQuerySerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=[("grid", _("按网格")), ("worker", _("按人员"))], default="grid")
    start = serializers.DateField(required=False, help_text=_("默认本月1日"))
    end = serializers.DateField(required=False, help_text=_("默认今天"))

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                raise serializers.ValidationError({"end": _("结束日期不能早于开始日期")})
            if (data["end"] - data["start"]).days > 366:
                raise serializers.ValidationError({"end": _("统计期间不能超过一年")})
        return data


class PatrolCountRowSerializer(serializers.Serializer):
    """One row of the counts: a grid (code, name) or a worker (member) with what they did in the period."""

    grid = RegionRefSerializer()
    member = GridMemberRefSerializer(allow_null=True)
    done = serializers.IntegerField(help_text=_("已完成的巡查走访"))
    planned = serializers.IntegerField(allow_null=True, help_text=_("计划中(仅按网格)"))
    findings = serializers.IntegerField(help_text=_("发现问题"))
    cases = serializers.IntegerField(allow_null=True, help_text=_("转立案件(仅按网格)"))


class PatrolCountsSerializer(serializers.Serializer):
    by = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    rows = PatrolCountRowSerializer(many=True)


class GridWorkSerializer(serializers.Serializer):
    grids = RegionRefSerializer(many=True)
    today = serializers.DateField()
    today_shifts = DutyShiftSerializer(many=True)
    due_patrols = PatrolSerializer(many=True)
    open_case_count = serializers.IntegerField()
    open_cases = CaseListSerializer(many=True)
