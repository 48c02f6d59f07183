from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from pingan.cases.services import case_clocks_recount


class Command(BaseCommand):
    help = (
        "Count again the deadlines of open cases that run through the given years (default: this year and "
        "the next) on the current working calendar, e.g. after upgrading to the provisional statutory holidays."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, action="append", dest="years", help="a year (repeatable)")

    def handle(self, *args: Any, years: list[int] | None = None, **options: Any) -> None:
        today = timezone.localdate()
        counted = set(years or (today.year, today.year + 1))
        changed = case_clocks_recount(years=counted)
        self.stdout.write(f"{changed} deadline(s) changed in {', '.join(map(str, sorted(counted)))}")
