"""Side effects through the outbox (core.outbox): a queue that fails after the commit does not turn a
committed case into an error answer (the case once committed behind a 500), and a message handed twice
takes effect once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.tasks.backends.immediate import ImmediateBackend

from pingan.cases.models import Case, Notification
from pingan.core.models import OutboxMessage
from pingan.core.outbox import deliver

from .test_api import intake

pytestmark = pytest.mark.django_db


def test_a_queue_failing_after_the_commit_leaves_a_201_and_a_pending_message(
    api, people, monkeypatch, django_capture_on_commit_callbacks
):
    def queue_down(*args: object) -> None:
        raise OperationalError("could not connect to server: the task queue's database")

    monkeypatch.setattr(ImmediateBackend, "enqueue", queue_down)  # the queue refuses every task
    with django_capture_on_commit_callbacks(execute=True):
        response = api(people.clerk).post("/api/v1/cases/", intake(), format="json")
    assert response.status_code == 201  # not a 500: the case is there and the client is told so
    case = Case.objects.get()
    [message] = OutboxMessage.objects.all()
    assert message.delivered_at is None and message.kwargs["case_id"] == case.pk
    assert not Notification.objects.filter(case=case).exists()

    monkeypatch.undo()
    call_command("outbox_dispatch")  # cron, a few minutes later
    message.refresh_from_db()
    assert message.delivered_at is not None
    notified = Notification.objects.filter(case=case).count()
    assert notified > 0 and Notification.objects.filter(case=case, user=people.clerk).exists()

    assert deliver(message.pk) is False  # handed again: nothing happens twice
    call_command("outbox_dispatch")
    assert Notification.objects.filter(case=case).count() == notified


def test_with_a_working_queue_the_message_is_delivered_at_once(api, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(people.clerk).post("/api/v1/cases/", intake(), format="json")
    assert response.status_code == 201
    assert OutboxMessage.objects.get().delivered_at is not None
    assert Notification.objects.filter(case_id=response.json()["id"], user=people.clerk).exists()


def test_a_refused_write_leaves_no_message(api, people):
    assert api(people.clerk).post("/api/v1/cases/", intake(region="999999"), format="json").status_code == 400
    assert not OutboxMessage.objects.exists()
