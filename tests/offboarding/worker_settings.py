"""Settings of the worker process the crash test kills: small batches, a short lease."""

from socialcrm.settings import *  # noqa: F403

OFFBOARDING_BATCH_SIZE = 5
OFFBOARDING_STEP_LEASE_SECONDS = 1
