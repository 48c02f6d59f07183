"""The camera register of the 雪亮工程 (public video surveillance network): where each camera point is,
which grid it covers, who owns it and whether it works. No video is held here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pingan.regions.models import Region, prefix_q

from .choices import CameraStatus, CameraType


class CameraQuerySet(models.QuerySet["Camera"]):
    def within(self, prefixes: Iterable[str]) -> CameraQuerySet:
        return self.filter(prefix_q("region_code", prefixes))


class Camera(models.Model):
    """A camera point (视频监控点位) of the 雪亮工程. Its location is WGS-84; `grid` is the grid cell the
    point lies in (located on save by the import service), `region_code` its jurisdiction."""

    code = models.CharField(_("点位编码"), max_length=40, unique=True)
    name = models.CharField(_("点位名称"), max_length=100)
    camera_type = models.CharField(_("类型"), max_length=20, choices=CameraType.choices)
    status = models.CharField(_("状态"), max_length=10, choices=CameraStatus.choices, default=CameraStatus.ONLINE)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)
    address = models.CharField(_("安装地址"), max_length=200, blank=True)
    grid = models.ForeignKey(Region, verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="cameras")
    region_code = models.CharField(_("区划代码"), max_length=20, db_index=True)
    owner_unit = models.CharField(_("建设/权属单位"), max_length=100)
    installed_on = models.DateField(_("安装日期"), null=True, blank=True)
    is_generated = models.BooleanField(_("生成数据"), default=False)

    objects = CameraQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("视频监控点位")
        verbose_name_plural = _("视频监控点位")
        ordering = ["code"]
        indexes = [models.Index(fields=["status", "region_code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.region_code = self.grid.code
        super().save(*args, **kwargs)
