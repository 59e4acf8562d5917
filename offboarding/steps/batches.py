"""What the steps share: which prospects stay at the company, and the batch a step works on.

A step works in batches; each batch is one transaction (``offboarding.services.step_run``)
that reads the step's cursor, changes at most ``batch_size`` prospects with a conditional
write, and moves the cursor and counts with it.
"""

from django.conf import settings
from django.db.models import Q

from offboarding.models import OffboardingStep, StepKey
from prospects.models import Provenance

# Prospects per batch: big enough for throughput, small enough for short locks.
BATCH_SIZE = 5000
# The transfer only rewrites an owner column: bigger batches, fewer round trips and commits.
TRANSFER_BATCH_SIZE = 20_000


def batch_size(key: str = "") -> int:
    default = TRANSFER_BATCH_SIZE if key == StepKey.TRANSFER_DATA else BATCH_SIZE
    return getattr(settings, "OFFBOARDING_BATCH_SIZE", default)


def keep(queryset):
    """The prospects that stay at the company: everything but the non-contributed network."""
    return queryset.filter(~Q(provenance=Provenance.PRE_HIRE) | Q(contributed=True))


def own_network(queryset):
    """The employee's own network: pre-hire contacts they did not contribute."""
    return queryset.filter(provenance=Provenance.PRE_HIRE, contributed=False)


def next_batch(queryset, step: OffboardingStep) -> list:
    if step.cursor:
        queryset = queryset.filter(id__gt=step.cursor)
    return list(queryset.order_by("id").values_list("id", flat=True)[: batch_size(step.key)])
