"""The legal-service kind's records (docs/lawchecks.md): the service itself (1:1 with its case), the
editable checklists by industry, and a 法治体检's copied checklist items, findings and report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingan.cases.models import Attachment, Case
from pingan.lawguard.choices import ProviderRole, Severity
from pingan.lawguard.models import Enterprise, Expert, Suggestion

from .choices import Answer, Area, Origin, Slot


class ChecklistTemplate(models.Model):
    """A 体检 checklist (体检清单), for the industries (GB/T 4754 门类 letters) it applies to; an empty list
    applies to every industry (the general one). Editing a template bumps its version; a running 体检 keeps
    the copy it took at its start."""

    name = models.CharField(_("名称"), max_length=100)
    industries = models.JSONField(_("适用行业门类"), default=list, blank=True, help_text=_('如 ["C"];空为通用'))
    is_active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("体检清单")
        verbose_name_plural = _("体检清单")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ChecklistItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="items"
    )
    area = models.CharField(_("领域"), max_length=20, choices=Area.choices)
    question = models.CharField(_("检查事项"), max_length=300)
    legal_basis = models.CharField(_("法律依据"), max_length=300)
    suggestion = models.TextField(_("默认建议"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["template", "sort_order", "id"]

    def __str__(self) -> str:
        return self.question


class LegalService(models.Model):
    """A legal service to an enterprise (法律服务): one per case of kind `lawservice`."""

    case = models.OneToOneField(
        Case, verbose_name=_("案件"), primary_key=True, on_delete=models.CASCADE, related_name="legalservice"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="legal_services"
    )
    origin = models.CharField(_("来源"), max_length=10, choices=Origin.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("预约人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("在企业端预约的企业用户"),
    )
    wished_date = models.DateField(_("期望日期"), null=True, blank=True)
    wished_slot = models.CharField(_("期望时段"), max_length=2, choices=Slot.choices, blank=True)
    concerns = models.TextField(_("关注事项"), blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("服务人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    provider_role = models.CharField(_("服务人员角色"), max_length=12, choices=ProviderRole.choices, blank=True)
    provider_name = models.CharField(_("服务人员"), max_length=50, blank=True)
    experts = models.ManyToManyField(Expert, verbose_name=_("会诊专家"), blank=True, related_name="legal_services")
    outcome = models.TextField(_("服务结果"), blank=True)
    # 法治体检 only: the checklist copied at the start, the self-check and the report.
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("体检清单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    template_version = models.PositiveIntegerField(_("清单版本"), null=True, blank=True)
    self_checked_at = models.DateTimeField(_("自查提交时间"), null=True, blank=True)
    self_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("自查填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("报告起草时间"), null=True, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告起草人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    issued_at = models.DateTimeField(_("报告出具时间"), null=True, blank=True)
    report_number = models.CharField(_("报告编号"), max_length=30, blank=True)
    report_docx = models.ForeignKey(
        Attachment, verbose_name=_("报告(DOCX)"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report_pdf = models.ForeignKey(
        Attachment, verbose_name=_("报告(PDF)"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("法律服务")
        verbose_name_plural = _("法律服务")

    def __str__(self) -> str:
        return f"{self.case.number} {self.enterprise}"

    @property
    def is_approved(self) -> bool:
        return self.reviewed_at is not None and self.drafted_at is not None and self.reviewed_at >= self.drafted_at


class CheckItem(models.Model):
    """One checklist item of a running 体检, copied from its template at the start."""

    service = models.ForeignKey(
        LegalService, verbose_name=_("法律服务"), on_delete=models.CASCADE, related_name="items"
    )
    area = models.CharField(_("领域"), max_length=20, choices=Area.choices)
    question = models.CharField(_("检查事项"), max_length=300)
    legal_basis = models.CharField(_("法律依据"), max_length=300)
    suggestion = models.TextField(_("默认建议"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    self_answer = models.CharField(_("自查结果"), max_length=3, choices=Answer.choices, blank=True)
    self_note = models.CharField(_("自查说明"), max_length=500, blank=True)
    answer = models.CharField(_("体检结果"), max_length=3, choices=Answer.choices, blank=True)
    note = models.CharField(_("体检说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("体检事项")
        verbose_name_plural = _("体检事项")
        ordering = ["service", "sort_order", "id"]

    def __str__(self) -> str:
        return self.question


class Finding(models.Model):
    """A problem the 体检 found (发现问题): its risk colour, the suggestion and the implement-by date; once the
    report is issued, the tracked suggestion (lawguard.Suggestion) it became."""

    service = models.ForeignKey(
        LegalService, verbose_name=_("法律服务"), on_delete=models.CASCADE, related_name="findings"
    )
    item = models.ForeignKey(
        CheckItem, verbose_name=_("体检事项"), null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    description = models.TextField(_("问题描述"))
    severity = models.CharField(_("风险等级"), max_length=10, choices=Severity.choices)
    suggestion = models.TextField(_("整改建议"))
    implement_by = models.DateField(_("整改期限"))
    suggestion_record = models.OneToOneField(
        Suggestion,
        verbose_name=_("风险防范建议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="finding",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("体检发现问题")
        verbose_name_plural = _("体检发现问题")
        ordering = ["service", "id"]

    def __str__(self) -> str:
        return self.description[:40]
