"""Encrypting in place, from a data migration, a column that held plain text (and back).

For a column turned into an ``EncryptedTextField``: every non-NULL value, the empty
text included, becomes the token ``save()`` would have written (the field reads
nothing else back). Rows are read in primary-key order, a batch at a time, and
written back with one prepared UPDATE per batch, so a large table is neither held
in memory nor sent row by row. A value that already is a token is left as it is:
a migration stopped half-way can run again.
"""

from collections.abc import Callable, Sequence

from core import crypto

BATCH = 2000


def looks_sealed(value: str) -> bool:
    parts = value.split("$")
    return len(parts) == 4 and parts[0] == crypto.TOKEN_VERSION


def seal_columns(
    apps,
    schema_editor,
    *,
    model: str,
    fields: Sequence[str],
    derived: dict[str, Callable[[dict[str, str]], str]] | None = None,
) -> None:
    """Encrypt ``fields`` of ``model``; ``derived`` columns are computed from the plain values."""
    derived = derived or {}

    def rewrite(field, row_id, value: str) -> str:
        if looks_sealed(value):
            return value
        return crypto.seal(value, aad=field.associated_data_of(row_id))

    def plain(field, row_id, value: str) -> str:
        if looks_sealed(value):
            return crypto.unseal(value, aad=field.associated_data_of(row_id))
        return value

    _rewrite(apps, schema_editor, model, fields, derived, rewrite, plain)


def open_columns(apps, schema_editor, *, model: str, fields: Sequence[str]) -> None:
    """The reverse: write the plain values back (with the keys that sealed them)."""

    def rewrite(field, row_id, value: str) -> str:
        if looks_sealed(value):
            return crypto.unseal(value, aad=field.associated_data_of(row_id))
        return value

    _rewrite(apps, schema_editor, model, fields, {}, rewrite, rewrite)


def _rewrite(apps, schema_editor, model, fields, derived, rewrite, plain) -> None:
    Model = apps.get_model(model)
    meta = Model._meta
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    sealed = [meta.get_field(name) for name in fields]
    row_key = sealed[0].row_key
    columns = [field.column for field in sealed] + [meta.get_field(n).column for n in derived]
    # Names from the model's meta, quoted; every value is a parameter.
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    update = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    names = ["pk", *([row_key] if row_key != "pk" else []), *fields]
    last = None
    while True:
        rows = Model.objects.order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows.values_list(*names)[:BATCH])
        if not batch:
            return
        params = []
        for row in batch:
            pk, values = row[0], row[len(names) - len(fields) :]
            row_id = row[1] if row_key != "pk" else pk
            texts = {
                field.name: None if value is None else str(value)
                for field, value in zip(sealed, values, strict=True)
            }
            written = [
                None if texts[f.name] is None else rewrite(f, row_id, texts[f.name]) for f in sealed
            ]
            if derived:
                plains = {
                    f.name: "" if texts[f.name] is None else plain(f, row_id, texts[f.name])
                    for f in sealed
                }
                written.extend(compute(plains) for compute in derived.values())
            params.append((*written, meta.pk.get_db_prep_value(pk, connection)))
        with connection.cursor() as cursor:
            cursor.executemany(update, params)
        last = batch[-1][0]
