"""The database itself refuses to change or remove audit rows (等保 2.0 三级 安全审计: 审计记录应受到保护,
避免受到未预期的删除、修改或覆盖, GB/T 22239-2019 8.1.4.3 c).

PostgreSQL: one row-level trigger refuses every UPDATE and every DELETE, except the DELETE of
`audit_archive`, which opens the gate for its own transaction (SET LOCAL pingan.audit_archive = 'on') and may
only remove rows older than 183 days (网络安全法 第二十一条: 留存相关的网络日志不少于六个月). A statement
trigger refuses TRUNCATE unless pingan.audit_flush is on (only the test suite's flush sets it); production
also revokes TRUNCATE from the application's role (docs/security.md).

SQLite: the same two rules as triggers; the gate is a row in `pingan_audit_gate`, a table no model owns
(so Django's flush never empties it), written and removed inside the archive's transaction.

A later migration that makes SQLite rebuild core_auditlog (an AlterField of a database attribute) drops its
triggers with the old table: `audit_verify` reports a missing trigger, and such a migration must create them
again (run this migration's SQL once more)."""

from django.db import migrations

RETENTION_MINIMUM_DAYS = 183  # 网络安全法 第二十一条: not less than six months

POSTGRESQL_FORWARD = [
    f"""
CREATE OR REPLACE FUNCTION pingan_auditlog_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF current_setting('pingan.audit_flush', true) = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'core_auditlog is append-only: TRUNCATE refused' USING ERRCODE = 'integrity_constraint_violation';
    ELSIF TG_OP = 'DELETE' THEN
        IF current_setting('pingan.audit_archive', true) = 'on'
           AND OLD.created_at < now() - interval '{RETENTION_MINIMUM_DAYS} days' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'core_auditlog is append-only: DELETE of row % refused (only audit_archive removes rows, older than {RETENTION_MINIMUM_DAYS} days)', OLD.seq
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RAISE EXCEPTION 'core_auditlog is append-only: UPDATE of row % refused', OLD.seq
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
""",
    """CREATE TRIGGER core_auditlog_append_only BEFORE UPDATE OR DELETE ON core_auditlog
       FOR EACH ROW EXECUTE FUNCTION pingan_auditlog_guard();""",
    """CREATE TRIGGER core_auditlog_no_truncate BEFORE TRUNCATE ON core_auditlog
       FOR EACH STATEMENT EXECUTE FUNCTION pingan_auditlog_guard();""",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_truncate ON core_auditlog;",
    "DROP TRIGGER IF EXISTS core_auditlog_append_only ON core_auditlog;",
    "DROP FUNCTION IF EXISTS pingan_auditlog_guard();",
]

SQLITE_FORWARD = [
    "CREATE TABLE IF NOT EXISTS pingan_audit_gate (name TEXT PRIMARY KEY);",
    """CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog
       BEGIN SELECT RAISE(ABORT, 'core_auditlog is append-only: UPDATE refused'); END;""",
    # Django stores SQLite datetimes as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: compared as text.
    f"""CREATE TRIGGER core_auditlog_no_delete BEFORE DELETE ON core_auditlog
       WHEN NOT EXISTS (SELECT 1 FROM pingan_audit_gate WHERE name = 'flush')
        AND NOT (EXISTS (SELECT 1 FROM pingan_audit_gate WHERE name = 'archive')
                 AND OLD.created_at < datetime('now', '-{RETENTION_MINIMUM_DAYS} days'))
       BEGIN SELECT RAISE(ABORT, 'core_auditlog is append-only: DELETE refused'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_delete;",
    "DROP TRIGGER IF EXISTS core_auditlog_no_update;",
    "DROP TABLE IF EXISTS pingan_audit_gate;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_audit_hash_chain"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        ),
    ]
