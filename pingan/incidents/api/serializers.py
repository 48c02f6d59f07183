"""Incidents as the API reads and writes them. Writes are validated here and handed to the services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingan.cases.api.serializers import AttachmentSerializer, CaseListSerializer, PartyInputSerializer
from pingan.cases.choices import Channel, Urgency
from pingan.cases.models import Case, Category
from pingan.geo.coords import CoordSystem
from pingan.regions.models import Region

from ..choices import KIND, MAX_PHOTOS


class IncidentListSerializer(CaseListSerializer):
    """One incident of the list: the case's row plus where it is (WGS-84) and how many photos it has."""

    photo_count = serializers.IntegerField(read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "lat", "lng", "photo_count"]


class IncidentSerializer(CaseListSerializer):
    """An incident: its place, its photos, and the link to the dispute case it became (if it did).
    Its workflow actions go through the case API (`/api/v1/cases/{id}/transitions/`)."""

    description = serializers.CharField(read_only=True)
    photos = AttachmentSerializer(source="attachments", many=True, read_only=True)
    dispute = serializers.SerializerMethodField()
    rework_count = serializers.IntegerField(read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "description",
            "lat",
            "lng",
            "resolved_at",
            "verified_at",
            "on_time",
            "satisfaction",
            "rework_count",
            "photos",
            "dispute",
        ]

    def get_dispute(self, case: Case) -> str | None:
        children = [child for child in case.children.all() if child.kind == "dispute"]
        return children[0].number if children else None


class IncidentReportSerializer(serializers.Serializer):
    """事件上报: multipart (photos in repeated `photos` fields) or JSON without photos."""

    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(kind=KIND, is_active=True),
        error_messages={"does_not_exist": _("事件类别“{value}”不存在或已停用")},
    )
    description = serializers.CharField(max_length=2000)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True, help_text=_("纬度"))
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True, help_text=_("经度"))
    coord_system = serializers.ChoiceField(
        choices=CoordSystem.choices,
        default=CoordSystem.WGS84,
        help_text=_("手机浏览器定位为 wgs84;高德、腾讯、微信地图的坐标为 gcj02,百度为 bd09"),
    )
    region: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("无定位时手选的网格(区划代码);有经纬度时可省略"),
        error_messages={"does_not_exist": _("区划代码“{value}”不存在")},
    )
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    urgency = serializers.ChoiceField(
        choices=Urgency.choices, required=False, allow_null=True, help_text=_("不填按类别默认(治安隐患、消防为紧急)")
    )
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.GRID)
    client_ref = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text=_("草稿编号:重发同一草稿不会重复立案")
    )
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        default=list,
        max_length=MAX_PHOTOS,
        write_only=True,
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("lat") is None) != (attrs.get("lng") is None):
            raise serializers.ValidationError({"lng": [_("经纬度须同时提供")]})
        if attrs.get("lat") is None and attrs.get("region") is None:
            raise serializers.ValidationError({"location": [_("请允许手机定位,或手选所在网格")]})
        return attrs


def report_payload(data: Mapping[str, Any] | list[Any]) -> Mapping[str, Any] | list[Any]:
    """A multipart report carries several files under `photos`; empty position fields mean "none"."""
    if not isinstance(data, MultiValueDict):
        return data
    payload = {key: value for key, value in data.dict().items() if value != "" or key in ("title", "address")}
    payload["photos"] = [photo for photo in data.getlist("photos") if photo]
    return payload


class FeedbackSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, help_text=_("处置结果"))
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        default=list,
        max_length=MAX_PHOTOS,
        write_only=True,
    )


class ConvertSerializer(serializers.Serializer):
    dispute_category = serializers.CharField(max_length=40, help_text=_("矛盾纠纷类别代码,如 neighbour"))
    parties = PartyInputSerializer(many=True)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
