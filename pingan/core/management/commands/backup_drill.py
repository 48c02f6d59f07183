"""Backup and restore drill (docs/operations.md): back the database up, restore it into a new empty database,
and check that the copy is whole: the same tables with the same number of rows, and an unbroken audit chain
(`manage.py audit_verify` on the copy, when the command is installed). The copy is dropped afterwards unless
--keep.

PostgreSQL: `pg_dump -Fc` (the custom format pg_restore reads) and `pg_restore` into `<name>_drill_<random>`.
The rows are counted in a REPEATABLE READ transaction whose snapshot pg_dump is given (`--snapshot`), so the
counts and the dump see the same instant even while the site keeps writing. pg_dump must be of the server's
major version (an older pg_dump refuses a newer server; a newer one writes archives an older pg_restore
cannot read).

SQLite: SQLite's online backup API into a file, taken in the read transaction that counted the rows; the
backup is then copied into place as a new database file and counted."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from argparse import ArgumentParser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

Counts = dict[str, int]


def pg_major(version_text: str) -> int:
    """The major version in `pg_dump --version` output ("pg_dump (PostgreSQL) 15.20 (Debian ...)" → 15)."""
    match = re.search(r"\)\s+(\d+)", version_text)
    if not match:
        raise CommandError(f"cannot read pg_dump's version from {version_text!r}")
    return int(match.group(1))


class Command(BaseCommand):
    help = (
        "Back up the database, restore it into a new empty database, compare the row counts of every table and "
        "verify the audit chain on the copy; exit non-zero on any difference."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--keep", action="store_true", help="keep the restored copy (and say where it is)")
        parser.add_argument("--dump", type=Path, help="write the backup here (default: a temporary file)")

    def handle(self, *args: Any, keep: bool = False, dump: Path | None = None, **options: Any) -> None:
        with tempfile.TemporaryDirectory(prefix="pingan-drill-") as scratch:
            if connection.vendor == "postgresql":
                source, restored, copy_url, drop = self._postgresql(dump or Path(scratch) / "pingan.dump")
            elif connection.vendor == "sqlite":
                source, restored, copy_url, drop = self._sqlite(dump or Path(scratch) / "pingan.sqlite3", keep)
            else:
                raise CommandError(f"no drill for the {connection.vendor} database")
            try:
                self._compare(source, restored)
                self._verify_audit_chain(copy_url)
            finally:
                if keep:
                    self.stdout.write(f"restored copy kept: {copy_url}")
                else:
                    drop()
        self.stdout.write(self.style.SUCCESS(f"drill passed: {len(source)} tables, {sum(source.values())} rows"))

    # --- PostgreSQL ---------------------------------------------------------------------------------------

    def _postgresql(self, target: Path) -> tuple[Counts, Counts, str, Callable[[], None]]:
        import psycopg
        from psycopg import sql

        params = connection.settings_dict
        env = {
            **os.environ,
            "PGHOST": str(params.get("HOST") or ""),
            "PGPORT": str(params.get("PORT") or ""),
            "PGUSER": str(params.get("USER") or ""),
            "PGPASSWORD": str(params.get("PASSWORD") or ""),
        }
        name = str(params["NAME"])
        self._check_pg_dump_version(env)

        def connect(dbname: str, **kwargs: Any) -> psycopg.Connection[Any]:
            return psycopg.connect(
                dbname=dbname,
                host=env["PGHOST"] or None,
                port=env["PGPORT"] or None,
                user=env["PGUSER"] or None,
                password=env["PGPASSWORD"] or None,
                **kwargs,
            )

        with connect(name) as snapshot_holder:
            snapshot_holder.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            snapshot_holder.read_only = True
            snapshot = snapshot_holder.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
            source = self._pg_counts(snapshot_holder)
            self._run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}", name], env)
        self.stdout.write(f"backed up {name}: {target} ({target.stat().st_size} bytes)")

        copy = f"{name}_drill_{secrets.token_hex(4)}"[:63]
        with connect("postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(copy)))

        def drop() -> None:
            with connect("postgres", autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy)))

        try:
            self._run(["pg_restore", "--exit-on-error", "--no-owner", f"--dbname={copy}", str(target)], env)
            with connect(copy) as restored_db:
                restored = self._pg_counts(restored_db)
        except BaseException:
            drop()
            raise
        self.stdout.write(f"restored into the new database {copy}")
        user = quote(env["PGUSER"], safe="")
        password = f":{quote(env['PGPASSWORD'], safe='')}" if env["PGPASSWORD"] else ""
        host = env["PGHOST"] or "localhost"
        port = f":{env['PGPORT']}" if env["PGPORT"] else ""
        return source, restored, f"postgres://{user}{password}@{host}{port}/{copy}", drop

    def _check_pg_dump_version(self, env: dict[str, str]) -> None:
        tool = pg_major(self._run(["pg_dump", "--version"], env))
        connection.ensure_connection()
        server = connection.pg_version // 10000  # type: ignore[attr-defined]
        if tool != server:
            raise CommandError(
                f"pg_dump {tool} does not match the PostgreSQL {server} server: install the client tools of "
                f"version {server} (Debian: postgresql-client-{server})"
            )

    @staticmethod
    def _pg_counts(db: Any) -> Counts:
        from psycopg import sql

        tables = db.execute(
            "SELECT schemaname, tablename FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
        ).fetchall()
        return {
            f"{schema}.{table}": db.execute(
                sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
            ).fetchone()[0]
            for schema, table in tables
        }

    def _run(self, command: list[str], env: dict[str, str]) -> str:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode:
            raise CommandError(f"{command[0]} failed (exit status {result.returncode}): {result.stderr.strip()}")
        return result.stdout

    # --- SQLite -------------------------------------------------------------------------------------------

    def _sqlite(self, target: Path, keep: bool) -> tuple[Counts, Counts, str, Callable[[], None]]:
        if connection.in_atomic_block:
            raise CommandError("run the drill outside a transaction")
        connection.ensure_connection()
        raw = connection.connection
        # One read transaction (WAL: a snapshot) for the counts and the backup, so that both see the same rows while
        # the site keeps writing. Not a writing transaction: SQLite's backup waits forever for its own write lock.
        raw.execute("BEGIN DEFERRED")
        try:
            source = self._sqlite_counts(raw)
            with closing_sqlite(target) as backup:
                raw.backup(backup)
        finally:
            raw.execute("COMMIT")
        self.stdout.write(f"backed up into {target} ({target.stat().st_size} bytes)")
        folder = Path(settings.VAR_DIR) if keep else target.parent
        copy = folder / f"drill-{secrets.token_hex(4)}.sqlite3"
        shutil.copyfile(target, copy)  # restoring an SQLite backup is putting the file in place
        with closing_sqlite(copy) as restored_db:
            restored = self._sqlite_counts(restored_db)
        self.stdout.write(f"restored into the new file {copy}")
        return source, restored, f"sqlite:///{copy}", lambda: copy.unlink(missing_ok=True)

    @staticmethod
    def _sqlite_counts(db: Any) -> Counts:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}

    # --- both ---------------------------------------------------------------------------------------------

    def _compare(self, source: Counts, restored: Counts) -> None:
        differences = [
            f"{table}: {source.get(table, 'missing')} in the database, {restored.get(table, 'missing')} in the copy"
            for table in sorted(source.keys() | restored.keys())
            if source.get(table) != restored.get(table)
        ]
        if differences:
            raise CommandError("the restored copy differs:\n  " + "\n  ".join(differences))
        self.stdout.write(f"row counts equal in all {len(source)} tables ({sum(source.values())} rows)")

    def _verify_audit_chain(self, copy_url: str) -> None:
        if "audit_verify" not in get_commands():
            self.stdout.write("audit_verify is not installed: the audit chain was not checked")
            return
        result = subprocess.run(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "audit_verify"],
            env={**os.environ, "DATABASE_URL": copy_url},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise CommandError(f"audit_verify failed on the restored copy:\n{result.stdout}{result.stderr}")
        self.stdout.write(f"audit chain verified on the copy: {result.stdout.strip()}")


@contextmanager
def closing_sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(path)
    try:
        yield db
    finally:
        db.close()
