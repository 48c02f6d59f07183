"""Text typed by citizens and clerks in a spreadsheet export: it neither breaks the file nor runs as a formula
(OWASP "CSV Injection": cells beginning with =, +, -, @, tab or carriage return; XML 1.0 §2.2 allows no
control characters other than tab, newline and carriage return)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell

from pingan.core.spreadsheets import clean_text, text_cell


def written(*values: str) -> tuple[Cell | MergedCell, ...]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([text_cell(sheet, value) for value in values])
    buffer = io.BytesIO()
    book.save(buffer)  # a forbidden character would fail here (openpyxl's IllegalCharacterError)
    sheet_read = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    return next(sheet_read.iter_rows())


@pytest.mark.parametrize(
    "value", ["=1+1", '=HYPERLINK("http://example.com","点这里")', "+86 138", "-2", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_text_that_starts_like_a_formula_stays_text(value):
    [cell] = written(value)
    assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", value, True)


def test_control_characters_are_dropped_and_the_file_is_written():
    [cell] = written("楼上漏水\x07纠纷\x00\x1b")
    assert cell.value == "楼上漏水纠纷"
    assert clean_text("第一行\n第二行\t完") == "第一行\n第二行\t完"  # what XML allows stays


def test_plain_text_is_written_as_it_is():
    [cell] = written("楼上漏水纠纷")
    assert (cell.data_type, cell.value) == ("s", "楼上漏水纠纷")
