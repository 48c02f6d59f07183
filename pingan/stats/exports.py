"""法治护航工作情况统计表 (the ledger's Excel export), in the layout of a 政法委 report (docs/lawguard-ledger.md):
a title row, a unit row (填报单位, 填报日期), two header rows — the groups 工作站建设 | 服务企业 | 法律服务 | 风险防范
| 挽回损失 merged over their columns, the columns below —, one row per district (区县) and a 合计 row; then a
sheet by workstation and a sheet by 三官一律 role. Every number is an indicator's value (stats.ledger). The
caller logs the export (AuditAction.EXPORT)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from typing import cast

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pingan.core.spreadsheets import clean_text

from . import indicators, ledger
from .lawguard_indicators import ROLE_CODES, WORKSTATION_CODES, Figure
from .selectors import StatsScope

CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
PERCENT = "0.00%"
MONEY = "#,##0.00"
HEADER_ROWS = 4  # title, unit, group headers, column headers


def _header(code: str) -> str:
    ind = indicators.get(code)
    return f"{ind.name}({ind.unit})" if ind.unit not in (indicators.RATE,) else str(ind.name)


def _value_cell(sheet: Worksheet, row: int, column: int, figure: Figure) -> None:
    cell = sheet.cell(row=row, column=column, value=figure.value)
    cell.border = BOX
    if figure.indicator.unit == indicators.RATE:
        cell.number_format = PERCENT
    elif figure.indicator.unit == indicators.YUAN:
        cell.number_format = MONEY


def _title(sheet: Worksheet, title: str, unit: str, today: datetime.date, width: int) -> None:
    sheet.cell(row=1, column=1, value=clean_text(title)).font = Font(bold=True, size=14)
    sheet.cell(row=1, column=1).alignment = CENTRE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    half = max(1, width // 2)
    sheet.cell(row=2, column=1, value=clean_text(_("填报单位:%(unit)s") % {"unit": unit}))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=half)
    sheet.cell(row=2, column=half + 1, value=_("填报日期:%(date)s") % {"date": today.isoformat()})
    if half + 1 < width:
        sheet.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=width)


def _head(sheet: Worksheet, row: int, column: int, text: str) -> None:
    cell = sheet.cell(row=row, column=column, value=text)
    cell.font, cell.alignment, cell.border = BOLD, CENTRE, BOX


def _rows(sheet: Worksheet, start: int, rows: Iterable[dict], codes: tuple[str, ...]) -> int:
    row_number = start
    for row in rows:
        name = sheet.cell(row=row_number, column=1, value=clean_text(str(row["name"])))
        name.border = BOX
        for offset, code in enumerate(codes, start=2):
            _value_cell(sheet, row_number, offset, row["cells"][code])
        row_number += 1
    return row_number


def _simple_sheet(
    book: Workbook,
    title: str,
    heading: str,
    first: str,
    rows: list[dict],
    codes: tuple[str, ...],
    meta: tuple[str, datetime.date],
) -> None:
    sheet = book.create_sheet(title=title)
    width = len(codes) + 1
    _title(sheet, heading, meta[0], meta[1], width)
    _head(sheet, 3, 1, first)
    for offset, code in enumerate(codes, start=2):
        _head(sheet, 3, offset, _header(code))
    _rows(sheet, 4, rows, codes)
    _widths(sheet, width)


def _widths(sheet: Worksheet, width: int) -> None:
    sheet.column_dimensions["A"].width = 24
    for column in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14


def lawguard_xlsx(scope: StatsScope, *, unit: str, today: datetime.date) -> bytes:
    """The three sheets for the scope's region and period."""
    region_name = scope.region.name if scope.region is not None else scope.roots_name
    period = scope.period
    span = _("%(start)s至%(end)s") % {"start": period.date_from.isoformat(), "end": period.date_to.isoformat()}
    meta = (unit, today)
    book = Workbook()
    sheet = cast(Worksheet, book.active)
    sheet.title = _("按区县")
    codes = ledger.DISTRICT_CODES
    width = len(codes) + 1
    heading = _("%(region)s法治护航工作情况统计表(%(span)s)") % {"region": region_name, "span": span}
    _title(sheet, heading, unit, today, width)
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    _head(sheet, 3, 1, _("区县"))
    column = 2
    for group, members in ledger.DISTRICT_GROUPS:
        _head(sheet, 3, column, str(group))
        if len(members) > 1:
            sheet.merge_cells(start_row=3, start_column=column, end_row=3, end_column=column + len(members) - 1)
        for code in members:
            _head(sheet, 4, column, _header(code))
            column += 1
    rows, total = ledger.district_rows(scope)
    last = _rows(sheet, HEADER_ROWS + 1, rows, codes)
    _rows(sheet, last, [{"name": _("合计"), "cells": total}], codes)
    for cell in sheet[last]:
        cell.font = BOLD
    sheet.freeze_panes = f"B{HEADER_ROWS + 1}"
    _widths(sheet, width)
    _simple_sheet(
        book,
        _("按工作站"),
        _("%(region)s法治护航工作站工作情况(%(span)s)") % {"region": region_name, "span": span},
        _("工作站"),
        ledger.workstation_rows(scope),
        WORKSTATION_CODES,
        meta,
    )
    _simple_sheet(
        book,
        _("按服务人员角色"),
        _("%(region)s三官一律及专家服务情况(%(span)s)") % {"region": region_name, "span": span},
        _("服务人员角色"),
        ledger.role_rows(scope),
        ROLE_CODES,
        meta,
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
