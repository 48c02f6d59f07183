"""What the dispute kind adds to the case API: the mediation record on the case detail, the parameters of
its actions in the transition schema, and the mediators a case may be assigned to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pingan.cases.api.serializers import UserRefSerializer
from pingan.cases.api.transitions import register_form_field
from pingan.cases.models import Case

from ..forms import InstalmentsField, PartyTextsField
from ..models import MediationResult, MediationSession


class MediationResultSerializer(serializers.ModelSerializer):
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    advised_route_label = serializers.CharField(source="get_advised_route_display", read_only=True)
    mediator = UserRefSerializer(read_only=True)

    class Meta:
        model = MediationResult
        fields = [
            "outcome",
            "outcome_label",
            "disputed_matters",
            "responsibilities",
            "terms",
            "amount",
            "performance_method",
            "performance_detail",
            "performance_deadline",
            "instalments",
            "advised_route",
            "advised_route_label",
            "agreement_number",
            "mediator",
            "concluded_at",
        ]


class MediationSessionSerializer(serializers.ModelSerializer):
    recorded_by = UserRefSerializer(read_only=True)

    class Meta:
        model = MediationSession
        fields = ["id", "held_at", "place", "online_link", "attendees", "notes", "recorded_by", "created_at"]


@extend_schema_field(MediationResultSerializer(allow_null=True))
class MediationField(serializers.Field):
    """The mediation result of a dispute (null before 调解终结, and for cases of other kinds)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, case: Case) -> dict | None:
        try:
            result = case.mediation
        except MediationResult.DoesNotExist:
            return None
        return MediationResultSerializer(result).data


def api_fields() -> Mapping[str, serializers.Field]:
    """The fields the dispute kind adds to the API's case detail (Workflow.api_fields)."""
    return {
        "mediation": MediationField(),
        "sessions": MediationSessionSerializer(many=True, read_only=True),
    }


class InstalmentSerializer(serializers.Serializer):
    due = serializers.DateField(help_text=_("本期履行日期"))
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, help_text=_("本期金额(元)"))


class MediatorSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class MediatorQuerySerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text=_("案件 ID"))


# How the dispute forms' own fields read in the API's transition schema.
register_form_field(
    PartyTextsField,
    lambda field, **kwargs: serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=500),
        help_text=_("各方当事人的责任,{当事人ID: 责任}(调解成功时每方当事人必填,反映人除外)"),
        **kwargs,
    ),
)
register_form_field(
    InstalmentsField,
    lambda field, **kwargs: InstalmentSerializer(
        many=True, help_text=_("分期履行计划(instalments 时至少两期)"), **kwargs
    ),
)
