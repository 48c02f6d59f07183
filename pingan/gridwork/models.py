"""Grid work (网格化服务管理): the people who work a grid, their duty roster, and the patrols and visits
they make (夜巡夜访夜话). The outlines of the grids are geography (`pingan.geo`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pingan.core.fields import BlindIndexed, BlindIndexField, EncryptedCharField
from pingan.core.masking import mask_id_number, mask_name, mask_phone
from pingan.regions.models import Region, prefix_q

from .choices import MemberRole, PatrolKind, PatrolStatus, Shift


class GridMemberQuerySet(models.QuerySet["GridMember"]):
    def within(self, prefixes: Iterable[str]) -> GridMemberQuerySet:
        return self.filter(prefix_q("region_code", prefixes))

    def active(self) -> GridMemberQuerySet:
        return self.filter(is_active=True)


class GridMember(BlindIndexed, models.Model):
    """A person who works a grid cell (网格力量): a full- or part-time grid worker (专职/兼职网格员),
    a building head (楼栋长) or a 格格平安 volunteer. Grid workers usually have a platform account
    (`user`); building heads and volunteers often do not. Phone and ID number are personal data:
    shown masked, unmasking is audited."""

    grid = models.ForeignKey(Region, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="grid_members")
    region_code = models.CharField(_("区划代码"), max_length=20, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("平台账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grid_posts",
    )
    role = models.CharField(_("身份"), max_length=20, choices=MemberRole.choices)
    name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True, purpose="phone")
    phone_index = BlindIndexField(source="phone")
    id_number = EncryptedCharField(_("身份证号"), max_length=18, blank=True, purpose="id_number")
    id_number_index = BlindIndexField(source="id_number")
    building = models.CharField(_("负责楼栋/片区"), max_length=100, blank=True)
    started_on = models.DateField(_("上岗日期"), null=True, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = GridMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("网格力量")
        verbose_name_plural = _("网格力量")
        ordering = ["region_code", "role", "name"]
        indexes = [models.Index(fields=["grid", "is_active"])]

    def __str__(self) -> str:
        return f"{self.masked_name}({self.get_role_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.region_code = self.grid.code
        super().save(*args, **kwargs)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class DutyShift(models.Model):
    """One shift of a grid's duty roster (值班排班): who is on duty in which grid, on which day."""

    grid = models.ForeignKey(Region, verbose_name=_("网格"), on_delete=models.CASCADE, related_name="duty_shifts")
    region_code = models.CharField(_("区划代码"), max_length=20, db_index=True)
    member = models.ForeignKey(GridMember, verbose_name=_("值班人员"), on_delete=models.CASCADE, related_name="shifts")
    date = models.DateField(_("日期"), db_index=True)
    shift = models.CharField(_("班次"), max_length=10, choices=Shift.choices, default=Shift.DAY)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("值班排班")
        verbose_name_plural = _("值班排班")
        ordering = ["date", "shift", "member__name"]
        constraints = [models.UniqueConstraint(fields=["member", "date", "shift"], name="unique_duty_shift")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_shift_display()} {self.member}"


class PatrolQuerySet(models.QuerySet["Patrol"]):
    def within(self, prefixes: Iterable[str]) -> PatrolQuerySet:
        return self.filter(prefix_q("region_code", prefixes))


class Patrol(models.Model):
    """A patrol or a visit (巡查走访: 夜巡、夜访、夜话、日常巡查、入户走访), planned and then logged:
    who went, when, where (named places, or a route as a GeoJSON LineString in WGS-84, or the household
    visited), and what was found. Each finding can open a case in one step."""

    kind = models.CharField(_("类型"), max_length=20, choices=PatrolKind.choices)
    grid = models.ForeignKey(Region, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="patrols")
    region_code = models.CharField(_("区划代码"), max_length=20, db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=PatrolStatus.choices, default=PatrolStatus.PLANNED)
    planned_for = models.DateTimeField(_("计划时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    members = models.ManyToManyField(GridMember, verbose_name=_("参加人员"), related_name="patrols")
    places = models.JSONField(_("巡查地点"), default=list, blank=True)
    route = models.JSONField(_("巡查路线(GeoJSON)"), null=True, blank=True)
    household = models.CharField(_("走访对象/住户"), max_length=200, blank=True)
    summary = models.TextField(_("情况记录"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = PatrolQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("巡查走访")
        verbose_name_plural = _("巡查走访")
        ordering = ["-planned_for", "-id"]
        indexes = [models.Index(fields=["status", "planned_for"]), models.Index(fields=["grid", "planned_for"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.planned_for:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.region_code = self.grid.code
        super().save(*args, **kwargs)


class PatrolFinding(models.Model):
    """Something found on a patrol or visit (发现问题). `case` is set when it was opened as a case."""

    patrol = models.ForeignKey(Patrol, verbose_name=_("巡查走访"), on_delete=models.CASCADE, related_name="findings")
    description = models.TextField(_("发现情况"))
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("转立案件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("发现问题")
        verbose_name_plural = _("发现问题")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.description[:30]
