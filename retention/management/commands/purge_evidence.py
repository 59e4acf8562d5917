from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from retention import selectors, services
from retention.management.commands.purge_expired_prospects import report


class Command(BaseCommand):
    help = (
        "RULES 19: empty outreach contents older than EVIDENCE_RETENTION_DAYS and delete "
        "the consent events of removed records past that period, in batches. Prints counts only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=settings.RETENTION_BATCH_SIZE)
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be done; change nothing"
        )

    def handle(self, *args, batch_size, dry_run, **options):
        now = timezone.now()
        if dry_run:
            report(self.stdout, "would be", selectors.evidence_due_counts(now=now))
            return
        run_id = services.new_run_id()
        totals: dict[str, int] = {}
        while True:
            batch = services.evidence_purge_batch(run_id=run_id, now=now, batch_size=batch_size)
            for name, count in batch.counts.items():
                totals[name] = totals.get(name, 0) + count
            if not batch.more:
                break
        report(self.stdout, "done", totals)
