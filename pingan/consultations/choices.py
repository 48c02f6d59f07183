"""Fixed lists of the consultation kind (法律咨询): its name, states, channels and the clocks' figures."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingan.cases.choices import Channel, ClockUnit, Urgency

KIND = "consult"
NUMBER_PREFIX = "ZX"

# The kind's categories (engine Category rows of kind "consult", migration 0002): one general category;
# what a question is about is its specialities (lawguard Speciality), not its category.
DEFAULT_CATEGORY = "consult_general"
DEFAULT_CATEGORIES = ((DEFAULT_CATEGORY, "企业法律咨询"),)


class ConsultState(models.TextChoices):
    PENDING = "pending", _("待答复")
    CONSULTING = "consulting", _("专家会诊")
    SUPPLEMENT = "supplement", _("退回补充")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


class ConsultChannel(models.TextChoices):
    """How the question came (咨询渠道), finer than the engine's channel."""

    PORTAL = "portal", _("企业端")
    WORKSTATION = "workstation", _("工作站")
    HOTLINE = "hotline", _("12345 热线")
    ONSITE = "onsite", _("上门服务")


# The engine's channel (受理渠道) of each consultation channel, and the default one back.
ENGINE_CHANNEL: dict[str, str] = {
    ConsultChannel.PORTAL: Channel.ONLINE,
    ConsultChannel.WORKSTATION: Channel.VISIT,
    ConsultChannel.ONSITE: Channel.VISIT,
    ConsultChannel.HOTLINE: Channel.PHONE,
}
FROM_ENGINE_CHANNEL: dict[str, str] = {
    Channel.ONLINE: ConsultChannel.PORTAL,
    Channel.PHONE: ConsultChannel.HOTLINE,
    Channel.VISIT: ConsultChannel.WORKSTATION,
}


class ConsultEvent(models.TextChoices):
    """The kind's own timeline events."""

    ASKED = "consult_asked", _("企业提问")
    HANDED = "consult_handed", _("转交三官一律")
    ESCALATED = "consult_escalated", _("提请专家会诊")
    ANSWERED = "consult_answered", _("答复")
    CLOSED = "consult_closed", _("办结")


# 答复时限 by urgency (an operational choice, docs/consultations.md): normal, 3 working days — the 工作站 answers
# within the working week, the expert team included; urgent (a 12345 call marked 紧急) and critical, 2 calendar
# hours, because the 12345 hotline has round-the-clock cover (国务院办公厅《关于进一步优化地方政务服务便民热线的
# 指导意见》国办发〔2020〕53号: 7×24 小时全天候人工服务), so the clock does not stop at night or on holidays.
ANSWER_RULES: dict[str, tuple[int, str]] = {
    Urgency.NORMAL: (3, ClockUnit.WORKING_DAYS),
    Urgency.URGENT: (2, ClockUnit.CALENDAR_HOURS),
    Urgency.CRITICAL: (2, ClockUnit.CALENDAR_HOURS),
}
# 办结时限 (the primary clock, registration → closing; SLA policies of migration 0002): the answer time plus
# the enterprise's 7 working days to rate the answer (after which it is closed without a rating).
CLOSING_RULES: dict[str, tuple[int, str]] = {
    Urgency.NORMAL: (10, ClockUnit.WORKING_DAYS),
    Urgency.URGENT: (7, ClockUnit.WORKING_DAYS),
    Urgency.CRITICAL: (7, ClockUnit.WORKING_DAYS),
}
# Days (working days) after the answer when an unrated consultation is closed (办结) by the sweep.
RATING_WINDOW_DAYS = 7
ANSWER_CLOCK = "answer"
