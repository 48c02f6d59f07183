"""The risk register's vocabulary: the five stages of the closed loop, the levels, the sources."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingan.cases.choices import Channel, ClockUnit

KIND = "risk"
NUMBER_PREFIX = "FX"


class RiskStage(models.TextChoices):
    """The closed loop 预见 → 应对 → 处置 → 总结 → 提升, then 已闭环; no stage can be skipped."""

    FORESIGHT = "foresight", _("预见")
    RESPONSE = "response", _("应对")
    DISPOSAL = "disposal", _("处置")
    SUMMARY = "summary", _("总结")
    IMPROVEMENT = "improvement", _("提升")
    CLOSED = "closed", _("已闭环")


# The stages in order (the closed state last).
STAGE_ORDER = [stage.value for stage in RiskStage]


class RiskLevel(models.TextChoices):
    """Risk levels (风险等级), highest first: 红 重大, 橙 较大, 黄 一般, 蓝 低."""

    RED = "red", _("红色(重大)")
    ORANGE = "orange", _("橙色(较大)")
    YELLOW = "yellow", _("黄色(一般)")
    BLUE = "blue", _("蓝色(低)")

    @classmethod
    def rank(cls, level: str) -> int:
        """4 for red … 1 for blue (0 for anything else), to sort and compare levels."""
        return {cls.RED: 4, cls.ORANGE: 3, cls.YELLOW: 2, cls.BLUE: 1}.get(level, 0)  # type: ignore[call-overload]


# Bootstrap colour classes per level (badges on the pages).
LEVEL_BADGE = {
    RiskLevel.RED: "bg-danger",
    RiskLevel.ORANGE: "bg-warning text-dark",
    RiskLevel.YELLOW: "bg-yellow text-dark",
    RiskLevel.BLUE: "bg-primary",
}


class RiskSource(models.TextChoices):
    """Where a risk was found (风险来源)."""

    GRID_REPORT = "grid_report", _("网格上报")
    DISPUTE_ESCALATION = "dispute_escalation", _("矛盾纠纷升级")
    DEPARTMENT_REFERRAL = "department_referral", _("部门移交")
    PUBLIC_OPINION = "public_opinion", _("舆情")
    STABILITY_ASSESSMENT = "stability_assessment", _("重大决策稳评")
    PRE_EVENT_SWEEP = "pre_event_sweep", _("活动前排查")
    OTHER = "other", _("其他")


# The engine's intake channel a source amounts to.
SOURCE_CHANNEL = {
    RiskSource.GRID_REPORT: Channel.GRID,
    RiskSource.DISPUTE_ESCALATION: Channel.REFERRAL,
    RiskSource.DEPARTMENT_REFERRAL: Channel.REFERRAL,
    RiskSource.PUBLIC_OPINION: Channel.ONLINE,
    RiskSource.STABILITY_ASSESSMENT: Channel.REFERRAL,
    RiskSource.PRE_EVENT_SWEEP: Channel.SCREENING,
    RiskSource.OTHER: Channel.SCREENING,
}


class ScoreKind(models.TextChoices):
    """Which score a history row records (after CISO Assistant): 固有 at 预见, 当前 on a re-score later,
    剩余 after the measures (处置)."""

    INHERENT = "inherent", _("固有风险")
    CURRENT = "current", _("当前风险")
    RESIDUAL = "residual", _("剩余风险")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class ImprovementOutcome(models.TextChoices):
    """What a completed improvement measure became besides itself."""

    NONE = "", _("仅完成")
    TEMPLATE = "template", _("保存为预案模板")
    MECHANISM = "mechanism", _("保存为长效机制")


class RiskEvent(models.TextChoices):
    """The risk loop's own steps in the timeline (registered with its workflow)."""

    SCORED = "risk_scored", _("风险评估")
    STAGE = "risk_stage", _("进入下一阶段")
    TASK_ADDED = "risk_task_added", _("新增任务")
    PLAN_APPLIED = "risk_plan_applied", _("套用预案模板")
    TASK_DONE = "risk_task_done", _("任务完成")
    TASK_RECORDED = "risk_task_recorded", _("处置记录")
    TASK_CANCELLED = "risk_task_cancelled", _("任务取消")
    RESIDUAL = "risk_residual", _("剩余风险评估")
    REVIEW_WRITTEN = "risk_review", _("撰写总结")
    SIGNED_OFF = "risk_signed_off", _("总结签批")
    IMPROVEMENT_ADDED = "risk_improvement", _("新增提升措施")
    IMPROVEMENT_DONE = "risk_improvement_done", _("提升措施完成")
    REVIEWED = "risk_reviewed", _("定期复核")
    CLOSED = "risk_closed", _("闭环")


# The categories the platform starts with (code, name); administrators maintain them after.
DEFAULT_CATEGORIES = [
    ("risk_political", "政治安全"),
    ("risk_public_order", "社会治安"),
    ("risk_disputes", "矛盾纠纷"),
    ("risk_public_safety", "公共安全"),
    ("risk_cyber", "网络安全"),
    ("risk_finance", "经济金融"),
    ("risk_other", "其他"),
]

# The default 5×5 matrix: level by likelihood (row, 1..5) × impact (column, 1..5), by the product
# L×I — 1–4 蓝, 5–9 黄, 10–16 橙, 20–25 红 (the usual banding of a 5×5 risk matrix).
LIKELIHOOD_LABELS = ["极不可能", "不太可能", "可能", "很可能", "几乎肯定"]
IMPACT_LABELS = ["轻微", "较小", "中等", "重大", "特别重大"]


def default_band(likelihood: int, impact: int) -> str:
    product = likelihood * impact
    if product >= 20:
        return RiskLevel.RED
    if product >= 10:
        return RiskLevel.ORANGE
    if product >= 5:
        return RiskLevel.YELLOW
    return RiskLevel.BLUE


DEFAULT_CELLS = [[str(default_band(li, im)) for im in range(1, 6)] for li in range(1, 6)]

# Per level: respond (应对) and dispose (处置) clocks, (amount, unit), and the re-review interval in days.
CH, WH, WD = ClockUnit.CALENDAR_HOURS, ClockUnit.WORKING_HOURS, ClockUnit.WORKING_DAYS
DEFAULT_LEVEL_POLICIES: dict[str, dict[str, Any]] = {
    RiskLevel.RED: {"respond": (2, CH), "dispose": (24, CH), "review_days": 7},
    RiskLevel.ORANGE: {"respond": (8, CH), "dispose": (3, WD), "review_days": 14},
    RiskLevel.YELLOW: {"respond": (8, WH), "dispose": (5, WD), "review_days": 30},
    RiskLevel.BLUE: {"respond": (3, WD), "dispose": (10, WD), "review_days": 90},
}
