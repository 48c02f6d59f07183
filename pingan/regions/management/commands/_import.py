"""What the two import commands share: read the file, run the service as a named user, report."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pingan.core.errors import ApplicationError

if TYPE_CHECKING:
    from pingan.regions.services import ImportService


class ImportCommand(BaseCommand):
    service: ClassVar[ImportService]  # set by subclasses: staticmethod(regions_import) etc.

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="an .xlsx file (first sheet) or a CSV file (UTF-8 or GBK)")
        parser.add_argument("--user", help="username recorded as the actor in the audit log")

    def handle(self, *args: Any, file: str, user: str | None = None, **options: Any) -> None:
        from pingan.regions.services import read_table

        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No such user: {user}")
        try:
            rows = read_table(file)
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {file}") from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        result = type(self).service(rows=rows, actor=actor)
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported.")
        counts = f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        self.stdout.write(self.style.SUCCESS(f"{result.total} rows: {counts}."))
