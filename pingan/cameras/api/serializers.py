"""Camera points as the API reads and writes them. Writes are validated here and handed to the services."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingan.geo.coords import CoordSystem
from pingan.regions.api.serializers import RegionRefSerializer

from ..choices import CameraStatus, CameraType
from ..forms import MAX_IMPORT_BYTES
from ..models import Camera


class CameraSerializer(serializers.ModelSerializer):
    """One camera point; `grid` is where it stands (located from lng/lat, WGS-84)."""

    camera_type_label = serializers.CharField(source="get_camera_type_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    grid = RegionRefSerializer(read_only=True)
    lng = serializers.FloatField()
    lat = serializers.FloatField()

    class Meta:
        model = Camera
        fields = [
            "id",
            "code",
            "name",
            "camera_type",
            "camera_type_label",
            "status",
            "status_label",
            "lng",
            "lat",
            "address",
            "grid",
            "owner_unit",
            "installed_on",
        ]


class CameraWriteSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=100)
    camera_type = serializers.ChoiceField(choices=CameraType.choices)
    status = serializers.ChoiceField(choices=CameraStatus.choices, default=CameraStatus.ONLINE)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    coord_system = serializers.ChoiceField(choices=CoordSystem.choices, default=CoordSystem.WGS84)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    owner_unit = serializers.CharField(max_length=100)
    installed_on = serializers.DateField(required=False, allow_null=True, default=None)


class CameraUpdateSerializer(CameraWriteSerializer):
    """A partial change: what is sent is changed (the code never changes)."""

    # None removes the inherited field (DRF's metaclass does it; the stubs cannot know).
    code = None  # type: ignore[assignment]


class CameraCountRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    online = serializers.IntegerField()
    offline = serializers.IntegerField()
    fault = serializers.IntegerField()
    retired = serializers.IntegerField()


class CameraCountTotalsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    online = serializers.IntegerField()
    offline = serializers.IntegerField()
    fault = serializers.IntegerField()
    retired = serializers.IntegerField()


class CameraCountsSerializer(serializers.Serializer):
    region = RegionRefSerializer(allow_null=True)
    rows = CameraCountRowSerializer(many=True, help_text=_("每个下级区划的点位数(按状态)"))
    totals = CameraCountTotalsSerializer()


class StatusRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    # A declared field named like Field.label: DRF's metaclass takes it out of the class, the stubs cannot know.
    label = serializers.CharField()  # type: ignore[assignment]


class CameraPointsSerializer(serializers.Serializer):
    statuses = StatusRefSerializer(many=True, help_text=_("状态序号对应的状态"))
    points = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=3, max_length=3),
        help_text=_("每个点位 [经度, 纬度, 状态序号],WGS-84"),
    )
    truncated = serializers.BooleanField(help_text=_("点位过多,只返回了前一部分"))


class CameraImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("Excel(.xlsx)或 CSV 文件,第一行为表头"))
    coord_system = serializers.ChoiceField(choices=CoordSystem.choices, default=CoordSystem.WGS84)

    def validate_file(self, upload: UploadedFile) -> UploadedFile:
        if (upload.size or 0) > MAX_IMPORT_BYTES:
            raise serializers.ValidationError(_("文件不能超过 40 MB"))
        return upload


class ImportResultSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
