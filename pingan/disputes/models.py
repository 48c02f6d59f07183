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

from .choices import AdvisedRoute, ConfirmationStatus


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
    """How mediation ended (调解结果). On success the agreed terms become the 调解协议书; on failure the
    route the parties were advised to take is recorded."""

    case = models.OneToOneField(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="mediation")
    outcome = models.CharField(_("调解结果"), max_length=10, choices=Outcome.choices)
    terms = models.TextField(_("协议内容"), blank=True)
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
