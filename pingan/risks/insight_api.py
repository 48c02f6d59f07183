"""The API of the risk register's links outward (mounted under /api/v1/ by insight_api_urls): raise a risk
from a dispute or an incident in one step, and the review list of repeated-dispute suggestions with its two
decisions. Reads start from the user's jurisdiction; writes go through the same services as the pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pingan.accounts.access import signed_in_user
from pingan.cases import selectors as case_selectors
from pingan.cases.api.serializers import CaseDetailSerializer, CaseRefSerializer
from pingan.cases.models import Case, Category
from pingan.core.api import error_responses
from pingan.core.limits import LimitedJSONParser
from pingan.regions.models import Organization

from . import raising, suggestions
from .choices import KIND
from .insight_filters import SuggestionFilter
from .insight_models import RiskSign, RiskSuggestion


class ScoreSerializer(serializers.Serializer[Any]):
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(kind=KIND, is_active=True),
        help_text=_("风险类别代码(kind 为 risk 的类别),如 risk_disputes"),
    )
    likelihood = serializers.IntegerField(min_value=1, max_value=5, help_text=_("可能性 1–5"))
    impact = serializers.IntegerField(min_value=1, max_value=5, help_text=_("影响程度 1–5"))
    owner_org = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("责任单位代码(须在本人辖区内);不填则由登记单位负责"),
    )
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="", help_text=_("风险名称"))
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text=_("风险描述")
    )


class RaiseSerializer(ScoreSerializer):
    source_case = serializers.IntegerField(help_text=_("来源案件 id(矛盾纠纷或网格事件,须在本人辖区内)"))
    signs = serializers.ListField(
        child=serializers.ChoiceField(choices=RiskSign.choices),
        allow_empty=False,
        help_text=_("风险征兆,至少一项:crowd 群体性、extreme 极端言行、repeated 多次反复、stability 涉稳"),
    )


class DismissSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500, help_text=_("驳回理由"))


class SuggestionSerializer(serializers.ModelSerializer[RiskSuggestion]):
    rule = serializers.CharField(source="rule.name", read_only=True, help_text=_("触发的规则名称"))
    basis = serializers.CharField(
        source="rule.basis", read_only=True, help_text=_("判定依据:party、place_category、place")
    )
    basis_label = serializers.CharField(source="rule.get_basis_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    cases = CaseRefSerializer(many=True, read_only=True, help_text=_("规则所见的案件"))
    risk = CaseRefSerializer(read_only=True, allow_null=True, help_text=_("采纳后登记的风险"))
    decided_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField(
        read_only=True, help_text=_("研判人")
    )

    class Meta:
        model = RiskSuggestion
        fields = [
            "id",
            "rule",
            "basis",
            "basis_label",
            "subject",
            "region_code",
            "region_name",
            "status",
            "status_label",
            "explanation",
            "case_count",
            "latest_case_at",
            "cases",
            "created_at",
            "updated_at",
            "decided_by",
            "decided_at",
            "dismiss_reason",
            "risk",
        ]


def _risk_response(request: Request, risk: Case, context: Mapping[str, Any]) -> Response:
    user = signed_in_user(request)
    risk = case_selectors.case_visible_or_404(case_selectors.case_detail(user=user), risk.pk)
    return Response(CaseDetailSerializer(risk, context=context).data, status=status.HTTP_201_CREATED)


class RiskRaiseView(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        tags=["risks"],
        summary="由矛盾纠纷或网格事件升级为风险",
        description=(
            "一步登记风险:来源案件、风险征兆(至少一项)、类别、可能性 × 影响程度(由风险矩阵定级)、责任单位。"
            "来源案件的当事人随同转入(加密存储、脱敏显示);新风险的 `parent` 为来源案件,来源案件的 `children` 含该风险,"
            "双方的办理过程均记录。来源案件已有未闭环的风险时返回 400。"
        ),
        request=RaiseSerializer,
        responses={201: CaseDetailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        serializer = RaiseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        source = case_selectors.case_visible_or_404(case_selectors.case_list(user=user), data.pop("source_case"))
        risk = raising.risk_raise_from_case(actor=user, source_case=source, **data)
        return _risk_response(request, risk, {"request": request})


@extend_schema_view(
    list=extend_schema(
        summary="风险研判建议列表", responses={200: SuggestionSerializer(many=True), **error_responses(400, 401)}
    ),
    retrieve=extend_schema(
        summary="风险研判建议详情", responses={200: SuggestionSerializer, **error_responses(401, 404)}
    ),
)
@extend_schema(tags=["risks"])
class SuggestionViewSet(viewsets.ReadOnlyModelViewSet[RiskSuggestion]):
    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[RiskSuggestion]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return RiskSuggestion.objects.none()
        return (
            suggestions.suggestions_for(signed_in_user(self.request))
            .prefetch_related("cases")
            .order_by("-latest_case_at", "-id")
        )

    def get_object(self) -> RiskSuggestion:
        suggestion = suggestions.suggestion_visible_or_404(signed_in_user(self.request), self.kwargs["pk"])
        return suggestion

    @extend_schema(
        summary="采纳研判建议(登记风险)",
        description="采纳即一步登记风险,关联规则所见的案件(最近一件为 `parent`);已研判的建议返回 409。",
        request=ScoreSerializer,
        responses={201: CaseDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], parser_classes=[LimitedJSONParser])
    def accept(self, request: Request, pk: int | None = None) -> Response:
        suggestion = self.get_object()
        serializer = ScoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        risk = suggestions.suggestion_accept(
            actor=signed_in_user(request), suggestion_id=suggestion.pk, **serializer.validated_data
        )
        return _risk_response(request, risk, self.get_serializer_context())

    @extend_schema(
        summary="驳回研判建议",
        description="驳回须说明理由;同一规则、同一对象的建议不再出现,除非有新的案件。已研判的建议返回 409。",
        request=DismissSerializer,
        responses={200: SuggestionSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], parser_classes=[LimitedJSONParser])
    def dismiss(self, request: Request, pk: int | None = None) -> Response:
        suggestion = self.get_object()
        serializer = DismissSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        suggestions.suggestion_dismiss(
            actor=signed_in_user(request), suggestion_id=suggestion.pk, reason=serializer.validated_data["reason"]
        )
        return Response(SuggestionSerializer(self.get_object()).data)
