"""Text that goes into a spreadsheet a person will open: a value typed by a citizen or a clerk must neither
break the file nor run as a formula (CSV/formula injection, OWASP "CSV Injection"): characters XML 1.0 forbids
(a BEL typed through Open311 made the whole export fail) are dropped, and text that starts like a formula
(=, +, -, @, a tab or a carriage return) is written as text, never as a formula."""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str) -> str:
    """The text without the control characters a spreadsheet file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def text_cell(sheet: WriteOnlyWorksheet, value: Any) -> Cell | str:
    """A cell for `value` (text): cleaned, and kept as text when it starts like a formula."""
    text = clean_text(str(value))
    if not text.startswith(FORMULA_STARTS):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # a string cell: Excel and WPS show it, they never evaluate it
    cell.quotePrefix = True  # and mark it as typed text (the leading apostrophe of the UI)
    return cell
