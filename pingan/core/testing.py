"""Helpers for tests: spreadsheets to upload (imports), and ID numbers made by the GB 11643 formula."""

from __future__ import annotations

import contextlib
import copy
import datetime
import io
import random
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet


def xlsx_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]], encoding: str = "utf-8-sig") -> bytes:
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- ID numbers by the standard, not by our code ---------------------------------------------------

# GB 11643-1999 《公民身份号码》 §8.2 (ISO 7064 MOD 11-2): the weight of position i (counted from the right,
# the check digit being position 1) is 2^(i-1) mod 11, i.e. 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 for the
# 17 digits from the left; the weighted sum mod 11 = 0, 1, …, 10 gives the check digit 1 0 X 9 8 7 6 5 4 3 2.
GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
GB11643_CHECK = "10X98765432"

# Real county-level codes of GB/T 2260 in several provinces, two of them abolished: 430221 株洲县 (became
# 渌口区 430212 in 2018) and 110103 北京市崇文区 (merged into 东城区 in 2010).
COUNTY_CODES = ("110105", "110103", "310104", "430211", "430221", "430212", "440305", "510107", "650102")


def with_check_digit(first17: str) -> str:
    """The 18-digit number: `first17` and its check digit computed by the standard's formula."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, GB11643_WEIGHTS, strict=True))
    return first17 + GB11643_CHECK[total % 11]


def with_wrong_check_digit(number: str, rng: random.Random) -> str:
    """The same number with any other check character."""
    return number[:17] + rng.choice([c for c in GB11643_CHECK if c != number[17]])


def standard_ids(count: int, rng: random.Random) -> list[str]:
    """`count` distinct valid 18-digit numbers: a real county, a birth date 1930–2005, a sequence code."""
    start, days = datetime.date(1930, 1, 1), (datetime.date(2005, 12, 31) - datetime.date(1930, 1, 1)).days
    numbers: set[str] = set()
    while len(numbers) < count:
        born = start + datetime.timedelta(days=rng.randrange(days + 1))
        numbers.add(with_check_digit(f"{rng.choice(COUNTY_CODES)}{born:%Y%m%d}{rng.randrange(1000):03d}"))
    return sorted(numbers)


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def as_typed(number: str, index: int) -> str:
    """`number` as people type or paste it, one of several ways by `index`: as is, spaced, with NBSP or
    ideographic spaces, in full-width characters, with a lower-case x."""
    ways = (
        lambda n: n,
        lambda n: f" {n[:6]} {n[6:14]} {n[14:]} ",
        lambda n: f"{n[:6]}\u00a0{n[6:14]}\u00a0{n[14:]}",
        lambda n: f"{n[:6]}\u3000{n[6:14]}\u3000{n[14:]}",
        lambda n: n.translate(FULL_WIDTH),
        lambda n: n.lower(),
    )
    return ways[index % len(ways)](number)


_CONNECTION_STATE = (
    "in_atomic_block",
    "savepoint_ids",
    "atomic_blocks",
    "needs_rollback",
    "health_check_enabled",
    "close_at",
    "closed_in_transaction",
    "errors_occurred",
    "health_check_done",
    "run_on_commit",
    "autocommit",
    "commit_on_exit",
    "savepoint_state",
)


@contextlib.contextmanager
def database_unreachable(alias: str = "default") -> Iterator[None]:
    """Within the block the database cannot be reached for real: the open connection is put aside and the
    connection settings point at nothing (PostgreSQL: a closed port; SQLite: a file in a directory that does
    not exist), so the next query fails in the driver's connect with Django's OperationalError. On leaving,
    the settings and the connection put aside come back (the test's transaction with it)."""
    conn = connections[alias]
    saved_settings = dict(conn.settings_dict)
    saved_connection = conn.connection
    # connect() resets the connection's transaction state (the test's own atomic block): keep it too.
    saved_state = {name: copy.copy(getattr(conn, name)) for name in _CONNECTION_STATE}
    if conn.vendor == "sqlite":
        conn.settings_dict["NAME"] = "/nonexistent-pingan-test-dir/down.sqlite3"
    else:
        conn.settings_dict.update(HOST="127.0.0.1", PORT="9")  # the discard port: nothing listens
        conn.settings_dict.setdefault("OPTIONS", {})
        conn.settings_dict["OPTIONS"] = {**conn.settings_dict["OPTIONS"], "connect_timeout": 2}
    conn.connection = None
    try:
        yield
    finally:
        if conn.connection is not None and conn.connection is not saved_connection:
            conn.connection.close()
        conn.settings_dict.clear()
        conn.settings_dict.update(saved_settings)
        conn.connection = saved_connection
        for name, value in saved_state.items():
            setattr(conn, name, value)


# --- the audit log's flush gate (tests only) -------------------------------------------------------


def allow_audit_flush_in_tests() -> None:
    """Let Django's flush (the end of every transactional test) empty the audit log, which the database
    otherwise refuses (migration core 0006): each flush opens the gate for its own transaction only —
    PostgreSQL's TRUNCATE with SET LOCAL pingan.audit_flush, SQLite's DELETE with a 'flush' row in
    pingan_audit_gate that the same transaction removes. Installed by the test suite's conftest; the product
    never calls it, so `manage.py flush` on a real database stays refused."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush
    if getattr(original, "audit_gate", False):
        return

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: Iterable[str]) -> None:
        vendor = self.connection.vendor
        if vendor == "postgresql":
            sql_list = ["SET LOCAL pingan.audit_flush = 'on'", *sql_list]
        elif vendor == "sqlite":
            sql_list = [
                "INSERT OR IGNORE INTO pingan_audit_gate (name) VALUES ('flush')",
                *sql_list,
                "DELETE FROM pingan_audit_gate WHERE name = 'flush'",
            ]
        original(self, sql_list)

    execute_sql_flush.audit_gate = True  # type: ignore[attr-defined]
    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
