"""The audit trail is append-only in the database and hash-chained (core.auditchain, migrations core 0005 and
0006): UPDATE, DELETE and TRUNCATE are refused by triggers; a row changed, removed or put in by someone who
disabled them (as a DBA could) is found by `audit_verify`; old rows move to an archive the chain still
verifies from. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import threading
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from pingan.core import auditchain
from pingan.core.audit import audit_log
from pingan.core.models import AuditAction, AuditArchive, AuditLog

SHANGHAI = ZoneInfo("Asia/Shanghai")
TABLE = AuditLog._meta.db_table


def _entries(n: int, **kwargs) -> list[AuditLog]:
    return [
        audit_log(actor=None, action=AuditAction.EXPORT, object_type="cases.case", reason=f"第{i}次", **kwargs)
        for i in range(n)
    ]


def _verify() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _sql(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _disable_triggers() -> None:
    """What a DBA with the owner's rights could do (undone with the test's transaction: DDL is transactional
    in both databases)."""
    if connection.vendor == "postgresql":
        _sql("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks: ALTER TABLE needs none
        _sql(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
    else:
        _sql("DROP TRIGGER core_auditlog_no_update")
        _sql("DROP TRIGGER core_auditlog_no_delete")


# --- the canonical form ------------------------------------------------------------------------------


def test_sha256_is_the_standard_one():
    # FIPS 180-2, Appendix B.1: SHA-256("abc").
    assert hashlib.sha256(b"abc").hexdigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_canonical_form_version_1_is_the_documented_bytes():
    row = {
        "seq": 7,
        "prev_hash": "ab" * 32,
        "created_at": datetime.datetime(2026, 11, 18, 10, 0, 0, 5, tzinfo=SHANGHAI),
        "chain_version": 1,
        "actor_id": 3,
        "action": "unmask",
        "object_type": "cases.party",
        "object_id": "12",
        "object_repr": "张三",
        "region_code": "430202",
        "ip": "10.1.2.3",
        "user_agent": "",
        "reason": "核实身份",
        "changes": {"z": 1, "a": ["x", None]},
    }
    expected = (
        '{"action":"unmask","actor":3,"changes":{"a":["x",null],"z":1},"created_at":"2026-11-18T02:00:00.000005Z",'
        '"ip":"10.1.2.3","object_id":"12","object_repr":"张三","object_type":"cases.party","prev":"' + "ab" * 32 + '",'
        '"reason":"核实身份","region_code":"430202","seq":7,"user_agent":"","v":1}'
    )
    assert auditchain.canonical_v1(row) == expected.encode("utf-8")
    assert auditchain.row_hash(row) == hashlib.sha256(expected.encode("utf-8")).hexdigest()


# --- appending ---------------------------------------------------------------------------------------


def test_entries_are_chained_in_order(db):
    entries = _entries(3)
    rows = list(AuditLog.objects.order_by("seq").values("seq", "prev_hash", "hash"))
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert rows[0]["prev_hash"] == auditchain.GENESIS
    assert rows[1]["prev_hash"] == rows[0]["hash"] and rows[2]["prev_hash"] == rows[1]["hash"]
    assert entries[2].hash == rows[2]["hash"]  # what was hashed is what was stored and read back
    code, out, _err = _verify()
    assert code == 0 and "3 rows" in out and rows[2]["hash"] in out


def test_stored_values_hash_as_written(db, people):
    from pingan.core.context import RequestInfo, reset_request_info, set_request_info

    token = set_request_info(RequestInfo(ip="2001:DB8:0:0:0:0:0:1", user_agent="浏览器 " + "x" * 300))
    try:
        audit_log(
            actor=people.clerk,
            action=AuditAction.UNMASK,
            object_type="cases.party",
            reason="核实 \u0007身份",
            changes={"数": 1, "list": [1.5, True, None], "nested": {"b": "é", "a": ""}},
        )
    finally:
        reset_request_info(token)
    assert _verify()[0] == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database (shared cache) has table locks that do not wait; the site's file "
    "database serialises writers with BEGIN IMMEDIATE",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    def write() -> None:
        try:
            for _ in range(10):
                audit_log(actor=None, action=AuditAction.EXPORT, object_type="cases.case")
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(AuditLog.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 81))
    assert auditchain.verify().ok


# --- the triggers ------------------------------------------------------------------------------------


def test_update_is_refused_by_the_database(db):
    entry = _entries(1)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        _sql(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["改写", entry.pk])
    assert AuditLog.objects.get(pk=entry.pk).reason == "第0次"


def test_delete_is_refused_by_the_database(db):
    entry = _entries(1)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        _sql(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_delete_of_an_old_row_is_refused_without_the_archive(db):
    with time_machine.travel(datetime.datetime(2025, 1, 10, tzinfo=SHANGHAI), tick=False):
        entry = _entries(1)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        _sql(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    assert AuditLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused_by_the_database(db):
    _entries(1)
    _sql("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE needs no pending foreign-key checks
    with pytest.raises(IntegrityError), transaction.atomic():
        _sql(f"TRUNCATE {TABLE} CASCADE")
    assert AuditLog.objects.count() == 1


def test_verify_reports_a_disabled_trigger(db):
    _entries(2)
    _disable_triggers()
    code, _out, err = _verify()
    assert code == 1 and "[trigger]" in err


# --- what audit_verify finds ------------------------------------------------------------------------


def test_a_changed_row_is_found(db):
    entries = _entries(4)
    _disable_triggers()
    _sql(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["改写", entries[1].pk])
    code, _out, err = _verify()
    assert code == 1
    assert "[changed] seq 2:" in err
    assert "[missing]" not in err and "[broken_link]" not in err


def test_a_missing_row_is_found(db):
    entries = _entries(4)
    _disable_triggers()
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [entries[2].pk])
    code, _out, err = _verify()
    assert code == 1 and "[missing] seq 4: row(s) 3 missing" in err


def test_a_forged_row_replacing_one_is_found(db):
    """The forger knows the algorithm: the new row matches its own hash and links to row 1, but row 3
    still links to the original row 2."""
    entries = _entries(3)
    _disable_triggers()
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [entries[1].pk])
    row = {
        f: getattr(entries[1], f)
        for f in ("seq", "prev_hash", "created_at", "chain_version", *auditchain.HASHED_FIELDS)
    }
    row["reason"] = "伪造的事由"
    forged_hash = auditchain.row_hash(row)
    _sql(
        f"INSERT INTO {TABLE} (created_at, action, object_type, object_id, object_repr, region_code, user_agent,"
        " reason, changes, seq, prev_hash, hash, chain_version) VALUES (%s, 'export', 'cases.case', '', '', '', '',"
        " %s, '{}', 2, %s, %s, 1)",
        [row["created_at"], row["reason"], row["prev_hash"], forged_hash],
    )
    code, _out, err = _verify()
    assert code == 1 and "[broken_link] seq 3:" in err and "[changed]" not in err


def test_a_row_appended_with_raw_sql_is_found(db):
    entries = _entries(2)
    _sql(
        f"INSERT INTO {TABLE} (created_at, action, object_type, object_id, object_repr, region_code, user_agent,"
        " reason, changes, seq, prev_hash, hash, chain_version) VALUES (%s, 'export', 'cases.case', '', '', '', '',"
        " '', '{}', 3, %s, %s, 1)",
        [entries[1].created_at, entries[1].hash, "f" * 64],
    )
    code, _out, err = _verify()
    assert code == 1 and "[changed] seq 3:" in err


# --- the archive -------------------------------------------------------------------------------------


def _old_and_new(db_time: datetime.datetime, old: int, new: int) -> None:
    with time_machine.travel(db_time, tick=True):
        _entries(old)
    _entries(new)


def test_archive_round_trip(db, tmp_path, settings):
    """Rows older than the date go to a compressed file with a manifest and leave the table; the rest still
    verifies from the archive's anchor; the file verifies on its own; new rows continue the chain."""
    _old_and_new(datetime.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI), old=5, new=3)
    head_before = AuditLog.objects.order_by("-seq").values_list("hash", flat=True).first()
    originals = list(AuditLog.objects.order_by("seq").values("seq", "hash", "reason"))[:5]

    out = StringIO()
    call_command("audit_archive", "--before", "2026-04-01", "--output", str(tmp_path), stdout=out)
    assert "archived 5 rows (seq 1–5)" in out.getvalue()

    manifest_path = tmp_path / "audit-000000000001-000000000005.manifest.json"
    manifest = json.loads(manifest_path.read_text())
    assert (manifest["rows"], manifest["first_seq"], manifest["last_seq"]) == (5, 1, 5)
    assert manifest["first_hash"] == originals[0]["hash"] and manifest["last_hash"] == originals[4]["hash"]
    assert manifest["anchor_prev_hash"] == auditchain.GENESIS
    with gzip.open(tmp_path / manifest["file"], "rt", encoding="utf-8") as lines:
        archived = [json.loads(line) for line in lines]
    assert [(r["seq"], r["hash"], r["reason"]) for r in archived] == [tuple(o.values()) for o in originals]

    # The table now starts at seq 6 (+ the archive's own entry at 9), anchored by the archive record.
    assert list(AuditLog.objects.order_by("seq").values_list("seq", flat=True)) == [6, 7, 8, 9]
    assert AuditLog.objects.get(seq=8).hash == head_before
    assert AuditLog.objects.get(seq=9).action == AuditAction.ARCHIVE
    assert AuditArchive.objects.get().last_hash == originals[4]["hash"]
    code, verify_out, err = _verify()
    assert code == 0, err
    call_command("audit_verify", "--archive", str(manifest_path), stdout=StringIO())


def test_archive_file_tampering_is_found(db, tmp_path):
    _old_and_new(datetime.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI), old=3, new=1)
    call_command("audit_archive", "--before", "2026-04-01", "--output", str(tmp_path), stdout=StringIO())
    manifest_path = next(tmp_path.glob("*.manifest.json"))
    data_path = tmp_path / json.loads(manifest_path.read_text())["file"]
    with gzip.open(data_path, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    rows[1]["reason"] = "改写"
    data_path.write_bytes(gzip.compress("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()))
    with pytest.raises(CommandError):
        call_command("audit_verify", "--archive", str(manifest_path), stdout=StringIO(), stderr=StringIO())
    report = auditchain.verify_archive(manifest_path)
    assert {f.kind for f in report.findings} == {"changed"}


def test_archive_refuses_rows_younger_than_the_retention(db, tmp_path, settings):
    # 网络安全法 第二十一条: 留存相关的网络日志不少于六个月 — 183 days at least, whatever the setting says.
    _old_and_new(datetime.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI), old=2, new=1)
    settings.PINGAN_AUDIT_RETENTION_DAYS = 30
    with pytest.raises(CommandError, match="183"):
        call_command(
            "audit_archive", "--before", "2026-06-01", "--output", str(tmp_path / "archive"), stdout=StringIO()
        )
    settings.PINGAN_AUDIT_RETENTION_DAYS = 365
    with pytest.raises(CommandError, match="365"):
        call_command(
            "audit_archive", "--before", "2026-04-01", "--output", str(tmp_path / "archive"), stdout=StringIO()
        )
    assert AuditLog.objects.count() == 3 and not (tmp_path / "archive").exists()


def test_archive_takes_only_a_prefix_of_the_chain(db, tmp_path):
    """An old row written after a young one (a clock set back) stays: the chain left must start where the
    archive ends."""
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI), tick=True):
        _entries(2)
    with time_machine.travel(datetime.datetime(2026, 5, 1, 9, tzinfo=SHANGHAI), tick=True):
        _entries(1)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI), tick=True):
        _entries(1)
    call_command("audit_archive", "--before", "2026-04-01", "--output", str(tmp_path), stdout=StringIO())
    assert list(AuditLog.objects.order_by("seq").values_list("seq", flat=True)) == [3, 4, 5]
    assert _verify()[0] == 0


def test_everything_archived_the_chain_continues_from_the_anchor(db, tmp_path):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI), tick=True):
        _entries(2)
    call_command("audit_archive", "--before", "2026-04-01", "--output", str(tmp_path), stdout=StringIO())
    archive = AuditArchive.objects.get()
    entry = AuditLog.objects.get()  # the archive's own entry
    assert (entry.seq, entry.prev_hash) == (3, archive.last_hash)
    assert _verify()[0] == 0


def test_rows_removed_after_an_archive_are_found(db, tmp_path):
    _old_and_new(datetime.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI), old=2, new=3)
    call_command("audit_archive", "--before", "2026-04-01", "--output", str(tmp_path), stdout=StringIO())
    _disable_triggers()
    _sql(f"DELETE FROM {TABLE} WHERE seq = 3")
    code, _out, err = _verify()
    assert code == 1 and "[missing] seq 4: row(s) 3 missing" in err
