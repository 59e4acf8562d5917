from django.db import connection


def audit_write_queries() -> int:
    """What one audit event costs inside a test's transaction: savepoint, the chain's lock
    (PostgreSQL), the previous hash, the insert, savepoint release."""
    return 5 if connection.vendor == "postgresql" else 4
