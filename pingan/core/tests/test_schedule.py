"""The periodic jobs (pingan.core.schedule) and the scheduler that runs them.

Interval jobs keep cron's grid: crontab(5) reads `*/5` in the minute field as "every 5 minutes" at minutes 0, 5,
10, … of each hour, so a job every 5 minutes asked at 10:02:30 next runs at 10:05, and at 10:05:00 sharp at 10:10
(cron fires once per matching minute). A daily job at 03:10 is cron's `10 3 * * *`."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import get_commands

from pingan.core.management.commands.scheduler import Scheduler, run_job
from pingan.core.schedule import SCHEDULE, Job

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int, second: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, second, tzinfo=SHANGHAI)


SWEEP = Job("sla_sweep", every=datetime.timedelta(minutes=5))
GC = Job("attachments_gc", daily_at=datetime.time(3, 10))


@pytest.mark.parametrize(
    ("job", "after", "expected"),
    [
        (SWEEP, at(18, 10, 2, 30), at(18, 10, 5)),
        (SWEEP, at(18, 10, 5), at(18, 10, 10)),  # strictly after: cron fires once per matching minute
        (SWEEP, at(18, 23, 58), at(19, 0, 0)),  # over midnight
        (GC, at(18, 2, 0), at(18, 3, 10)),
        (GC, at(18, 3, 10), at(19, 3, 10)),
        (GC, at(18, 10, 0), at(19, 3, 10)),
        (GC, at(30, 20, 0), datetime.datetime(2026, 12, 1, 3, 10, tzinfo=SHANGHAI)),  # over a month's end
    ],
)
def test_next_run_follows_crons_grid(job, after, expected):
    assert job.next_run(after) == expected


def test_next_run_reads_utc_instants_in_shanghai_time():
    """19:10 UTC is 03:10 the next morning in Shanghai (UTC+8, no daylight saving)."""
    utc = datetime.datetime(2026, 11, 17, 19, 0, tzinfo=datetime.UTC)
    assert GC.next_run(utc) == at(18, 3, 10)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"every": datetime.timedelta(minutes=5), "daily_at": datetime.time(3)},
        {"every": datetime.timedelta(minutes=7)},
    ],
)
def test_a_job_says_exactly_one_of_when_and_divides_the_day(kwargs):
    with pytest.raises(ValueError):
        Job("sla_sweep", **kwargs)


def test_every_scheduled_command_exists():
    commands = get_commands()
    missing = [job.command for job in SCHEDULE if job.command not in commands]
    assert not missing, f"no such manage.py command: {missing}"


def test_the_sla_sweep_and_the_attachment_clean_up_are_scheduled():
    assert {"sla_sweep", "attachments_gc"} <= {job.command for job in SCHEDULE}


class FakeClock:
    def __init__(self, start: datetime.datetime) -> None:
        self.now = start

    def __call__(self) -> datetime.datetime:
        return self.now

    def wait(self, seconds: float) -> bool:
        self.now += datetime.timedelta(seconds=seconds)
        return False


def test_the_scheduler_runs_each_job_when_due_and_keeps_going_after_a_failure():
    clock = FakeClock(at(18, 3, 1))
    ran: list[tuple[str, datetime.datetime]] = []

    def run(job: Job) -> int:
        ran.append((job.command, clock.now))
        clock.now += datetime.timedelta(seconds=20)  # the job takes a while
        return 1 if job is GC else 0  # the clean-up fails: logged, and it runs again tomorrow

    scheduler = Scheduler([SWEEP, GC], now=clock, wait=clock.wait, run=run)
    for _ in range(5):
        assert scheduler.step()
    assert ran == [
        ("sla_sweep", at(18, 3, 1)),  # an interval job runs as the scheduler starts
        ("sla_sweep", at(18, 3, 5)),
        ("sla_sweep", at(18, 3, 10)),
        ("attachments_gc", at(18, 3, 10, 20)),  # due at 03:10 too: runs once the sweep is done
        ("sla_sweep", at(18, 3, 15)),
    ]
    assert scheduler.due[GC] == at(19, 3, 10)


def test_the_scheduler_stops_when_asked_while_waiting():
    scheduler = Scheduler([GC], now=lambda: at(18, 3, 0), wait=lambda seconds: True, run=lambda job: 0)
    assert scheduler.step() is False


def test_a_job_runs_as_a_manage_py_command_in_a_process_of_its_own():
    assert run_job(Job("check", every=datetime.timedelta(minutes=5))) == 0
    assert run_job(Job("no_such_command", every=datetime.timedelta(minutes=5))) != 0
