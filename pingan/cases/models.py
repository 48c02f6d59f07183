"""The case engine's records: cases (案件) of every kind, their parties, files, timeline and clocks."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pingan.core.fields import BlindIndexed, BlindIndexField, EncryptedCharField
from pingan.core.masking import mask_id_number, mask_name, mask_phone
from pingan.regions.models import Organization, Region, prefix_q

from . import workflows
from .choices import (
    AlertLevel,
    Channel,
    ClockState,
    ClockUnit,
    Ethnicity,
    ExportStatus,
    ExtensionStatus,
    Gender,
    Light,
    Outcome,
    PartyRole,
    PartyType,
    PauseKind,
    Satisfaction,
    StateType,
    Urgency,
)
from .events import event_label

if TYPE_CHECKING:
    from pingan.accounts.models import User


class Category(models.Model):
    """A category of a case kind (案件类别), e.g. 婚恋家庭 for disputes. Maintained by administrators."""

    kind = models.CharField(_("案件类型"), max_length=20, db_index=True)
    code = models.CharField(_("类别代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("案件类别")
        verbose_name_plural = _("案件类别")
        ordering = ["kind", "sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """How long a case may take (办理时限), per kind, optionally narrowed to a category and an urgency.

    The most specific matching policy wins; without one, the kind's declared default applies."""

    kind = models.CharField(_("案件类型"), max_length=20)
    category = models.ForeignKey(Category, verbose_name=_("类别"), null=True, blank=True, on_delete=models.CASCADE)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, blank=True)
    amount = models.PositiveIntegerField(_("时限"))
    unit = models.CharField(_("单位"), max_length=20, choices=ClockUnit.choices, default=ClockUnit.WORKING_DAYS)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        constraints = [
            models.UniqueConstraint(fields=["kind", "category", "urgency"], name="unique_sla_policy"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.category or '*'} {self.urgency or '*'}: {self.amount} {self.get_unit_display()}"


class RoutingRule(models.Model):
    """Where a new case goes (分流规则): cases of this kind and category inside `region` go to
    `organization`. The rule with the deepest region wins, a category-specific one before a general one;
    without a rule, the case goes to the governance centre of the smallest region that contains it."""

    kind = models.CharField(_("案件类型"), max_length=20, blank=True, help_text=_("留空表示所有类型"))
    category = models.ForeignKey(Category, verbose_name=_("类别"), null=True, blank=True, on_delete=models.CASCADE)
    region = models.ForeignKey(Region, verbose_name=_("适用区划"), on_delete=models.CASCADE)
    organization = models.ForeignKey(Organization, verbose_name=_("承办单位"), on_delete=models.CASCADE)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("分流规则")
        verbose_name_plural = _("分流规则")

    def __str__(self) -> str:
        return f"{self.kind or '*'}/{self.category or '*'} @ {self.region} → {self.organization}"

    def clean(self) -> None:
        """The organisation must be one the rule's kind (every kind, for a rule of all kinds) admits."""
        if self.organization_id is None:
            return
        for workflow in workflows.kinds():
            refusal = (not self.kind or workflow.kind == self.kind) and workflow.org_refusal(self.organization)
            if refusal:
                raise ValidationError({"organization": refusal})


def open_overdue_q(as_of: datetime.datetime) -> models.Q:
    """超期 at `as_of`: still open and past its deadline (the red light)."""
    return models.Q(closed_at__isnull=True) & open_light_q(Light.RED, as_of)


def due_q(as_of: datetime.datetime) -> models.Q:
    """应结案 at `as_of`: closed, or still open and past its deadline; an open case not yet due is left out.
    The statistics' denominators (stats.indicators) and the case list's `due` filter share it."""
    return models.Q(closed_at__isnull=False) | open_overdue_q(as_of)


def closed_on_time_q() -> models.Q:
    """按期结案: closed, with the on-time verdict frozen at closing."""
    return models.Q(closed_at__isnull=False, on_time=True)


def open_light_q(light: str, now: datetime.datetime) -> models.Q:
    """Which open cases show `light` at `now` (超期 red, 临期 yellow, 正常 green, 挂起 paused); for filters
    and counts alike. A case whose primary clock is paused is neither 临期 nor 超期 while it is."""
    if light == Light.PAUSED:
        return models.Q(paused_at__isnull=False)
    running = models.Q(paused_at__isnull=True)
    by_light: dict[str, models.Q] = {
        Light.RED: models.Q(deadline__lt=now),
        Light.YELLOW: models.Q(deadline__gte=now, warn_at__lte=now),
        Light.GREEN: models.Q(warn_at__gt=now),
    }
    return running & by_light[light]


class CaseQuerySet(models.QuerySet["Case"]):
    def within(self, prefixes: Iterable[str]) -> CaseQuerySet:
        return self.filter(prefix_q("region_code", prefixes))

    def open(self) -> CaseQuerySet:
        return self.filter(closed_at__isnull=True)

    def with_light(self, light: str, now: datetime.datetime | None = None) -> CaseQuerySet:
        now = now or timezone.now()
        if light == Light.DONE:
            return self.filter(closed_at__isnull=False)
        if light not in (Light.RED, Light.YELLOW, Light.PAUSED):
            light = Light.GREEN
        return self.filter(open_light_q(light, now), closed_at__isnull=True)


class Case(models.Model):
    """A case (案件/事项): one dispute, incident, risk or request that came through the one door.

    It carries its location (`region_code` denormalised for jurisdiction checks and sharding), the
    organisation now responsible for it, its clock, and the dates the statistics count."""

    number = models.CharField(_("案件编号"), max_length=20, unique=True)
    kind = models.CharField(_("案件类型"), max_length=20, db_index=True)
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("情况描述"))
    channel = models.CharField(_("受理渠道"), max_length=20, choices=Channel.choices)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("状态"), max_length=20, db_index=True)
    state_type = models.CharField(_("状态类别"), max_length=10, choices=StateType.choices, default=StateType.OPEN)

    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("区划代码"), max_length=20, db_index=True)
    address = models.CharField(_("详细地址"), max_length=200, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)

    assigned_org = models.ForeignKey(
        Organization, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="assigned_cases"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    intake_org = models.ForeignKey(
        Organization, verbose_name=_("登记单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("关联案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True, db_index=True)
    outcome = models.CharField(_("办理结果"), max_length=10, choices=Outcome.choices, blank=True)

    sla_amount = models.PositiveIntegerField(_("时限"))
    sla_unit = models.CharField(_("时限单位"), max_length=20, choices=ClockUnit.choices)
    extension_amount = models.PositiveIntegerField(_("已批准延期"), default=0)
    deadline = models.DateTimeField(_("办理期限"), db_index=True)
    deadline_provisional = models.BooleanField(
        _("期限暂定"),
        default=False,
        help_text=_("期限跨入尚无国务院放假通知的年份,按法定节假日推算;录入通知后重新计算"),
    )
    warn_at = models.DateTimeField(_("预警时间"))
    on_time = models.BooleanField(_("按期办结"), null=True, blank=True, help_text=_("结案时确定,不再改变"))
    paused_at = models.DateTimeField(
        _("挂起时间"), null=True, blank=True, help_text=_("办理时限挂起(中止)以来;恢复后清空")
    )

    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    supervision_count = models.PositiveSmallIntegerField(_("督办次数"), default=0)
    satisfaction = models.CharField(_("回访满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    rated_at = models.DateTimeField(_("回访时间"), null=True, blank=True)

    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["region_code", "registered_at"]),
            models.Index(fields=["assigned_org", "closed_at", "deadline"]),
            models.Index(fields=["kind", "registered_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def light(self, now: datetime.datetime | None = None) -> str:
        if self.closed_at is not None:
            return Light.DONE
        if self.paused_at is not None:
            return Light.PAUSED
        now = now or timezone.now()
        if now > self.deadline:
            return Light.RED
        if now >= self.warn_at:
            return Light.YELLOW
        return Light.GREEN

    def get_light_display(self) -> str:
        return str(Light(self.light()).label)


class CaseNumberSequence(models.Model):
    """The last number issued per prefix and day, locked while a case number is drawn."""

    prefix = models.CharField(max_length=10)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="unique_case_sequence")]

    def __str__(self) -> str:
        return f"{self.prefix}{self.day:%Y%m%d}: {self.last}"


class Party(BlindIndexed, models.Model):
    """A party to a case (当事人). Name, ID number and phone are shown masked; ID number and
    phone are stored encrypted (core.fields), found by their blind index.

    Besides them, the basic details a 调解协议书 states (人民调解法 第二十九条): for a person 性别、出生日期
    (年龄)、民族、职业、工作单位或住址, for an organisation its 住所 and 法定代表人. With an 18-digit ID
    number, gender and birth date are taken from it (GB 11643-1999)."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("身份"), max_length=20, choices=PartyRole.choices)
    party_type = models.CharField(_("当事人类型"), max_length=12, choices=PartyType.choices, default=PartyType.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=100)
    id_number = EncryptedCharField(_("身份证号码"), max_length=18, blank=True, purpose="id_number")
    id_number_index = BlindIndexField(source="id_number")
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True, purpose="phone")
    phone_index = BlindIndexField(source="phone")
    address = models.CharField(_("住址"), max_length=200, blank=True, help_text=_("单位当事人填写住所"))
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=2, choices=Ethnicity.choices, blank=True)
    occupation = models.CharField(_("职业"), max_length=50, blank=True)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    legal_representative = models.CharField(
        _("法定代表人"), max_length=50, blank=True, help_text=_("单位当事人的法定代表人或主要负责人")
    )

    history = HistoricalRecords()
    # Who the next save is by: django-simple-history reads it from the instance (set by the services).
    _history_user: User

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {mask_name(self.name)}"

    @property
    def masked(self) -> dict[str, str]:
        return {
            "name": mask_name(self.name),
            "id_number": mask_id_number(self.id_number),
            "phone": mask_phone(self.phone),
        }

    @property
    def is_person(self) -> bool:
        return self.party_type == PartyType.PERSON

    def age_on(self, day: datetime.date) -> int | None:
        """Age in whole years (周岁) on `day`: a year more on each birthday (29 February: on 1 March)."""
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())


def attachment_path(instance: Attachment, filename: str) -> str:
    now = timezone.localtime()
    return f"attachments/{now:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Attachment(models.Model):
    """A file attached to a case (附件): photos, recordings, signed agreements."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    extension = models.CharField(max_length=10)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class CaseEvent(models.Model):
    """One entry of a case's timeline (办理过程): who did what, from which state to which, and why.

    Append-only: the timeline is the record of what happened."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="events")
    # Free text validated against the registry of event types (cases.events), which every kind adds to.
    type = models.CharField(_("事项"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_org = models.ForeignKey(
        Organization, verbose_name=_("操作单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.type} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Timeline events are append-only.")
        super().save(*args, **kwargs)

    def get_type_display(self) -> str:
        return event_label(self.type)


class ExtensionRequest(models.Model):
    """A request to extend a case's deadline (延期申请) and its decision: the primary clock's, or the named
    clock's (`clock`), in that clock's unit."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="extensions")
    clock = models.CharField(_("时限"), max_length=30, blank=True, help_text=_("留空为案件的办理时限"))
    amount = models.PositiveIntegerField(_("延期时长"))
    reason = models.CharField(_("理由"), max_length=500)
    status = models.CharField(
        _("状态"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.amount} {self.get_status_display()}"


class Notification(models.Model):
    """An in-app message to a user about a case (待办提醒)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(_("内容"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message


class CaseClock(models.Model):
    """One of a case's clocks (时限), e.g. 办理, or 受理/答复/决定 for statutory work, as its kind declares
    them (Workflow.clock_specs). Its rule is `amount` (+ approved `extension_amount`) in `unit`, counted on
    the working calendar from `started_at`, leaving out its pauses and excluded periods (ClockPause).

    `deadline` and `warn_at` are counted from those; while the clock is paused they keep their last
    values and `remaining` holds the time it had left (days for the day units, hours for the hour ones).
    `next_alert_at` is when the sweep should next look at it (the warning, the deadline, the escalation),
    empty once nothing more is due. The primary clock's figures are copied to its case (Case.deadline,
    warn_at, on_time, paused_at), which the lights, filters and indicators read."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="clocks")
    name = models.CharField(_("时限"), max_length=30)
    is_primary = models.BooleanField(_("主时限"), default=False)
    amount = models.PositiveIntegerField(_("时限"))
    unit = models.CharField(_("单位"), max_length=20, choices=ClockUnit.choices)
    extension_amount = models.PositiveIntegerField(_("已批准延期"), default=0)
    state = models.CharField(_("计时状态"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)
    started_at = models.DateTimeField(_("起算时间"))
    paused_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    remaining = models.DurationField(_("挂起时剩余"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("停止时间"), null=True, blank=True)
    deadline = models.DateTimeField(_("期限"))
    warn_at = models.DateTimeField(_("预警时间"))
    escalate_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    next_alert_at = models.DateTimeField(_("下次提醒"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("期限暂定"), default=False)
    on_time = models.BooleanField(_("按期"), null=True, blank=True, help_text=_("停止时确定,不再改变"))

    class Meta:
        verbose_name = _("案件时限")
        verbose_name_plural = _("案件时限")
        ordering = ["case", "-is_primary", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "name"], name="unique_case_clock"),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(is_primary=True), name="unique_primary_case_clock"
            ),
        ]
        indexes = [
            # The sweep's only way in: the clocks with something due, a small part of the table.
            models.Index(
                fields=["next_alert_at"], condition=models.Q(next_alert_at__isnull=False), name="case_clock_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.name} {self.get_state_display()}"

    def light(self, now: datetime.datetime | None = None) -> str:
        if self.state == ClockState.STOPPED:
            return Light.DONE
        if self.state == ClockState.PAUSED:
            return Light.PAUSED
        now = now or timezone.now()
        if now > self.deadline:
            return Light.RED
        if now >= self.warn_at:
            return Light.YELLOW
        return Light.GREEN


class ClockPause(models.Model):
    """A period that does not count on a clock: a pause (中止/挂起, open until the case resumes), or a
    period entered with both ends (鉴定、公告期间). The clock's deadline is counted without them."""

    clock = models.ForeignKey(CaseClock, verbose_name=_("时限"), on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("类型"), max_length=10, choices=PauseKind.choices, default=PauseKind.PAUSE)
    reason = models.CharField(_("事由"), max_length=500)
    started_at = models.DateTimeField(_("开始"))
    ended_at = models.DateTimeField(_("结束"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("恢复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("不计时期间")
        verbose_name_plural = _("不计时期间")
        ordering = ["clock", "started_at", "id"]
        constraints = [
            # One open pause per clock at a time.
            models.UniqueConstraint(
                fields=["clock"], condition=models.Q(ended_at__isnull=True), name="unique_open_clock_pause"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class ClockAlert(models.Model):
    """An alert the sweep sent for a clock (临期预警, 超期, 超期升级): at most one per clock, level and
    deadline — the unique constraint decides, so two sweeps running at once send each alert once. A new
    deadline (an extension, a resumption) is warned about afresh. `sweep` names the sweep that sent it,
    whose events and notifications are written from these rows."""

    clock = models.ForeignKey(CaseClock, verbose_name=_("时限"), on_delete=models.CASCADE, related_name="alerts")
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("级别"), max_length=12, choices=AlertLevel.choices)
    deadline = models.DateTimeField(_("期限"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    sweep = models.CharField(_("批次"), max_length=32, db_index=True)

    class Meta:
        verbose_name = _("时限提醒")
        verbose_name_plural = _("时限提醒")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["clock", "level", "deadline"], name="unique_clock_alert"),
        ]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.get_level_display()} {self.deadline:%Y-%m-%d %H:%M}"


def export_path(instance: ExportJob, filename: str) -> str:
    # Private: served only through the job's download view to its requester (never under MEDIA_URL).
    return f"exports/{instance.requester_id}/{uuid.uuid4().hex}.xlsx"


class ExportJob(models.Model):
    """A case export run in the background (导出任务): the whole city, or more rows than
    PINGAN_EXPORT_IMMEDIATE_ROWS. Asked for with a reason, written by the task queue with its progress,
    downloadable by its requester alone until `expires_at`, then its file is deleted (export_cleanup)."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    query = models.JSONField(_("筛选参数"), default=dict, blank=True)  # the list's query parameters, re-applied
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)  # what they mean, as the audit log shows
    reason = models.CharField(_("事由"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    rows_total = models.PositiveIntegerField(_("总条数"), default=0)
    rows_done = models.PositiveIntegerField(_("已导出条数"), default=0)
    file = models.FileField(_("文件"), upload_to=export_path, blank=True)
    error = models.CharField(_("失败原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"))

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def downloadable(self) -> bool:
        return self.status == ExportStatus.DONE and bool(self.file) and self.expires_at > timezone.now()

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)
