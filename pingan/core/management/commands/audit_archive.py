"""Move audit rows older than a date into a gzip-compressed JSON-lines file with a manifest (counts, first
and last seq and hash, the anchor, the file's SHA-256), and only then remove them from the table. Refuses a
date younger than PINGAN_AUDIT_RETENTION_DAYS (at least 183 days: 网络安全法 第二十一条, 留存相关的网络日志
不少于六个月). The rows left in the table verify from the archive's anchor (`audit_verify`); the file
verifies on its own (`audit_verify --archive MANIFEST`)."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pingan.core.audit import audit_log
from pingan.core.auditchain import ArchiveRefused, archive
from pingan.core.models import AuditAction


class Command(BaseCommand):
    help = "Archive audit rows created before DATE (Asia/Shanghai) to a compressed file, then remove them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--before", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--output", type=Path, help="directory (default PINGAN_AUDIT_ARCHIVE_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        before = timezone.make_aware(datetime.datetime.combine(options["before"], datetime.time.min))
        directory = options["output"] or Path(settings.PINGAN_AUDIT_ARCHIVE_DIR)
        try:
            record = archive(
                before=before,
                directory=directory,
                now=timezone.now(),
                retention_days=max(183, settings.PINGAN_AUDIT_RETENTION_DAYS),
            )
        except ArchiveRefused as error:
            raise CommandError(str(error)) from error
        if record is None:
            self.stdout.write("nothing to archive")
            return
        audit_log(
            actor=None,
            action=AuditAction.ARCHIVE,
            object_type="core.auditarchive",
            object_id=str(record.pk),
            changes={
                "file": record.file_name,
                "rows": record.rows,
                "first_seq": record.first_seq,
                "last_seq": record.last_seq,
            },
        )
        self.stdout.write(
            f"archived {record.rows} rows (seq {record.first_seq}–{record.last_seq}) to {directory / record.file_name}"
        )
