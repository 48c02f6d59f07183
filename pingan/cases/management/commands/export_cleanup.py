from typing import Any

from django.core.management.base import BaseCommand

from pingan.cases.exports import export_jobs_expire


class Command(BaseCommand):
    help = (
        "Delete the files of export jobs older than PINGAN_EXPORT_TTL_HOURS and mark them expired. "
        "Run hourly from the scheduler (cron or a systemd timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"export_cleanup: {export_jobs_expire()} expired")
