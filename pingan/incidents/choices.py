from django.db import models
from django.utils.translation import gettext_lazy as _

from pingan.cases.choices import ClockUnit, Urgency

KIND = "incident"


class IncidentState(models.TextChoices):
    """The 数字城管 loop: 信息收集 → 立案 → 派遣 → 处置 → 反馈 → 核查结案 → 综合评价.

    Two ways out before the loop: 不予立案 (closed, not resolved) and, for a dispute lead, 转为矛盾纠纷
    (closed here, carried on by the linked dispute case)."""

    REPORTED = "reported", _("信息收集待立案")
    FILED = "filed", _("已立案待派遣")
    DISPATCHED = "dispatched", _("已派遣待处置")
    HANDLING = "handling", _("处置中")
    FED_BACK = "fed_back", _("已反馈待核查")
    CLOSED = "closed", _("核查结案待评价")
    EVALUATED = "evaluated", _("已综合评价")
    REJECTED = "rejected", _("不予立案")
    TRANSFERRED = "transferred", _("已转矛盾纠纷")


class IncidentEvent(models.TextChoices):
    """The 数字城管 loop's own steps, named as such in the timeline (registered with its workflow)."""

    FILED = "filed", _("立案")
    NOT_FILED = "not_filed", _("不予立案")
    FED_BACK = "fed_back", _("处置反馈")
    EVALUATED = "evaluated", _("综合评价")
    CONVERTED = "converted", _("转立新案件")


# The categories the platform starts with (code, name); administrators maintain them after.
# The dispute lead category is special: an incident in it can become a dispute case in one step.
DISPUTE_LEAD = "inc_dispute_lead"
DEFAULT_CATEGORIES = [
    ("inc_public_security", "治安隐患"),
    ("inc_work_safety", "安全生产"),
    ("inc_fire", "消防"),
    ("inc_sanitation", "环境卫生"),
    ("inc_municipal", "市政设施"),
    (DISPUTE_LEAD, "矛盾纠纷线索"),
    ("inc_special_groups", "特殊人群"),
    ("inc_other", "其他"),
]

# Hazards to life are urgent unless the reporter says otherwise (the phone page preselects it too).
DEFAULT_URGENCY = {"inc_public_security": Urgency.URGENT, "inc_fire": Urgency.URGENT}


def default_urgency(category_code: str) -> str:
    """The urgency a report of this category takes when the reporter gives none."""
    return DEFAULT_URGENCY.get(category_code, Urgency.NORMAL)


# Per-category clocks (处置时限), written as SlaPolicy rows by a data migration and editable after.
# A category without rows (其他) runs on the kind's default clock in workflow.py.
WD, WH = ClockUnit.WORKING_DAYS, ClockUnit.WORKING_HOURS
CATEGORY_CLOCKS = {
    "inc_public_security": {Urgency.NORMAL: (2, WD), Urgency.URGENT: (8, WH), Urgency.CRITICAL: (2, WH)},
    "inc_work_safety": {Urgency.NORMAL: (3, WD), Urgency.URGENT: (1, WD), Urgency.CRITICAL: (4, WH)},
    "inc_fire": {Urgency.NORMAL: (1, WD), Urgency.URGENT: (4, WH), Urgency.CRITICAL: (1, WH)},
    "inc_sanitation": {Urgency.NORMAL: (2, WD), Urgency.URGENT: (1, WD), Urgency.CRITICAL: (4, WH)},
    "inc_municipal": {Urgency.NORMAL: (5, WD), Urgency.URGENT: (2, WD), Urgency.CRITICAL: (8, WH)},
    DISPUTE_LEAD: {Urgency.NORMAL: (3, WD), Urgency.URGENT: (1, WD), Urgency.CRITICAL: (4, WH)},
    "inc_special_groups": {Urgency.NORMAL: (3, WD), Urgency.URGENT: (1, WD), Urgency.CRITICAL: (4, WH)},
}

# A phone report carries a few photos, not an album.
MAX_PHOTOS = 9
PHOTO_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp")
