"""Run the periodic jobs of pingan.core.schedule.SCHEDULE until stopped (SIGTERM or SIGINT)."""

from __future__ import annotations

import datetime
import logging
import signal
import subprocess
import sys
import threading
from argparse import ArgumentParser
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from pingan.core.schedule import SCHEDULE, Job

logger = logging.getLogger("pingan.scheduler")


def run_job(job: Job) -> int:
    """Run one job's command in a process of its own; its exit status (or -1 when it ran out of time)."""
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), job.command, *job.args]
    try:
        return subprocess.run(command, timeout=job.timeout.total_seconds(), check=False).returncode
    except subprocess.TimeoutExpired:
        return -1


class Scheduler:
    """Runs each job when it comes due, one at a time. The clock, the wait and the runner are parameters so that
    the tests can drive it without waiting."""

    def __init__(
        self,
        jobs: Sequence[Job],
        *,
        now: Callable[[], datetime.datetime] = timezone.now,
        wait: Callable[[float], bool] | None = None,
        run: Callable[[Job], int] = run_job,
    ) -> None:
        self.jobs = list(jobs)
        self.now = now
        self.stopping = threading.Event()
        # wait(seconds) returns True when the scheduler was asked to stop meanwhile.
        self.wait = wait or self.stopping.wait
        self.run = run
        started = now()
        # Interval jobs run once at start (a sweep missed while the scheduler was down); daily jobs at their time.
        self.due = {job: started if job.every is not None else job.next_run(started) for job in self.jobs}

    def step(self) -> bool:
        """Wait for the next job that comes due and run it; False when asked to stop."""
        job = min(self.jobs, key=lambda candidate: self.due[candidate])
        delay = (self.due[job] - self.now()).total_seconds()
        if delay > 0 and self.wait(delay):
            return False
        if self.stopping.is_set():
            return False
        logger.info("scheduler: running %s", job.name)
        status = self.run(job)
        if status == 0:
            logger.info("scheduler: %s done", job.name)
        else:
            logger.error("scheduler: %s failed (exit status %s)", job.name, status)
        self.due[job] = job.next_run(max(self.due[job], self.now()))
        return True

    def run_forever(self) -> None:
        while self.step():
            pass


class Command(BaseCommand):
    help = "Run the periodic jobs (pingan.core.schedule.SCHEDULE: the SLA sweep, clean-ups) until stopped."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--list", action="store_true", dest="show", help="print the schedule and the next run times, then exit"
        )

    def handle(self, *args: Any, show: bool = False, **options: Any) -> None:
        if show:
            now = timezone.now()
            for job in SCHEDULE:
                self.stdout.write(
                    f"{job.name:<28} {job.describe():<22} next {timezone.localtime(job.next_run(now)):%Y-%m-%d %H:%M}"
                )
            return
        logger.setLevel(logging.INFO)  # the root logger's console handler prints it (journald adds the time)
        scheduler = Scheduler(SCHEDULE)

        def stop(signum: int, frame: object) -> None:
            scheduler.stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"scheduler: {len(SCHEDULE)} jobs: " + ", ".join(job.name for job in SCHEDULE))
        self.stdout.flush()
        scheduler.run_forever()
        self.stdout.write("scheduler: stopped")
