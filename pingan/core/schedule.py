"""The periodic jobs of a production site, one table: what runs (a manage.py command), and when.

`manage.py scheduler` (run by scripts/serve_production.py, or by deploy/systemd/pingan-scheduler.service) runs
each job in a process of its own when it comes due, one at a time, with a time limit; a job that fails is logged
and runs again at its next time. Jobs that do real work in bulk (the SLA sweep) only enqueue it: the task worker
(`manage.py db_worker`) runs it. To add a job, add a line to SCHEDULE (a test checks that every command exists).

Times are Asia/Shanghai (TIME_ZONE). A job missed while the scheduler was down is not made up, except the
interval jobs, which run once as the scheduler starts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Job:
    command: str
    args: tuple[str, ...] = ()
    # Exactly one of: every this long (on a fixed grid from midnight, so a restart does not shift it), or once a
    # day at this local time.
    every: datetime.timedelta | None = None
    daily_at: datetime.time | None = None
    # A run that takes longer is stopped (and logged as failed).
    timeout: datetime.timedelta = datetime.timedelta(minutes=30)

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"{self.command}: give exactly one of every= and daily_at=")
        if self.every is not None and (self.every <= datetime.timedelta(0) or datetime.timedelta(days=1) % self.every):
            raise ValueError(f"{self.command}: every= must divide a day")

    @property
    def name(self) -> str:
        return " ".join((self.command, *self.args))

    def next_run(self, after: datetime.datetime) -> datetime.datetime:
        """The first time strictly after `after` at which this job is due (aware, local time)."""
        local = timezone.localtime(after)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.every is not None:
            steps = (local - midnight) // self.every + 1
            return midnight + steps * self.every
        assert self.daily_at is not None
        today = midnight.replace(hour=self.daily_at.hour, minute=self.daily_at.minute, second=self.daily_at.second)
        return today if today > local else today + datetime.timedelta(days=1)

    def describe(self) -> str:
        if self.every is not None:
            return f"every {self.every}"
        assert self.daily_at is not None
        return f"daily at {self.daily_at:%H:%M}"


SCHEDULE: tuple[Job, ...] = (
    # The clocks' alerts (临期预警, 超期, 超期升级): enqueued for the task worker; each alert is sent once
    # (docs/clocks.md), so the interval only bounds how late one can be.
    Job("sla_sweep", every=datetime.timedelta(minutes=5)),
    # Risks whose periodic review (复核, by level: 红 weekly …) came due: their owner units are told, once per due
    # date (docs/risks.md).
    Job("risk_review_sweep", every=datetime.timedelta(hours=1)),
    # Consultations answered 7 working days ago that the enterprise did not rate are closed (docs/consultations.md).
    Job("consult_autoclose", every=datetime.timedelta(hours=1)),
    # Attachment files no row refers to, and pending uploads nobody came back for (docs/ui.md).
    Job("attachments_gc", daily_at=datetime.time(3, 10)),
    # Finished background-task results older than 14 days (django-tasks-db's own command).
    Job("prune_db_task_results", daily_at=datetime.time(3, 40)),
    # Side effects whose hand-over to the queue failed at commit (core.outbox): delivered again, once each.
    Job("outbox_dispatch", every=datetime.timedelta(minutes=5)),
    # Export files past PINGAN_EXPORT_TTL_HOURS are deleted and their jobs marked expired (docs/audit-trail.md).
    Job("export_cleanup", every=datetime.timedelta(hours=1)),
    # Stored answers to Idempotency-Keys older than PINGAN_IDEMPOTENCY_TTL_HOURS (docs/integrity.md).
    Job("idempotency_purge", daily_at=datetime.time(3, 50)),
    # Repeated disputes about the same party, place or category → suggestions on the risk review list
    # (docs/risks-insight.md): enqueued for the task worker; a suggestion already decided does not come back.
    Job("risk_suggestions", every=datetime.timedelta(hours=1)),
    # 法治护航: the workstations are told of the risk-prevention suggestions whose 回访 date is today, once
    # (docs/lawguard.md); small, so it runs in the scheduler's process.
    Job("lawguard_revisit_sweep", daily_at=datetime.time(8, 0)),
    # Not scheduled: `audit_archive --before DATE` moves audit rows older than the retention to a file; it is
    # the operator's decision, with the file kept on backed-up storage (docs/audit-trail.md).
)
