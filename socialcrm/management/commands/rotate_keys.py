from django.core.management.base import BaseCommand, CommandError

from core import crypto, rotation


class Command(BaseCommand):
    help = (
        "Re-encrypt personal data under the first key of FIELD_ENCRYPTION_KEYS, in batches. "
        "Safe to re-run; reports what is left under older keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--dry-run", action="store_true", help="only report what is left")

    def handle(self, *args, batch_size, dry_run, **options):
        if not dry_run:
            try:
                done = rotation.rotate_all(batch_size=batch_size)
            except crypto.DecryptionError as exc:
                raise CommandError(f"cannot re-encrypt: {exc}") from None
            for label, count in done.items():
                self.stdout.write(f"{label}: {count} rows re-encrypted")
        left = rotation.stale_counts()
        for label, count in left.items():
            self.stdout.write(f"{label}: {count} rows left under older keys")
        if any(left.values()):
            raise CommandError("some values are still under older keys")
