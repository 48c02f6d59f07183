"""Records that connect risks to the rest of the platform: where a risk raised from other cases came from
(the risk signs seen on a dispute or incident, or the repeated-dispute suggestion it accepted), and the
repeated-dispute rules with the suggestions their sweep writes for a person to decide (docs/risks-insight.md).

Imported by `risks.models` so that Django finds them; they live in their own file because they belong to the
risk register's links outward, not to the loop itself."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pingan.cases.models import Case, Category
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region


class RiskSign(models.TextChoices):
    """Signs on a dispute or an incident that make it a risk (风险征兆): at least one is named when raising."""

    CROWD = "crowd", _("群体性")
    EXTREME = "extreme", _("极端言行")
    REPEATED = "repeated", _("多次反复")
    STABILITY = "stability", _("涉稳")


class SuggestionBasis(models.TextChoices):
    """What the cases a repeated-dispute rule counts have in common."""

    PARTY = "party", _("同一当事人")
    PLACE_CATEGORY = "place_category", _("同一地点、同一类别")
    PLACE = "place", _("同一地点")


# The places a rule may group by, and how many leading digits of a region code name each.
PLACE_LEVELS = {RegionLevel.TOWNSHIP: 9, RegionLevel.COMMUNITY: 12, RegionLevel.GRID: 15}
PLACE_LEVEL_CHOICES = [(level.value, level.label) for level in PLACE_LEVELS]


# The rules the platform starts with (written by migration 0003_insight; administrators change them in the back office):
# name, basis, threshold, window (days), place level.
DEFAULT_RULES = [
    ("同一当事人90天内3件以上", "party", 3, 90, RegionLevel.GRID),
    ("同一网格同类纠纷30天内3件以上", "place_category", 3, 30, RegionLevel.GRID),
    ("同一社区60天内5件以上", "place", 5, 60, RegionLevel.COMMUNITY),
]


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("待研判")
    ACCEPTED = "accepted", _("已采纳")
    DISMISSED = "dismissed", _("已驳回")


class SuggestionRule(models.Model):
    """A repeated-dispute rule (重复纠纷预警规则), maintained in the back office: at least `threshold` disputes
    within `window_days` days that share a party (by the party's keyed blind index of ID number or phone,
    never the plaintext), or a place (the grid cell, community or township) and a category, or a place."""

    name = models.CharField(_("规则名称"), max_length=50)
    basis = models.CharField(_("判定依据"), max_length=20, choices=SuggestionBasis.choices)
    threshold = models.PositiveSmallIntegerField(
        _("案件数下限"), default=3, validators=[MinValueValidator(2), MaxValueValidator(100)]
    )
    window_days = models.PositiveSmallIntegerField(
        _("时间窗口(天)"), default=90, validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    place_level = models.PositiveSmallIntegerField(
        _("地点层级"),
        choices=PLACE_LEVEL_CHOICES,
        default=RegionLevel.GRID,
        help_text=_("按地点判定时,同一网格、村(社区)或乡镇(街道)"),
    )
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("限定纠纷类别"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "dispute"},
        help_text=_("不选则为全部类别"),
    )
    risk_category = models.ForeignKey(
        Category,
        verbose_name=_("建议的风险类别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "risk"},
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重复纠纷预警规则")
        verbose_name_plural = _("重复纠纷预警规则")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class RiskSuggestion(models.Model):
    """A suggestion on the review list (风险研判): the rule fired for `key` (a party's blind index, or a
    place and category) on `cases`; a person accepts it (the risk is raised, linked to the cases) or dismisses
    it with a reason. A decided suggestion for the same rule and key does not come back unless new cases
    arrive. `region` is where the cases lie (their common region), which decides who sees it."""

    rule = models.ForeignKey(
        SuggestionRule, verbose_name=_("规则"), on_delete=models.PROTECT, related_name="suggestions"
    )
    key = models.CharField(_("判定键"), max_length=100, help_text=_("当事人的盲索引或地点、类别代码,不含明文"))
    subject = models.CharField(_("对象"), max_length=100, help_text=_("脱敏的当事人姓名或地点、类别名称"))
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("区划代码"), max_length=20, db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING, db_index=True
    )
    cases = models.ManyToManyField(Case, verbose_name=_("涉及案件"), related_name="risk_suggestions")
    case_count = models.PositiveSmallIntegerField(_("案件数"))
    latest_case_at = models.DateTimeField(_("最近案件登记时间"))
    explanation = models.TextField(_("触发规则"))
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("研判人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("研判时间"), null=True, blank=True)
    dismiss_reason = models.CharField(_("驳回理由"), max_length=500, blank=True)
    risk = models.ForeignKey(
        Case, verbose_name=_("登记的风险"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("风险研判建议")
        verbose_name_plural = _("风险研判建议")
        ordering = ["-latest_case_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "key"],
                condition=models.Q(status="pending"),
                name="one_pending_suggestion_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject}"


class RiskOrigin(models.Model):
    """Where a risk raised in one step came from: the dispute or incident (also the engine's `case.parent`)
    with the risk signs named on it, or the accepted suggestion (whose cases it is linked to)."""

    risk_case = models.OneToOneField(
        Case, verbose_name=_("风险"), on_delete=models.CASCADE, primary_key=True, related_name="risk_origin"
    )
    source_case = models.ForeignKey(
        Case, verbose_name=_("来源案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signs = models.JSONField(_("风险征兆"), default=list)
    suggestion = models.ForeignKey(
        RiskSuggestion,
        verbose_name=_("研判建议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="origins",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("升级人"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("升级时间"), default=timezone.now)

    class Meta:
        verbose_name = _("风险来源记录")
        verbose_name_plural = _("风险来源记录")

    def __str__(self) -> str:
        return f"{self.risk_case_id}"

    def sign_labels(self) -> list[str]:
        return [str(RiskSign(sign).label) for sign in self.signs if sign in RiskSign.values]
