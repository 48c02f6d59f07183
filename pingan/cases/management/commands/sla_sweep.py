from django.core.management.base import BaseCommand

from pingan.cases.tasks import sla_sweep


class Command(BaseCommand):
    help = "Mark cases past their deadline (one 超期 event each) and notify their organisations. Run from cron."

    def handle(self, *args, **options):
        result = sla_sweep.enqueue()
        self.stdout.write(f"sla_sweep enqueued: {result.id} ({result.status})")
