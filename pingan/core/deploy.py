"""What the production server must not run with.

Two settings make a deployment unsafe whatever else is right: DEBUG on (tracebacks with settings and local
variables shown to anyone) and the checkout's default SECRET_KEY (published in the repository, so anyone can
forge session cookies and password-reset links). They are refused twice:

- by `manage.py check --deploy` (the system check below, an Error), which scripts/serve_production.py runs
  before it migrates or starts anything;
- by the WSGI and ASGI entry points (pingan/wsgi.py, pingan/asgi.py), so that gunicorn started any other way
  exits with the same message instead of serving. Django's development server (`runserver`, `make demo`) is
  the one exception: it serves the checkout's defaults on purpose.

The data-encryption key has a deploy check of its own, next to the encryption."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


class UnsafeDeployment(RuntimeError):
    """Raised at start-up by a production entry point; gunicorn prints it and exits non-zero."""


def unsafe_settings() -> list[str]:
    """Why these settings must not be served in production (empty: nothing)."""
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG is on (PINGAN_DEBUG): error pages would show settings and data to anyone")
    if settings.SECRET_KEY == settings.PINGAN_DEFAULT_SECRET_KEY:
        problems.append(
            "SECRET_KEY is the repository's default: set PINGAN_SECRET_KEY to a new random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    return problems


def refuse_unsafe_settings(argv: Sequence[str] | None = None) -> None:
    """Raise UnsafeDeployment unless the settings are fit to serve (the development server is let through)."""
    argv = sys.argv if argv is None else argv
    if list(argv[1:2]) == ["runserver"]:
        return
    problems = unsafe_settings()
    if problems:
        raise UnsafeDeployment("Ping'an refuses to serve with these settings: " + "; ".join(problems))


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = [
        Error(problem, hint="docs/deployment.md lists the production settings.", id="pingan.E001")
        for problem in unsafe_settings()
    ]
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        messages.append(
            Warning(
                "Background work runs inside web requests (PINGAN_TASK_BACKEND is not 'database').",
                hint="Set PINGAN_TASK_BACKEND=database and run `manage.py db_worker` (serve_production.py does).",
                id="pingan.W001",
            )
        )
    return messages
