"""Bulk writing of generated rows: a row is a plain dict of field attname → value (a tenth of the cost of a
model instance, which matters for the million rows of the demo), written with one prepared INSERT per
batch (COPY on PostgreSQL). bulk_create spends most of its time compiling one huge statement per batch; a
prepared statement writes the demo several times faster."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from typing import Any

from django.db import connection, models
from django.db.models import Model
from django.utils import timezone

from pingan.core import crypto
from pingan.core.fields import BlindIndexField, EncryptedCharField

Row = dict
BATCH = 2000


_SQLITE_TIMES: dict[datetime.datetime, str] = {}


def _sqlite_time(value: datetime.datetime | None) -> str | None:
    """What adapt_datetimefield_value does on SQLite, without its per-call overhead, and remembered: the
    demo writes each time several times (an event, its historical record, its audit entry)."""
    if value is None:
        return None
    found = _SQLITE_TIMES.get(value)
    if found is None:
        if len(_SQLITE_TIMES) > 400_000:
            _SQLITE_TIMES.clear()
        found = _SQLITE_TIMES[value] = str(value.astimezone(datetime.UTC).replace(tzinfo=None))
    return found


def times_forget() -> None:
    """Forget the remembered times (after a data set: its times do not come again)."""
    _SQLITE_TIMES.clear()


Preparer = Callable[[Any], Any]


def _column(field: models.Field[Any, Any]) -> str:
    assert field.column is not None  # a concrete field has its column
    return field.column


def _preparer(field: models.Field[Any, Any]) -> Preparer | None:
    """How a Python value becomes a query parameter for `field`, as the ORM would do it (None: as it is)."""
    if isinstance(field, EncryptedCharField):  # sealed as the ORM seals it (core.fields)
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite":
            return _sqlite_time
        return lambda value: None if value is None else connection.ops.adapt_datetimefield_value(value)
    if isinstance(field, models.JSONField) and connection.vendor == "sqlite" and field.encoder is None:
        return json.dumps
    if isinstance(field, models.JSONField | models.DecimalField | models.DateField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


class Table:
    """The columns of a model's table (all concrete fields but an automatic primary key) and how a row's
    values become query parameters. Missing values take the field's default, as in a model instance;
    `auto_now`/`auto_now_add` fields left empty take the time of the load."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fields = [
            f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))
        ]
        self.names = [f.attname for f in self.fields]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.defaults = [f.get_default() for f in self.fields]
        self.preparers = [_preparer(f) for f in self.fields]
        self.prepared = [(i, prepare) for i, prepare in enumerate(self.preparers) if prepare]
        # Blind indexes (core.fields) of the encrypted fields, from the row's plain value.
        self.indexed = [
            (i, f.source_field().attname, f.source_field().purpose)
            for i, f in enumerate(self.fields)
            if isinstance(f, BlindIndexField)
        ]
        self.stamped = [
            i for i, f in enumerate(self.fields) if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.now = timezone.now()

    def values(self, row: Mapping[str, Any]) -> list:
        """The query parameters of one row, in column order."""
        values = [row.get(name, default) for name, default in zip(self.names, self.defaults, strict=True)]
        for i in self.stamped:
            if values[i] is None:
                values[i] = self.now
        for i, source, purpose in self.indexed:
            values[i] = crypto.blind_index(row.get(source) or "", purpose=purpose)
        for i, prepare in self.prepared:
            values[i] = prepare(values[i])
        return values

    def prepare(self, index: int, value: Any) -> Any:
        """One value as the query parameter of the column at `index`."""
        prepare = self.preparers[index]
        return value if prepare is None else prepare(value)

    def insert(self, rows: Iterable[list]) -> int:
        """Write rows of query parameters (`values`), streamed in batches; returns how many."""
        qn = connection.ops.quote_name
        columns = ", ".join(qn(_column(f)) for f in self.fields)
        count = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # COPY: one stream instead of a round trip per row
                with cursor.cursor.copy(f"COPY {qn(self.model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                    for values in rows:
                        copy.write_row(values)
                        count += 1
                return count
            placeholders = ", ".join(["%s"] * len(self.fields))
            sql = f"INSERT INTO {qn(self.model._meta.db_table)} ({columns}) VALUES ({placeholders})"
            rows = iter(rows)
            while batch := list(islice(rows, BATCH)):
                cursor.executemany(sql, batch)
                count += len(batch)
        return count


def rows_insert(model: type[Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """INSERT rows (dicts of attname → value) with executemany, or COPY on PostgreSQL."""
    table = Table(model)
    return table.insert(table.values(row) for row in rows)
