from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEvent
from audit.selectors import first_broken_event


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit non-zero naming the first bad event."

    def handle(self, *args, **options):
        bad_id, reason = first_broken_event()
        if bad_id is not None:
            raise CommandError(f"audit chain broken at event {bad_id}: {reason}")
        self.stdout.write(f"audit chain intact ({AuditEvent.objects.count()} events)")
