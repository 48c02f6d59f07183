"""`manage.py import_users FILE [--user NAME]`: create or update users and their posts (岗位) from a spreadsheet.

Columns (header in row 1), one row per (user, organisation, role): 用户名/username, 姓名/full_name,
手机号/phone (optional), 机构代码/organization, 角色/role (a label such as 调解员 or a value such as
mediator; never an administrator role), 启用/active (optional 是/否, default 是). All or nothing, like
import_regions. New users get no usable password: set it in the back office afterwards."""

from pingan.accounts.services import users_import
from pingan.regions.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = "Import users and their posts (人员、岗位) from an .xlsx or CSV file; all or nothing."
    service = staticmethod(users_import)
