"""Cases as the API reads and writes them. Writes are validated here and handed to the services."""

from __future__ import annotations

import json
from typing import Any, cast

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pingan.accounts.models import User
from pingan.cases import services, workflows
from pingan.cases.choices import (
    Channel,
    Ethnicity,
    Gender,
    Light,
    Outcome,
    PartyRole,
    PartyType,
    Urgency,
)
from pingan.cases.clocks import clock_label
from pingan.cases.models import (
    Attachment,
    Case,
    CaseClock,
    CaseEvent,
    Category,
    ClockPause,
    ExportJob,
    Notification,
    Party,
)
from pingan.core.api import ReasonField
from pingan.core.validators import ID_NUMBER_INPUT_MAX_LENGTH, id_number_conversion_notice
from pingan.geo.coords import CoordSystem
from pingan.regions.api.serializers import OrganizationRefSerializer, RegionRefSerializer
from pingan.regions.choices import OrgType
from pingan.regions.models import Region

# --- small references ------------------------------------------------------------------------------


class UserRefSerializer(serializers.Serializer[User]):
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class CaseRowSerializer(serializers.ModelSerializer[Case]):
    """One case as a row of a figure's drill-down (统计下钻、专项行动): what it is, where, its state and its dates.
    The statistics and the drives extend it with the columns their figures read."""

    status_display = serializers.SerializerMethodField()
    category_name = serializers.CharField(source="category.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    # Declared so that the schema says it may be blank (a read-only model field loses allow_blank).
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "kind",
            "title",
            "status",
            "status_display",
            "category_name",
            "region_code",
            "region_name",
            "registered_at",
            "closed_at",
            "outcome",
        ]
        read_only_fields = fields

    def get_status_display(self, case: Case) -> str:
        return workflows.get(case.kind).state_label(case.status)


class CaseRefSerializer(serializers.ModelSerializer[Case]):
    """A linked case (来源案件 / 后续案件): its kind tells, e.g., a risk raised from a dispute from a follow-up."""

    class Meta:
        model = Case
        fields = ["id", "number", "kind"]


class CategorySerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = ["code", "name", "kind"]


# --- parties ---------------------------------------------------------------------------------------


class PartyMaskedSerializer(serializers.ModelSerializer[Party]):
    """A party as everyone who may see the case sees it: name, ID number and phone masked (脱敏); of the
    other details only type, gender, age and occupation (birth date, ethnicity, employer and address only
    in full, see docs/disputes.md)."""

    role_label = serializers.CharField(source="get_role_display", read_only=True)
    age = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("今天的周岁年龄"))

    class Meta:
        model = Party
        fields = ["id", "role", "role_label", "party_type", "name", "id_number", "phone", "gender", "age", "occupation"]

    def to_representation(self, party: Party) -> dict[str, Any]:
        data = super().to_representation(party)
        data.update(party.masked)
        return data


class PartyFullSerializer(serializers.ModelSerializer[Party]):
    """A party in full: only after `parties_unmask`, which logs who saw it and why."""

    role_label = serializers.CharField(source="get_role_display", read_only=True)
    edit_token = serializers.SerializerMethodField(
        help_text="此版本的标记:修改时作为 If-Match 请求头发回,记录已被他人修改则返回 409"
    )

    class Meta:
        model = Party
        fields = [
            "id",
            "edit_token",
            "role",
            "role_label",
            "party_type",
            "name",
            "id_number",
            "phone",
            "address",
            "gender",
            "birth_date",
            "ethnicity",
            "occupation",
            "employer",
            "legal_representative",
        ]

    def get_edit_token(self, party: Party) -> str:
        from pingan.cases.services import party_edit_token  # services import this module's neighbours

        return party_edit_token(party)


class PartyInputSerializer(serializers.Serializer[Any]):
    """A party at intake. Gender and birth date are taken from an 18-digit ID number (a typed value that
    contradicts it is refused); the details after `address` are those a 调解协议书 states."""

    name = serializers.CharField(max_length=100)
    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.APPLICANT)
    party_type = serializers.ChoiceField(choices=PartyType.choices, default=PartyType.PERSON)
    id_number = serializers.CharField(
        max_length=ID_NUMBER_INPUT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("18位身份证号码;也可填15位旧号码(保存为18位,见登记结果的 notices)"),
    )
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("住址;单位当事人为住所")
    )
    gender = serializers.ChoiceField(
        choices=Gender.choices, required=False, allow_blank=True, default="", help_text=_("GB/T 2261.1:1 男,2 女")
    )
    birth_date = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("出生日期"))
    ethnicity = serializers.ChoiceField(
        choices=Ethnicity.choices, required=False, allow_blank=True, default="", help_text=_("GB/T 3304 民族代码")
    )
    occupation = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    employer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    legal_representative = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default="", help_text=_("单位当事人的法定代表人")
    )


class PartyUpdateSerializer(PartyInputSerializer):
    """补充/更正 a party: only the fields sent change (a new ID number brings its own gender and birth date);
    the party's role in the case stays."""

    role = None  # type: ignore[assignment]  # DRF drops a field a subclass declares None; the stubs know no such idiom


# --- the parts of a case's detail ------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    name = serializers.CharField(source="original_name", read_only=True)
    uploaded_by = UserRefSerializer(read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at", "download_url"]

    def get_download_url(self, attachment: Attachment) -> str:
        url = reverse("api-case-download", kwargs={"pk": attachment.case_id, "att_id": attachment.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


# --- clocks ----------------------------------------------------------------------------------------


class ClockPauseSerializer(serializers.ModelSerializer[ClockPause]):
    class Meta:
        model = ClockPause
        fields = ["kind", "reason", "started_at", "ended_at"]


class CaseClockSerializer(serializers.ModelSerializer[CaseClock]):
    """One of the case's clocks (时限) as its kind declares it: 办理, or 受理/答复/决定 for statutory work.
    `remaining` is the time a paused clock had left; `pauses` its pauses and the periods that do not count."""

    label = serializers.SerializerMethodField()  # type: ignore[assignment]  # a field named label; DRF allows it
    light = serializers.SerializerMethodField()
    pauses = ClockPauseSerializer(many=True, read_only=True)

    class Meta:
        model = CaseClock
        fields = [
            "name",
            "label",
            "is_primary",
            "amount",
            "unit",
            "extension_amount",
            "state",
            "started_at",
            "deadline",
            "deadline_provisional",
            "warn_at",
            "paused_at",
            "remaining",
            "stopped_at",
            "on_time",
            "light",
            "pauses",
        ]

    def get_label(self, clock: CaseClock) -> str:
        return clock_label(clock.case.kind, clock.name)

    @extend_schema_field(serializers.ChoiceField(choices=Light.choices))
    def get_light(self, clock: CaseClock) -> str:
        return clock.light()


# --- cases -----------------------------------------------------------------------------------------


class CaseListSerializer(serializers.ModelSerializer[Case]):
    """One row of the case list. Everything it shows is loaded by `selectors.case_list` (no N+1)."""

    kind_label = serializers.SerializerMethodField()
    category = CategorySerializer(read_only=True)
    status_label = serializers.SerializerMethodField()
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    urgency_label = serializers.CharField(source="get_urgency_display", read_only=True)
    light = serializers.SerializerMethodField()
    light_label = serializers.CharField(source="get_light_display", read_only=True)
    region = RegionRefSerializer(read_only=True)
    assigned_org = OrganizationRefSerializer(read_only=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "category",
            "title",
            "status",
            "status_label",
            "state_type",
            "channel",
            "channel_label",
            "urgency",
            "urgency_label",
            "light",
            "light_label",
            "region",
            "address",
            "assigned_org",
            "assignee",
            "registered_at",
            "deadline",
            "deadline_provisional",
            "closed_at",
        ]

    def get_kind_label(self, case: Case) -> str:
        return str(workflows.get(case.kind).label)

    def get_status_label(self, case: Case) -> str:
        return workflows.get(case.kind).state_label(case.status)

    @extend_schema_field(serializers.ChoiceField(choices=Light.choices))
    def get_light(self, case: Case) -> str:
        return case.light()


class CaseDetailSerializer(CaseListSerializer):
    """A case in full, for someone inside its jurisdiction. Parties are masked; `can_unmask` says whether
    this user may ask for them in full (POST …/unmask/ with a reason)."""

    intake_org = OrganizationRefSerializer(read_only=True, allow_null=True)
    created_by = UserRefSerializer(read_only=True, allow_null=True)
    parent = CaseRefSerializer(read_only=True, allow_null=True)
    children = CaseRefSerializer(many=True, read_only=True)
    parties = PartyMaskedSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    clocks = CaseClockSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    org_types = serializers.SerializerMethodField(
        help_text=_("可承办本类案件的单位类型:dispatch、transfer、escalate 的目标单位须属其一")
    )
    can_unmask = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "description",
            "lat",
            "lng",
            "intake_org",
            "created_by",
            "parent",
            "children",
            "accepted_at",
            "resolved_at",
            "verified_at",
            "outcome",
            "on_time",
            "satisfaction",
            "rated_at",
            "sla_amount",
            "sla_unit",
            "extension_amount",
            "warn_at",
            "rework_count",
            "supervision_count",
            "updated_at",
            "parties",
            "attachments",
            "clocks",
            "allowed_actions",
            "org_types",
            "can_unmask",
        ]

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        """The engine's fields, and those each kind adds (Workflow.api_fields, e.g. a dispute's mediation)."""
        fields = super().get_fields()
        for workflow in workflows.kinds():
            if workflow.api_fields is not None:
                fields.update(workflow.api_fields())
        return fields

    @property
    def _user(self) -> User:
        user: User = self.context["request"].user  # the API lets no anonymous caller see a case (ApiAccess)
        return user

    def get_allowed_actions(self, case: Case) -> list[str]:
        return [t.action for t in workflows.allowed_transitions(case, self._user)]

    def get_org_types(self, case: Case) -> list[str]:
        workflow = workflows.get(case.kind)
        return [value for value in OrgType.values if workflow.allows(value)]

    def get_can_unmask(self, case: Case) -> bool:
        return services.can_unmask(case, self._user)


class IntakeNoticeSerializer(serializers.Serializer[Any]):
    """Something the intake changed in what was sent, e.g. a 15-digit ID number stored in its 18-digit form."""

    field = serializers.CharField(read_only=True, help_text=_("所涉字段,如 parties[0].id_number"))
    code = serializers.CharField(read_only=True, help_text=_("id_converted:15位身份证号码已转换为18位"))
    message = serializers.CharField(read_only=True)


class CaseCreatedSerializer(CaseDetailSerializer):
    """The answer to an intake: the new case, and what the intake changed in the input (`notices`)."""

    notices = serializers.SerializerMethodField()  # the view passes them in the context (`intake_notices`)

    class Meta(CaseDetailSerializer.Meta):
        fields = [*CaseDetailSerializer.Meta.fields, "notices"]

    @extend_schema_field(IntakeNoticeSerializer(many=True, read_only=True))
    def get_notices(self, case: Case) -> list[dict[str, Any]]:
        return [IntakeNoticeSerializer(notice).data for notice in self.context.get("intake_notices", [])]


def intake_notices(parties: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The parties' ID numbers that were typed as 15-digit numbers and stored in their 18-digit form."""
    return [
        {"field": f"parties[{index}].id_number", "code": "id_converted", "message": notice}
        for index, party in enumerate(parties)
        if (notice := id_number_conversion_notice(party.get("id_number", "")))
    ]


def intake_payload(data: dict[str, Any] | list[Any]) -> dict[str, Any] | list[Any]:
    """A multipart intake form carries `parties` as a JSON string and files as repeated `attachments`."""
    if not isinstance(data, QueryDict):
        return data
    payload: dict[str, Any] = {
        key: value for key, value in data.dict().items() if not (key in ("lat", "lng", "region") and value == "")
    }
    payload["attachments"] = data.getlist("attachments")
    if isinstance(payload.get("parties"), str):
        try:
            payload["parties"] = json.loads(payload["parties"])
        except ValueError:
            raise serializers.ValidationError({"parties": [_("当事人须为 JSON 数组")]}) from None
    return payload


class CaseCreateSerializer(serializers.Serializer[Any]):
    """Intake through the one door (登记). As JSON, or as multipart with `parties` as a JSON string and
    files in repeated `attachments` fields."""

    kind = serializers.ChoiceField(choices=[])
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(is_active=True),
        error_messages={"does_not_exist": _("类别代码“{value}”不存在或已停用")},
    )
    title = serializers.CharField(max_length=100)
    description = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    region: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.filter(is_active=True),
        required=False,
        help_text=_("所在区划代码;提供经纬度时可省略,由系统按网格定位(定位所得网格须在该区划内)"),
        error_messages={"does_not_exist": _("区划代码“{value}”不存在")},
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    # Floats, not 6-decimal strings: device and map-app positions carry more digits; the service converts
    # them to WGS-84 and stores 6 decimals (about 0.1 m).
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True, help_text=_("纬度"))
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True, help_text=_("经度"))
    coord_system = serializers.ChoiceField(
        choices=CoordSystem.choices,
        default=CoordSystem.WGS84,
        help_text=_("经纬度的坐标系:wgs84(GPS、手机定位)、gcj02(高德、腾讯、微信)、bd09(百度);保存时一律转为 WGS-84"),
    )
    parties = PartyInputSerializer(many=True, required=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, write_only=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(serializers.ChoiceField, self.fields["kind"]).choices = workflows.kind_choices()

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # Named together with the other missing fields: a place is a region, or a point, or both.
        errors: dict[str, Any] = {}
        if hasattr(data, "get"):
            given = {name: data.get(name) not in (None, "") for name in ("region", "lat", "lng")}
            if given["lat"] != given["lng"]:
                errors["lng"] = [_("经纬度须同时填写")]
            elif not given["region"] and not given["lat"]:
                errors["region"] = [_("请提供所在区划代码,或提供经纬度由系统按网格定位")]
        try:
            attrs: dict[str, Any] = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            # A serializer's errors are always by field (a dict), never a list.
            raise serializers.ValidationError({**errors, **cast(dict[str, Any], exc.detail)}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class UnmaskSerializer(serializers.Serializer[Any]):
    reason = ReasonField(help_text=_("查看完整个人信息的事由(记入审计日志)"))


class EventSerializer(serializers.ModelSerializer[CaseEvent]):
    """One entry of the timeline (办理过程)."""

    type_label = serializers.CharField(source="get_type_display", read_only=True)
    actor = UserRefSerializer(read_only=True, allow_null=True)
    actor_org = OrganizationRefSerializer(read_only=True, allow_null=True)
    from_status_label = serializers.SerializerMethodField()
    to_status_label = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "type",
            "type_label",
            "actor",
            "actor_org",
            "from_status",
            "from_status_label",
            "to_status",
            "to_status_label",
            "comment",
            "params",
            "created_at",
        ]

    def _label(self, status: str) -> str:
        return workflows.get(self.context["case"].kind).state_label(status) if status else ""

    def get_from_status_label(self, event: CaseEvent) -> str:
        return self._label(event.from_status)

    def get_to_status_label(self, event: CaseEvent) -> str:
        return self._label(event.to_status)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    case = CaseRefSerializer(read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "message", "case", "created_at", "read_at", "is_read"]

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class ExportJobCreateSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=200, help_text="导出事由(必填,记入审计日志)")
    filters = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text='与案件列表相同的筛选参数,如 {"region": "430202", "light": "red"};不填即全部可见案件',
    )


class ExportJobSerializer(serializers.ModelSerializer[ExportJob]):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    download = serializers.SerializerMethodField(help_text="完成且未过期时的下载地址,否则为 null")

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "status",
            "status_display",
            "progress",
            "rows_total",
            "rows_done",
            "reason",
            "filters",
            "created_at",
            "finished_at",
            "expires_at",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, job: ExportJob) -> str | None:
        return reverse("api-export-download", args=[job.pk]) if job.downloadable else None
