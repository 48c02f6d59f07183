from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    """What a person does for a grid (网格力量)."""

    FULL_TIME = "full_time", _("专职网格员")
    PART_TIME = "part_time", _("兼职网格员")
    BUILDING_HEAD = "building_head", _("楼栋长")
    VOLUNTEER = "volunteer", _("格格平安志愿者")


class Shift(models.TextChoices):
    DAY = "day", _("白班")
    NIGHT = "night", _("夜班")


class PatrolKind(models.TextChoices):
    """Patrols and visits (夜巡夜访夜话 and the daily rounds)."""

    NIGHT_PATROL = "night_patrol", _("夜巡")
    NIGHT_VISIT = "night_visit", _("夜访")
    NIGHT_TALK = "night_talk", _("夜话")
    DAILY_PATROL = "daily_patrol", _("日常巡查")
    HOME_VISIT = "home_visit", _("入户走访")


class PatrolStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")
