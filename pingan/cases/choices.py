from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a case reached the platform (受理渠道)."""

    VISIT = "visit", _("来访")
    PHONE = "phone", _("来电/12345")
    ONLINE = "online", _("网上")
    GRID = "grid", _("网格员上报")
    REFERRAL = "referral", _("部门移送")
    SCREENING = "screening", _("排查")


class RoutingBasis(models.TextChoices):
    """Why a new case went where it went (分流依据)."""

    RULE = "rule", _("分流规则")
    FIRST_CONTACT = "first_contact", _("首接负责(来访窗口所在中心)")
    NEAREST_CENTRE = "nearest_centre", _("所在地综治中心")
    ASSIGNED = "assigned", _("指定承接单位")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class StateType(models.TextChoices):
    """What a kind's state means for statistics, whatever its name (after FixMyStreet's state types)."""

    OPEN = "open", _("办理中")
    RESOLVED = "resolved", _("已办结待核查")
    CLOSED = "closed", _("已结案")


class Light(models.TextChoices):
    """The SLA light shown in lists (预警灯)."""

    GREEN = "green", _("正常")
    YELLOW = "yellow", _("临期")
    RED = "red", _("超期")
    DONE = "done", _("已结案")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")
    THIRD_PARTY = "third_party", _("第三人")
    REPORTER = "reporter", _("反映人")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("不成功")


class Satisfaction(models.TextChoices):
    """The follow-up call's verdict (回访满意度)."""

    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class FollowUpMethod(models.TextChoices):
    PHONE = "phone", _("电话回访")
    VISIT = "visit", _("上门回访")
    SMS = "sms", _("短信回访")


class ClockUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    WORKING_HOURS = "working_hours", _("工作小时")
    CALENDAR_DAYS = "calendar_days", _("自然日")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class EventType(models.TextChoices):
    REGISTERED = "registered", _("登记")
    ROUTED = "routed", _("自动分流")
    ACCEPTED = "accepted", _("受理")
    DISPATCHED = "dispatched", _("派遣")
    ESCALATED = "escalated", _("上报")
    RETURNED = "returned", _("退回")
    TRANSFERRED = "transferred", _("转办")
    SUPERVISED = "supervised", _("督办")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_DECIDED = "extension_decided", _("延期审批")
    MEDIATOR_ASSIGNED = "mediator_assigned", _("指派调解员")
    SESSION_RECORDED = "session_recorded", _("调解记录")
    CONCLUDED = "concluded", _("调解终结")
    VERIFIED = "verified", _("核查通过")
    REWORK = "rework", _("核查不通过(返工)")
    CLOSED = "closed", _("结案")
    RATED = "rated", _("回访评价")
    CONFIRMATION_REQUESTED = "confirmation_requested", _("申请司法确认")
    FOLLOWUP_OPENED = "followup_opened", _("转入后续程序")
    ATTACHMENT_ADDED = "attachment_added", _("上传附件")
    OVERDUE = "overdue", _("超期")
    # The 数字城管 loop of incidents (网格事件): its steps have their own names in the timeline.
    FILED = "filed", _("立案")
    NOT_FILED = "not_filed", _("不予立案")
    FED_BACK = "fed_back", _("处置反馈")
    EVALUATED = "evaluated", _("综合评价")
    CONVERTED = "converted", _("转立新案件")
