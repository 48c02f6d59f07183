"""Background work goes through the real database-backed queue (django-tasks-db) in production."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command

from pingan.cases.choices import EventType
from pingan.cases.models import CaseEvent, Notification
from pingan.cases.tasks import sla_sweep


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # Django resets the handler


@pytest.mark.django_db(transaction=True)
def test_sweep_runs_on_the_database_worker(migration_data, database_queue, dispute, people):
    with time_machine.travel(dispute.deadline + datetime.timedelta(hours=2), tick=False):
        result = sla_sweep.enqueue()
        assert result.status == "READY"  # queued, not run yet
        assert not CaseEvent.objects.filter(type=EventType.OVERDUE).exists()
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert CaseEvent.objects.filter(case=dispute, type=EventType.OVERDUE).count() == 1
    assert Notification.objects.filter(case=dispute, user=people.clerk, message__contains="超过办理期限").exists()
