from typing import Any

from django.core.management.base import BaseCommand

from pingan.core.idempotency import purge


class Command(BaseCommand):
    help = "Delete stored Idempotency-Key answers older than PINGAN_IDEMPOTENCY_TTL_HOURS (default 24). Run from cron."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"idempotency_purge: {purge()} deleted")
