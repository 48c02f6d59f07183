"""法治护航's register as the API reads and writes it. Writes are checked for shape here and handed to the
services, which check the rules (credit code, place, jurisdiction)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pingan.core.masking import mask_name, mask_phone
from pingan.geo.coords import CoordSystem
from pingan.regions.api.serializers import RegionRefSerializer

from ..choices import GuardRole, Industry, Scale, SpecialisationLevel, Speciality
from ..forms import MAX_IMPORT_BYTES
from ..models import Enterprise, EnterpriseAccount, EnterpriseContact, Expert, GuardAssignment, Workstation


class WorkstationRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organization.name", read_only=True)
    code = serializers.CharField(source="organization.code", read_only=True)

    class Meta:
        model = Workstation
        fields = ["id", "code", "name"]


class ContactSerializer(serializers.ModelSerializer):
    """A contact, masked (the full phone only through the audited unmask of the page)."""

    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = EnterpriseContact
        fields = ["id", "name", "position", "phone", "is_primary"]

    def get_name(self, contact: EnterpriseContact) -> str:
        return mask_name(contact.name)

    def get_phone(self, contact: EnterpriseContact) -> str:
        return mask_phone(contact.phone)


class EnterpriseSerializer(serializers.ModelSerializer):
    industry_label = serializers.CharField(source="get_industry_display", read_only=True)
    scale_label = serializers.CharField(source="get_scale_display", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    region = RegionRefSerializer(read_only=True)
    workstation = WorkstationRefSerializer(read_only=True, allow_null=True)
    has_guards = serializers.BooleanField(read_only=True, help_text=_("已派驻三官一律(至少一个角色在任)"))

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "industry",
            "industry_label",
            "scale",
            "scale_label",
            "level",
            "level_label",
            "legal_representative",
            "address",
            "region",
            "grid_code",
            "lng",
            "lat",
            "workstation",
            "has_guards",
            "is_active",
            "created_at",
        ]


class GuardAssignmentSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    phone = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = GuardAssignment
        fields = [
            "id",
            "role",
            "role_label",
            "person_name",
            "unit",
            "phone",
            "user",
            "started_on",
            "ended_on",
            "end_reason",
            "is_current",
        ]

    def get_phone(self, assignment: GuardAssignment) -> str:
        return mask_phone(assignment.phone) if assignment.phone else ""

    def get_is_current(self, assignment: GuardAssignment) -> bool:
        return assignment.ended_on is None


class EnterpriseDetailSerializer(EnterpriseSerializer):
    contacts = ContactSerializer(many=True, read_only=True)
    guards = serializers.SerializerMethodField(help_text=_("三官一律:在任与历任"))
    suggestion_count = serializers.SerializerMethodField()

    class Meta(EnterpriseSerializer.Meta):
        fields = [*EnterpriseSerializer.Meta.fields, "contacts", "guards", "suggestion_count"]

    @extend_schema_field(GuardAssignmentSerializer(many=True))
    def get_guards(self, enterprise: Enterprise) -> Any:
        return GuardAssignmentSerializer(enterprise.guard_assignments.order_by("role", "-started_on"), many=True).data

    def get_suggestion_count(self, enterprise: Enterprise) -> int:
        return enterprise.suggestions.count()


class EnterpriseWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    credit_code = serializers.CharField(max_length=24)
    industry = serializers.ChoiceField(choices=Industry.choices)
    scale = serializers.ChoiceField(choices=Scale.choices)
    level = serializers.ChoiceField(choices=SpecialisationLevel.choices, required=False, default="")
    legal_representative = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200)
    region = serializers.CharField(max_length=20, required=False, help_text=_("区划代码(无经纬度时必填)"))
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
    coord_system = serializers.ChoiceField(choices=CoordSystem.choices, default=CoordSystem.WGS84)
    workstation = serializers.IntegerField(required=False, allow_null=True, help_text=_("服务工作站 ID"))


class EnterpriseUpdateSerializer(EnterpriseWriteSerializer):
    """A partial change: what is sent is changed."""


class GuardAssignWriteSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=GuardRole.choices)
    person_name = serializers.CharField(max_length=50)
    unit = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    user = serializers.CharField(max_length=150, required=False, allow_blank=True, default="", help_text=_("用户名"))
    started_on = serializers.DateField()
    end_reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WorkstationSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="organization.code", read_only=True)
    name = serializers.CharField(source="organization.name", read_only=True)
    region = RegionRefSerializer(source="organization.region", read_only=True)
    regions = RegionRefSerializer(many=True, read_only=True)
    enterprise_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Workstation
        fields = [
            "id",
            "code",
            "name",
            "region",
            "regions",
            "address",
            "lng",
            "lat",
            "opened_on",
            "description",
            "is_active",
            "enterprise_count",
        ]


class ExpertSerializer(serializers.ModelSerializer):
    specialities = serializers.ListField(child=serializers.ChoiceField(choices=Speciality.choices))
    team = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = Expert
        fields = ["id", "team", "name", "unit", "title", "specialities", "joined_on", "is_active"]


class ExpertWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    unit = serializers.CharField(max_length=100)
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    specialities = serializers.ListField(child=serializers.ChoiceField(choices=Speciality.choices), min_length=1)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    joined_on = serializers.DateField()
    is_active = serializers.BooleanField(default=True)


class EnterpriseAccountSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = EnterpriseAccount
        fields = ["id", "username", "enterprise", "enterprise_name", "created_at", "is_active"]


class EnterpriseAccountWriteSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class EnterpriseAccountCreatedSerializer(EnterpriseAccountSerializer):
    temporary_password = serializers.CharField(read_only=True, help_text=_("临时密码,只返回这一次;首次登录须修改"))

    class Meta(EnterpriseAccountSerializer.Meta):
        fields = [*EnterpriseAccountSerializer.Meta.fields, "temporary_password"]


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("Excel(.xlsx)或 CSV 文件,第一行为表头"))

    def validate_file(self, upload: UploadedFile) -> UploadedFile:
        if (upload.size or 0) > MAX_IMPORT_BYTES:
            raise serializers.ValidationError(_("文件不能超过 10 MB"))
        return upload


class EnterpriseImportResultSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    created = serializers.IntegerField()
