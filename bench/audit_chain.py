#!/usr/bin/env python
"""What the audit log's hash chain costs on PostgreSQL (run by hand; figures go to docs/security-audit.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pingan_auditbench .venv/bin/python bench/audit_chain.py \\
        [--rows 2000] [--threads 8]

Works in its own database, recreated on every run (the audit log refuses DELETE, so nothing is cleaned up
row by row). Times, each row in its own transaction (autocommit, as a request that only logs would):

1. `audit_log()` from one thread: advisory lock, read of the head, hash, INSERT, COMMIT;
2. the same from `--threads` threads at once (they queue on the lock: the chain never forks);
3. the baseline: the same INSERT with a made-up seq and hash, no lock and no read of the head, from the
   same number of threads — the difference is the chain's cost.

Then verifies the chain (audit_verify's walk) and times that too. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingan.settings")

import django  # noqa: E402
import psycopg  # noqa: E402

BENCH_DB = "pingan_auditbench"


def recreate_database() -> None:
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(url) if url else {}
    if config.get("ENGINE") != "django.db.backends.postgresql" or config["NAME"] != BENCH_DB:
        raise SystemExit(f"set DATABASE_URL to a PostgreSQL database named {BENCH_DB}")
    dsn = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432, "user": config["USER"]}
    if config.get("PASSWORD"):
        dsn["password"] = config["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def run_threads(threads: int, work) -> float:
    from django.db import connection

    def body(index: int) -> None:
        try:
            work(index)
        finally:
            connection.close()

    workers = [threading.Thread(target=body, args=(i,)) for i in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from pingan.core import auditchain
    from pingan.core.audit import audit_log
    from pingan.core.models import AuditAction, AuditLog

    def chained(count: int) -> None:
        for i in range(count):
            audit_log(actor=None, action=AuditAction.EXPORT, object_type="cases.case", reason=f"bench {i}")

    per_thread = args.rows // args.threads
    start = time.perf_counter()
    chained(args.rows)
    single = time.perf_counter() - start
    connection.close()
    many = run_threads(args.threads, lambda _i: chained(per_thread))

    base_seq = 10**12
    table = AuditLog._meta.db_table

    def baseline(index: int) -> None:
        sql = (
            f"INSERT INTO {table} (created_at, action, object_type, object_id, object_repr, region_code, user_agent,"
            " reason, changes, seq, prev_hash, hash, chain_version)"
            " VALUES (%s, 'export', 'cases.case', '', '', '', '', %s, '{}', %s, %s, %s, 1)"
        )
        for i in range(per_thread):
            with connection.cursor() as cursor:
                seq = base_seq + index * per_thread + i
                cursor.execute(sql, [timezone.now(), f"bench {i}", seq, "0" * 64, "0" * 64])

    plain = run_threads(args.threads, baseline)
    base_seq = 2 * 10**12
    plain_single = run_threads(1, baseline)
    chained_rows = args.rows + per_thread * args.threads
    with connection.cursor() as cursor:  # the baseline's rows are not part of the chain: hide them from the walk
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(f"DELETE FROM {table} WHERE seq >= %s", [10**12])
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    start = time.perf_counter()
    report = auditchain.verify()
    walk = time.perf_counter() - start
    print(f"PostgreSQL {connection.pg_version}, {os.cpu_count()} CPUs")
    print(f"chained, 1 thread:          {args.rows / single:8.0f} rows/s ({args.rows} rows)")
    print(f"chained, {args.threads} threads:         {per_thread * args.threads / many:8.0f} rows/s")
    print(f"unchained INSERT, 1 thread:  {per_thread / plain_single:8.0f} rows/s (baseline: one commit each)")
    print(f"unchained INSERT, {args.threads} threads: {per_thread * args.threads / plain:8.0f} rows/s (baseline)")
    print(f"verify walk:                {report.rows / walk:8.0f} rows/s ({report.rows} rows, ok={report.ok})")
    assert report.ok and report.rows == chained_rows, report.findings


if __name__ == "__main__":
    main()
