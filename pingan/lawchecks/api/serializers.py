"""Legal services as the API reads them; the flow's steps go through the case API's transitions
(`/api/v1/cases/{id}/transitions/`), the portal's booking through its own endpoint."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pingan.cases.api.serializers import CaseListSerializer
from pingan.cases.models import Case

from ..choices import KIND, Slot
from ..models import CheckItem, Finding, LegalService


class LegalServiceInfoSerializer(serializers.ModelSerializer[LegalService]):
    enterprise = serializers.CharField(source="enterprise.name", read_only=True)
    enterprise_credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    origin_label = serializers.CharField(source="get_origin_display", read_only=True)
    awaiting_review = serializers.SerializerMethodField()

    class Meta:
        model = LegalService
        fields = [
            "enterprise",
            "enterprise_credit_code",
            "origin",
            "origin_label",
            "wished_date",
            "wished_slot",
            "concerns",
            "provider_role",
            "provider_name",
            "outcome",
            "self_checked_at",
            "drafted_at",
            "reviewed_at",
            "review_comment",
            "issued_at",
            "report_number",
            "awaiting_review",
        ]

    def get_awaiting_review(self, service: LegalService) -> bool:
        return service.drafted_at is not None and not service.is_approved and service.issued_at is None


class CheckItemSerializer(serializers.ModelSerializer[CheckItem]):
    class Meta:
        model = CheckItem
        fields = ["id", "area", "question", "legal_basis", "suggestion", "self_answer", "self_note", "answer", "note"]


class FindingSerializer(serializers.ModelSerializer[Finding]):
    suggestion_number = serializers.CharField(source="suggestion_record.number", read_only=True, allow_null=True)

    class Meta:
        model = Finding
        fields = ["id", "item", "description", "severity", "suggestion", "implement_by", "suggestion_number"]


class LegalServiceListSerializer(CaseListSerializer):
    legalservice = LegalServiceInfoSerializer(read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "legalservice"]


class LegalServiceDetailSchema(LegalServiceInfoSerializer):
    items = CheckItemSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta(LegalServiceInfoSerializer.Meta):
        fields = [*LegalServiceInfoSerializer.Meta.fields, "items", "findings"]


class LegalServiceDetailField(serializers.Field):
    """The kind's record in the engine's case detail: the service, its checklist and findings."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, case: Case) -> dict[str, Any] | None:
        if case.kind != KIND:
            return None
        service = LegalService.objects.select_related("enterprise").filter(pk=case.pk).first()
        if service is None:
            return None
        return {
            **LegalServiceInfoSerializer(service).data,
            "items": CheckItemSerializer(service.items.all(), many=True).data,
            "findings": FindingSerializer(service.findings.select_related("suggestion_record"), many=True).data,
        }


extend_schema_field(LegalServiceDetailSchema(allow_null=True))(LegalServiceDetailField)


def api_fields() -> Mapping[str, serializers.Field]:
    """The field the kind adds to the API's case detail (Workflow.api_fields)."""
    return {"legalservice": LegalServiceDetailField(help_text=_("法律服务:企业、清单、发现问题、报告"))}


class PortalServiceSerializer(serializers.ModelSerializer[LegalService]):
    """An enterprise's own service, as the portal shows it: the report only once issued."""

    number = serializers.CharField(source="case.number", read_only=True)
    category = serializers.CharField(source="case.category.name", read_only=True)
    status = serializers.CharField(source="case.status", read_only=True)
    status_label = serializers.SerializerMethodField()
    registered_at = serializers.DateTimeField(source="case.registered_at", read_only=True)
    report_url = serializers.SerializerMethodField()

    class Meta:
        model = LegalService
        fields = [
            "number",
            "category",
            "status",
            "status_label",
            "registered_at",
            "wished_date",
            "wished_slot",
            "concerns",
            "issued_at",
            "report_number",
            "report_url",
        ]

    def get_status_label(self, service: LegalService) -> str:
        from ..choices import ServiceState

        return str(ServiceState(service.case.status).label)

    def get_report_url(self, service: LegalService) -> str | None:
        from django.urls import reverse

        if service.issued_at is None:
            return None
        return reverse("lawchecks-portal-report", args=[service.pk, "pdf"])


class PortalBookSerializer(serializers.Serializer[Any]):
    wished_date = serializers.DateField(help_text=_("期望日期"))
    wished_slot = serializers.ChoiceField(choices=Slot.choices, required=False, allow_blank=True)
    concerns = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate_wished_date(self, value: Any) -> Any:
        if value < timezone.localdate():
            raise serializers.ValidationError(_("期望日期不能早于今天"))
        return value
