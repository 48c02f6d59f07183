"""Re-encrypt every encrypted column (core.fields), historical tables included, under the newest data key.

    PINGAN_DATA_KEYS="k2:<new>,k1:<old>" manage.py rotate_data_key

Put the new key first and keep the old one listed; run this; when it reports nothing left under the old
key, the old key may be removed. It works in batches, each in its own transaction, and rewrites only rows
still sealed under an older key, so a stopped run is simply started again. `--reindex` rewrites every row
and recomputes the blind index too (after the index secret changed; searches miss rows not yet done)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.translation import gettext as _

from pingan.core import crypto
from pingan.core.audit import audit_log
from pingan.core.fields import encrypted_fields
from pingan.core.models import AuditAction
from pingan.core.resealing import BATCH_SIZE, Column, Mode, Table, reseal_table


def encrypted_tables() -> list[Table]:
    """Every table with encrypted columns: the models' and their simple_history copies'."""
    tables: list[Table] = []
    for model in apps.get_models():
        fields = encrypted_fields(model)
        if fields and not model._meta.proxy and model._meta.managed:
            columns = tuple(Column(str(field.column), field.purpose) for field in fields)
            tables.append(Table(model._meta.db_table, str(model._meta.pk.column), columns))
    return sorted(tables, key=lambda table: table.name)


def stale_rows(table: Table, kid: str) -> int:
    """Rows of `table` holding a value sealed under another key than `kid`."""
    qn = connection.ops.quote_name
    stale = " OR ".join(f"({qn(c.name)} LIKE %s AND {qn(c.name)} NOT LIKE %s)" for c in table.columns)
    params: list[str] = []
    for _column in table.columns:
        params += [f"{crypto.VERSION}:%", f"{crypto.VERSION}:{kid}:%"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {qn(table.name)} WHERE {stale}", params)
        return int(cursor.fetchone()[0])


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column (and its history) under the newest data key, in batches."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--reindex", action="store_true", help="rewrite every row and its blind index")

    def handle(self, *args: Any, batch_size: int = BATCH_SIZE, reindex: bool = False, **options: Any) -> None:
        crypto.reset_keyring()
        ring = crypto.get_keyring()
        mode = Mode.REINDEX if reindex else Mode.ROTATE
        changed: dict[str, int] = {}
        for table in encrypted_tables():
            changed[table.name] = reseal_table(connection, table, mode, keyring=ring, batch_size=batch_size)
            left = stale_rows(table, ring.current_kid)
            self.stdout.write(f"{table.name}: {changed[table.name]} rewritten, {left} left under older keys")
        audit_log(
            actor=None,
            action=AuditAction.UPDATE,
            object_type="core.datakey",
            object_id=ring.current_kid,
            reason=_("数据密钥轮换并重建检索索引") if reindex else _("数据密钥轮换"),
            changes={"key": ring.current_kid, "mode": str(mode), "rows": changed},
        )
