"""Special drives (专项排查化解): a time-boxed campaign over target case kinds, categories and regions, whose
cases are a query over the case engine (never copied rows), plus cases tagged in or out by hand."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pingan.cases.models import Case, Category
from pingan.core.jurisdiction import prefix_q
from pingan.regions.models import Organization, Region

from .choices import DriveStatus, TagAction, TagMode


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


class Drive(models.Model):
    """A special drive (专项行动), e.g. "调解促稳定、喜迎二十大" or 婚恋家庭纠纷排查化解.

    `region` is the drive's jurisdiction (who sees it, who runs it); `target_regions` narrow where its cases
    come from (none: the whole region). The cases registered in [start_date, end_date] (local dates, both
    ends inclusive) of the target kinds and categories inside the target regions count automatically; the
    cases tagged by hand (DriveCase) are added or left out."""

    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    kinds = models.JSONField(_("案件类型"), default=list, help_text=_("计入的案件类型,如 dispute"))
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("案件类别"),
        blank=True,
        related_name="+",
        help_text=_("留空表示所选类型的全部类别"),
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+", help_text=_("专项行动的辖区")
    )
    region_code = models.CharField(_("区划代码"), max_length=20, db_index=True, editable=False)
    target_regions = models.ManyToManyField(
        Region,
        verbose_name=_("排查区域"),
        blank=True,
        related_name="+",
        help_text=_("所属区划内的区域;留空表示整个所属区划"),
    )
    lead_org = models.ForeignKey(Organization, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=DriveStatus.choices, default=DriveStatus.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.region_code = self.region.code
        super().save(*args, **kwargs)

    # --- the window --------------------------------------------------------------------------------

    @property
    def starts_at(self) -> datetime.datetime:
        return local_midnight(self.start_date)

    @property
    def ends_at(self) -> datetime.datetime:
        """The first instant after the drive (exclusive)."""
        return local_midnight(self.end_date + datetime.timedelta(days=1))

    def as_of(self, now: datetime.datetime | None = None) -> datetime.datetime:
        """When the drive's results are read: its end, or now while it runs (the statistics' rule for the
        overdue test, docs/indicators.md)."""
        return min(self.ends_at, now or timezone.now())

    @property
    def is_running(self) -> bool:
        return self.start_date <= timezone.localdate() <= self.end_date

    # --- the cases ---------------------------------------------------------------------------------

    def scope_prefixes(self) -> list[str]:
        """Where the drive's cases are: the target regions' subtrees, or the whole region."""
        targets = [region.prefix for region in self.target_regions.all()]
        return targets or [self.region.prefix]

    def window_q(self) -> Q:
        """The cases that count automatically, before tags: registered in the window, of a target kind and
        category (inside the scope: see cases_q)."""
        window = Q(registered_at__gte=self.starts_at, registered_at__lt=self.ends_at, kind__in=self.kinds or [])
        category_ids = [category.pk for category in self.categories.all()]
        if category_ids:
            window &= Q(category_id__in=category_ids)
        return window

    def cases_q(self) -> Q:
        """The drive's cases as one filter over Case: inside the scope, and registered in the window with a
        target kind and category, or tagged in by hand; never tagged out. The figures, the breakdowns and
        the drill-downs all start from it."""
        window = self.window_q()
        tagged = DriveCase.objects.filter(drive=self, case=OuterRef("pk"))
        included = Exists(tagged.filter(mode=TagMode.INCLUDE))
        excluded = Exists(tagged.filter(mode=TagMode.EXCLUDE))
        return prefix_q("region_code", self.scope_prefixes()) & (window | included) & ~excluded

    def in_scope(self, case: Case) -> bool:
        return any(case.region_code.startswith(prefix) for prefix in self.scope_prefixes())


class DriveCase(models.Model):
    """A case tagged by hand (手工标记): counted in the drive although its window, kind or category would
    leave it out (纳入), or left out although they would count it (排除). Who, when and why; removing a tag
    is logged (DriveTagLog)."""

    drive = models.ForeignKey(Drive, verbose_name=_("专项行动"), on_delete=models.CASCADE, related_name="tags")
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(_("方式"), max_length=10, choices=TagMode.choices, default=TagMode.INCLUDE)
    reason = models.CharField(_("理由"), max_length=200)
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("标记人"), on_delete=models.PROTECT, related_name="+"
    )
    tagged_at = models.DateTimeField(_("标记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("手工标记案件")
        verbose_name_plural = _("手工标记案件")
        ordering = ["-tagged_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["drive", "case"], name="unique_drive_case")]

    def __str__(self) -> str:
        return f"{self.drive_id} {self.case_id} {self.get_mode_display()}"


class DriveTagLog(models.Model):
    """Append-only: every tag added or removed, with its reason."""

    drive = models.ForeignKey(Drive, verbose_name=_("专项行动"), on_delete=models.CASCADE, related_name="tag_log")
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="+")
    action = models.CharField(_("操作"), max_length=10, choices=TagAction.choices)
    mode = models.CharField(_("方式"), max_length=10, choices=TagMode.choices)
    reason = models.CharField(_("理由"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("标记记录")
        verbose_name_plural = _("标记记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.drive_id} {self.case_id} {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise RuntimeError("The tag log is append-only.")
        super().save(*args, **kwargs)
