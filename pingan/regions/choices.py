from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    """Levels of the administrative tree; the number is the depth (the city is 1)."""

    PROVINCE = 0, _("省")
    CITY = 1, _("市")
    COUNTY = 2, _("县(市、区)")
    TOWNSHIP = 3, _("乡镇(街道)")
    COMMUNITY = 4, _("村(社区)")
    GRID = 5, _("网格")


class OrgType(models.TextChoices):
    """Kinds of organisation. A governance centre (综治中心) exists at every level."""

    CENTRE = "centre", _("综治中心")
    PLA_COMMITTEE = "plac", _("政法委")
    POLICE = "police", _("公安(派出所)")
    COURT = "court", _("人民法院")
    PROCURATORATE = "procuratorate", _("人民检察院")
    JUSTICE = "justice", _("司法行政(司法所)")
    MEDIATION_COMMITTEE = "mediation", _("人民调解委员会")
    LABOUR = "labour", _("人力资源和社会保障")
    HOUSING = "housing", _("住房和城乡建设")
    ARBITRATION = "arbitration", _("劳动人事争议仲裁委员会")
    LETTERS = "letters", _("信访")
    LAW_WORKSTATION = "lawstation", _("法治护航工作站")
    EXPERT_TEAM = "expertteam", _("法律专家团")
    OTHER = "other", _("其他部门")

    @classmethod
    def department_types(cls) -> list[str]:
        return [t for t in cls.values if t not in (cls.CENTRE, cls.PLA_COMMITTEE)]
