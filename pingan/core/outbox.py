"""The outbox (发件箱): side effects of a write (notifications, …) go through a row written in the write's
own transaction, never straight to the task queue from `transaction.on_commit`.

Why: with the database-backed queue, enqueuing is a second write after the commit; when it failed (the
database went away just after the commit, the queue's table was locked) the exception came out of
`on_commit` into the view, which answered 500 — and the case it had just committed stayed. The client was
told "failed" about a write that had happened, and retried into a duplicate.

Now: `publish()` writes an OutboxMessage with the write; after the commit it is handed to the queue
(`deliver_outbox`), and a failure there is logged, never raised (`on_commit(..., robust=True)`); the
message stays pending and `manage.py outbox_dispatch` (cron, with the SLA sweep) hands it again.
Delivery locks the message, runs the task and marks the message delivered in one transaction, so a
message handed twice takes effect once."""

from __future__ import annotations

import datetime
import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def publish(task: Task[..., Any], **kwargs: Any) -> OutboxMessage:
    """Record `task(**kwargs)` to run once the current transaction has committed (JSON arguments)."""
    message = OutboxMessage.objects.create(task=task.module_path, kwargs=kwargs, created_at=timezone.now())
    transaction.on_commit(partial(dispatch, message.pk), robust=True)
    return message


def dispatch(message_id: int) -> None:
    """Hand a message to the task queue (immediately run by the embedded backend)."""
    from .tasks import deliver_outbox

    deliver_outbox.enqueue(message_id=message_id)


def deliver(message_id: int) -> bool:
    """Run a pending message's task and mark it delivered, together; False if it was delivered already."""
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.select_for_update().filter(pk=message_id, delivered_at__isnull=True).first()
            if message is None:
                return False
            task: Task[..., Any] = import_string(message.task)
            task.call(**message.kwargs)
            message.delivered_at = timezone.now()
            message.attempts += 1
            message.save(update_fields=["delivered_at", "attempts"])
        return True
    except Exception as exc:
        OutboxMessage.objects.filter(pk=message_id, delivered_at__isnull=True).update(
            attempts=F("attempts") + 1, last_error=repr(exc)[:2000]
        )
        raise


def dispatch_pending(older_than: datetime.timedelta = datetime.timedelta(seconds=0)) -> tuple[int, int]:
    """Deliver the messages still pending (the queue could not take them after their commit): returns
    (delivered, failed). Each is delivered here, in this process, one by one."""
    cutoff = timezone.now() - older_than
    delivered = failed = 0
    for message_id in OutboxMessage.objects.filter(delivered_at__isnull=True, created_at__lte=cutoff).values_list(
        "pk", flat=True
    ):
        try:
            delivered += deliver(message_id)
        except Exception:
            logger.exception("outbox message %s failed", message_id)
            failed += 1
    return delivered, failed
