from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does in an organisation. One person may hold several roles in several organisations."""

    CENTRE_STAFF = "centre_staff", _("综治中心工作人员")
    CENTRE_HEAD = "centre_head", _("综治中心负责人")
    MEDIATOR = "mediator", _("调解员")
    DEPARTMENT_STAFF = "department_staff", _("职能部门工作人员")
    GRID_WORKER = "grid_worker", _("网格员")
    LEADER = "leader", _("政法委领导")
    # 三员分立: three separated administrator roles.
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("安全审计员")


# Roles that may see personal data in full after giving a reason (the ones who work the case).
UNMASK_ROLES = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD, Role.MEDIATOR, Role.DEPARTMENT_STAFF})
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
# Roles that work or read business data (cases, parties, patrols, statistics): everyone but the administrators.
BUSINESS_ROLES = frozenset(Role) - ADMIN_ROLES
# Roles that must present a second factor (动态口令) after the password (等保 2.0 level 3): the three
# administrators, leaders, and every role that may unmask personal data. pingan.accounts.otp.otp_required adds
# anyone who may enter the back office (staff, superusers).
OTP_ROLES = ADMIN_ROLES | {Role.LEADER} | UNMASK_ROLES
