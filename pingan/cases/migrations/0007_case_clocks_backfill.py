"""Every existing case gets its primary clock (办理), set-based: one INSERT … SELECT from the case's own
figures (rule, deadline, warning time, verdict; stopped when the case is closed), so that installations with
millions of cases upgrade in one statement. An open case already marked 超期 by the old sweep (an `overdue`
event) gets its 超期 alert row too, so the new sweep does not tell its organisation again.

Frozen SQL (not `clocks.clocks_backfill`, which later code may change); the kinds that existed when it was
written (disputes, incidents) declare no clocks of their own, so every primary clock is named `handling`."""

from django.db import migrations
from django.utils import timezone


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_caseclock (case_id, name, is_primary, amount, unit, extension_amount, state,
                started_at, paused_at, remaining, stopped_at, deadline, warn_at, escalate_at, next_alert_at,
                deadline_provisional, on_time)
            SELECT k.id, 'handling', TRUE, k.sla_amount, k.sla_unit, k.extension_amount,
                   CASE WHEN k.closed_at IS NULL THEN 'running' ELSE 'stopped' END,
                   k.registered_at, NULL, NULL, k.closed_at, k.deadline, k.warn_at, NULL,
                   CASE WHEN k.closed_at IS NULL THEN k.warn_at END, k.deadline_provisional, k.on_time
              FROM cases_case k
             WHERE NOT EXISTS (SELECT 1 FROM cases_caseclock c WHERE c.case_id = k.id AND c.is_primary)
            """
        )
        created = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO cases_clockalert (clock_id, case_id, level, deadline, created_at, sweep)
            SELECT c.id, c.case_id, 'breach', c.deadline, %s, 'backfill'
              FROM cases_caseclock c
             WHERE c.is_primary AND c.state = 'running' AND c.deadline < %s
               AND EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.case_id AND e.type = 'overdue')
            ON CONFLICT (clock_id, level, deadline) DO NOTHING
            """,
            [now, now],
        )
        if connection.vendor == "postgresql" and created:
            cursor.execute("ANALYZE cases_caseclock")
            cursor.execute("ANALYZE cases_clockalert")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_clocks"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
