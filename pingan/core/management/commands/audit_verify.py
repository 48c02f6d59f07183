"""Walk the audit log's hash chain (core.auditchain) and report every row that was changed, removed or put
in, and a missing or disabled trigger. Exits 1 when anything is found; prints the chain's head (seq and
hash) to keep outside the database. `--archive MANIFEST` verifies an archive file instead."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pingan.core.auditchain import Report, verify, verify_archive


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (changed, missing or inserted rows; the triggers)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--archive", type=Path, help="verify an archive's manifest and file instead")

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = options.get("archive")
        report: Report = verify_archive(manifest) if manifest else verify()
        for finding in report.findings:
            self.stderr.write(str(finding))
        summary = f"{report.rows} rows"
        if report.first_seq is not None:
            summary += f", seq {report.first_seq}–{report.head_seq}, head {report.head_hash}"
        if not report.ok:
            raise CommandError(f"audit chain: {len(report.findings)} problem(s) in {summary}", returncode=1)
        self.stdout.write(f"audit chain OK: {summary}")
