"""What the database can do: PostgreSQL's extras, and the portable path beside each.

The project runs on PostgreSQL in production and on SQLite by default (``make run``,
``make test`` for a newcomer). Every PostgreSQL-only optimisation is chosen here, by
the connection's vendor; services call these functions and never test the vendor
themselves (``tests/socialcrm/test_database.py`` fails on a ``.vendor`` test
elsewhere). The README's "What the embedded default does differently" lists what the
portable paths give up.

- ``postgresql()``: for a query written twice (the gate's prepared statement, the
  dashboard's ``DISTINCT ON`` and JSON functions, the DPO's tallied total).
- ``lock_for_transaction()``: an advisory lock; SQLite has one writer at a time anyway.
- ``commit_without_waiting_for_disk()``: asynchronous commit; SQLite commits as usual.
- ``insert_rows()``: ``COPY``; elsewhere ``bulk_create``.
- ``bound_transaction()``: ``statement_timeout`` and a generic plan; SQLite cannot stop
  a running query, so the limit is PostgreSQL's alone (the setting is still checked).
- ``transaction_setting()`` / ``set_transaction_setting()``: a transaction-local
  setting the triggers can read; elsewhere an attribute of the connection.
- Array parameters (``= ANY(%s)``) are the ``AnyOf`` lookup's (``core.lookups``);
  triggers and ``ON DELETE`` actions live in migrations that run on PostgreSQL only.
"""

from django.db import DEFAULT_DB_ALIAS, connections


def postgresql(using=DEFAULT_DB_ALIAS) -> bool:
    """Whether the connection of that alias (or that connection) is PostgreSQL's."""
    db = connections[using] if isinstance(using, str) else using
    return db.vendor == "postgresql"


def lock_for_transaction(key: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """Serialise the writers that take ``key`` until the transaction ends."""
    if postgresql(using):
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def commit_without_waiting_for_disk(using: str = DEFAULT_DB_ALIAS) -> None:
    """PostgreSQL's asynchronous commit for the current transaction.

    A database crash may then forget the last transactions committed, so use it only
    where the work is resumable from what was committed with it.
    """
    if postgresql(using):
        with connections[using].cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


_BOUNDS = (
    "SELECT set_config('statement_timeout', %s, true), "
    "set_config('plan_cache_mode', 'force_generic_plan', true)"
)


def bound_transaction(timeout_ms: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """A time limit for the statements of the current transaction, and generic plans."""
    if postgresql(using):
        with connections[using].cursor() as cursor:
            cursor.execute(_BOUNDS, [str(timeout_ms)])


def insert_rows(model, attnames: list[str], rows, using: str = DEFAULT_DB_ALIAS) -> None:
    """Insert plain rows of database values (``attnames`` order), without model instances.

    On PostgreSQL through ``COPY``; elsewhere ``bulk_create``. Values are stored as
    given: encrypted ones must already be sealed (``EncryptedTextField.seal``).
    """
    if not postgresql(using):
        model.objects.using(using).bulk_create(
            model(**dict(zip(attnames, row, strict=True))) for row in rows
        )
        return
    db = connections[using]
    quote = db.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in attnames)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with db.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def transaction_setting(name: str, using: str = DEFAULT_DB_ALIAS) -> str:
    """A transaction-local setting (``set_transaction_setting``), "" when unset."""
    db = connections[using]
    if not postgresql(using):
        return getattr(db, "_socialcrm_settings", {}).get(name, "")
    with db.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [name])
        return cursor.fetchone()[0] or ""


def set_transaction_setting(name: str, value: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """On PostgreSQL it ends with the transaction, and triggers read it; elsewhere the
    caller resets it (no trigger reads it there)."""
    db = connections[using]
    if not postgresql(using):
        if not hasattr(db, "_socialcrm_settings"):
            db._socialcrm_settings = {}
        db._socialcrm_settings[name] = value
        return
    with db.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
