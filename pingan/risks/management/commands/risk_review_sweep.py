from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from pingan.risks.tasks import risk_review_sweep


class Command(BaseCommand):
    help = (
        "Tell the owner units of the risks whose periodic review (复核) came due, once per due date. Run from the "
        "scheduler. By default the sweep is enqueued on the task queue; --now runs it here."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--now", action="store_true", help="run the sweep in this process and print its count")

    def handle(self, *args: Any, now: bool = False, **options: Any) -> None:
        if now:
            self.stdout.write(f"risk_review_sweep: {risk_review_sweep.call()}")
            return
        result = risk_review_sweep.enqueue()
        self.stdout.write(f"risk_review_sweep enqueued: {result.id} ({result.status})")
