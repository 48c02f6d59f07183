"""Markers of the demo data sets already loaded, so that `load_demo` never loads a year twice."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DemoDataset(models.Model):
    """A generated demo data set (演示数据集), e.g. the disputes of 2022, with the parameters it was built
    from and what it created. Its presence is what makes `load_demo` idempotent for cases."""

    key = models.CharField(_("数据集"), max_length=40, unique=True)
    seed = models.IntegerField(_("随机种子"))
    scale = models.FloatField(_("规模系数"))
    counts = models.JSONField(_("生成数量"), default=dict, blank=True)
    loaded_at = models.DateTimeField(_("加载时间"), default=timezone.now)

    class Meta:
        verbose_name = _("演示数据集")
        verbose_name_plural = _("演示数据集")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key
