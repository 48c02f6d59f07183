from django.db import models
from django.utils.translation import gettext_lazy as _

KIND = "dispute"


class DisputeState(models.TextChoices):
    REGISTERED = "registered", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    MEDIATING = "mediating", _("调解中")
    SUSPENDED = "suspended", _("已挂起")  # waiting with its clock paused; mediated again once resumed
    CONCLUDED = "concluded", _("调解终结待核查")
    VERIFIED = "verified", _("已核查待结案")
    CLOSED = "closed", _("已结案")


class DisputeEvent(models.TextChoices):
    """The dispute's own timeline events (registered with its workflow)."""

    MEDIATOR_ASSIGNED = "mediator_assigned", _("指派调解员")
    SESSION_RECORDED = "session_recorded", _("调解记录")
    CONCLUDED = "concluded", _("调解终结")
    CONFIRMATION_REQUESTED = "confirmation_requested", _("申请司法确认")
    FOLLOWUP_OPENED = "followup_opened", _("转入后续程序")


# Shown on the public tracking page (群众查询) besides the engine's own steps.
PUBLIC_EVENTS = {
    DisputeEvent.MEDIATOR_ASSIGNED,
    DisputeEvent.SESSION_RECORDED,
    DisputeEvent.CONCLUDED,
    DisputeEvent.FOLLOWUP_OPENED,
}


class AdvisedRoute(models.TextChoices):
    """Where the parties were advised to go when mediation failed (调解不成的引导途径)."""

    LITIGATION = "litigation", _("诉讼")
    ARBITRATION = "arbitration", _("仲裁")
    ADMINISTRATIVE = "administrative", _("行政途径")


class PerformanceMethod(models.TextChoices):
    """How the agreed terms are carried out (履行方式, 人民调解法 第二十九条(三))."""

    LUMP_SUM = "lump_sum", _("一次性履行")
    INSTALMENTS = "instalments", _("分期履行")
    IMMEDIATE = "immediate", _("即时履行(签订协议时当场履行完毕)")
    OTHER = "other", _("其他方式")


class ConfirmationStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("不予确认")


# The editable categories the platform starts with (code, name); administrators maintain them after.
DEFAULT_CATEGORIES = [
    ("marriage_family", "婚恋家庭"),
    ("neighbour", "邻里"),
    ("labour", "劳资"),
    ("contract_debt", "合同债务"),
    ("land_forest", "土地山林"),
    ("expropriation", "征地拆迁"),
    ("medical", "医疗"),
    ("property_mgmt", "物业"),
    ("traffic", "交通事故"),
    ("consumer", "消费"),
    ("other", "其他"),
]
