"""The API of 法治护航's outcomes for staff (mounted under /api/v1/ by outcome_api_urls): the suggestions
(list with the page's filter, detail, the lifecycle's actions) and the recovered-loss ledger (list with its
totals, record a loss, the totals alone). Reads start from the user's jurisdiction; writes go through
outcome_services, as the pages do."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pingan.accounts.access import signed_in_user
from pingan.cases.models import Attachment, Case
from pingan.core.api import error_responses
from pingan.core.errors import NotFoundError
from pingan.core.limits import LimitedJSONParser

from . import outcome_selectors as sel
from . import outcome_services as svc
from .choices import RecoveryMethod
from .models import RecoveredLoss, Suggestion
from .outcome_filters import LossFilter, SuggestionFilter
from .outcome_views import action_call, available_actions
from .selectors import enterprises_for


class LawSuggestionSerializer(serializers.ModelSerializer[Suggestion]):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    source_case_number = serializers.CharField(source="source_case.number", read_only=True, allow_null=True)
    allowed_actions = serializers.SerializerMethodField(help_text=_("当前可执行的操作"))

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "number",
            "enterprise",
            "enterprise_name",
            "source_case",
            "source_case_number",
            "title",
            "content",
            "severity",
            "severity_label",
            "status",
            "status_label",
            "issued_at",
            "implement_by",
            "revisit_on",
            "enterprise_reply",
            "accepted_at",
            "implemented_at",
            "implementation_note",
            "verified_at",
            "verification_note",
            "declined_at",
            "decline_reason",
            "allowed_actions",
        ]

    def get_allowed_actions(self, obj: Suggestion) -> list[str]:
        return available_actions(obj)


class AcceptSerializer(serializers.Serializer[Any]):
    reply = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text=_("答复意见")
    )


class DeclineSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000, help_text=_("不采纳理由"))


class ImplementSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, help_text=_("落实情况"))


class VerifySerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, help_text=_("回访情况"))
    at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text=_("回访时间,默认现在"))
    implemented = serializers.BooleanField(default=True, help_text=_("true:已落实,验证通过;false:未落实,退回“已采纳”"))


ACTION_SERIALIZERS: dict[str, type[serializers.Serializer[Any]]] = {
    "accept": AcceptSerializer,
    "decline": DeclineSerializer,
    "implement": ImplementSerializer,
    "verify": VerifySerializer,
}


def run_action(request: Request, suggestion: Suggestion, name: str) -> Suggestion:
    serializer = ACTION_SERIALIZERS[name](data=request.data)
    serializer.is_valid(raise_exception=True)
    return action_call(name, actor=signed_in_user(request), suggestion=suggestion, data=dict(serializer.validated_data))


def _action_schema(summary: str, request: type[serializers.Serializer[Any]]) -> Any:
    return extend_schema(
        summary=summary,
        description="状态不允许时返回 409(中文说明)。",
        request=request,
        responses={200: LawSuggestionSerializer, **error_responses(400, 401, 403, 404, 409)},
    )


@extend_schema_view(
    list=extend_schema(
        summary="风险防范建议列表",
        description="本辖区企业的建议,按状态、风险等级、工作站、区划、整改逾期、待回访筛选(与网页同一筛选)。",
        responses={200: LawSuggestionSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        summary="风险防范建议详情", responses={200: LawSuggestionSerializer, **error_responses(401, 404)}
    ),
)
@extend_schema(tags=["lawguard"])
class SuggestionViewSet(viewsets.ReadOnlyModelViewSet[Suggestion]):
    serializer_class = LawSuggestionSerializer
    filterset_class = SuggestionFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Suggestion]:
        if getattr(self, "swagger_fake_view", False):
            return Suggestion.objects.none()
        return sel.suggestions_for(signed_in_user(self.request)).order_by("revisit_on", "-issued_at", "-id")

    def _act(self, request: Request, name: str) -> Response:
        suggestion = run_action(request, self.get_object(), name)
        return Response(LawSuggestionSerializer(suggestion).data)

    @_action_schema("记录企业采纳", AcceptSerializer)
    @action(detail=True, methods=["post"], parser_classes=[LimitedJSONParser])
    def accept(self, request: Request, pk: int | None = None) -> Response:
        return self._act(request, "accept")

    @_action_schema("记录企业不采纳", DeclineSerializer)
    @action(detail=True, methods=["post"], parser_classes=[LimitedJSONParser])
    def decline(self, request: Request, pk: int | None = None) -> Response:
        return self._act(request, "decline")

    @_action_schema("记录已落实", ImplementSerializer)
    @action(detail=True, methods=["post"], parser_classes=[LimitedJSONParser])
    def implement(self, request: Request, pk: int | None = None) -> Response:
        return self._act(request, "implement")

    @_action_schema("回访验证", VerifySerializer)
    @action(detail=True, methods=["post"], parser_classes=[LimitedJSONParser])
    def verify(self, request: Request, pk: int | None = None) -> Response:
        return self._act(request, "verify")


# --- recovered losses -----------------------------------------------------------------------------------


class RecoveredLossSerializer(serializers.ModelSerializer[RecoveredLoss]):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    method_label = serializers.CharField(source="get_method_display", read_only=True)
    workstation_name = serializers.CharField(
        source="workstation.organization.name", read_only=True, allow_null=True, default=None
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, help_text=_("挽回金额(元)"))
    evidence: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("证明材料(案件附件 id)")
    )

    class Meta:
        model = RecoveredLoss
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "case",
            "case_number",
            "workstation_name",
            "amount",
            "method",
            "method_label",
            "recovered_on",
            "description",
            "evidence",
            "recorded_at",
        ]


class RecoveredLossCreateSerializer(serializers.Serializer[Any]):
    enterprise = serializers.IntegerField(help_text=_("企业 id(须在本人辖区内)"))
    case = serializers.IntegerField(help_text=_("案件 id(须与该企业关联)"))
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text=_("挽回金额(元),大于 0"))
    method = serializers.ChoiceField(choices=RecoveryMethod.choices, help_text=_("挽回方式"))
    recovered_on = serializers.DateField(help_text=_("挽回日期,不晚于今天"))
    description = serializers.CharField(max_length=2000, help_text=_("情况说明"))
    evidence = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=False, help_text=_("证明材料:该案件的附件 id,至少一个")
    )


TotalsSerializer = inline_serializer(
    "LossTotals",
    {
        "total": serializers.DecimalField(max_digits=16, decimal_places=2),
        "count": serializers.IntegerField(),
        "by_method": serializers.ListField(child=serializers.DictField()),
        "by_workstation": serializers.ListField(child=serializers.DictField()),
        "by_year": serializers.ListField(child=serializers.DictField()),
        "ratings": serializers.DictField(),
    },
)


@extend_schema_view(
    list=extend_schema(
        summary="挽回损失台账",
        description="本辖区企业的挽回损失,按方式、工作站、区划、年度、企业筛选(与网页同一筛选);合计见 /totals/。",
        responses={200: RecoveredLossSerializer(many=True), **error_responses(400, 401)},
    ),
)
@extend_schema(tags=["lawguard"])
class LossViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[RecoveredLoss]):
    serializer_class = RecoveredLossSerializer
    filterset_class = LossFilter
    parser_classes = [LimitedJSONParser]

    def get_queryset(self) -> QuerySet[RecoveredLoss]:
        if getattr(self, "swagger_fake_view", False):
            return RecoveredLoss.objects.none()
        return (
            sel.losses_for(signed_in_user(self.request)).prefetch_related("evidence").order_by("-recovered_on", "-id")
        )

    @extend_schema(
        summary="登记挽回损失",
        description="案件须与企业关联;证明材料须为该案件的附件(新文件先经 /api/v1/cases/{id}/attachments/ 上传)。",
        request=RecoveredLossCreateSerializer,
        responses={201: RecoveredLossSerializer, **error_responses(400, 401, 403, 404)},
    )
    def create(self, request: Request) -> Response:
        user = signed_in_user(request)
        serializer = RecoveredLossCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        enterprise = enterprises_for(user).filter(pk=data.pop("enterprise")).first()
        if enterprise is None:
            raise NotFoundError(_("企业不存在或不在您的辖区内"))
        case = Case.objects.filter(pk=data.pop("case")).first()
        if case is None:
            raise NotFoundError(_("案件不存在"))
        evidence = list(Attachment.objects.filter(pk__in=data.pop("evidence"), case=case))
        loss = svc.recovered_loss_record(actor=user, enterprise=enterprise, case=case, evidence=evidence, **data)
        return Response(RecoveredLossSerializer(loss).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="挽回损失合计",
        description="按当前筛选:合计、按方式、按工作站、按年度;及辖区企业服务评价的条数与平均分。",
        responses={200: TotalsSerializer, **error_responses(400, 401)},
    )
    @action(detail=False, methods=["get"])
    def totals(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        totals = sel.loss_totals(queryset, sel.ratings_for(signed_in_user(request)))
        return Response(_jsonable(totals))


def _jsonable(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value
