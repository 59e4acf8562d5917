from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from retention import selectors, services


class Command(BaseCommand):
    help = (
        "RULES 18: ask owners for the one re-permission attempt (RETENTION_REPERMISSION), then "
        "delete prospects past their retention date, in batches. Prints counts only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=settings.RETENTION_BATCH_SIZE)
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be done; change nothing"
        )

    def handle(self, *args, batch_size, dry_run, **options):
        today = timezone.localdate()
        if dry_run:
            report(self.stdout, "would be", selectors.prospects_due_counts(today=today))
            return
        run_id = services.new_run_id()
        totals: dict[str, int] = {}
        while True:
            batch = services.expired_prospects_batch(
                run_id=run_id, today=today, batch_size=batch_size
            )
            for name, count in batch.counts.items():
                totals[name] = totals.get(name, 0) + count
            if not batch.more:
                break
        report(self.stdout, "done", totals)


def report(stdout, verb: str, counts: dict[str, int]) -> None:
    if not any(counts.values()):
        stdout.write("nothing to do")
        return
    for name, count in counts.items():
        stdout.write(f"{name}: {count} {verb}")
