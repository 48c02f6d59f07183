"""Geography (地理): the outlines of regions and grid cells, from which the point locator places a point in
its grid. Coordinates are WGS-84 throughout (`coords.py` converts GCJ-02 and BD-09 on the way in)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region, prefix_q

from .choices import ShapeSource


class RegionShapeQuerySet(models.QuerySet["RegionShape"]):
    def within(self, prefixes: Iterable[str]) -> RegionShapeQuerySet:
        return self.filter(prefix_q("region_code", prefixes))

    def grids(self) -> RegionShapeQuerySet:
        return self.filter(level=RegionLevel.GRID)


class RegionShape(models.Model):
    """The outline (边界) of a region or grid cell: a GeoJSON Polygon or MultiPolygon in WGS-84
    (longitude, latitude). Stored as JSON so that SQLite and PostgreSQL hold it alike; the point
    locator builds its spatial index from these rows. The bounding box and label point are derived."""

    region = models.OneToOneField(
        Region, verbose_name=_("区划"), primary_key=True, on_delete=models.CASCADE, related_name="shape"
    )
    region_code = models.CharField(_("区划代码"), max_length=20, db_index=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices, db_index=True)
    geometry = models.JSONField(_("边界(GeoJSON, WGS-84)"))
    min_lng = models.FloatField(_("最小经度"))
    min_lat = models.FloatField(_("最小纬度"))
    max_lng = models.FloatField(_("最大经度"))
    max_lat = models.FloatField(_("最大纬度"))
    label_lng = models.FloatField(_("标注点经度"))
    label_lat = models.FloatField(_("标注点纬度"))
    area_km2 = models.FloatField(_("面积(平方公里)"))
    source = models.CharField(_("来源"), max_length=20, choices=ShapeSource.choices, default=ShapeSource.IMPORTED)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = RegionShapeQuerySet.as_manager()

    class Meta:
        verbose_name = _("区划边界")
        verbose_name_plural = _("区划边界")
        ordering = ["region_code"]

    def __str__(self) -> str:
        return self.region_code
