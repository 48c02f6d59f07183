"""`manage.py import_regions FILE [--user NAME]`: create or update regions from a spreadsheet.

Columns (header in row 1): 区划代码/code, 名称/name, 层级/level (市 县 乡镇 村社区 网格, or 1–5),
上级代码/parent. Nothing is written when any row is wrong; every error is listed with its row number."""

from pingan.regions.services import regions_import

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Import regions (区划) from an .xlsx or CSV file; all or nothing."
    service = staticmethod(regions_import)
