"""`manage.py import_organizations FILE [--user NAME]`: create or update organisations from a spreadsheet.

Columns (header in row 1): 机构代码/code, 名称/name, 类型/org_type (a label such as 综治中心 or a value such
as centre), 区划代码/region, and optionally 电话/phone, 地址/address. All or nothing, like import_regions."""

from pingan.regions.services import organizations_import

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Import organisations (组织机构) from an .xlsx or CSV file; all or nothing."
    service = staticmethod(organizations_import)
