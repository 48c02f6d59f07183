"""Remove stored files that no attachment row refers to.

Files are written while the registering transaction is still open; when it rolls back (a bad ID number
in the same request, say), the row disappears and the file stays behind. Run daily from cron."""

import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from pingan.cases.models import Attachment


def _walk(directory: str):
    folders, files = default_storage.listdir(directory)
    for name in files:
        yield f"{directory}/{name}"
    for folder in folders:
        yield from _walk(f"{directory}/{folder}")


class Command(BaseCommand):
    help = "Delete attachment files older than --hours that no attachment row refers to."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="leave younger files alone (uploads in flight)")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, hours: int, dry_run: bool, **options):
        if not default_storage.exists("attachments"):
            self.stdout.write("0 orphaned files")
            return
        cutoff = timezone.now() - datetime.timedelta(hours=hours)
        referenced = set(Attachment.objects.values_list("file", flat=True))
        orphans = [
            path
            for path in _walk("attachments")
            if path not in referenced and default_storage.get_modified_time(path) < cutoff
        ]
        for path in orphans:
            if not dry_run:
                default_storage.delete(path)
        self.stdout.write(f"{len(orphans)} orphaned files {'found' if dry_run else 'deleted'}")
