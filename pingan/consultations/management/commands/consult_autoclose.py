from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from pingan.consultations.tasks import consult_autoclose


class Command(BaseCommand):
    help = (
        "Close (办结) the consultations answered 7 working days ago or more that the enterprise has not rated. Run "
        "from the scheduler. By default the sweep is enqueued on the task queue; --now runs it here."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--now", action="store_true", help="run the sweep in this process and print its count")

    def handle(self, *args: Any, now: bool = False, **options: Any) -> None:
        if now:
            self.stdout.write(f"consult_autoclose: {consult_autoclose.call()}")
            return
        result = consult_autoclose.enqueue()
        self.stdout.write(f"consult_autoclose enqueued: {result.id} ({result.status})")
