"""Major-event security (重大活动安保): scenario templates that become an event's action plan, the event with
its venues, plan tasks, pre-event sweeps and their findings, duty rosters, numbered daily reports and the
review whose lessons improve the template (after Sahana Eden's scenarios, situation reports and rosters)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingan.regions.choices import OrgType
from pingan.regions.models import Organization, Region, prefix_q

from .choices import (
    DEFAULT_RADIUS_M,
    EventStatus,
    FindingTarget,
    LessonKind,
    ReportStatus,
    SectionKind,
    SecurityLevel,
    Shift,
    TaskStatus,
)

# --- scenario templates ----------------------------------------------------------------------------


class ScenarioTemplate(models.Model):
    """A scenario template (安保预案模板): the sections (overall plan, domains, actions, mechanisms) and their
    tasks that an event's plan is copied from. Edited in the back office; lessons of reviews add to it."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("安保预案模板")
        verbose_name_plural = _("安保预案模板")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TemplateSection(models.Model):
    """One part of a template: the overall plan (总体方案), a domain (领域), an action (行动) or a mechanism (机制)."""

    template = models.ForeignKey(
        ScenarioTemplate, verbose_name=_("模板"), on_delete=models.CASCADE, related_name="sections"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=SectionKind.choices)
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("内容"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("模板板块")
        verbose_name_plural = _("模板板块")
        ordering = ["template", "order", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}·{self.title}"


class TemplateTask(models.Model):
    """A task of a template section. Its deadline is `due_offset_days` from the event's first day (negative:
    before it); its unit is the organisation of `org_type` nearest to the event, else the lead unit."""

    section = models.ForeignKey(TemplateSection, verbose_name=_("板块"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("任务"), max_length=200)
    org_type = models.CharField(_("责任单位类型"), max_length=20, choices=OrgType.choices, blank=True)
    due_offset_days = models.SmallIntegerField(_("期限(相对活动首日的天数)"), default=0)
    required_evidence = models.CharField(_("佐证材料要求"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    from_lesson = models.ForeignKey(
        "Lesson",
        verbose_name=_("来自复盘经验"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="template_tasks",
    )

    class Meta:
        verbose_name = _("模板任务")
        verbose_name_plural = _("模板任务")
        ordering = ["section", "order", "id"]

    def __str__(self) -> str:
        return self.title


# --- events ----------------------------------------------------------------------------------------


class EventQuerySet(models.QuerySet["Event"]):
    def within(self, prefixes: Iterable[str]) -> EventQuerySet:
        return self.filter(prefix_q("region_code", prefixes))


class Event(models.Model):
    """A major event (重大活动) to secure: its days, security level, lead unit and the region it covers
    (`region_code`, what jurisdiction is checked against)."""

    name = models.CharField(_("活动名称"), max_length=100)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    security_level = models.CharField(_("安保等级"), max_length=10, choices=SecurityLevel.choices)
    lead_org = models.ForeignKey(Organization, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("区划代码"), max_length=20, db_index=True)
    status = models.CharField(_("状态"), max_length=12, choices=EventStatus.choices, default=EventStatus.PREPARING)
    template = models.ForeignKey(
        ScenarioTemplate, verbose_name=_("预案模板"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(_("活动概况"), blank=True)
    risk_radius_m = models.PositiveIntegerField(_("场馆周边风险范围(米)"), default=DEFAULT_RADIUS_M)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("重大活动")
        verbose_name_plural = _("重大活动")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["status", "start_date"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.region_code = self.region.code
        super().save(*args, **kwargs)

    @property
    def days(self) -> list[datetime.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + datetime.timedelta(days=i) for i in range(count)]


class Venue(models.Model):
    """A venue (活动场所): a point (WGS-84) and/or grid cells."""

    event = models.ForeignKey(Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(_("场所名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    grids = models.ManyToManyField(Region, verbose_name=_("所在网格"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("活动场所")
        verbose_name_plural = _("活动场所")
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return self.name


class PlanSection(models.Model):
    """A part of the event's plan, copied from the template (总体方案 / 领域 / 行动 / 机制)."""

    event = models.ForeignKey(Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(_("类别"), max_length=10, choices=SectionKind.choices)
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("内容"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("方案板块")
        verbose_name_plural = _("方案板块")
        ordering = ["event", "order", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}·{self.title}"


def evidence_path(instance: PlanTask, filename: str) -> str:
    return f"event-evidence/{instance.event_id}/{instance.pk}/{timezone.now():%Y%m%d%H%M%S}{instance.evidence_ext}"


class PlanTask(models.Model):
    """A task of the event's plan (安保任务), assigned to a unit with a deadline and the evidence it must
    leave. Done with a record and an evidence file; late when done after, or still open past, its day."""

    event = models.ForeignKey(Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(PlanSection, verbose_name=_("板块"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("任务"), max_length=200)
    org = models.ForeignKey(Organization, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("完成期限"))
    required_evidence = models.CharField(_("佐证材料要求"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    record = models.TextField(_("完成情况"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(_("佐证材料文件名"), max_length=200, blank=True)
    evidence_ext = models.CharField(max_length=10, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完成登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    template_task = models.ForeignKey(
        TemplateTask, verbose_name=_("模板任务"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("安保任务")
        verbose_name_plural = _("安保任务")
        ordering = ["event", "section__order", "order", "id"]
        indexes = [models.Index(fields=["event", "status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    def days_late(self, today: datetime.date | None = None) -> int:
        """Whole days past the deadline: of the completion day when done, of `today` while open (0: on time).
        A task is due by the end of its day (Asia/Shanghai)."""
        if self.status == TaskStatus.CANCELLED:
            return 0
        if self.status == TaskStatus.DONE and self.done_at is not None:
            until = timezone.localtime(self.done_at).date()
        else:
            until = today or timezone.localdate()
        return max((until - self.due_date).days, 0)

    @property
    def is_late(self) -> bool:
        return self.days_late() > 0


# --- sweeps ----------------------------------------------------------------------------------------


class Sweep(models.Model):
    """A pre-event sweep (活动前排查) of a region or a grid cell, on a day, with its findings."""

    event = models.ForeignKey(Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="sweeps")
    region = models.ForeignKey(Region, verbose_name=_("排查区域/网格"), on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("区划代码"), max_length=20, db_index=True)
    swept_on = models.DateField(_("排查日期"))
    org = models.ForeignKey(Organization, verbose_name=_("排查单位"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("排查情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("活动前排查")
        verbose_name_plural = _("活动前排查")
        ordering = ["-swept_on", "-id"]

    def __str__(self) -> str:
        return f"{self.region.name} {self.swept_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.region_code = self.region.code
        super().save(*args, **kwargs)


class SweepFinding(models.Model):
    """Something a sweep found (排查发现). In one step it becomes a risk, a dispute or an incident case
    (`case`, and `case.sweep_finding` back)."""

    sweep = models.ForeignKey(Sweep, verbose_name=_("排查"), on_delete=models.CASCADE, related_name="findings")
    description = models.TextField(_("发现情况"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    target = models.CharField(_("转为"), max_length=10, choices=FindingTarget.choices, blank=True)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("转立案件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sweep_finding",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("排查发现")
        verbose_name_plural = _("排查发现")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.description[:30]


# --- rosters ---------------------------------------------------------------------------------------


class RosterShift(models.Model):
    """One shift of the event's duty roster (值班表): a unit and an on-duty account, on a day."""

    event = models.ForeignKey(Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="shifts")
    date = models.DateField(_("日期"))
    shift = models.CharField(_("班次"), max_length=10, choices=Shift.choices, default=Shift.ALL_DAY)
    org = models.ForeignKey(Organization, verbose_name=_("值班单位"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("值班人员"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("岗位"), max_length=50, blank=True, help_text=_("如:带班领导、值班员"))

    class Meta:
        verbose_name = _("值班班次")
        verbose_name_plural = _("值班班次")
        ordering = ["event", "date", "shift", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "date", "shift", "user"], name="unique_event_roster_shift")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_shift_display()} {self.user}"


# --- daily reports ---------------------------------------------------------------------------------


class DailyReport(models.Model):
    """The daily report (安保工作日报) of one event day, numbered 第N期 in the order they are drawn up.
    Generated from the day's records, edited, then sent: sending freezes it."""

    event = models.ForeignKey(Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="reports")
    day = models.DateField(_("日期"))
    number = models.PositiveSmallIntegerField(_("期号"))
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    overview = models.TextField(_("总体情况"), blank=True)
    tasks = models.TextField(_("任务落实"), blank=True)
    sweeps = models.TextField(_("排查发现"), blank=True)
    cases = models.TextField(_("案事件情况"), blank=True)
    risks = models.TextField(_("场馆周边风险"), blank=True)
    next_steps = models.TextField(_("下步工作"), blank=True)
    figures = models.JSONField(_("统计数字"), default=dict, blank=True)
    generated_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    sent_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    TEXT_FIELDS = ("overview", "tasks", "sweeps", "cases", "risks", "next_steps")

    class Meta:
        verbose_name = _("安保日报")
        verbose_name_plural = _("安保日报")
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="unique_event_report_number"),
            models.UniqueConstraint(fields=["event", "day"], name="unique_event_report_day"),
        ]

    def __str__(self) -> str:
        return f"{self.event.name} 第{self.number}期"

    @property
    def is_sent(self) -> bool:
        return self.status == ReportStatus.SENT


# --- review ----------------------------------------------------------------------------------------


class Review(models.Model):
    """The review after the event (复盘): what worked, what failed. Its lessons feed 提升."""

    event = models.OneToOneField(Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="review")
    summary = models.TextField(_("总体评价"))
    worked = models.TextField(_("经验做法"), blank=True)
    failed = models.TextField(_("问题不足"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("撰写人"), on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("撰写时间"), default=timezone.now)

    class Meta:
        verbose_name = _("活动复盘")
        verbose_name_plural = _("活动复盘")

    def __str__(self) -> str:
        return str(self.event)


class Lesson(models.Model):
    """A lesson of the review (提升措施). Saved into the scenario template as a new task or mechanism, so
    that the next event's plan starts with it."""

    review = models.ForeignKey(Review, verbose_name=_("复盘"), on_delete=models.CASCADE, related_name="lessons")
    text = models.CharField(_("改进措施"), max_length=200)
    kind = models.CharField(_("类别"), max_length=10, choices=LessonKind.choices, default=LessonKind.TASK)
    saved_task = models.ForeignKey(
        TemplateTask,
        verbose_name=_("已存入模板任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    saved_section = models.ForeignKey(
        TemplateSection,
        verbose_name=_("已存入模板机制"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("存入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("复盘经验")
        verbose_name_plural = _("复盘经验")
        ordering = ["review", "id"]

    def __str__(self) -> str:
        return self.text
