"""Re-writing encrypted columns in place, in batches: the data migrations that first encrypt them, and
`manage.py rotate_data_key` (core.crypto, core.fields).

It works on raw columns with a cursor (no model: migrations run it on their tables as they are then, and
historical tables are just more tables). A table is read in pages by primary key; each page is written in
its own transaction; a row is rewritten only if it still needs it and only if nobody changed it meanwhile
(`UPDATE … WHERE pk = %s AND column = <the value read>`), so a stopped run simply runs again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations import RunPython

from . import crypto
from .fields import INDEX_SUFFIX

BATCH_SIZE = 500


class Mode(StrEnum):
    ENCRYPT = "encrypt"  # plain → sealed under the newest key, index set (the first data migration)
    DECRYPT = "decrypt"  # sealed → plain, index emptied (that migration's reverse)
    ROTATE = "rotate"  # sealed under an older key → the newest key; index recomputed
    REINDEX = "reindex"  # every row: sealed under the newest key and index recomputed (a new index key)


@dataclass(frozen=True)
class Column:
    name: str
    purpose: str

    @property
    def index(self) -> str:
        return self.name + INDEX_SUFFIX


@dataclass(frozen=True)
class Table:
    name: str
    pk: str
    columns: tuple[Column, ...]


def _plain(stored: str, column: Column, ring: crypto.Keyring) -> str:
    return crypto.decrypt(stored, purpose=column.purpose, keyring=ring) if crypto.is_sealed(stored) else stored


def _rewrite(stored: str, column: Column, mode: Mode, ring: crypto.Keyring) -> tuple[str, str] | None:
    """The new (value, index) of one cell, or None when it needs nothing."""
    if not stored:
        return None
    sealed = crypto.is_sealed(stored)
    if mode == Mode.ENCRYPT and sealed:
        return None
    if mode == Mode.DECRYPT:
        return (_plain(stored, column, ring), "") if sealed else None
    if mode == Mode.ROTATE and sealed and crypto.key_id(stored) == ring.current_kid:
        return None
    plain = _plain(stored, column, ring)
    return (
        crypto.encrypt(plain, purpose=column.purpose, keyring=ring),
        crypto.blind_index(plain, purpose=column.purpose, keyring=ring),
    )


def reseal_table(
    connection: BaseDatabaseWrapper,
    table: Table,
    mode: Mode,
    *,
    keyring: crypto.Keyring | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[str, int], None] | None = None,
) -> int:
    """Rewrite what `mode` asks for in one table; returns the number of rows changed."""
    ring = keyring or crypto.get_keyring()
    qn = connection.ops.quote_name
    names = [column.name for column in table.columns]
    select = (
        f"SELECT {qn(table.pk)}, {', '.join(qn(n) for n in names)} FROM {qn(table.name)} "
        f"WHERE {qn(table.pk)} > %s ORDER BY {qn(table.pk)} LIMIT %s"
    )
    changed = 0
    last: Any = -1
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(select, [last, batch_size])
            rows = cursor.fetchall()
            for row in rows:
                pk, values = row[0], row[1:]
                sets: list[str] = []
                params: list[Any] = []
                guards: list[str] = []
                guard_params: list[Any] = []
                for column, stored in zip(table.columns, values, strict=True):
                    new = _rewrite(stored or "", column, mode, ring)
                    if new is None:
                        continue
                    sets += [f"{qn(column.name)} = %s", f"{qn(column.index)} = %s"]
                    params += list(new)
                    guards.append(f"{qn(column.name)} = %s")
                    guard_params.append(stored)
                if sets:
                    cursor.execute(
                        f"UPDATE {qn(table.name)} SET {', '.join(sets)} "
                        f"WHERE {qn(table.pk)} = %s AND {' AND '.join(guards)}",
                        [*params, pk, *guard_params],
                    )
                    changed += cursor.rowcount
        if not rows:
            break
        last = rows[-1][0]
        if progress is not None:
            progress(table.name, changed)
    return changed


def reseal_tables(
    connection: BaseDatabaseWrapper, tables: Sequence[Table], mode: Mode, **kwargs: object
) -> dict[str, int]:
    return {table.name: reseal_table(connection, table, mode, **kwargs) for table in tables}  # type: ignore[arg-type]


def encrypt_columns_operation(*tables: Table) -> RunPython:
    """The data migration that encrypts existing rows (historical tables included), in batches. Reversible:
    going back decrypts them (with the same keys) before the columns narrow again."""

    def forward(apps: object, schema_editor: BaseDatabaseSchemaEditor) -> None:
        reseal_tables(schema_editor.connection, tables, Mode.ENCRYPT)

    def backward(apps: object, schema_editor: BaseDatabaseSchemaEditor) -> None:
        reseal_tables(schema_editor.connection, tables, Mode.DECRYPT)

    return RunPython(forward, backward, elidable=False)
