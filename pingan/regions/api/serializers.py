"""Regions and organisations as the API shows them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pingan.regions.choices import RegionLevel
from pingan.regions.models import Organization, Region

# The API names levels by what they are, not by their depth number.
LEVEL_NAMES: dict[int, str] = {
    RegionLevel.PROVINCE: "province",
    RegionLevel.CITY: "city",
    RegionLevel.COUNTY: "county",
    RegionLevel.TOWNSHIP: "township",
    RegionLevel.COMMUNITY: "community",
    RegionLevel.GRID: "grid",
}


class RegionRefSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["code", "name"]


class RegionSerializer(serializers.ModelSerializer[Region]):
    level = serializers.SerializerMethodField()
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_label"]

    @extend_schema_field(serializers.ChoiceField(choices=list(LEVEL_NAMES.values())))
    def get_level(self, region: Region) -> str:
        return LEVEL_NAMES[region.level]


class RegionMatchSerializer(RegionSerializer):
    """A region found by name, with its place in the tree ("天元区 › 嵩山路街道")."""

    path = serializers.CharField(read_only=True)

    class Meta(RegionSerializer.Meta):
        fields = [*RegionSerializer.Meta.fields, "path"]


class OrganizationRefSerializer(serializers.ModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = ["code", "name"]


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    org_type_label = serializers.CharField(source="get_org_type_display", read_only=True)
    region = RegionRefSerializer(read_only=True)

    class Meta:
        model = Organization
        fields = ["code", "name", "org_type", "org_type_label", "region"]
