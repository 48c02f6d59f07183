"""Two sweep workers running at once send every alert exactly once: the alerts table's unique constraint on
(clock, level, deadline) and INSERT … ON CONFLICT DO NOTHING let the database decide, and each worker writes
events and notifications only for the alerts it inserted itself.

Transactional tests: on PostgreSQL each worker is a thread with its own connection, and the test watches the
second one wait for the first one's rows; on SQLite two worker processes share the database file."""

from __future__ import annotations

import datetime
import os
import sqlite3
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection, connections, transaction

from conftest import register_dispute
from pingan.cases import clocks
from pingan.cases.choices import EventType
from pingan.cases.models import CaseEvent, ClockAlert, Notification

CASES = 12
WAIT = 60  # seconds: how long a worker may take to reach the point the other one waits for


@pytest.fixture
def due_cases(migration_data, zhuzhou, people, category):
    """Disputes of the 嵩山路街道 centre (two members who work cases), all past their deadline together."""
    return [register_dispute(zhuzhou, people, category) for _ in range(CASES)]


def in_thread(work, results: dict[str, Any], key: str, using: str = "default") -> threading.Thread:
    def run() -> None:
        try:
            results[key] = work()
        except BaseException as error:  # reported by the test, not lost in the thread
            results[key] = error
        finally:
            connections[using].close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def settled(results: dict[str, Any]) -> dict[str, clocks.SweepResult]:
    for key, value in results.items():
        if isinstance(value, BaseException):
            raise AssertionError(f"worker {key} failed") from value
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and waiting are PostgreSQL's")
def test_on_postgresql_a_sweep_that_waits_for_another_sends_nothing_twice(due_cases):
    """Worker A sends the alerts and holds its transaction open; worker B starts while A's rows are not
    committed, reads the same clocks as due, and waits on A's alert rows (seen in pg_stat_activity). Then A
    commits: B's inserts find them there and do nothing, so B writes no event and no notification."""
    results: dict[str, Any] = {}
    a_sent, a_may_commit, b_started = threading.Event(), threading.Event(), threading.Event()
    b_backend: dict[str, int] = {}

    def worker_a() -> clocks.SweepResult:
        with transaction.atomic():
            result = clocks.sweep()
            a_sent.set()
            if not a_may_commit.wait(WAIT):
                raise TimeoutError("worker B never waited for worker A")
        return result

    def worker_b() -> clocks.SweepResult:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            b_backend["pid"] = cursor.fetchone()[0]
        b_started.set()
        if not a_sent.wait(WAIT):
            raise TimeoutError("worker A never sent")
        return clocks.sweep()

    moment = due_cases[0].deadline + datetime.timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        threads = [in_thread(worker_a, results, "a"), in_thread(worker_b, results, "b")]
        try:
            assert b_started.wait(WAIT) and a_sent.wait(WAIT)
            give_up = time.monotonic() + WAIT
            while True:  # until B is blocked on A's uncommitted alert rows
                with connection.cursor() as cursor:
                    cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [b_backend["pid"]])
                    (waiting_on,) = cursor.fetchone()
                if waiting_on == "Lock":
                    break
                assert "b" not in results, "worker B finished without waiting for worker A"
                assert time.monotonic() < give_up, "worker B never waited for worker A's rows"
                time.sleep(0.01)
        finally:
            a_may_commit.set()
            for thread in threads:
                thread.join(WAIT)
    done = settled(results)
    assert done["a"] == clocks.SweepResult(breach=CASES)
    assert done["b"] == clocks.SweepResult()
    assert_sent_once(due_cases)


WORKER = """
import os, pathlib, sys, time, datetime
import django
django.setup()
from pingan.cases import clocks
here = pathlib.Path(sys.argv[1])
(here / f"ready-{sys.argv[2]}").touch()
give_up = time.monotonic() + 60
while not (here / "go").exists():
    if time.monotonic() > give_up:
        raise SystemExit("never told to go")
    time.sleep(0.005)
result = clocks.sweep(now=datetime.datetime.fromisoformat(sys.argv[3]))
print(result.breach)
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded database's own test")
def test_on_sqlite_two_worker_processes_at_once_send_every_alert_once(due_cases, tmp_path):
    """The embedded database in a file, as installed (WAL, a busy timeout, immediate transactions), and two
    worker processes told to sweep at the same instant: SQLite lets one write at a time; the second finds
    every alert sent and sends nothing."""
    path = tmp_path / "pingan.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    moment = due_cases[0].deadline + datetime.timedelta(hours=1)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DJANGO_SETTINGS_MODULE": "pingan.settings"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(tmp_path), name, moment.isoformat()],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    give_up = time.monotonic() + WAIT
    while not all((tmp_path / f"ready-{name}").exists() for name in ("a", "b")):
        assert all(worker.poll() is None for worker in workers), [w.communicate() for w in workers]
        assert time.monotonic() < give_up, "the workers never started"
        time.sleep(0.01)
    (tmp_path / "go").touch()
    outputs = [worker.communicate(timeout=WAIT) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    assert sorted(int(out.strip()) for out, _err in outputs) == [0, CASES]
    check = sqlite3.connect(path)
    try:
        assert check.execute(f"SELECT COUNT(*) FROM {ClockAlert._meta.db_table}").fetchone() == (CASES,)
        events = check.execute(f"SELECT COUNT(*) FROM {CaseEvent._meta.db_table} WHERE type = ?", [EventType.OVERDUE])
        assert events.fetchone() == (CASES,)
        told = check.execute(
            f"SELECT COUNT(*), COUNT(DISTINCT user_id || '-' || case_id) FROM {Notification._meta.db_table} "
            "WHERE message LIKE ?",
            ["%已超过办理期限%"],
        )
        assert told.fetchone() == (2 * CASES, 2 * CASES)
    finally:
        check.close()


def assert_sent_once(cases) -> None:
    assert ClockAlert.objects.filter(case__in=cases).count() == CASES
    assert CaseEvent.objects.filter(case__in=cases, type=EventType.OVERDUE).count() == CASES
    # The centre's staff member and its head, once per case.
    told = Notification.objects.filter(case__in=cases, message__contains="已超过办理期限")
    assert told.count() == told.values("user", "case").distinct().count() == 2 * CASES
