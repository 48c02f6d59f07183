"""Records of the incident kind beyond the case engine's own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportReceipt(models.Model):
    """The receipt of a report sent from a phone (上报回执): the draft's own id, chosen on the phone, and
    the case it became. A phone that lost its signal after sending cannot know whether the report
    arrived; it sends the draft again with the same id and gets the same case, not a second one."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上报人"), on_delete=models.CASCADE, related_name="+"
    )
    client_ref = models.CharField(_("草稿编号"), max_length=64)
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("事件"), on_delete=models.CASCADE, related_name="report_receipt"
    )
    created_at = models.DateTimeField(_("上报时间"), default=timezone.now)

    class Meta:
        verbose_name = _("上报回执")
        verbose_name_plural = _("上报回执")
        constraints = [models.UniqueConstraint(fields=["reporter", "client_ref"], name="unique_report_receipt")]

    def __str__(self) -> str:
        return f"{self.client_ref} → {self.case_id}"
