"""A consultation (法律咨询): the kind's own record next to its case — which enterprise asked, how, what about,
the answer, who gave it and in which role, and the expert it was escalated to. The enterprise is also the
case's party (法人, 申请人); the caller of a 12345 call is a party too (反映人), so the engine stores the phone
encrypted, shows it masked and unmasks it only with a reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingan.cases.models import Case
from pingan.lawguard.choices import ProviderRole
from pingan.lawguard.models import Enterprise, Expert

from .choices import ConsultChannel


class Consultation(models.Model):
    case = models.OneToOneField(
        Case, verbose_name=_("案件"), primary_key=True, on_delete=models.CASCADE, related_name="consultation"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("咨询企业"), on_delete=models.PROTECT, related_name="consultations"
    )
    question = models.TextField(_("咨询问题"))
    channel = models.CharField(_("咨询渠道"), max_length=12, choices=ConsultChannel.choices)
    ticket_number = models.CharField(_("12345 工单号"), max_length=40, blank=True, db_index=True)
    difficult = models.BooleanField(_("疑难"), default=False)
    specialities = models.JSONField(_("涉及领域"), default=list, blank=True, help_text=_("Speciality 的取值"))
    answer = models.TextField(_("答复内容"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_role = models.CharField(_("答复人角色"), max_length=12, choices=ProviderRole.choices, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        Expert,
        verbose_name=_("会诊专家"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("企业端提问人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("法律咨询")
        verbose_name_plural = _("法律咨询")
        indexes = [models.Index(fields=["channel", "answered_role"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.enterprise_id}"
