"""What the production server refuses (pingan.core.deploy), in process. The servers themselves, started for real
in subprocesses, are tested in tests/test_production_server.py."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from pingan.core.deploy import UnsafeDeployment, check_production_settings, refuse_unsafe_settings, unsafe_settings

OWN_KEY = "a-key-of-our-own-" + "k7Qz" * 12


def test_the_checkouts_defaults_are_unsafe(settings):
    settings.SECRET_KEY = django_settings.PINGAN_DEFAULT_SECRET_KEY
    settings.DEBUG = True
    problems = unsafe_settings()
    assert len(problems) == 2
    assert "DEBUG" in problems[0] and "SECRET_KEY" in problems[1]


def test_a_key_of_our_own_with_debug_off_is_safe(settings):
    settings.SECRET_KEY = OWN_KEY
    settings.DEBUG = False
    assert unsafe_settings() == []
    refuse_unsafe_settings(["gunicorn"])  # nothing raised


@pytest.mark.parametrize("debug", [True, False])
def test_the_entry_points_refuse_unless_the_development_server_loads_them(settings, debug):
    settings.SECRET_KEY = OWN_KEY if debug else django_settings.PINGAN_DEFAULT_SECRET_KEY
    settings.DEBUG = debug
    with pytest.raises(UnsafeDeployment, match="refuses to serve"):
        refuse_unsafe_settings(["/srv/pingan/.venv/bin/gunicorn", "-c", "gunicorn.conf.py"])
    refuse_unsafe_settings(["manage.py", "runserver", "127.0.0.1:8000"])  # `make demo` still serves


def test_the_deploy_check_reports_errors_and_the_in_request_task_backend(settings):
    settings.SECRET_KEY = django_settings.PINGAN_DEFAULT_SECRET_KEY
    settings.DEBUG = False
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert [message.id for message in check_production_settings()] == ["pingan.E001", "pingan.W001"]
    settings.SECRET_KEY = OWN_KEY
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert check_production_settings() == []
