#!/usr/bin/env python
"""The SLA sweep over a city's worth of open cases, on PostgreSQL (run by hand; figures go to
docs/benchmarks.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pingan_bench .venv/bin/python bench/sla_sweep.py \\
        [--cases 1000000] [--overdue 100000] [--warn 20000] [--escalate 10000] [--already 50000] [--refill] [--old 2000]

Works in its own database (never the test database, never the demo's): it creates `pingan_bench` when it
is missing, migrates it, and fills it once, set-based (INSERT … SELECT over generate_series):

- a city of 120 township centres, 3 people each who work cases (the sweep's and the reference's recipients);
- `--cases` open disputes, each with its registration event. Of them, `--overdue` ran past their
  deadline since the last sweep, `--warn` entered their warning time, `--already` were overdue and told
  so by an earlier sweep (their alert exists), and `--escalate` of the newly overdue are also past the
  escalation time their kind declares; the others are within their clock;
- their primary clocks by `clocks.clocks_backfill()`, timed (the upgrade's migration runs the same
  INSERT … SELECT).

Then it times, in a transaction rolled back afterwards (every run sees the same data):

1. the reference: one set-based statement that writes the same 超期 events and notifications for the
   newly overdue cases (an INSERT … SELECT with a data-modifying CTE, anti-joined on the events);
2. the sweep (`clocks.sweep`), statement by statement;
3. the same sweep again right away: nothing new (the repeat); `--no-analyze` runs both without the
   sweep's ANALYZE, to see what stale statistics do to them;
4. with `--old N`, the per-case sweep this replaced (one event and one notification task per case, each
   statement committed on its own) over N of the overdue cases, for the per-case cost.

A refill (`--refill`) drops and recreates the data. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingan.settings")

import django  # noqa: E402
import psycopg  # noqa: E402

BENCH_DB = "pingan_bench"


def ensure_database() -> None:
    """Create the bench's own database when it does not exist (before Django connects to it)."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(url) if url else {}
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise SystemExit(f"set DATABASE_URL to a PostgreSQL database named {BENCH_DB}, e.g. postgres://…/{BENCH_DB}")
    if config["NAME"] != BENCH_DB:
        raise SystemExit(f"the bench fills its own database: name it {BENCH_DB}, not {config['NAME']}")
    dsn = {
        k: v
        for k, v in {
            "host": config.get("HOST"),
            "port": config.get("PORT"),
            "user": config.get("USER"),
            "password": config.get("PASSWORD"),
        }.items()
        if v
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone():
            admin.execute(f'CREATE DATABASE "{BENCH_DB}"')
            print(f"created database {BENCH_DB}")


class Timer:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float]] = []

    @contextmanager
    def __call__(self, label: str):
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        self.rows.append((label, seconds))
        print(f"{label:<64} {seconds:8.2f} s", flush=True)


@contextmanager
def statement_times(connection):
    """Time every statement run on `connection` (label: its first words)."""
    times: list[tuple[str, float, int]] = []

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        result = execute(sql, params, many, context)
        rowcount = context["cursor"].rowcount
        times.append((" ".join(sql.split())[:60], time.perf_counter() - started, rowcount))
        return result

    with connection.execute_wrapper(wrapper):
        yield times


class Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def fill(args, timer: Timer) -> None:
    from django.db import connection

    from pingan.accounts.choices import Role
    from pingan.accounts.models import Membership, User
    from pingan.cases import clocks
    from pingan.cases.choices import AlertLevel, EventType
    from pingan.cases.models import Case, CaseClock, Category, ClockAlert
    from pingan.regions.choices import OrgType, RegionLevel
    from pingan.regions.models import Organization, Region

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE cases_notification, cases_clockalert, cases_clockpause, cases_caseclock, cases_caseevent, "
            "cases_extensionrequest, cases_party, cases_case, cases_historicalcase RESTART IDENTITY CASCADE"
        )
    city, _ = Region.objects.get_or_create(code="430200", defaults={"name": "株洲市", "level": RegionLevel.CITY})
    county, _ = Region.objects.get_or_create(
        code="430211", defaults={"name": "天元区", "level": RegionLevel.COUNTY, "parent": city}
    )
    district, _ = Organization.objects.get_or_create(
        code="C430211", defaults={"name": "天元区综治中心", "org_type": OrgType.CENTRE, "region": county}
    )
    for number in (1, 2):  # who hears of an escalation from the townships
        user, _ = User.objects.get_or_create(username=f"bench_430211_{number}", defaults={"full_name": f"区{number}"})
        Membership.objects.get_or_create(user=user, organization=district, role=Role.CENTRE_STAFF)
    centres = []
    for index in range(1, 121):
        code = f"430211{index:03d}"
        township, _ = Region.objects.get_or_create(
            code=code, defaults={"name": f"街道{index}", "level": RegionLevel.TOWNSHIP, "parent": county}
        )
        centre, _ = Organization.objects.get_or_create(
            code=f"C{code}", defaults={"name": f"街道{index}综治中心", "org_type": OrgType.CENTRE, "region": township}
        )
        centres.append(centre)
        for role, number in ((Role.CENTRE_STAFF, 1), (Role.CENTRE_STAFF, 2), (Role.CENTRE_HEAD, 3)):
            user, _ = User.objects.get_or_create(
                username=f"bench_{code}_{number}", defaults={"full_name": f"员{number}"}
            )
            Membership.objects.get_or_create(user=user, organization=centre, role=role)
    category = Category.objects.get(code="neighbour")
    params = {
        "n": args.cases,
        "overdue": args.overdue,
        "warn": args.warn,
        "already": args.already,
        "category": category.pk,
        "first_centre": centres[0].pk,
        "centres": len(centres),
        "first_region": Region.objects.get(code="430211001").pk,
    }
    # Case i: centre and township i mod 120; deadlines by band (all relative to now):
    #   i ≤ overdue                       newly overdue: deadline 1–48 h ago, warning 3 days before it
    #   overdue < i ≤ +already            overdue 3–30 days ago, already told (alert row, nothing due)
    #   … < i ≤ +warn                     in the warning window: warned 0–60 min ago, due in 1–3 days
    #   the rest                          within their clock: warned in 1–10 days, due 3 days later
    case_sql = """
        INSERT INTO cases_case (number, kind, category_id, title, description, channel, urgency, status, state_type,
            region_id, region_code, address, lat, lng, assigned_org_id, assignee_id, intake_org_id, created_by_id,
            parent_id, registered_at, accepted_at, resolved_at, resolved_by_id, verified_at, closed_at, outcome,
            sla_amount, sla_unit, extension_amount, deadline, deadline_provisional, warn_at, on_time, paused_at,
            rework_count, supervision_count, satisfaction, rated_at, updated_at)
        SELECT 'BJ' || lpad(i::text, 9, '0'), 'dispute', %(category)s, '邻里纠纷', '测试数据', 'visit', 'normal',
               'accepted', 'open', %(first_region)s + i %% %(centres)s,
               '430211' || lpad((1 + i %% %(centres)s)::text, 3, '0'),
               '', NULL, NULL, %(first_centre)s + i %% %(centres)s, NULL, NULL, NULL, NULL,
               d - interval '21 days', d - interval '20 days', NULL, NULL, NULL, NULL, '',
               15, 'working_days', 0, d, FALSE, w, NULL, NULL, 0, 0, '', NULL, now()
          FROM (
            SELECT i,
                   CASE WHEN i <= %(overdue)s THEN now() - (1 + i %% 48) * interval '1 hour'
                        WHEN i <= %(overdue)s + %(already)s THEN now() - (3 + i %% 28) * interval '1 day'
                        WHEN i <= %(overdue)s + %(already)s + %(warn)s THEN now() + (1 + i %% 3) * interval '1 day'
                        ELSE now() + (4 + i %% 10) * interval '1 day' END AS d,
                   CASE WHEN i <= %(overdue)s + %(already)s THEN NULL
                        WHEN i <= %(overdue)s + %(already)s + %(warn)s THEN now() - (i %% 60) * interval '1 minute'
                        ELSE now() + (1 + i %% 10) * interval '1 day' END AS w0
              FROM generate_series(1, %(n)s) AS i
          ) AS g, LATERAL (SELECT COALESCE(w0, d - interval '3 days') AS w) AS x
    """
    with timer(f"fill: {args.cases:,} open cases (INSERT … SELECT generate_series)"), connection.cursor() as cursor:
        cursor.execute(case_sql, params)
    with timer(f"fill: {args.cases:,} registration events"), connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO cases_caseevent (case_id, type, actor_id, actor_org_id, from_status, to_status, comment,
                   params, created_at)
               SELECT id, %s, NULL, NULL, '', 'registered', '', '{}'::jsonb, registered_at FROM cases_case""",
            [EventType.REGISTERED],
        )
    with timer(f"clocks_backfill(): {args.cases:,} primary clocks"):
        created = clocks.clocks_backfill()
    assert created == args.cases, created
    with timer("fill: the earlier sweep's alerts and events, escalation times; ANALYZE"), connection.cursor() as cursor:
        first_already, last_already = args.overdue + 1, args.overdue + args.already
        cursor.execute(
            """INSERT INTO cases_caseevent (case_id, type, actor_id, actor_org_id, from_status, to_status, comment,
                   params, created_at)
               SELECT id, %s, NULL, NULL, status, status, '', '{}'::jsonb, deadline + interval '5 minutes'
                 FROM cases_case WHERE id BETWEEN %s AND %s""",
            [EventType.OVERDUE, first_already, last_already],
        )
        cursor.execute(
            """INSERT INTO cases_clockalert (clock_id, case_id, level, deadline, created_at, sweep)
               SELECT c.id, c.case_id, %s, c.deadline, now(), 'earlier' FROM cases_caseclock c
                WHERE c.case_id BETWEEN %s AND %s""",
            [AlertLevel.BREACH, first_already, last_already],
        )
        cursor.execute(
            "UPDATE cases_caseclock SET next_alert_at = NULL WHERE case_id BETWEEN %s AND %s",
            [first_already, last_already],
        )
        # As if the kind declared an escalation two days after the deadline, already passed for these.
        cursor.execute(
            "UPDATE cases_caseclock SET escalate_at = now() - interval '1 minute' WHERE case_id <= %s",
            [args.escalate],
        )
        cursor.execute("VACUUM ANALYZE")  # the whole database: cases, clocks, alerts, events, memberships
    print(
        f"   cases {Case.objects.count():,}, clocks {CaseClock.objects.count():,}, "
        f"alerts {ClockAlert.objects.count():,}"
    )


REFERENCE = """
    WITH overdue AS (
        SELECT c.id, c.number, c.status, c.assigned_org_id, c.assignee_id, c.deadline
          FROM cases_case c
         WHERE c.closed_at IS NULL AND c.deadline < now()
           AND NOT EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id AND e.type = 'overdue')
    ), events AS (
        INSERT INTO cases_caseevent (case_id, type, actor_id, actor_org_id, from_status, to_status, comment, params,
                                     created_at)
        SELECT id, 'overdue', NULL, NULL, status, status, '', jsonb_build_object('deadline', deadline), now()
          FROM overdue
    )
    INSERT INTO cases_notification (user_id, case_id, message, created_at)
    SELECT m.user_id, o.id, '案件 ' || o.number || ' 已超过办理期限', now()
      FROM overdue o JOIN accounts_membership m ON m.organization_id = o.assigned_org_id
     WHERE m.is_active AND m.role IN ('centre_staff', 'centre_head', 'department_staff', 'mediator')
"""


def old_sweep(limit: int) -> float:
    """The per-case sweep this replaced (pingan/cases/tasks.py before issue 8), over `limit` cases, each
    statement committed on its own; returns seconds per case. Its writes are deleted afterwards."""
    from django.utils import timezone

    from pingan.cases.choices import EventType
    from pingan.cases.events import event_record
    from pingan.cases.models import Case, CaseEvent, Notification
    from pingan.cases.tasks import notify_organization

    now = timezone.now()
    overdue = (
        Case.objects.open()
        .filter(deadline__lt=now)
        .exclude(events__type=EventType.OVERDUE)
        .select_related("assigned_org")
    )
    started = time.perf_counter()
    done = []
    for case in overdue.iterator(chunk_size=500):
        event_record(
            case=case,
            actor=None,
            type=EventType.OVERDUE,
            previous=case.status,
            params={"deadline": timezone.localtime(case.deadline).isoformat()},
        )
        notify_organization.call(
            case_id=case.pk, org_id=case.assigned_org_id, message=f"案件 {case.number} 已超过办理期限"
        )
        done.append(case.pk)
        if len(done) >= limit:
            break
    seconds = time.perf_counter() - started
    CaseEvent.objects.filter(case_id__in=done, type=EventType.OVERDUE, created_at__gte=now).delete()
    Notification.objects.filter(case_id__in=done, created_at__gte=now).delete()
    return seconds / max(len(done), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--overdue", type=int, default=100_000, help="newly overdue since the last sweep")
    parser.add_argument("--warn", type=int, default=20_000, help="newly inside their warning time")
    parser.add_argument("--already", type=int, default=50_000, help="overdue and told so by an earlier sweep")
    parser.add_argument("--escalate", type=int, default=10_000, help="of the newly overdue, past the escalation")
    parser.add_argument("--refill", action="store_true", help="drop the bench's cases and fill again")
    parser.add_argument("--old", type=int, default=0, help="also time the old per-case sweep over N cases")
    parser.add_argument(
        "--no-analyze", action="store_true", help="the sweep without its ANALYZE (to see what stale statistics do)"
    )
    args = parser.parse_args()

    ensure_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from pingan.cases import clocks
    from pingan.cases.models import Case

    timer = Timer()
    if args.no_analyze:
        clocks.ANALYZE_AFTER_ROWS = 10**12
    call_command("migrate", verbosity=0)
    print(f"database: {connection.settings_dict['NAME']} on PostgreSQL {connection.pg_version // 10000}")
    if args.refill or Case.objects.count() != args.cases:
        fill(args, timer)

    with (
        rolled_back(),
        timer("1. reference: one INSERT … SELECT, events + notifications"),
        connection.cursor() as cursor,
    ):
        cursor.execute(REFERENCE)
        print(f"   {cursor.rowcount:,} notifications")

    with rolled_back():
        with statement_times(connection) as times, timer("2. sweep (clocks.sweep)"):
            result = clocks.sweep()
        print(f"   {result.as_dict()}")
        for sql, seconds, rows in times:
            print(f"     {seconds:7.2f} s  {rows:>9,} rows  {sql}")
        with statement_times(connection) as times, timer("3. the same sweep again: nothing new"):
            again = clocks.sweep()
        print(f"   {again.as_dict()}")
        for sql, seconds, rows in times:
            print(f"     {seconds:7.3f} s  {rows:>9,} rows  {sql}")

    if args.old:
        with timer(f"4. the old per-case sweep over {args.old:,} cases"):
            per_case = old_sweep(args.old)
        print(f"   {per_case * 1000:.1f} ms per case → {per_case * args.overdue:,.0f} s for {args.overdue:,}")


if __name__ == "__main__":
    main()
