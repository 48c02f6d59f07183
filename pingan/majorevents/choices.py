"""Choices of major-event security (重大活动安保)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventStatus(models.TextChoices):
    """An event's life, in order: 筹备 → 进行中 → 已结束 → 已复盘."""

    PREPARING = "preparing", _("筹备")
    IN_PROGRESS = "in_progress", _("进行中")
    FINISHED = "finished", _("已结束")
    REVIEWED = "reviewed", _("已复盘")


STATUS_ORDER = [s.value for s in EventStatus]


class SecurityLevel(models.TextChoices):
    """安保等级: 特级 is the highest (e.g. a national congress), 三级 an ordinary conference."""

    SPECIAL = "special", _("特级")
    FIRST = "first", _("一级")
    SECOND = "second", _("二级")
    THIRD = "third", _("三级")


class SectionKind(models.TextChoices):
    """The parts of the "overall plan + domains + actions + mechanisms" shape (the seed's 1+5+6+7)."""

    OVERALL = "overall", _("总体方案")
    DOMAIN = "domain", _("领域")
    ACTION = "action", _("行动")
    MECHANISM = "mechanism", _("机制")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("未完成")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class FindingTarget(models.TextChoices):
    """What a sweep finding becomes, in one step."""

    RISK = "risk", _("风险")
    DISPUTE = "dispute", _("矛盾纠纷")
    INCIDENT = "incident", _("网格事件")


class Shift(models.TextChoices):
    DAY = "day", _("白班")
    NIGHT = "night", _("夜班")
    ALL_DAY = "all_day", _("全天")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SENT = "sent", _("已报送")


class LessonKind(models.TextChoices):
    """Where a review's lesson goes when it is saved into the scenario template (提升)."""

    TASK = "task", _("任务")
    MECHANISM = "mechanism", _("机制")


# Open risks count as "near a venue" within this distance of its point, unless the event says otherwise.
DEFAULT_RADIUS_M = 2000
MAX_RADIUS_M = 50_000

# The statuses an event may be moved to by hand (已复盘 comes with the review).
ADVANCE_CHOICES = [(s.value, s.label) for s in EventStatus if s != EventStatus.REVIEWED]
