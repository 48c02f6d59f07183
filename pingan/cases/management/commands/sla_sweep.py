from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from pingan.cases.tasks import sla_sweep


class Command(BaseCommand):
    help = (
        "Send the clocks' alerts that came due (临期预警, 超期, 超期升级), each once, with their timeline events and "
        "notifications. Run from cron. By default the sweep is enqueued on the task queue; --now runs it here."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--now", action="store_true", help="run the sweep in this process and print its counts")

    def handle(self, *args: Any, now: bool = False, **options: Any) -> None:
        if now:
            self.stdout.write(f"sla_sweep: {sla_sweep.call()}")
            return
        result = sla_sweep.enqueue()
        self.stdout.write(f"sla_sweep enqueued: {result.id} ({result.status})")
