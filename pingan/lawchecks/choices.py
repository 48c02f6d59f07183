"""Fixed lists of the legal-service kind (法律服务, 法治体检 among them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

KIND = "lawservice"
NUMBER_PREFIX = "FW"
CHECKUP = "lawservice_checkup"  # the one category with the checklist and report flow (法治体检)

# (code, name) of the kind's categories; all of them count as legal services in the ledger.
DEFAULT_CATEGORIES = (
    (CHECKUP, "法治体检"),
    ("lawservice_contract", "合同审查"),
    ("lawservice_training", "法治宣讲/培训"),
    ("lawservice_compliance", "合规指导"),
    ("lawservice_document", "法律文书"),
)

# The service commitments (docs/lawchecks.md): a booked service is delivered (the 体检 starts, the other
# services start) within SERVE_DAYS working days; a drafted report is issued within ISSUE_DAYS.
SERVE_DAYS = 10
ISSUE_DAYS = 5
# The 回访 of a finding's suggestion: this many days after its implement-by date (or after the issue).
REVISIT_AFTER_DAYS = 30


class ServiceState(models.TextChoices):
    BOOKED = "booked", _("已预约")
    SELF_CHECK = "self_check", _("自查")
    CHECKING = "checking", _("体检中")
    REVIEW = "review", _("报告审核")
    ISSUED = "issued", _("已出具")
    REVISIT = "revisit", _("回访")
    SERVING = "serving", _("服务中")
    CLOSED = "closed", _("已办结")


class Origin(models.TextChoices):
    PORTAL = "portal", _("企业网上预约")
    OFFERED = "offered", _("工作站主动服务")


class Slot(models.TextChoices):
    MORNING = "am", _("上午")
    AFTERNOON = "pm", _("下午")


class Area(models.TextChoices):
    CONTRACT = "contract", _("合同管理")
    LABOUR = "labour", _("劳动用工")
    IP = "ip", _("知识产权")
    COMPLIANCE = "compliance", _("合规经营")
    ENVIRONMENT = "environment", _("生态环境")
    DATA = "data", _("数据与个人信息保护")
    SAFETY = "safety", _("安全生产")
    TAX = "tax", _("财税")


class Answer(models.TextChoices):
    YES = "yes", _("符合")
    NO = "no", _("不符合")
    NA = "na", _("不适用")


class ServiceEvent(models.TextChoices):
    CONFIRMED = "lawservice_confirmed", _("确认预约")
    SELF_CHECKED = "lawservice_self_checked", _("提交自查")
    CHECK_STARTED = "lawservice_check_started", _("开始体检")
    CHECK_RECORDED = "lawservice_check_recorded", _("记录体检结果")
    FINDING_ADDED = "lawservice_finding_added", _("记录问题")
    FINDING_REMOVED = "lawservice_finding_removed", _("删除问题")
    DRAFTED = "lawservice_drafted", _("生成报告草稿")
    RETURNED = "lawservice_returned", _("报告退回修改")
    APPROVED = "lawservice_approved", _("报告审核通过")
    ISSUED = "lawservice_issued", _("出具报告")
    REVISIT_STARTED = "lawservice_revisit", _("开始回访")
    SERVICE_STARTED = "lawservice_started", _("开始服务")
    FINISHED = "lawservice_finished", _("办结")
