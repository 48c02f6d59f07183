from typing import Any

from django.core.management.base import BaseCommand

from pingan.core.outbox import dispatch_pending


class Command(BaseCommand):
    help = (
        "Deliver the outbox messages still pending (side effects of committed writes that the task queue could "
        "not take right after the commit). Run from cron every few minutes, next to sla_sweep."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        delivered, failed = dispatch_pending()
        self.stdout.write(f"outbox_dispatch: {delivered} delivered, {failed} failed")
