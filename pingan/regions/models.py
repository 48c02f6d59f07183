"""The administrative tree (行政区划), grid cells (网格) and organisations (综治中心, departments)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from tree_queries.models import TreeNode, TreeQuerySet

from pingan.core.jurisdiction import prefix_q as prefix_q  # re-exported: the apps above import it from here

from .choices import OrgType, RegionLevel


def scope_prefix(code: str, level: int) -> str:
    """The code prefix shared by a region and everything below it.

    National statistics codes are hierarchical: 430202 ⊃ 430202001 ⊃ 430202001001 ⊃ its grids. Only the
    city and province codes carry trailing zero pairs (430200, 430000) that their children do not share.
    """
    if level == RegionLevel.PROVINCE:
        return code[:2]
    if level == RegionLevel.CITY:
        return code[:4]
    return code


class RegionQuerySet(TreeQuerySet["Region"]):
    def within(self, prefixes: Iterable[str]) -> RegionQuerySet:
        return self.filter(prefix_q("code", prefixes))


# The django-stubs plugin cannot resolve the manager that tree_queries' as_manager() builds (it reads the
# override's return type in this module): `objects` and the `children` relation are left unresolved.
class Region(TreeNode):  # type: ignore[django-manager-missing]
    """A node of the administrative tree (行政区划): city, county, township, community, or grid cell (网格).

    `code` is the national statistics code (GB/T 2260 for counties and above, 9 and 12 digits below;
    a grid cell adds three digits to its community's code). `prefix` is what every descendant's code
    starts with, so "inside this jurisdiction" is a prefix match on an indexed column everywhere."""

    code = models.CharField(_("区划代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices, db_index=True)
    prefix = models.CharField(_("辖区前缀"), max_length=20, db_index=True, editable=False)
    is_generated = models.BooleanField(
        _("生成数据"), default=False, help_text=_("演示用的生成数据(如生成的网格),非真实区划")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    # Set on the regions that selectors.region_search returns: the place in the tree as people say it.
    path: str

    objects = RegionQuerySet.as_manager(with_tree_fields=False)  # type: ignore[django-manager-missing, misc]
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("区划")
        verbose_name_plural = _("区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.prefix = scope_prefix(self.code, self.level)
        super().save(*args, **kwargs)

    def contains_code(self, code: str) -> bool:
        return code.startswith(self.prefix)

    def is_within(self, other: Region) -> bool:
        return other.contains_code(self.code)

    def ancestors_and_self(self) -> list[Region]:
        return list(self.ancestors(include_self=True))


class Organization(models.Model):
    """An organisation that receives and works cases: a governance centre (综治中心) or a department
    (派出所, 法院, 司法所, 人民调解委员会 …). Its jurisdiction (管辖范围) is the subtree of `region`."""

    code = models.CharField(_("机构代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    org_type = models.CharField(_("类型"), max_length=20, choices=OrgType.choices, db_index=True)
    region = models.ForeignKey(
        Region, verbose_name=_("管辖区划"), on_delete=models.PROTECT, related_name="organizations"
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        ordering = ["region__code", "org_type", "code"]
        indexes = [models.Index(fields=["org_type", "region"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_centre(self) -> bool:
        return self.org_type == OrgType.CENTRE

    @property
    def level(self) -> int:
        return self.region.level
