from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import tail_problem
from audit.models import AuditEvent
from audit.selectors import first_broken_event
from socialcrm.tasks import checkpoint_write_and_send


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain and its end against the latest signed checkpoint; "
        "exit non-zero naming the problem. An intact trail gets a new checkpoint."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-checkpoint",
            action="store_true",
            help="only check; do not write a checkpoint afterwards",
        )

    def handle(self, *args, **options):
        bad_id, reason = first_broken_event()
        if bad_id is not None:
            raise CommandError(f"audit chain broken at event {bad_id}: {reason}")
        problem = tail_problem()
        if problem:
            raise CommandError(f"audit trail tail: {problem}")
        if not options["no_checkpoint"]:
            checkpoint_write_and_send()
        self.stdout.write(f"audit chain intact ({AuditEvent.objects.count()} events)")
