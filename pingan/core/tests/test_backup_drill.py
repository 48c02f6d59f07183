"""The backup and restore drill (`manage.py backup_drill`, docs/operations.md) against the test database: on
PostgreSQL with pg_dump -Fc and pg_restore into a new database, on SQLite with its online backup API. The copy
must have every table with the same number of rows; a copy that differs fails the drill."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from pingan.cases.models import Case
from pingan.core.management.commands import backup_drill
from pingan.core.management.commands.backup_drill import pg_major


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n", 15),  # Debian 12's postgresql-client-15
        ("pg_dump (PostgreSQL) 9.6.24\n", 9),  # the old numbering: 9.6 is major release 9.6, reported as 9
        ("pg_dump (PostgreSQL) 17.2\n", 17),
    ],
)
def test_pg_dump_versions_are_read(output, major):
    assert pg_major(output) == major


@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_every_row_into_a_new_database(migration_data, dispute, tmp_path):
    out = io.StringIO()
    call_command("backup_drill", dump=tmp_path / "pingan.backup", stdout=out)
    report = out.getvalue()
    assert "drill passed" in report
    match = re.search(r"row counts equal in all (\d+) tables \((\d+) rows\)", report)
    assert match and int(match.group(1)) > 40 and int(match.group(2)) > 0
    assert (tmp_path / "pingan.backup").stat().st_size > 0
    if connection.vendor == "postgresql":
        assert (tmp_path / "pingan.backup").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
        with connection.cursor() as cursor:  # the copy is dropped afterwards
            cursor.execute(
                "SELECT count(*) FROM pg_database WHERE datname LIKE %s",
                [connection.settings_dict["NAME"] + "_drill_%"],
            )
            assert cursor.fetchone()[0] == 0
    assert Case.objects.filter(pk=dispute.pk).exists()  # the database itself untouched


@pytest.mark.django_db(transaction=True)
def test_a_copy_that_lost_rows_fails_the_drill(migration_data, dispute, monkeypatch):
    counts = backup_drill.Command._sqlite_counts if connection.vendor == "sqlite" else backup_drill.Command._pg_counts
    calls = []

    def lossy(db):
        result = counts(db)
        calls.append(result)
        if len(calls) == 2:  # the restored copy
            result["cases_case" if connection.vendor == "sqlite" else "public.cases_case"] -= 1
        return result

    monkeypatch.setattr(
        backup_drill.Command, "_sqlite_counts" if connection.vendor == "sqlite" else "_pg_counts", staticmethod(lossy)
    )
    with pytest.raises(CommandError, match=r"cases_case: 1 in the database, 0 in the copy"):
        call_command("backup_drill", stdout=io.StringIO())
