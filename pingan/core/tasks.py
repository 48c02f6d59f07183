"""Background work of the framework: delivering the outbox (core.outbox)."""

from __future__ import annotations

from django.tasks import task


@task()
def deliver_outbox(*, message_id: int) -> bool:
    """Run one outbox message's task, once."""
    from .outbox import deliver

    return deliver(message_id)


@task()
def outbox_dispatch() -> dict[str, int]:
    """Deliver what is still pending in the outbox (scheduled like the SLA sweep)."""
    from .outbox import dispatch_pending

    delivered, failed = dispatch_pending()
    return {"delivered": delivered, "failed": failed}
