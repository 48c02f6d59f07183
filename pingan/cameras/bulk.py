"""Writing many camera rows, with their history rows, as prepared statements run many times (executemany).

A city's register is about 100,000 points. The ORM's bulk_create and bulk_update compile every value of
every row on their own (and bulk_update builds one CASE per column), which made a 100,000-row import
spend most of a minute in query compilation. Here one prepared INSERT or UPDATE runs with many parameter
rows (SQLite), and new rows are streamed with COPY (PostgreSQL), several times faster. Values still go through each
field's `get_db_prep_save`, so they are stored exactly as the ORM would store them, and every written
camera gets its django-simple-history row ('+' created, '~' changed) as `save()` would have given it.

Callers run inside the import's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

from .models import Camera

BATCH = 5_000
ADAPTED = frozenset({"DecimalField", "DateField", "DateTimeField"})
HISTORY_EXTRA = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _fields(model: type[Model], names: Iterable[str]) -> list[Field[Any, Any]]:
    """The fields named (by attname or name): each is stored in a column of the model's table."""
    concrete = {key: field for field in model._meta.concrete_fields for key in (field.attname, field.name)}
    return [concrete[name] for name in names]


def _column(field: Field[Any, Any]) -> str:
    assert field.column is not None  # a concrete field has its column
    return field.column


def _prepared(fields: list[Field[Any, Any]], rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """Rows with decimals, dates and datetimes adapted as the ORM adapts them for this database; text,
    numbers and booleans go to the driver as they are (converting them too would double the time)."""
    adapt = [i for i, field in enumerate(fields) if field.get_internal_type() in ADAPTED]
    if not adapt:
        return [list(row) for row in rows]
    prepared = []
    for row in rows:
        values = list(row)
        for i in adapt:
            values[i] = fields[i].get_db_prep_save(values[i], connection)
        prepared.append(values)
    return prepared


def _executemany(sql: str, rows: list[list[Any]]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _insert(model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT many rows: PostgreSQL's COPY (one stream, no statement per row); SQLite runs in-process,
    where one prepared INSERT run many times is as fast as it gets."""
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = _fields(model, names)
    table, columns = quote(model._meta.db_table), ", ".join(quote(_column(field)) for field in fields)
    prepared = _prepared(fields, rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in prepared:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(fields))
    _executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", prepared)


def cameras_insert(rows: list[dict[str, Any]]) -> None:
    """Create cameras from dicts of field attnames (without id)."""
    names = list(rows[0]) if rows else []
    _insert(Camera, names, [[row[name] for name in names] for row in rows])


def cameras_update(rows: list[dict[str, Any]], names: Sequence[str]) -> None:
    """Set `names` on cameras given as dicts of attnames with their "id"."""
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = _fields(Camera, names)
    assignments = ", ".join(f"{quote(_column(field))} = %s" for field in fields)
    sql = f"UPDATE {quote(Camera._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    prepared = _prepared(fields, ([row[name] for name in names] for row in rows))
    _executemany(sql, [values + [row["id"]] for values, row in zip(prepared, rows, strict=True)])


def history_insert(rows: list[dict[str, Any]], *, history_type: str, user_id: int | None) -> None:
    """History rows of cameras given as complete dicts of attnames (with "id")."""
    if not rows:
        return
    names = [field.attname for field in Camera._meta.concrete_fields]
    now = timezone.now()
    values = [[row[name] for name in names] + [now, None, history_type, user_id] for row in rows]
    _insert(get_history_model_for_model(Camera), [*names, *HISTORY_EXTRA], values)
