"""Consultations as the API reads and writes them: the register's rows, the field the kind adds to the case
detail (Workflow.api_fields), and the portal's question."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pingan.cases.api.serializers import CaseListSerializer, UserRefSerializer
from pingan.cases.models import Case, CaseClock
from pingan.lawguard.choices import Speciality

from ..choices import ANSWER_CLOCK, KIND, ConsultState
from ..models import Consultation


class ExpertRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True)


class EnterpriseRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    credit_code = serializers.CharField(read_only=True)


class ConsultationInfoSerializer(serializers.ModelSerializer[Consultation]):
    """The consultation's own record."""

    enterprise = EnterpriseRefSerializer(read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    answered_role_label = serializers.CharField(source="get_answered_role_display", read_only=True)
    answered_by = UserRefSerializer(read_only=True, allow_null=True)
    escalated_to = ExpertRefSerializer(read_only=True, allow_null=True)
    specialities = serializers.ListField(child=serializers.CharField(), read_only=True, help_text=_("涉及领域"))

    class Meta:
        model = Consultation
        fields = [
            "enterprise",
            "question",
            "channel",
            "channel_label",
            "ticket_number",
            "difficult",
            "specialities",
            "answer",
            "answered_by",
            "answered_role",
            "answered_role_label",
            "answered_at",
            "escalated_to",
        ]


class ConsultationDetailSchema(ConsultationInfoSerializer):
    answer_deadline = serializers.DateTimeField(read_only=True, allow_null=True, help_text=_("答复时限"))

    class Meta(ConsultationInfoSerializer.Meta):
        fields = [*ConsultationInfoSerializer.Meta.fields, "answer_deadline"]


class ConsultationDetailField(serializers.Field):
    """The consultation's record and its 答复时限, for the API's case detail (Workflow.api_fields)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, case: Case) -> dict[str, Any] | None:
        if case.kind != KIND:  # the engine's case detail asks every kind's fields of every case
            return None
        consultation = (
            Consultation.objects.select_related("enterprise", "answered_by", "escalated_to").filter(pk=case.pk).first()
        )
        if consultation is None:
            return None
        deadline = CaseClock.objects.filter(case=case, name=ANSWER_CLOCK).values_list("deadline", flat=True).first()
        return {
            **ConsultationInfoSerializer(consultation).data,
            "answer_deadline": serializers.DateTimeField().to_representation(deadline) if deadline else None,
        }


extend_schema_field(ConsultationDetailSchema(allow_null=True))(ConsultationDetailField)


def api_fields() -> Mapping[str, serializers.Field]:
    """The field the consultation kind adds to the API's case detail (Workflow.api_fields)."""
    return {"consultation": ConsultationDetailField(help_text=_("法律咨询:企业、问题、渠道、答复与会诊"))}


class ConsultationListSerializer(CaseListSerializer):
    """One consultation of the register: the case's row plus its record."""

    consultation = ConsultationInfoSerializer(read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "consultation"]


class PortalConsultationSerializer(serializers.Serializer[Any]):
    """One of the enterprise's own consultations, as the portal shows it."""

    id = serializers.IntegerField(source="pk", read_only=True)
    number = serializers.CharField(read_only=True)
    registered_at = serializers.DateTimeField(read_only=True)
    status = serializers.CharField(read_only=True)
    status_label = serializers.SerializerMethodField()
    question = serializers.CharField(source="consultation.question", read_only=True)
    answer = serializers.CharField(source="consultation.answer", read_only=True)
    answered_at = serializers.DateTimeField(source="consultation.answered_at", read_only=True, allow_null=True)
    answered_role = serializers.CharField(source="consultation.answered_role", read_only=True)

    def get_status_label(self, case: Case) -> str:
        return str(ConsultState(case.status).label) if case.status in ConsultState.values else case.status


class PortalQuestionSerializer(serializers.Serializer[Any]):
    """我要咨询."""

    question = serializers.CharField(max_length=4000, help_text=_("咨询问题"))
    specialities = serializers.ListField(
        child=serializers.ChoiceField(choices=Speciality.choices),
        required=False,
        default=list,
        max_length=12,
        help_text=_("涉及领域"),
    )
    urgent = serializers.BooleanField(required=False, default=False, help_text=_("紧急(2 小时内答复)"))
