"""Serve Ping'an for real: `make production` (or `.venv/bin/python scripts/serve_production.py`).

1. Refuses bad settings: `manage.py check --deploy --fail-level WARNING` must pass (DEBUG off, a SECRET_KEY of
   your own, HTTPS settings, the task queue in the database, and the other helpers' deploy checks).
2. Migrates the database and collects the static files (served by WhiteNoise from gunicorn, or by nginx).
3. Runs, side by side, and supervises:
   - web: gunicorn with gunicorn.conf.py (workers sized to the machine);
   - worker: `manage.py db_worker`, the background-task worker (django-tasks-db; PINGAN_TASK_BACKEND=database);
   - scheduler: `manage.py scheduler`, the periodic jobs of pingan/core/schedule.py (the SLA sweep, clean-ups).
   The worker and the scheduler are restarted when they end (after 5 s, doubling up to a minute while they keep
   failing: while the database is down they cannot start, and the web answers 503 meanwhile); if the web server
   ends, the others are stopped and this command exits non-zero, so that systemd (or whatever started it)
   restarts the site. SIGTERM or Ctrl-C stops all three cleanly and exits 0.

`--prepare` does steps 1 and 2 only (deploy/systemd/pingan-prepare.service runs it before the three units).
Settings come from the environment (docs/deployment.md); PINGAN_TASK_BACKEND defaults to "database" here."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STOP_TIMEOUT = 40  # seconds: gunicorn's graceful_timeout (30) and a little
# A worker or scheduler that ended is started again after RESTART_DELAY seconds, doubled after each failure
# in a row up to RESTART_DELAY_MAX; one that ran RESTART_RESET seconds before ending starts the count afresh.
RESTART_DELAY = 5.0
RESTART_DELAY_MAX = 60.0
RESTART_RESET = 60.0
# The child whose end ends the site (the others are restarted).
ESSENTIAL = "web"


def manage(*args: str) -> list[str]:
    return [PYTHON, str(ROOT / "manage.py"), *args]


CHILDREN = {
    "web": [PYTHON, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")],
    "worker": manage("db_worker", "--queue-name", "*"),
    "scheduler": manage("scheduler"),
}


def say(message: str) -> None:
    print(f"serve_production: {message}", file=sys.stderr, flush=True)


def prepare(env: dict[str, str]) -> int:
    """Check the settings, migrate, collect the static files; the exit status of the first step that failed."""
    if env.get("PINGAN_TASK_BACKEND") != "database":
        say("refusing to start: PINGAN_TASK_BACKEND must be 'database' (the worker runs the background tasks)")
        return 2
    if subprocess.run(manage("check", "--deploy", "--fail-level", "WARNING"), env=env, cwd=ROOT).returncode:
        say("refusing to start: `manage.py check --deploy` found the problems above (docs/deployment.md)")
        return 2
    for step in (manage("migrate", "--noinput"), manage("collectstatic", "--noinput", "-v0")):
        status = subprocess.run(step, env=env, cwd=ROOT).returncode
        if status:
            say(f"{' '.join(step[2:])} failed (exit status {status})")
            return status
    return 0


def supervise(env: dict[str, str]) -> int:
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    signal.signal(signal.SIGINT, lambda signum, frame: stopping.append(signum))

    def start(name: str) -> subprocess.Popen[bytes]:
        # Each child in a session of its own: a Ctrl-C reaches this supervisor only, which stops them in order.
        return subprocess.Popen(CHILDREN[name], env=env, cwd=ROOT, start_new_session=True)

    children = {name: start(name) for name in CHILDREN}
    started = dict.fromkeys(CHILDREN, time.monotonic())
    delay = dict.fromkeys(CHILDREN, RESTART_DELAY)
    restart_at: dict[str, float] = {}
    say("running " + ", ".join(f"{name} (pid {child.pid})" for name, child in children.items()))
    status = 0
    while not stopping:
        now = time.monotonic()
        for name, child in children.items():
            if name in restart_at or child.poll() is None:
                continue
            if name == ESSENTIAL:
                say(f"{name} ended (exit status {child.returncode}); stopping the others")
                status = child.returncode or 1
                break
            if now - started[name] >= RESTART_RESET:
                delay[name] = RESTART_DELAY
            say(f"{name} ended (exit status {child.returncode}); restarting it in {delay[name]:.0f} s")
            restart_at[name] = now + delay[name]
            delay[name] = min(delay[name] * 2, RESTART_DELAY_MAX)
        if status:
            break
        for name, when in list(restart_at.items()):
            if now >= when:
                del restart_at[name]
                children[name], started[name] = start(name), now
                say(f"{name} restarted (pid {children[name].pid})")
        time.sleep(0.2)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for name, child in children.items():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{name} did not stop in time; killing it")
            child.kill()
            child.wait()
    say(f"stopped (exit status {status})")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help="check the settings, migrate, collect static; exit")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    env.setdefault("PINGAN_TASK_BACKEND", "database")
    status = prepare(env)
    if status or args.prepare:
        return status
    return supervise(env)


if __name__ == "__main__":
    sys.exit(main())
