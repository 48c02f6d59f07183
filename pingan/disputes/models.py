"""Records specific to dispute mediation (人民调解): sessions, the result and its agreement, and the
application for judicial confirmation (司法确认)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pingan.cases.choices import Outcome
from pingan.cases.models import Case
from pingan.regions.models import Organization

from .choices import AdvisedRoute, ConfirmationStatus, PerformanceMethod


class MediationSession(models.Model):
    """One mediation session (调解记录): when, where or online, who attended, what was said."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField(_("调解时间"))
    place = models.CharField(_("调解地点"), max_length=200, blank=True)
    online_link = models.URLField(_("线上调解链接"), blank=True)
    attendees = models.CharField(_("参加人员"), max_length=500)
    notes = models.TextField(_("调解情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_at:%Y-%m-%d %H:%M}"


class MediationResult(models.Model):
    """How mediation ended (调解结果). On success it holds what the 调解协议书 states besides the parties
    and the facts (人民调解法 第二十九条): the disputed matters, each party's responsibility, the agreed
    terms, and the method and term of performance. On failure the route the parties were advised to take
    is recorded."""

    case = models.OneToOneField(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="mediation")
    outcome = models.CharField(_("调解结果"), max_length=10, choices=Outcome.choices)
    disputed_matters = models.TextField(_("争议事项"), blank=True)
    # {party id: that party's responsibility}, one entry per party to the agreement.
    responsibilities = models.JSONField(_("各方当事人的责任"), default=dict, blank=True)
    terms = models.TextField(_("协议内容"), blank=True)
    performance_method = models.CharField(_("履行方式"), max_length=12, choices=PerformanceMethod.choices, blank=True)
    performance_detail = models.CharField(_("履行方式说明"), max_length=500, blank=True)
    performance_deadline = models.DateField(
        _("履行期限"), null=True, blank=True, help_text=_("分期履行时为最后一期的日期")
    )
    # [{"due": "YYYY-MM-DD", "amount": "1000.00"}, …] in date order, for 分期履行.
    instalments = models.JSONField(_("分期履行计划"), default=list, blank=True)
    amount = models.DecimalField(_("涉及金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    advised_route = models.CharField(_("引导途径"), max_length=20, choices=AdvisedRoute.choices, blank=True)
    agreement_number = models.CharField(_("协议书编号"), max_length=40, blank=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调解员"), on_delete=models.PROTECT, related_name="+"
    )
    concluded_at = models.DateTimeField(_("调解终结时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调解结果")
        verbose_name_plural = _("调解结果")

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_outcome_display()}"


class JudicialConfirmation(models.Model):
    """An application to a court to confirm a mediation agreement (司法确认申请)."""

    case = models.OneToOneField(
        Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="judicial_confirmation"
    )
    court = models.ForeignKey(Organization, verbose_name=_("受理法院"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=10, choices=ConfirmationStatus.choices, default=ConfirmationStatus.APPLIED
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请经办人"), on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("申请时间"), default=timezone.now)

    class Meta:
        verbose_name = _("司法确认申请")
        verbose_name_plural = _("司法确认申请")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.court_id} {self.get_status_display()}"
