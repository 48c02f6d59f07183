"""Risks as the API reads and writes them. Writes are validated here and handed to the services; the
loop's steps go through the case API's transitions (`/api/v1/cases/{id}/transitions/`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pingan.cases import workflows
from pingan.cases.api.serializers import CaseListSerializer, PartyInputSerializer, UserRefSerializer
from pingan.cases.api.transitions import register_form_field
from pingan.cases.choices import Urgency
from pingan.cases.models import Attachment, Case, Category
from pingan.regions.api.serializers import OrganizationRefSerializer
from pingan.regions.models import Organization, Region

from ..choices import KIND, RiskSource
from ..forms import IdListField
from ..models import (
    LevelPolicy,
    Risk,
    RiskMatrix,
    RiskPlanTemplate,
    RiskPlanTemplateTask,
    RiskReview,
    RiskScore,
    RiskTask,
)


class RiskInfoSerializer(serializers.ModelSerializer[Risk]):
    """The risk's own record: source, score and level, residual, owner unit, grids, review dates."""

    source_label = serializers.CharField(source="get_source_display", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    residual_level_label = serializers.CharField(source="get_residual_level_display", read_only=True)
    owner_org = OrganizationRefSerializer(read_only=True)
    grid_codes = serializers.ListField(child=serializers.CharField(), read_only=True, help_text=_("涉及网格代码"))

    class Meta:
        model = Risk
        fields = [
            "source",
            "source_label",
            "likelihood",
            "impact",
            "level",
            "level_label",
            "residual_likelihood",
            "residual_impact",
            "residual_level",
            "residual_level_label",
            "owner_org",
            "grid_codes",
            "scored_at",
            "next_review_at",
            "rescore_prompted_at",
        ]


class RiskListSerializer(CaseListSerializer):
    """One risk of the register: the case's row plus its risk record."""

    risk = RiskInfoSerializer(read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "lat", "lng", "risk"]


class RiskTaskSerializer(serializers.ModelSerializer[RiskTask]):
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    owner_org = OrganizationRefSerializer(read_only=True)
    evidence: serializers.PrimaryKeyRelatedField[Attachment] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("佐证附件 ID")
    )
    done_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = RiskTask
        fields = [
            "id",
            "stage",
            "stage_label",
            "title",
            "owner_org",
            "due_date",
            "required_evidence",
            "status",
            "status_label",
            "record",
            "evidence",
            "cancel_reason",
            "outcome",
            "done_by",
            "done_at",
        ]


class RiskScoreSerializer(serializers.ModelSerializer[RiskScore]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    scored_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = RiskScore
        fields = ["kind", "kind_label", "stage", "likelihood", "impact", "level", "note", "scored_by", "scored_at"]


class RiskReviewSerializer(serializers.ModelSerializer[RiskReview]):
    author = UserRefSerializer(read_only=True)
    approved_by = UserRefSerializer(read_only=True, allow_null=True)
    approved_org = OrganizationRefSerializer(read_only=True, allow_null=True)
    approval_snapshot = serializers.DictField(read_only=True, help_text=_("签批时的风险状况:等级、剩余风险、任务数"))

    class Meta:
        model = RiskReview
        fields = [
            "worked",
            "failed",
            "author",
            "written_at",
            "approved_by",
            "approved_org",
            "approved_at",
            "approval_comment",
            "approval_snapshot",
        ]


class RiskDetailField(serializers.Field):
    """A risk's record, tasks, score history and review, for the API's case detail (Workflow.api_fields)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, case: Case) -> dict[str, Any] | None:
        risk = Risk.objects.select_related("owner_org").filter(pk=case.pk).first()
        if risk is None:
            return None
        review = RiskReview.objects.select_related("author", "approved_by", "approved_org").filter(risk=risk).first()
        return {
            **RiskInfoSerializer(risk).data,
            "tasks": RiskTaskSerializer(
                risk.tasks.select_related("owner_org", "done_by").prefetch_related("evidence"), many=True
            ).data,
            "scores": RiskScoreSerializer(risk.scores.select_related("scored_by"), many=True).data,
            "review": RiskReviewSerializer(review).data if review else None,
        }


class RiskDetailSchema(RiskInfoSerializer):
    tasks = RiskTaskSerializer(many=True, read_only=True)
    scores = RiskScoreSerializer(many=True, read_only=True)
    review = RiskReviewSerializer(read_only=True, allow_null=True)

    class Meta(RiskInfoSerializer.Meta):
        fields = [*RiskInfoSerializer.Meta.fields, "tasks", "scores", "review"]


extend_schema_field(RiskDetailSchema(allow_null=True))(RiskDetailField)


def api_fields() -> Mapping[str, serializers.Field]:
    """The field the risk kind adds to the API's case detail (Workflow.api_fields)."""
    return {"risk": RiskDetailField(help_text=_("风险:等级、任务、评估记录、总结与签批"))}


class RiskSerializer(RiskListSerializer):
    """A risk in full: the case's row, its description, the risk's record with tasks, history and review,
    and what the user may do now (the engine's transitions)."""

    description = serializers.CharField(read_only=True)
    risk = RiskDetailField()  # type: ignore[assignment]
    source_case = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(RiskListSerializer.Meta):
        fields = [*RiskListSerializer.Meta.fields, "description", "source_case", "allowed_actions"]

    def get_source_case(self, case: Case) -> str | None:
        """The number of the case the risk was raised from (a dispute, an incident), if any."""
        return case.parent.number if case.parent_id and case.parent else None

    def get_allowed_actions(self, case: Case) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return [t.action for t in workflows.allowed_transitions(case, request.user)]


class RiskRaiseSerializer(serializers.Serializer[Any]):
    """新建风险 (预见)."""

    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(kind=KIND, is_active=True),
        help_text=_("风险类别代码(见 /api/v1/categories/?kind=risk)"),
        error_messages={"does_not_exist": _("风险类别“{value}”不存在或已停用")},
    )
    title = serializers.CharField(max_length=100, help_text=_("风险名称"))
    description = serializers.CharField(max_length=4000, help_text=_("风险描述"))
    source = serializers.ChoiceField(choices=RiskSource.choices, help_text=_("风险来源"))  # type: ignore[assignment]
    likelihood = serializers.IntegerField(min_value=1, max_value=9, help_text=_("可能性(1 至矩阵阶数)"))
    impact = serializers.IntegerField(min_value=1, max_value=9, help_text=_("影响程度(1 至矩阵阶数)"))
    region: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("所在区划代码;给出网格或经纬度时可省略"),
        error_messages={"does_not_exist": _("区划代码“{value}”不存在")},
    )
    owner_org: serializers.SlugRelatedField[Organization] = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("责任单位代码;省略时按分流规则确定"),
        error_messages={"does_not_exist": _("单位代码“{value}”不存在或已停用")},
    )
    grid_codes = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        default=list,
        max_length=200,
        help_text=_("涉及网格代码"),
    )
    lat = serializers.FloatField(
        min_value=-90, max_value=90, required=False, allow_null=True, help_text=_("纬度(WGS-84)")
    )
    lng = serializers.FloatField(
        min_value=-180, max_value=180, required=False, allow_null=True, help_text=_("经度(WGS-84)")
    )
    address = serializers.CharField(max_length=200, required=False, default="", allow_blank=True, help_text=_("地点"))
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL, help_text=_("紧急程度"))
    parties = PartyInputSerializer(
        many=True, required=False, default=list, help_text=_("涉及人员(加密保存,显示时脱敏)")
    )
    source_case = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("来源案件 ID(矛盾纠纷、网格事件)")
    )


class MatrixSerializer(serializers.ModelSerializer[RiskMatrix]):
    cells = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        read_only=True,
        help_text=_("cells[可能性-1][影响程度-1] 为该格的风险等级"),
    )
    likelihood_labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    impact_labels = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = RiskMatrix
        fields = ["id", "name", "likelihood_labels", "impact_labels", "cells", "updated_at"]


class LevelPolicySerializer(serializers.ModelSerializer[LevelPolicy]):
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = LevelPolicy
        fields = [
            "level",
            "level_label",
            "respond_amount",
            "respond_unit",
            "dispose_amount",
            "dispose_unit",
            "review_interval_days",
        ]


class TemplateTaskSerializer(serializers.ModelSerializer[RiskPlanTemplateTask]):
    class Meta:
        model = RiskPlanTemplateTask
        fields = ["stage", "title", "due_in_days", "required_evidence"]


class PlanTemplateSerializer(serializers.ModelSerializer[RiskPlanTemplate]):
    category: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    tasks = TemplateTaskSerializer(many=True, read_only=True)

    class Meta:
        model = RiskPlanTemplate
        fields = ["id", "name", "category", "description", "tasks"]


# How the risk forms' own fields read in the API's transition schema.
register_form_field(
    IdListField,
    lambda field, **kwargs: serializers.ListField(
        child=serializers.IntegerField(), help_text=str(field.label), **kwargs
    ),
)
