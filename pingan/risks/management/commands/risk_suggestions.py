from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from pingan.risks.insight_tasks import risk_suggestions_sweep


class Command(BaseCommand):
    help = (
        "Run the repeated-dispute rules (重复纠纷风险研判) and write what they find to the review list. By default "
        "the sweep is enqueued on the task queue; --now runs it here and prints its counts."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--now", action="store_true", help="run the sweep in this process and print its counts")

    def handle(self, *args: Any, now: bool = False, **options: Any) -> None:
        if now:
            self.stdout.write(f"risk_suggestions: {risk_suggestions_sweep.call()}")
            return
        result = risk_suggestions_sweep.enqueue()
        self.stdout.write(f"risk_suggestions enqueued: {result.id} ({result.status})")
