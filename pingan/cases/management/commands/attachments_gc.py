"""Remove stored files that no attachment row refers to, and pending uploads nobody came back for.

Files are written while the registering transaction is still open; when it rolls back (a bad ID number
in the same request, say), the row disappears and the file stays behind. Files kept from a form that came
back with errors (pending/, see pingan.cases.files) are used or dropped on the next submit, or left when
the clerk walks away. Run daily from cron."""

import datetime
from argparse import ArgumentParser
from collections.abc import Iterator
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from pingan.cases.files import PENDING_DIR
from pingan.cases.models import Attachment


def _walk(directory: str) -> Iterator[str]:
    folders, files = default_storage.listdir(directory)
    for name in files:
        yield f"{directory}/{name}"
    for folder in folders:
        yield from _walk(f"{directory}/{folder}")


class Command(BaseCommand):
    help = "Delete attachment files and pending uploads older than --hours that no attachment row refers to."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="leave younger files alone (uploads in flight)")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, hours: int, dry_run: bool, **options: Any) -> None:
        cutoff = timezone.now() - datetime.timedelta(hours=hours)
        referenced = set(Attachment.objects.values_list("file", flat=True))
        orphans = [
            path
            for directory in ("attachments", PENDING_DIR)
            if default_storage.exists(directory)
            for path in _walk(directory)
            if path not in referenced and default_storage.get_modified_time(path) < cutoff
        ]
        for path in orphans:
            if not dry_run:
                default_storage.delete(path)
        self.stdout.write(f"{len(orphans)} orphaned files {'found' if dry_run else 'deleted'}")
