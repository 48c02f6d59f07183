from django.db import models
from django.utils.translation import gettext_lazy as _

KIND = "incident"


class IncidentState(models.TextChoices):
    """The 数字城管 loop: 信息收集 → 立案 → 派遣 → 处置 → 反馈 → 核查结案 → 综合评价."""

    REPORTED = "reported", _("信息收集待立案")
    FILED = "filed", _("已立案待派遣")
    DISPATCHED = "dispatched", _("已派遣待处置")
    HANDLING = "handling", _("处置中")
    FED_BACK = "fed_back", _("已反馈待核查")
    CLOSED = "closed", _("核查结案")
    REJECTED = "rejected", _("不予立案")


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
