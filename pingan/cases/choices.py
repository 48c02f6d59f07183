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
    PAUSED = "paused", _("挂起")  # the primary clock is paused (中止/挂起): neither 临期 nor 超期
    DONE = "done", _("已结案")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")
    THIRD_PARTY = "third_party", _("第三人")
    REPORTER = "reporter", _("反映人")


class PartyType(models.TextChoices):
    """Whether a party is a person or an organisation: the 调解协议书 states different basic details."""

    PERSON = "person", _("自然人")
    ORGANIZATION = "organization", _("法人或其他组织")


class Gender(models.TextChoices):
    """性别, with the codes of GB/T 2261.1-2003 (1 男性, 2 女性)."""

    MALE = "1", _("男")
    FEMALE = "2", _("女")


class Ethnicity(models.TextChoices):
    """民族: the 56 ethnic groups with their numeric codes and romanised names of GB/T 3304-1991
    (《中国各民族名称的罗马字母拼写法和代码》). Code 36 is 毛南族 and code 46 德昂族, the names in force
    since 1986 and 1985 (older tables still say 毛难族 and 崩龙族)."""

    HAN = "01", _("汉族")
    MONGOL = "02", _("蒙古族")
    HUI = "03", _("回族")
    ZANG = "04", _("藏族")
    UYGUR = "05", _("维吾尔族")
    MIAO = "06", _("苗族")
    YI = "07", _("彝族")
    ZHUANG = "08", _("壮族")
    BUYEI = "09", _("布依族")
    CHOSEN = "10", _("朝鲜族")
    MAN = "11", _("满族")
    DONG = "12", _("侗族")
    YAO = "13", _("瑶族")
    BAI = "14", _("白族")
    TUJIA = "15", _("土家族")
    HANI = "16", _("哈尼族")
    KAZAK = "17", _("哈萨克族")
    DAI = "18", _("傣族")
    LI = "19", _("黎族")
    LISU = "20", _("傈僳族")
    VA = "21", _("佤族")
    SHE = "22", _("畲族")
    GAOSHAN = "23", _("高山族")
    LAHU = "24", _("拉祜族")
    SUI = "25", _("水族")
    DONGXIANG = "26", _("东乡族")
    NAXI = "27", _("纳西族")
    JINGPO = "28", _("景颇族")
    KIRGIZ = "29", _("柯尔克孜族")
    TU = "30", _("土族")
    DAUR = "31", _("达斡尔族")
    MULAO = "32", _("仫佬族")
    QIANG = "33", _("羌族")
    BLANG = "34", _("布朗族")
    SALAR = "35", _("撒拉族")
    MAONAN = "36", _("毛南族")
    GELAO = "37", _("仡佬族")
    XIBE = "38", _("锡伯族")
    ACHANG = "39", _("阿昌族")
    PUMI = "40", _("普米族")
    TAJIK = "41", _("塔吉克族")
    NU = "42", _("怒族")
    UZBEK = "43", _("乌孜别克族")
    RUSS = "44", _("俄罗斯族")
    EWENKI = "45", _("鄂温克族")
    DEANG = "46", _("德昂族")
    BONAN = "47", _("保安族")
    YUGUR = "48", _("裕固族")
    GIN = "49", _("京族")
    TATAR = "50", _("塔塔尔族")
    DERUNG = "51", _("独龙族")
    OROQEN = "52", _("鄂伦春族")
    HEZHEN = "53", _("赫哲族")
    MONBA = "54", _("门巴族")
    LHOBA = "55", _("珞巴族")
    JINO = "56", _("基诺族")


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
    CALENDAR_HOURS = "calendar_hours", _("小时(自然时间)")


class ClockState(models.TextChoices):
    """Where one of a case's clocks stands (计时状态)."""

    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("挂起")
    STOPPED = "stopped", _("已停止")


class PauseKind(models.TextChoices):
    """Why a period does not count on a clock."""

    PAUSE = "pause", _("中止/挂起")
    EXCLUSION = "exclusion", _("不计入期限的期间")  # e.g. 鉴定、公告期间, entered with both ends


class AlertLevel(models.TextChoices):
    """The clock's alerts, each sent once per clock and deadline: before the deadline, at it, and after
    a declared delay past it (to the centre above)."""

    WARNING = "warning", _("临期预警")
    BREACH = "breach", _("超期")
    ESCALATION = "escalation", _("超期升级")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在导出")
    DONE = "done", _("已完成")
    FAILED = "failed", _("导出失败")
    EXPIRED = "expired", _("已过期")


class EventType(models.TextChoices):
    """The engine's own timeline events. Each kind declares its own in its Workflow's `event_types` (see
    `cases.events`); the timeline stores the type as text."""

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
    VERIFIED = "verified", _("核查通过")
    REWORK = "rework", _("核查不通过(返工)")
    CLOSED = "closed", _("结案")
    RATED = "rated", _("回访评价")
    ATTACHMENT_ADDED = "attachment_added", _("上传附件")
    OVERDUE = "overdue", _("超期")
    SUSPENDED = "suspended", _("挂起")
    RESUMED = "resumed", _("恢复")
    CLOCK_WARNING = "clock_warning", _("临期预警")
    OVERDUE_ESCALATED = "overdue_escalated", _("超期升级")
    PERIOD_EXCLUDED = "period_excluded", _("扣除不计时期间")
