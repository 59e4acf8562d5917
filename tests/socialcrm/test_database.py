"""PostgreSQL-only paths are chosen in one place (``core/database.py``)."""

import re
from pathlib import Path

from django.db import connection

from core import database

ROOT = Path(__file__).resolve().parents[2]
VENDOR_TEST = re.compile(r"\.vendor\b")


def _project_sources():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "tests", "var", "node_modules"} or (
            "migrations" in relative.parts
        ):
            continue
        yield relative, path


def test_no_service_tests_the_database_vendor_itself():
    """A new PostgreSQL-only path goes into core/database.py with its portable
    twin, so the embedded default cannot be forgotten (migrations are exempt: a trigger
    is created where it can be)."""
    found = [
        f"{relative}:{number}"
        for relative, path in _project_sources()
        if relative != Path("core/database.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if VENDOR_TEST.search(line)
    ]
    assert found == []


def test_a_transaction_setting_is_read_back_and_reset(db):
    assert database.transaction_setting("socialcrm.example") == ""
    database.set_transaction_setting("socialcrm.example", "on")
    assert database.transaction_setting("socialcrm.example") == "on"
    database.set_transaction_setting("socialcrm.example", "")
    assert database.transaction_setting("socialcrm.example") == ""


def test_postgresql_names_the_configured_database():
    assert database.postgresql() is (connection.vendor == "postgresql")
    assert database.postgresql(connection) is database.postgresql()
