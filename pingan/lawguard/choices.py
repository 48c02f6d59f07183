"""Fixed lists of 法治护航's register. Outside sources: GB/T 4754-2017《国民经济行业分类》(门类 A–T);
国家统计局《统计上大中小微型企业划分办法(2017)》(大型/中型/小型/微型); 工业和信息化部《优质中小企业梯度培育
管理暂行办法》(2022) (创新型中小企业 → 专精特新中小企业 → 专精特新"小巨人"企业)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    """GB/T 4754-2017 门类 (sections)."""

    A = "A", _("A 农、林、牧、渔业")
    B = "B", _("B 采矿业")
    C = "C", _("C 制造业")
    D = "D", _("D 电力、热力、燃气及水生产和供应业")
    E = "E", _("E 建筑业")
    F = "F", _("F 批发和零售业")
    G = "G", _("G 交通运输、仓储和邮政业")
    H = "H", _("H 住宿和餐饮业")
    I = "I", _("I 信息传输、软件和信息技术服务业")  # noqa: E741  (the standard's letter)
    J = "J", _("J 金融业")
    K = "K", _("K 房地产业")
    L = "L", _("L 租赁和商务服务业")
    M = "M", _("M 科学研究和技术服务业")
    N = "N", _("N 水利、环境和公共设施管理业")
    O = "O", _("O 居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("P 教育")
    Q = "Q", _("Q 卫生和社会工作")
    R = "R", _("R 文化、体育和娱乐业")
    S = "S", _("S 公共管理、社会保障和社会组织")
    T = "T", _("T 国际组织")


class Scale(models.TextChoices):
    """统计上大中小微型企业划分办法(2017)."""

    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class SpecialisationLevel(models.TextChoices):
    """优质中小企业梯度培育 (工信部 2022): none, 创新型, 省级专精特新, 国家级专精特新"小巨人"."""

    NONE = "", _("无")
    INNOVATIVE = "innovative", _("创新型中小企业")
    PROVINCIAL = "provincial", _("省级专精特新中小企业")
    LITTLE_GIANT = "little_giant", _('国家级专精特新"小巨人"企业')


class GuardRole(models.TextChoices):
    """三官一律: the four people stationed with an enterprise, one per role."""

    JUDGE = "judge", _("法官")
    PROSECUTOR = "prosecutor", _("检察官")
    POLICE = "police", _("警官")
    LAWYER = "lawyer", _("律师")


class ProviderRole(models.TextChoices):
    """Who delivered a service: one of the 三官一律, an expert of the team, or the workstation's staff."""

    JUDGE = "judge", _("法官")
    PROSECUTOR = "prosecutor", _("检察官")
    POLICE = "police", _("警官")
    LAWYER = "lawyer", _("律师")
    EXPERT = "expert", _("专家")
    STAFF = "staff", _("工作站人员")


class Speciality(models.TextChoices):
    """An expert's fields (法律专家团的专业领域)."""

    CONTRACT = "contract", _("合同")
    LABOUR = "labour", _("劳动用工")
    IP = "ip", _("知识产权")
    COMPANY = "company", _("公司治理与合规")
    FINANCE = "finance", _("金融与融资")
    TAX = "tax", _("财税")
    ENVIRONMENT = "environment", _("环境保护")
    DATA = "data", _("数据与个人信息保护")
    CRIMINAL = "criminal", _("刑事风险防控")
    ADMINISTRATIVE = "administrative", _("行政监管")
    TRADE = "trade", _("国际贸易")
    BANKRUPTCY = "bankruptcy", _("破产重整")


class LinkRelation(models.TextChoices):
    """How a case concerns an enterprise."""

    CONSULTATION = "consultation", _("法律咨询")
    SERVICE = "service", _("法律服务/法治体检")
    DISPUTE = "dispute", _("涉企纠纷")


class Severity(models.TextChoices):
    """A finding's or a suggestion's risk (法律风险评估: 红/橙/黄)."""

    RED = "red", _("红色(重大风险)")
    ORANGE = "orange", _("橙色(较大风险)")
    YELLOW = "yellow", _("黄色(一般风险)")


class SuggestionStatus(models.TextChoices):
    """风险防范建议: issued → accepted → implemented → verified at the 回访, or declined with a reason."""

    ISSUED = "issued", _("已发出")
    ACCEPTED = "accepted", _("已采纳")
    IMPLEMENTED = "implemented", _("已落实")
    VERIFIED = "verified", _("回访验证")
    DECLINED = "declined", _("未采纳")


OPEN_SUGGESTION_STATUSES = frozenset({SuggestionStatus.ISSUED, SuggestionStatus.ACCEPTED, SuggestionStatus.IMPLEMENTED})


class RecoveryMethod(models.TextChoices):
    """How a loss was recovered (挽回损失的方式)."""

    MEDIATION = "mediation", _("调解")
    JUDGMENT = "judgment", _("判决")
    ENFORCEMENT = "enforcement", _("执行")
    SETTLEMENT = "settlement", _("和解")
