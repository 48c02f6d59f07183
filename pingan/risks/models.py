"""Records of the risk kind beyond the case engine's own: the risk's score and owner, its tasks, its
score history, the review and its sign-off, and the editable reference data (matrix, level policies,
plan templates, mechanisms)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pingan.cases.choices import ClockUnit
from pingan.cases.models import Attachment, Case, Category
from pingan.regions.models import Organization

from .choices import RiskLevel, RiskSource, RiskStage, ScoreKind, TaskStatus

SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class RiskMatrix(models.Model):
    """The likelihood × impact matrix (风险矩阵) that turns a score into a level. Editable in the back
    office; the active one is used (exactly one should be). `cells[l-1][i-1]` is the level of likelihood
    l and impact i; the labels name the rows and columns."""

    name = models.CharField(_("名称"), max_length=50)
    is_active = models.BooleanField(_("启用"), default=True)
    likelihood_labels = models.JSONField(_("可能性等级名称"), default=list)
    impact_labels = models.JSONField(_("影响程度等级名称"), default=list)
    cells = models.JSONField(_("矩阵"), default=list, help_text=_("按可能性(行)× 影响程度(列)填写风险等级"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("风险矩阵")
        verbose_name_plural = _("风险矩阵")
        ordering = ["-is_active", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def size(self) -> int:
        return len(self.cells)

    def clean(self) -> None:
        size = len(self.cells) if isinstance(self.cells, list) else 0
        if size < 2 or any(not isinstance(row, list) or len(row) != size for row in self.cells):
            raise ValidationError({"cells": _("矩阵须为方阵(每行的格数等于行数),至少 2×2")})
        if any(cell not in RiskLevel.values for row in self.cells for cell in row):
            raise ValidationError({"cells": _("矩阵的每一格须为 red、orange、yellow 或 blue")})
        for field, labels in (("likelihood_labels", self.likelihood_labels), ("impact_labels", self.impact_labels)):
            if not isinstance(labels, list) or len(labels) != size:
                raise ValidationError({field: _("等级名称的个数须与矩阵的行(列)数相同")})

    def level_for(self, likelihood: int, impact: int) -> str:
        return str(self.cells[likelihood - 1][impact - 1])


class LevelPolicy(models.Model):
    """What a level requires (分级管控): how soon the response must start (应对时限) and the disposal end
    (处置时限), each an amount in a unit (calendar hours or the working calendar), and how often a risk
    of the level is re-reviewed (复核周期). Editable in the back office."""

    level = models.CharField(_("风险等级"), max_length=10, choices=RiskLevel.choices, unique=True)
    respond_amount = models.PositiveIntegerField(_("应对时限"))
    respond_unit = models.CharField(_("应对时限单位"), max_length=20, choices=ClockUnit.choices)
    dispose_amount = models.PositiveIntegerField(_("处置时限"))
    dispose_unit = models.CharField(_("处置时限单位"), max_length=20, choices=ClockUnit.choices)
    review_interval_days = models.PositiveIntegerField(_("复核周期(天)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("分级管控要求")
        verbose_name_plural = _("分级管控要求")

    def __str__(self) -> str:
        return str(self.get_level_display())

    def clean(self) -> None:
        if self.respond_amount == 0 or self.dispose_amount == 0 or self.review_interval_days == 0:
            raise ValidationError(_("时限与复核周期须大于 0"))


class Risk(models.Model):
    """A risk (风险) on the closed loop: the case engine's case (kind "risk") plus its score, level, owner
    unit and affected grids. Point = `case.lat/lng`, region = `case.region`, people = `case.parties`,
    source case = `case.parent`."""

    case = models.OneToOneField(
        Case, verbose_name=_("案件"), on_delete=models.CASCADE, primary_key=True, related_name="risk"
    )
    source = models.CharField(_("风险来源"), max_length=30, choices=RiskSource.choices)
    likelihood = models.PositiveSmallIntegerField(_("可能性"), choices=SCORE_CHOICES)
    impact = models.PositiveSmallIntegerField(_("影响程度"), choices=SCORE_CHOICES)
    level = models.CharField(_("风险等级"), max_length=10, choices=RiskLevel.choices, db_index=True)
    residual_likelihood = models.PositiveSmallIntegerField(
        _("剩余可能性"), choices=SCORE_CHOICES, null=True, blank=True
    )
    residual_impact = models.PositiveSmallIntegerField(_("剩余影响程度"), choices=SCORE_CHOICES, null=True, blank=True)
    residual_level = models.CharField(
        _("剩余风险等级"), max_length=10, choices=RiskLevel.choices, blank=True, default=""
    )
    owner_org = models.ForeignKey(
        Organization, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="owned_risks"
    )
    grid_codes = models.JSONField(_("涉及网格"), default=list, blank=True)
    scored_at = models.DateTimeField(_("最近评估时间"), default=timezone.now)
    next_review_at = models.DateTimeField(_("下次复核时间"), null=True, blank=True, db_index=True)
    review_notified_at = models.DateTimeField(_("复核提醒时间"), null=True, blank=True)
    rescore_prompted_at = models.DateTimeField(
        _("提示重新评估时间"), null=True, blank=True, help_text=_("本阶段任务全部完成后提示重新评估,评估后清空")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("风险")
        verbose_name_plural = _("风险")

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_level_display()}"


class RiskScore(models.Model):
    """One score in a risk's history (评估记录): which kind (固有/当前/剩余), the figures, the level the
    matrix gave, who scored and when, in which stage."""

    risk = models.ForeignKey(Risk, verbose_name=_("风险"), on_delete=models.CASCADE, related_name="scores")
    kind = models.CharField(_("评估类型"), max_length=10, choices=ScoreKind.choices)
    stage = models.CharField(_("所处阶段"), max_length=20, choices=RiskStage.choices)
    likelihood = models.PositiveSmallIntegerField(_("可能性"), choices=SCORE_CHOICES)
    impact = models.PositiveSmallIntegerField(_("影响程度"), choices=SCORE_CHOICES)
    level = models.CharField(_("风险等级"), max_length=10, choices=RiskLevel.choices)
    note = models.CharField(_("评估说明"), max_length=500, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评估人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(_("评估时间"), default=timezone.now)

    class Meta:
        verbose_name = _("风险评估记录")
        verbose_name_plural = _("风险评估记录")
        ordering = ["scored_at", "id"]

    def __str__(self) -> str:
        return f"{self.risk_id} {self.get_kind_display()} {self.likelihood}×{self.impact}"


class RiskTask(models.Model):
    """A task of a stage (应对/处置 tasks of the response plan, 提升 improvement measures): owner unit, due
    date, the evidence it requires, its record and evidence files (the case's attachments)."""

    risk = models.ForeignKey(Risk, verbose_name=_("风险"), on_delete=models.CASCADE, related_name="tasks")
    stage = models.CharField(_("阶段"), max_length=20, choices=RiskStage.choices)
    title = models.CharField(_("任务"), max_length=200)
    owner_org = models.ForeignKey(
        Organization, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="risk_tasks"
    )
    due_date = models.DateField(_("完成期限"))
    required_evidence = models.CharField(
        _("须提交的佐证材料"), max_length=200, blank=True, help_text=_("填写后,完成任务时须上传佐证附件")
    )
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    record = models.TextField(_("处置记录"), blank=True)
    evidence = models.ManyToManyField(Attachment, verbose_name=_("佐证附件"), blank=True, related_name="risk_tasks")
    cancel_reason = models.CharField(_("取消理由"), max_length=500, blank=True)
    outcome = models.CharField(_("成果"), max_length=10, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完成人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("风险任务")
        verbose_name_plural = _("风险任务")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["risk", "stage", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    def is_late(self, today: object = None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())  # type: ignore[operator]


class RiskReview(models.Model):
    """The written review (总结) of a risk, and its sign-off (签批) by a centre above the owner: who
    signed, for which organisation, and the risk's state it applied to (level, residual level, tasks)."""

    risk = models.OneToOneField(Risk, verbose_name=_("风险"), on_delete=models.CASCADE, related_name="review")
    worked = models.TextField(_("经验做法"))
    failed = models.TextField(_("存在问题"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("撰写人"), on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("撰写时间"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_org = models.ForeignKey(
        Organization,
        verbose_name=_("签批单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("签批时间"), null=True, blank=True)
    approval_comment = models.CharField(_("签批意见"), max_length=500, blank=True)
    approval_snapshot = models.JSONField(_("签批时的风险状况"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("风险总结")
        verbose_name_plural = _("风险总结")

    def __str__(self) -> str:
        return f"{self.risk_id}"

    @property
    def is_signed(self) -> bool:
        return self.approved_at is not None


class RiskPlanTemplate(models.Model):
    """A reusable response plan (预案模板): tasks with their stage, due in so many days, and the evidence
    each requires. Applying it to a risk copies the tasks with due dates counted on the working calendar
    from today."""

    name = models.CharField(_("名称"), max_length=100)
    category = models.ForeignKey(
        Category,
        verbose_name=_("适用类别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "risk"},
    )
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    source_task = models.ForeignKey(
        RiskTask,
        verbose_name=_("来源提升措施"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("预案模板")
        verbose_name_plural = _("预案模板")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class RiskPlanTemplateTask(models.Model):
    template = models.ForeignKey(
        RiskPlanTemplate, verbose_name=_("预案模板"), on_delete=models.CASCADE, related_name="tasks"
    )
    stage = models.CharField(
        _("阶段"),
        max_length=20,
        choices=[(RiskStage.RESPONSE, RiskStage.RESPONSE.label), (RiskStage.DISPOSAL, RiskStage.DISPOSAL.label)],
        default=RiskStage.DISPOSAL,
    )
    title = models.CharField(_("任务"), max_length=200)
    due_in_days = models.PositiveSmallIntegerField(_("期限(工作日)"), default=1)
    required_evidence = models.CharField(_("须提交的佐证材料"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("模板任务")
        verbose_name_plural = _("模板任务")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.title


class RiskMechanism(models.Model):
    """A standing mechanism (长效机制) an improvement measure became."""

    name = models.CharField(_("名称"), max_length=200)
    content = models.TextField(_("内容"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_org = models.ForeignKey(Organization, verbose_name=_("建立单位"), on_delete=models.PROTECT, related_name="+")
    source_task = models.ForeignKey(
        RiskTask, verbose_name=_("来源提升措施"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("长效机制")
        verbose_name_plural = _("长效机制")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.name
