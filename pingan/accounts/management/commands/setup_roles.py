"""`manage.py setup_roles`: the three separated administrator groups (三员分立).

Classified-protection rules (等级保护) ask that no single administrator can both change the system and
erase the traces of it. The platform therefore ships three Django groups, each with only its own
model permissions, and the back office (/admin/) enforces them:

- 系统管理员 (system administrator): maintains reference data — regions (区划), organisations (组织机构),
  case categories (案件类别), clocks (办理时限), routing rules (分流规则) and the holiday table
  (放假通知, 节假日调整), grid people and rosters, outlines and the camera register. Cannot touch accounts or the
  audit log, and reads no cases, parties or patrols (pingan.accounts.access).
- 安全管理员 (security administrator): manages accounts — users, their posts (岗位) and group
  membership — and lifts sign-in lockouts (登录失败与锁定). Sees organisations (to pick them for a post)
  but cannot change them. Cannot make anyone a superuser or change their own groups
  (pingan.accounts.admin.UserAdmin), and cannot see the audit log.
- 安全审计员 (security auditor): reads the audit log (审计日志) and the change history of what the
  administrators change (regions, organisations, accounts and posts, Open311 client keys); changes
  nothing (reverting a history entry needs the change permission, which the auditor lacks; see
  pingan.core.admin.HistoryAdmin). Reads no business or personal data: no cases, parties, patrols, grid
  people or camera points (what a case's record changed is in the audit log).

Members of these groups need `is_staff` to enter the back office; give each person one group only. The
superuser account is for installation: after creating the three administrators, deactivate it.

The command is idempotent: it sets each group's permissions to exactly the list below (run it again
after an upgrade that adds models). Deployment runs `manage.py migrate && manage.py setup_roles`; the
demo loader (load_demo) should call it too.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

SYSADMIN = "系统管理员"
SECADMIN = "安全管理员"
AUDITOR = "安全审计员"

ALL = ("add", "change", "delete", "view")
NO_DELETE = ("add", "change", "view")
VIEW = ("view",)

# group -> {(app_label, model): actions}
ROLE_PERMISSIONS: dict[str, dict[tuple[str, str], tuple[str, ...]]] = {
    SYSADMIN: {
        # Regions and organisations are referenced by cases (PROTECT): deactivate instead of delete.
        ("regions", "region"): NO_DELETE,
        ("regions", "organization"): NO_DELETE,
        ("cases", "category"): NO_DELETE,
        ("cases", "slapolicy"): ALL,
        ("cases", "routingrule"): ALL,
        ("workcalendar", "calendaroverride"): ALL,
        ("workcalendar", "holidaynotice"): ALL,
        # Grid governance: outlines are replaced by import; people leave duty rather than being deleted.
        ("geo", "regionshape"): ALL,
        ("grids", "gridmember"): NO_DELETE,
        ("grids", "dutyshift"): ALL,
        ("cameras", "camera"): NO_DELETE,
    },
    SECADMIN: {
        ("accounts", "user"): NO_DELETE,  # deactivate people who leave: their names stay on the record
        ("accounts", "membership"): ALL,
        ("auth", "group"): VIEW,  # may put people into groups, not redefine what a group may do
        ("regions", "organization"): VIEW,
        ("regions", "region"): VIEW,
        # Open311 client keys are credentials: issued, rotated and deactivated by security, never deleted.
        ("open311", "open311client"): NO_DELETE,
        # Sign-in lockouts (django-axes' counters): seen and lifted (an audited unlock), never edited.
        ("accounts", "signinfailures"): VIEW,
    },
    AUDITOR: {
        ("core", "auditlog"): VIEW,
        ("regions", "region"): VIEW,
        ("regions", "historicalregion"): VIEW,
        ("regions", "organization"): VIEW,
        ("regions", "historicalorganization"): VIEW,
        ("accounts", "user"): VIEW,
        ("accounts", "membership"): VIEW,
        ("accounts", "historicalmembership"): VIEW,
        ("admin", "logentry"): VIEW,
        ("geo", "regionshape"): VIEW,
        ("open311", "open311client"): VIEW,
    },
}


def role_permissions(group_name: str) -> list[Permission]:
    wanted = ROLE_PERMISSIONS[group_name]
    codenames = {(app, f"{action}_{model}") for (app, model), actions in wanted.items() for action in actions}
    found = [
        p
        for p in Permission.objects.select_related("content_type").filter(codename__in={c for _, c in codenames})
        if (p.content_type.app_label, p.codename) in codenames
    ]
    missing = codenames - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise CommandError(f"Permissions not found (run migrate first?): {sorted(missing)}")
    return found


class Command(BaseCommand):
    help = "Create or update the three administrator groups (三员分立): 系统管理员, 安全管理员, 安全审计员."

    @transaction.atomic
    def handle(self, *args, **options):
        for name in ROLE_PERMISSIONS:
            group, created = Group.objects.get_or_create(name=name)
            permissions = role_permissions(name)
            group.permissions.set(permissions)
            verb = "created" if created else "updated"
            self.stdout.write(f"{name}: {verb}, {len(permissions)} permissions")
