"""Major events as the API reads and writes them. Writes are validated here and handed to the services;
on-duty accounts' phones go out masked (core.masking)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingan.cases.api.serializers import CaseRefSerializer, PartyInputSerializer
from pingan.cases.choices import Urgency
from pingan.core.masking import mask_phone
from pingan.regions.api.serializers import OrganizationRefSerializer, RegionRefSerializer

from ..choices import ADVANCE_CHOICES, MAX_RADIUS_M, FindingTarget, LessonKind, SecurityLevel, Shift
from ..models import (
    DailyReport,
    Event,
    Lesson,
    PlanSection,
    PlanTask,
    Review,
    RosterShift,
    ScenarioTemplate,
    Sweep,
    SweepFinding,
    TemplateSection,
    TemplateTask,
    Venue,
)

# --- templates -------------------------------------------------------------------------------------


class ScenarioTemplateTaskSerializer(serializers.ModelSerializer[TemplateTask]):
    class Meta:
        model = TemplateTask
        fields = ["id", "title", "org_type", "due_offset_days", "required_evidence"]


class ScenarioTemplateSectionSerializer(serializers.ModelSerializer[TemplateSection]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    tasks = ScenarioTemplateTaskSerializer(many=True, read_only=True)

    class Meta:
        model = TemplateSection
        fields = ["id", "kind", "kind_label", "title", "description", "tasks"]


class ScenarioTemplateSerializer(serializers.ModelSerializer[ScenarioTemplate]):
    """A scenario template (安保预案模板) with its sections and tasks."""

    sections = ScenarioTemplateSectionSerializer(many=True, read_only=True)

    class Meta:
        model = ScenarioTemplate
        fields = ["id", "name", "description", "sections"]


# --- events ----------------------------------------------------------------------------------------


class EventVenueSerializer(serializers.ModelSerializer[Venue]):
    grids = RegionRefSerializer(many=True, read_only=True)

    class Meta:
        model = Venue
        fields = ["id", "name", "address", "lat", "lng", "grids"]


class EventVenueInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    lng = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    grids = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, default=list, help_text=_("网格代码")
    )


class MajorEventSerializer(serializers.ModelSerializer[Event]):
    """A major event in a list (with its task figures)."""

    lead_org = OrganizationRefSerializer(read_only=True)
    region = RegionRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    security_level_label = serializers.CharField(source="get_security_level_display", read_only=True)
    task_count = serializers.IntegerField(read_only=True, default=0, help_text=_("安保任务数"))
    done_count = serializers.IntegerField(read_only=True, default=0, help_text=_("已完成任务数"))
    late_count = serializers.IntegerField(read_only=True, default=0, help_text=_("逾期任务数(逾期未完成或逾期完成)"))

    class Meta:
        model = Event
        fields = [
            "id",
            "name",
            "start_date",
            "end_date",
            "security_level",
            "security_level_label",
            "status",
            "status_label",
            "lead_org",
            "region",
            "task_count",
            "done_count",
            "late_count",
        ]


class PlanSectionSerializer(serializers.ModelSerializer[PlanSection]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = PlanSection
        fields = ["id", "kind", "kind_label", "title", "description"]


class MajorEventDetailSerializer(MajorEventSerializer):
    """A major event with its venues and the sections of its plan."""

    venues = EventVenueSerializer(many=True, read_only=True)
    sections = PlanSectionSerializer(many=True, read_only=True)
    template = serializers.CharField(source="template.name", read_only=True, allow_null=True, default=None)

    class Meta(MajorEventSerializer.Meta):
        fields = [*MajorEventSerializer.Meta.fields, "description", "risk_radius_m", "template", "venues", "sections"]


class MajorEventCreateSerializer(serializers.Serializer[Any]):
    """A new major event; with `template` its plan is copied from the scenario template."""

    name = serializers.CharField(max_length=100)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    security_level = serializers.ChoiceField(choices=SecurityLevel.choices)
    lead_org = serializers.CharField(max_length=20, help_text=_("牵头单位代码"))
    region = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text=_("活动区划代码;留空为牵头单位辖区")
    )
    template = serializers.IntegerField(required=False, allow_null=True, default=None, help_text=_("预案模板 ID"))
    venues = EventVenueInputSerializer(many=True, required=False, default=list)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    risk_radius_m = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_RADIUS_M
    )


class MajorEventStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=ADVANCE_CHOICES,
        help_text=_("下一状态:筹备 → 进行中 → 已结束(复盘后自动为已复盘)"),
    )


# --- tasks -----------------------------------------------------------------------------------------


class PlanTaskSerializer(serializers.ModelSerializer[PlanTask]):
    """A task of the plan with its status and lateness."""

    section = PlanSectionSerializer(read_only=True)
    org = OrganizationRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    days_late = serializers.SerializerMethodField(help_text=_("逾期天数(完成日或今天晚于期限的天数;0 为未逾期)"))
    done_by = serializers.CharField(source="done_by.full_name", read_only=True, allow_null=True, default=None)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = PlanTask
        fields = [
            "id",
            "section",
            "title",
            "org",
            "due_date",
            "required_evidence",
            "status",
            "status_label",
            "days_late",
            "record",
            "done_at",
            "done_by",
            "evidence_name",
            "has_evidence",
        ]

    def get_days_late(self, task: PlanTask) -> int:
        return task.days_late()

    def get_has_evidence(self, task: PlanTask) -> bool:
        return bool(task.evidence)


class EventTaskCompleteSerializer(serializers.Serializer[Any]):
    record = serializers.CharField(max_length=2000, help_text=_("完成情况"))
    evidence = serializers.FileField(required=False, allow_null=True, help_text=_("佐证材料(任务要求时必传)"))
    done_at = serializers.DateTimeField(required=False, allow_null=True, help_text=_("完成时间,默认现在"))


# --- sweeps ----------------------------------------------------------------------------------------


class SweepFindingSerializer(serializers.ModelSerializer[SweepFinding]):
    case = CaseRefSerializer(read_only=True, allow_null=True)
    target_label = serializers.CharField(source="get_target_display", read_only=True)

    class Meta:
        model = SweepFinding
        fields = ["id", "description", "address", "lat", "lng", "target", "target_label", "case", "created_at"]


class SweepSerializer(serializers.ModelSerializer[Sweep]):
    region = RegionRefSerializer(read_only=True)
    org = OrganizationRefSerializer(read_only=True)
    findings = SweepFindingSerializer(many=True, read_only=True)

    class Meta:
        model = Sweep
        fields = ["id", "region", "swept_on", "org", "note", "findings"]


class SweepFindingInputSerializer(serializers.Serializer[Any]):
    description = serializers.CharField(max_length=2000)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    lng = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)


class SweepCreateSerializer(serializers.Serializer[Any]):
    region = serializers.CharField(max_length=20, help_text=_("排查区域或网格代码(活动区划内)"))
    swept_on = serializers.DateField()
    org = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text=_("排查单位代码")
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    findings = SweepFindingInputSerializer(many=True, required=False, default=list)


class SweepFindingCaseSerializer(serializers.Serializer[Any]):
    """Turn a finding into a risk, a dispute or an incident (one step)."""

    target = serializers.ChoiceField(choices=FindingTarget.choices)
    category = serializers.CharField(max_length=40, help_text=_("所转类型的类别代码"))
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    parties = PartyInputSerializer(many=True, required=False, default=list, help_text=_("矛盾纠纷须至少一名当事人"))
    likelihood = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=5, help_text=_("风险:可能性 1–5")
    )
    impact = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=5, help_text=_("风险:影响程度 1–5")
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)


# --- roster ----------------------------------------------------------------------------------------


class RosterShiftSerializer(serializers.ModelSerializer[RosterShift]):
    """A shift with the on-duty account's name and masked phone."""

    org = OrganizationRefSerializer(read_only=True)
    shift_label = serializers.CharField(source="get_shift_display", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.full_name", read_only=True)
    phone = serializers.SerializerMethodField(help_text=_("手机号(脱敏)"))

    class Meta:
        model = RosterShift
        fields = ["id", "date", "shift", "shift_label", "org", "username", "name", "phone", "post"]

    def get_phone(self, entry: RosterShift) -> str:
        return mask_phone(entry.user.phone)


class EventRosterQuerySerializer(serializers.Serializer[Any]):
    date = serializers.DateField(required=False, help_text=_("只看这一天"))


class RosterShiftInputSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    shift = serializers.ChoiceField(choices=Shift.choices, default=Shift.ALL_DAY)
    org = serializers.CharField(max_length=20, help_text=_("值班单位代码"))
    username = serializers.CharField(max_length=150, help_text=_("值班人员平台账号"))
    post = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


# --- reports ---------------------------------------------------------------------------------------


class DailyReportSerializer(serializers.ModelSerializer[DailyReport]):
    """A daily report (第N期): its texts, the figures it was generated from, and whether it was sent."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    sent_by = serializers.CharField(source="sent_by.full_name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = DailyReport
        fields = [
            "id",
            "day",
            "number",
            "status",
            "status_label",
            *DailyReport.TEXT_FIELDS,
            "figures",
            "generated_at",
            "sent_at",
            "sent_by",
        ]
        read_only_fields = fields


class DailyReportGenerateSerializer(serializers.Serializer[Any]):
    day = serializers.DateField(help_text=_("活动期间的一天(不晚于今天)"))


class DailyReportEditSerializer(serializers.Serializer[Any]):
    overview = serializers.CharField(max_length=5000, required=False)
    tasks = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    sweeps = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    cases = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    risks = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    next_steps = serializers.CharField(max_length=5000, required=False, allow_blank=True)


# --- review ----------------------------------------------------------------------------------------


class EventLessonSerializer(serializers.ModelSerializer[Lesson]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    saved_task = serializers.IntegerField(
        source="saved_task_id", read_only=True, allow_null=True, help_text=_("存入的模板任务 ID")
    )
    saved_section = serializers.IntegerField(
        source="saved_section_id", read_only=True, allow_null=True, help_text=_("存入的模板机制板块 ID")
    )

    class Meta:
        model = Lesson
        fields = ["id", "text", "kind", "kind_label", "saved_at", "saved_task", "saved_section"]


class EventReviewSerializer(serializers.ModelSerializer[Review]):
    lessons = EventLessonSerializer(many=True, read_only=True)
    written_by = serializers.CharField(source="written_by.full_name", read_only=True)

    class Meta:
        model = Review
        fields = ["summary", "worked", "failed", "written_by", "written_at", "lessons"]


class EventLessonInputSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=LessonKind.choices, default=LessonKind.TASK)


class EventReviewWriteSerializer(serializers.Serializer[Any]):
    summary = serializers.CharField(max_length=5000)
    worked = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    failed = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    lessons = EventLessonInputSerializer(many=True, required=False, default=list, help_text=_("新增的改进措施"))


class EventLessonSaveSerializer(serializers.Serializer[Any]):
    section = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=_("任务类改进措施:存入模板的板块 ID")
    )
