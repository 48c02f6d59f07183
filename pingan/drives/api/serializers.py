"""Shapes of the drive API (figures are computed by pingan.drives.figures)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pingan.cases.api.serializers import CaseRowSerializer
from pingan.cases.models import Category
from pingan.regions.models import Organization, Region

from ..choices import DriveStatus, TagMode
from ..models import Drive, DriveCase, DriveTagLog


class DriveListSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True, help_text=_("所属区划名称"))
    lead_org_name = serializers.CharField(source="lead_org.name", read_only=True, help_text=_("牵头单位名称"))
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    kinds = serializers.ListField(child=serializers.CharField(), read_only=True, help_text=_("计入的案件类型"))

    class Meta:
        model = Drive
        fields = [
            "id",
            "name",
            "start_date",
            "end_date",
            "kinds",
            "region_code",
            "region_name",
            "lead_org_name",
            "status",
            "status_display",
        ]
        read_only_fields = fields


class DriveTagSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    tagged_by_name = serializers.CharField(source="tagged_by.__str__", read_only=True, help_text=_("标记人"))
    mode_display = serializers.CharField(source="get_mode_display", read_only=True)

    class Meta:
        model = DriveCase
        fields = ["case", "case_number", "mode", "mode_display", "reason", "tagged_by_name", "tagged_at"]
        read_only_fields = fields


class DriveDetailSerializer(DriveListSerializer):
    description = serializers.CharField(read_only=True)
    categories: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text=_("目标类别代码;为空表示所选类型的全部类别")
    )
    target_regions: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text=_("排查区域代码;为空表示整个所属区划")
    )
    lead_org: serializers.SlugRelatedField[Organization] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("牵头单位代码")
    )
    tags = serializers.SerializerMethodField(help_text=_("本人辖区内的手工标记案件"))

    class Meta(DriveListSerializer.Meta):
        fields = [*DriveListSerializer.Meta.fields, "description", "categories", "target_regions", "lead_org", "tags"]
        read_only_fields = fields

    @extend_schema_field(DriveTagSerializer(many=True))
    def get_tags(self, drive: Drive) -> list[dict]:
        return list(DriveTagSerializer(self.context.get("tags", []), many=True).data)


class FiguresSerializer(serializers.Serializer):
    found = serializers.IntegerField(help_text=_("排查数:计入专项行动的案件"))
    mediated = serializers.IntegerField(
        help_text=_("调解终结数:调解已终结(成功或不成功)且终结于专项行动结束前的矛盾纠纷")
    )
    successful = serializers.IntegerField(help_text=_("调解成功数"))
    success_rate = serializers.FloatField(
        allow_null=True, help_text=_("调解成功率 = 调解成功数 ÷ 调解终结数,0–1,保留4位")
    )
    success_rate_display = serializers.CharField(help_text=_("显示值,如 97.80%"))


class DriveFiguresSerializer(FiguresSerializer):
    drive = serializers.IntegerField()
    as_of = serializers.DateTimeField(help_text=_("结果截至:专项行动结束时,进行中为当前时间"))


class BreakdownRowSerializer(FiguresSerializer):
    key = serializers.CharField(help_text=_("区划分组代码(下钻参数 area)或该周星期一的日期(下钻参数 week)"))
    label = serializers.CharField()  # type: ignore[assignment]
    drillable = serializers.BooleanField(required=False, help_text=_("可再按下一级区划分组"))


class DriveBreakdownSerializer(serializers.Serializer):
    drive = serializers.IntegerField()
    by = serializers.CharField(help_text=_("region 或 week"))
    region = serializers.CharField(allow_null=True, help_text=_("按区划分组时:被分组的区划代码"))
    rows = BreakdownRowSerializer(many=True)


class DriveCaseSerializer(CaseRowSerializer):
    """A case counted by a drive: the engine's case row with the date a drive's figures read (resolved_at)."""

    class Meta(CaseRowSerializer.Meta):
        fields = [*CaseRowSerializer.Meta.fields, "resolved_at"]
        read_only_fields = fields


class TagInputSerializer(serializers.Serializer):
    case = serializers.CharField(max_length=20, help_text=_("案件 ID 或案件编号"))
    mode = serializers.ChoiceField(
        choices=TagMode.choices, default=TagMode.INCLUDE, help_text=_("include 手工纳入(默认)或 exclude 手工排除")
    )
    reason = serializers.CharField(max_length=200, help_text=_("理由(必填)"))


class UntagInputSerializer(serializers.Serializer):
    case = serializers.CharField(max_length=20, help_text=_("案件 ID 或案件编号"))
    reason = serializers.CharField(max_length=200, help_text=_("取消标记的理由(必填)"))


class TagLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = DriveTagLog
        fields = ["case", "action", "mode", "reason", "created_at"]
        read_only_fields = fields


class DriveWriteSerializer(serializers.Serializer):
    """A drive as it is created or replaced: records named by their codes. The service checks the rest (the
    window, the kinds and categories, the region the user may run drives in, the lead unit covering it)."""

    name = serializers.CharField(max_length=100, help_text=_("名称"))
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    start_date = serializers.DateField(help_text=_("开始日期"))
    end_date = serializers.DateField(help_text=_("结束日期(含),不早于开始日期,不超过三年"))
    kinds = serializers.ListField(
        child=serializers.CharField(max_length=20), min_length=1, max_length=10, help_text=_("计入的案件类型")
    )
    categories = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        max_length=200,
        help_text=_("目标类别代码,须属于所选类型;为空表示所选类型的全部类别"),
    )
    region = serializers.CharField(
        max_length=20, help_text=_("所属区划代码(市、区县或乡镇街道),须在本人可组织专项行动的辖区内")
    )
    target_regions = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        default=list,
        max_length=200,
        help_text=_("排查区域代码,须在所属区划内;为空表示整个所属区划"),
    )
    lead_org = serializers.CharField(max_length=40, help_text=_("牵头单位代码,其管辖范围须包含所属区划"))
    status = serializers.ChoiceField(choices=DriveStatus.choices, default=DriveStatus.ACTIVE)
