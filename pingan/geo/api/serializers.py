"""Serializers of the geography API: outlines as GeoJSON and the import of outlines. The response formats
are in docs/grids-geometry.md."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from ..choices import ShapeSource
from ..coords import CoordSystem
from ..selectors import MAX_SIMPLIFY_M
from ..services import DEFAULT_OVERLAP_M2, DEFAULT_OVERLAP_SHARE

# --- documentation of the responses ----------------------------------------------------------------


class ShapeGeometrySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Polygon", "MultiPolygon"])
    coordinates = serializers.ListField(child=serializers.JSONField(), help_text=gettext_lazy("WGS-84,[经度, 纬度]"))


class ShapePropertiesSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField(help_text=gettext_lazy("1 市、2 县区、3 乡镇街道、4 村社区、5 网格"))
    # Declared fields named like Field.parent, .label and .source: DRF's metaclass takes them out of the
    # class, the stubs cannot know.
    parent = serializers.CharField(help_text=gettext_lazy("上级区划代码(市级为空)"))  # type: ignore[assignment]
    label = serializers.ListField(  # type: ignore[assignment]
        child=serializers.FloatField(), min_length=2, max_length=2, help_text=gettext_lazy("标注点 [经度, 纬度]")
    )
    area_km2 = serializers.FloatField()
    source = serializers.ChoiceField(choices=ShapeSource.choices)  # type: ignore[assignment]


class ShapeFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.CharField()
    geometry = ShapeGeometrySerializer()
    properties = ShapePropertiesSerializer()


class ShapeCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    bbox = serializers.ListField(
        child=serializers.FloatField(),
        min_length=4,
        max_length=4,
        required=False,
        help_text=gettext_lazy("[最小经度, 最小纬度, 最大经度, 最大纬度];没有要素时省略"),
    )
    features = ShapeFeatureSerializer(many=True)


class ShapeImportResultSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=gettext_lazy("要素数"))
    created = serializers.IntegerField(help_text=gettext_lazy("新增边界数"))
    updated = serializers.IntegerField(help_text=gettext_lazy("更新边界数"))
    unchanged = serializers.IntegerField(help_text=gettext_lazy("未变边界数"))
    grids_created = serializers.IntegerField(help_text=gettext_lazy("新建网格数"))
    dry_run = serializers.BooleanField()


# --- requests --------------------------------------------------------------------------------------


class ShapeQuerySerializer(serializers.Serializer):
    level = serializers.IntegerField(required=False, min_value=1, max_value=5)
    # Declared fields named like Field.parent and Field.source (see ShapePropertiesSerializer).
    parent = serializers.RegexField(  # type: ignore[assignment]
        r"^\d{1,20}$", required=False, error_messages={"invalid": gettext_lazy("区划代码应为数字")}
    )
    simplify = serializers.FloatField(required=False, min_value=0, max_value=MAX_SIMPLIFY_M, default=0)


class ShapeImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("GeoJSON(FeatureCollection),或含 WKT 边界列的 CSV/Excel"))
    coord_system = serializers.ChoiceField(
        choices=CoordSystem.choices,
        default=CoordSystem.WGS84,
        help_text=gettext_lazy("整个文件的坐标系;GCJ-02、BD-09 导入时转换为 WGS-84"),
    )
    source = serializers.ChoiceField(choices=ShapeSource.choices, default=ShapeSource.IMPORTED)  # type: ignore[assignment]
    overlap_share = serializers.FloatField(
        min_value=0,
        max_value=0.5,
        default=DEFAULT_OVERLAP_SHARE,
        help_text=gettext_lazy("允许的重叠/越界面积占较小区划面积的比例"),
    )
    overlap_m2 = serializers.FloatField(
        min_value=0,
        max_value=1_000_000,
        default=DEFAULT_OVERLAP_M2,
        help_text=gettext_lazy("允许的重叠/越界面积(平方米)"),
    )
    dry_run = serializers.BooleanField(default=False, help_text=gettext_lazy("只检查,不写入"))
