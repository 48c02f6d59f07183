from typing import Any

from django.core.management.base import BaseCommand

from pingan.lawguard.outcome_services import revisit_sweep


class Command(BaseCommand):
    help = "回访提醒: tell the workstations of the suggestions whose 回访 date is today. Run from the scheduler."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"lawguard_revisit_sweep: {revisit_sweep()}")
