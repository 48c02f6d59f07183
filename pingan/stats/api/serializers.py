"""Shapes of the statistics API (read-only: every figure is computed by pingan.stats.indicators)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingan.cases.api.serializers import CaseRowSerializer
from pingan.cases.choices import Satisfaction


class StatsRegionRefSerializer(serializers.Serializer):
    code = serializers.CharField(allow_null=True, help_text=_("区划代码;为空表示用户的全部辖区"))
    name = serializers.CharField()


class StatsPeriodSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()


class StatsIndicatorResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    formula = serializers.CharField(help_text=_("书面公式"))
    numerator_definition = serializers.CharField(help_text=_("分子口径"))
    denominator_definition = serializers.CharField(help_text=_("分母口径;计数指标为空"))
    unit = serializers.CharField(
        help_text=_("“%”:value 为比率(0–1);“元”:value 为金额之和;“分”:value 为平均分;“件”等:value 为计数")
    )
    version = serializers.CharField(help_text=_("公式版本"))
    better = serializers.CharField(allow_blank=True, help_text=_("利好方向:up 越高越好,down 越低越好,空为计数指标"))
    group = serializers.CharField(
        allow_blank=True, help_text=_("指标组:空为案件指标,risks 为风险防控指标,lawguard 为法治护航指标")
    )
    numerator = serializers.IntegerField(help_text=_("计入的案件或记录数(= 下钻清单条数)"))
    denominator = serializers.IntegerField(allow_null=True, help_text=_("计数指标为 null"))
    value = serializers.FloatField(allow_null=True, help_text=_("比率保留4位小数;分母为0时为 null;金额、平均分保留2位"))
    display = serializers.CharField(help_text=_("显示值,如 97.80%"))
    yoy_value = serializers.FloatField(allow_null=True, help_text=_("上年同期的值"))
    yoy = serializers.FloatField(allow_null=True, help_text=_("同比 = (本期 − 上年同期) ÷ 上年同期"))
    yoy_change = serializers.FloatField(allow_null=True, help_text=_("本期 − 上年同期(比率:×100 即百分点)"))
    mom_value = serializers.FloatField(allow_null=True, help_text=_("上期的值"))
    mom = serializers.FloatField(allow_null=True, help_text=_("环比 = (本期 − 上期) ÷ 上期"))
    mom_change = serializers.FloatField(allow_null=True, help_text=_("本期 − 上期(比率:×100 即百分点)"))


class StatsSummarySerializer(serializers.Serializer):
    region = StatsRegionRefSerializer()
    kind = serializers.CharField(help_text=_("案件类型;为空表示全部类型"))
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    yoy_period = StatsPeriodSerializer(help_text=_("上年同期"))
    mom_period = StatsPeriodSerializer(help_text=_("环比的上期"))
    indicators = StatsIndicatorResultSerializer(many=True)


class StatsFigureSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField(allow_null=True)
    value = serializers.FloatField(allow_null=True)


class StatsBreakdownRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("区划代码、类别代码或月份 YYYY-MM"))
    # A declared field named like Field.label: DRF's metaclass takes it out of the class, the stubs cannot know.
    label = serializers.CharField()  # type: ignore[assignment]
    received = serializers.IntegerField()
    closed = serializers.IntegerField()
    closure_rate = serializers.FloatField(allow_null=True)
    mediation_success_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)
    figures = serializers.DictField(child=StatsFigureSerializer(), help_text=_("各指标的分子、分母和值"))


class StatsBreakdownSerializer(serializers.Serializer):
    region = StatsRegionRefSerializer()
    kind = serializers.CharField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    by = serializers.CharField(help_text=_("district、township、community、grid、category 或 month"))
    rows = StatsBreakdownRowSerializer(many=True)


class StatsDrilldownCaseSerializer(CaseRowSerializer):
    """A drill-down row: the engine's case row with the columns the case indicators read (deadline, on time,
    satisfaction, rework)."""

    # Declared so that the schema says it may be blank (a read-only model field loses allow_blank).
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, allow_blank=True, read_only=True)

    class Meta(CaseRowSerializer.Meta):
        fields = [*CaseRowSerializer.Meta.fields, "deadline", "on_time", "satisfaction", "rework_count"]
        read_only_fields = fields


class StatsRiskOwnerRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("责任单位代码(下钻时作 owner_org 参数)"))
    name = serializers.CharField()
    risks = serializers.IntegerField(help_text=_("风险数(指标 risks)"))
    risks_red = serializers.IntegerField()
    risks_orange = serializers.IntegerField()
    risks_yellow = serializers.IntegerField()
    risks_blue = serializers.IntegerField()
    risks_stage_overdue = serializers.IntegerField(help_text=_("阶段超期风险数"))


class StatsRiskOwnersSerializer(serializers.Serializer):
    region = StatsRegionRefSerializer()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    rows = StatsRiskOwnerRowSerializer(many=True)


class StatsDrilldownRecordSerializer(serializers.Serializer):
    """One record behind a 法治护航 indicator that does not count cases (a suggestion, a recovered loss, a
    rating, a workstation, an enterprise, an expert): the source's own row."""

    id = serializers.IntegerField()
    # Named like Field.source, as label below is like Field.label (the metaclass takes it out of the class).
    source = serializers.CharField(  # type: ignore[assignment]
        help_text=_("记录类型:suggestion、loss、rating、workstation、guarded_enterprise、expert")
    )
    # A declared field named like Field.label: DRF's metaclass takes it out of the class, the stubs cannot know.
    label = serializers.CharField(help_text=_("编号、名称或信用代码"))  # type: ignore[assignment]
    enterprise = serializers.CharField(allow_blank=True, help_text=_("企业(专家为工作单位)"))
    region_code = serializers.CharField()
    date = serializers.CharField(allow_blank=True, help_text=_("发出、挽回、评价、设立或入库日期 YYYY-MM-DD"))
    value = serializers.CharField(allow_blank=True, help_text=_("金额(元)或评分;其他为空"))
    status = serializers.CharField(allow_blank=True)


class StatsLedgerFigureSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("指标代码(下钻时作 indicator 参数)"))
    numerator = serializers.IntegerField(help_text=_("计入的案件或记录数(= 下钻清单条数)"))
    value = serializers.FloatField(allow_null=True, help_text=_("件数、条数,或金额(元)"))
    display = serializers.CharField()


class StatsLedgerRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("工作站机构代码(下钻时作 workstation 参数)或服务人员角色(provider_role)"))
    name = serializers.CharField()
    figures = StatsLedgerFigureSerializer(many=True)


class StatsLedgerTableSerializer(serializers.Serializer):
    region = StatsRegionRefSerializer()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    rows = StatsLedgerRowSerializer(many=True)
