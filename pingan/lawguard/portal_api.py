"""The enterprise portal's API (/api/v1/portal/…, docs/enterprise-portal.md), open to enterprise users only
(accounts.access: `open_to_everyone` + `requires(is_enterprise_user)`; staff are refused with 403): its own
suggestions (list, detail, answer), its disputes (list, detail with the public timeline, open one), its
ratings (list, rate a finished service). Every read starts from the caller's enterprise: another
enterprise's record is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pingan.accounts.access import open_to_everyone, requires, signed_in_user
from pingan.cases.choices import PartyType
from pingan.cases.models import Case, Category
from pingan.core.api import error_responses
from pingan.core.errors import PermissionDeniedError
from pingan.core.limits import LimitedJSONParser

from . import outcome_selectors as sel
from . import outcome_services as svc
from .models import Enterprise, ServiceRating, Suggestion
from .outcome_api import (
    AcceptSerializer,
    DeclineSerializer,
    ImplementSerializer,
    LawSuggestionSerializer,
    _action_schema,
    run_action,
)
from .portal import NOT_AN_ENTERPRISE, enterprise_of, is_enterprise_user


def _enterprise(request: Request) -> Enterprise:
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        raise PermissionDeniedError(NOT_AN_ENTERPRISE)
    return enterprise


def portal_api(cls: type) -> type:
    return open_to_everyone(requires(is_enterprise_user, NOT_AN_ENTERPRISE)(cls))


class PortalSuggestionSerializer(LawSuggestionSerializer):
    def get_allowed_actions(self, obj: Suggestion) -> list[str]:
        return [name for name in super().get_allowed_actions(obj) if name != "verify"]


@extend_schema_view(
    list=extend_schema(
        summary="本企业的整改建议", responses={200: PortalSuggestionSerializer(many=True), **error_responses(401, 403)}
    ),
    retrieve=extend_schema(
        summary="整改建议详情", responses={200: PortalSuggestionSerializer, **error_responses(401, 403, 404)}
    ),
)
@extend_schema(tags=["portal"])
@portal_api
class PortalSuggestionViewSet(viewsets.ReadOnlyModelViewSet[Suggestion]):
    serializer_class = PortalSuggestionSerializer
    lookup_value_converter = "int"
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Suggestion]:
        if getattr(self, "swagger_fake_view", False):
            return Suggestion.objects.none()
        return sel.suggestions_of(_enterprise(self.request)).order_by("-issued_at", "-id")

    def _act(self, request: Request, name: str) -> Response:
        return Response(PortalSuggestionSerializer(run_action(request, self.get_object(), name)).data)

    @_action_schema("采纳整改建议", AcceptSerializer)
    @action(detail=True, methods=["post"], parser_classes=[LimitedJSONParser])
    def accept(self, request: Request, pk: int | None = None) -> Response:
        return self._act(request, "accept")

    @_action_schema("不采纳整改建议", DeclineSerializer)
    @action(detail=True, methods=["post"], parser_classes=[LimitedJSONParser])
    def decline(self, request: Request, pk: int | None = None) -> Response:
        return self._act(request, "decline")

    @_action_schema("报告建议已落实", ImplementSerializer)
    @action(detail=True, methods=["post"], parser_classes=[LimitedJSONParser])
    def implement(self, request: Request, pk: int | None = None) -> Response:
        return self._act(request, "implement")


class PortalCaseSerializer(serializers.ModelSerializer[Case]):
    category_name = serializers.CharField(source="category.name", read_only=True)
    state_label = serializers.CharField(source="get_state_type_display", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "number", "title", "category_name", "state_type", "state_label", "registered_at", "closed_at"]


class TimelineEntrySerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField(help_text=_("时间"))
    event = serializers.CharField(help_text=_("办理环节"))


class PortalDisputeDetailSerializer(PortalCaseSerializer):
    timeline = serializers.SerializerMethodField(help_text=_("公开的办理进度(不含人员与备注)"))

    class Meta(PortalCaseSerializer.Meta):
        fields = [*PortalCaseSerializer.Meta.fields, "timeline"]

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, obj: Case) -> list[dict[str, Any]]:
        return [{"at": at, "event": label} for at, label in sel.public_timeline(obj)]


class DisputeOpenSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=100, help_text=_("纠纷标题"))
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(kind="dispute", is_active=True),
        help_text=_("矛盾纠纷类别代码,如 contract_debt、labour"),
    )
    description = serializers.CharField(max_length=5000, help_text=_("纠纷情况"))
    counterparty_name = serializers.CharField(max_length=100, help_text=_("对方当事人名称或姓名"))
    counterparty_type = serializers.ChoiceField(
        choices=PartyType.choices, default=PartyType.ORGANIZATION, help_text=_("对方类型")
    )
    counterparty_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    counterparty_address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(
        summary="我的纠纷", responses={200: PortalCaseSerializer(many=True), **error_responses(401, 403)}
    ),
    retrieve=extend_schema(
        summary="纠纷详情与办理进度", responses={200: PortalDisputeDetailSerializer, **error_responses(401, 403, 404)}
    ),
)
@extend_schema(tags=["portal"])
@portal_api
class PortalDisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Case]):
    serializer_class = PortalCaseSerializer
    lookup_value_converter = "int"
    filter_backends: list[Any] = []
    parser_classes = [LimitedJSONParser]

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return sel.disputes_of(_enterprise(self.request))

    def get_serializer_class(self) -> Any:
        return PortalDisputeDetailSerializer if self.action == "retrieve" else PortalCaseSerializer

    @extend_schema(
        summary="申请纠纷化解",
        description="以本企业为申请人登记矛盾纠纷(由服务工作站的网上受理账号登记),进入矛盾纠纷调处流程。",
        request=DisputeOpenSerializer,
        responses={201: PortalDisputeDetailSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request: Request) -> Response:
        serializer = DisputeOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = svc.dispute_help_open(
            actor=signed_in_user(request),
            enterprise=_enterprise(request),
            title=data["title"],
            category=data["category"],
            description=data["description"],
            counterparty={
                "name": data["counterparty_name"],
                "party_type": data["counterparty_type"],
                "phone": data["counterparty_phone"],
                "address": data["counterparty_address"],
            },
        )
        return Response(PortalDisputeDetailSerializer(case).data, status=status.HTTP_201_CREATED)


class RatingSerializer(serializers.ModelSerializer[ServiceRating]):
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = ServiceRating
        fields = ["id", "case", "case_number", "score", "comment", "rated_at"]
        read_only_fields = ["id", "case_number", "rated_at"]
        extra_kwargs = {"case": {"queryset": Case.objects.all(), "help_text": _("已办结的本企业服务(案件 id)")}}


@extend_schema_view(
    list=extend_schema(
        summary="本企业的服务评价", responses={200: RatingSerializer(many=True), **error_responses(401, 403)}
    ),
)
@extend_schema(tags=["portal"])
@portal_api
class PortalRatingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[ServiceRating]):
    serializer_class = RatingSerializer
    filter_backends: list[Any] = []
    parser_classes = [LimitedJSONParser]

    def get_queryset(self) -> QuerySet[ServiceRating]:
        if getattr(self, "swagger_fake_view", False):
            return ServiceRating.objects.none()
        return sel.ratings_of(_enterprise(self.request))

    @extend_schema(
        summary="评价一项服务",
        description="每项已办结(答复、服务完成或结案)的本企业服务评价一次;再次评价返回 409,未办结返回 409。",
        request=RatingSerializer,
        responses={201: RatingSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def create(self, request: Request) -> Response:
        enterprise = _enterprise(request)
        serializer = RatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = sel.enterprise_case_or_404(enterprise, data["case"].pk)
        rating = svc.service_rate(
            actor=signed_in_user(request),
            enterprise=enterprise,
            case=case,
            score=data["score"],
            comment=data.get("comment", ""),
        )
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)
