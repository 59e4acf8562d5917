"""One benchmark run on its own (``python bench/<name>.py``): Django set up on a scratch
PostgreSQL database of its own, created for the run and dropped after."""

import contextlib
import os
import sys
from pathlib import Path


@contextlib.contextmanager
def scratch_database(suffix: str):
    """Inside: the database ``<DATABASE_URL name>_<suffix>``, DEBUG off (as deployed).

    Yields False, and creates nothing, when DATABASE_URL does not name PostgreSQL.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialcrm.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        sys.stdout.write(
            "bench: needs DATABASE_URL=postgres://… (the benchmark measures PostgreSQL); skipped\n"
        )
        yield False
        return
    original_name = database["NAME"]
    database.setdefault("TEST", {})["NAME"] = f"{original_name}_{suffix}"
    # Measured as deployed: with DEBUG on, Django keeps every query's text in memory.
    settings.DEBUG = False
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield True
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
