"""Serializers of the map's API: one level of regions with outlines and figures, the case heat layer, and
the place at a point (for the map picker of the intake forms)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from pingan.geo.coords import CoordSystem

# --- the map dashboard -----------------------------------------------------------------------------


class MapRegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()


class MapRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField(help_text="层级:2 县区、3 乡镇街道、4 村社区、5 网格")
    open = serializers.IntegerField(help_text="未结案件数")
    overdue = serializers.IntegerField(help_text="超期未结案件数")
    recent = serializers.IntegerField(help_text="近一年登记的案件数")
    density = serializers.FloatField(allow_null=True, help_text="每网格案件数(近一年);无网格时为 null")
    grids = serializers.IntegerField(help_text="网格数")
    centres = serializers.IntegerField(help_text="综治中心数(含本级)")
    cameras = serializers.IntegerField(help_text="视频监控点位数")
    has_shape = serializers.BooleanField(help_text="是否有边界")


class MapTotalsSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    recent = serializers.IntegerField()
    grids = serializers.IntegerField()
    centres = serializers.IntegerField()
    cameras = serializers.IntegerField()


class MapLevelSerializer(serializers.Serializer):
    region = MapRegionRefSerializer(allow_null=True)
    breadcrumbs = MapRegionRefSerializer(many=True)
    rows = MapRowSerializer(many=True)
    totals = MapTotalsSerializer()
    features = serializers.JSONField(
        help_text="下级区划边界,GeoJSON FeatureCollection(WGS-84),properties: code, name, level"
    )


class HeatSerializer(serializers.Serializer):
    points = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        help_text="近一年有位置的案件 [经度, 纬度],WGS-84",
    )
    truncated = serializers.BooleanField()


# --- the place at a point --------------------------------------------------------------------------


class PlaceRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PlacePointSerializer(serializers.Serializer):
    lng = serializers.FloatField()
    lat = serializers.FloatField()


class PlaceSerializer(serializers.Serializer):
    point = PlacePointSerializer(help_text=gettext_lazy("定位所用的 WGS-84 坐标"))
    coord_system = serializers.ChoiceField(choices=CoordSystem.choices)
    grid = PlaceRegionSerializer(allow_null=True)
    community = PlaceRegionSerializer(allow_null=True)
    township = PlaceRegionSerializer(allow_null=True)
    district = PlaceRegionSerializer(allow_null=True)
    centre = PlaceRegionSerializer(allow_null=True, help_text=gettext_lazy("负责的综治中心"))
    reason = serializers.ChoiceField(
        choices=["outside", "outside_jurisdiction"],
        allow_null=True,
        help_text=gettext_lazy("没有网格的原因:outside 不在任何网格内;outside_jurisdiction 网格不在您的辖区内"),
    )


class LocateQuerySerializer(serializers.Serializer):
    lng = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    coord_system = serializers.ChoiceField(choices=CoordSystem.choices, default=CoordSystem.WGS84)


# --- the risk layer ---------------------------------------------------------------------------------


class RiskLegendSerializer(serializers.Serializer):
    level = serializers.CharField(help_text="风险等级:red、orange、yellow、blue")
    label = serializers.CharField(help_text="等级名称,如 红色(重大)")  # type: ignore[assignment]
    colour = serializers.CharField(help_text="地图上的颜色")


class RiskPointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="风险编号")
    title = serializers.CharField()
    level = serializers.CharField()
    lng = serializers.FloatField(help_text="经度(WGS-84);无定位点时为所在网格或区划的标注点")
    lat = serializers.FloatField()
    url = serializers.CharField(help_text="风险详情页")


class RiskGridSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="网格代码")
    level = serializers.CharField(help_text="该网格未闭环风险的最高等级")


class RiskLayerSerializer(serializers.Serializer):
    legend = RiskLegendSerializer(many=True)
    levels = serializers.ListField(child=serializers.CharField(), help_text="本次显示的等级")
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="各等级未闭环风险数(不受等级筛选影响)")
    points = RiskPointSerializer(many=True)
    grids = RiskGridSerializer(many=True)
    truncated = serializers.BooleanField()
