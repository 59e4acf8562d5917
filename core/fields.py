"""Model fields that keep personal data encrypted in the database.

``EncryptedTextField`` stores a sealed token (see ``core.crypto``) and
gives the plaintext back only through the model attribute, decrypting on first
access with the row's own associated data (table, column, primary key). The
primary key must therefore exist before the first save: models using these
fields have a client-generated UUID key, or name another client-generated column
as the row's identity (``row_key``) when their key is a database sequence.

Such a column can be neither filtered nor updated with a plaintext value:
``filter(email=...)`` or ``update(email=...)`` raise, so nobody writes an
unencrypted value or compares against ciphertext by mistake. Look a person up
through the blind-index column instead.
"""

import datetime
import logging

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from core import crypto, dates

_CACHE = "_sealed_values"


class Sealed(str):
    """A value exactly as stored in the database: still encrypted."""


class EncryptedAttribute(DeferredAttribute):
    """Opens the stored token on first read, with the associated data of this row."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            plaintext = crypto.unseal(value, aad=self.field.associated_data(instance))
            instance.__dict__[self.field.attname] = plaintext
            # Remember the token: saving an untouched value writes it back unchanged.
            instance.__dict__.setdefault(_CACHE, {})[self.field.attname] = (plaintext, value)
            return plaintext
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    descriptor_class = EncryptedAttribute

    def __init__(self, *args, row_key: str = "pk", **kwargs):
        # The attribute naming the row in the associated data: "pk", or a UUID column set
        # before the insert on models whose key the database assigns (deals).
        self.row_key = row_key
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.row_key != "pk":
            kwargs["row_key"] = self.row_key
        return name, path, args, kwargs

    def associated_data(self, instance) -> bytes:
        row = getattr(instance, self.row_key)
        if row is None:
            raise ValueError(
                f"{instance.__class__.__name__}.{self.name}: encrypted values need the row's "
                f"{self.row_key} before saving"
            )
        return self.associated_data_of(row)

    def associated_data_of(self, pk) -> bytes:
        return f"{self.model._meta.db_table}|{self.column}|{pk}".encode()

    def seal(self, value: str | None, *, pk) -> "Sealed | None":
        """What this column stores for ``value`` on the row ``pk`` (its ``row_key``).

        For writers that bypass model instances (the import's COPY): the token is the
        one ``save()`` would have written, and opens through the model as usual.
        """
        if value is None:
            return None
        return Sealed(crypto.seal(value, aad=self.associated_data_of(pk)))

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value
        if not isinstance(value, str):
            raise TypeError(f"{self.name} holds text, got {type(value).__name__}")
        cached = model_instance.__dict__.get(_CACHE, {}).get(self.attname)
        if cached is not None and cached[0] == value:
            return cached[1]
        return Sealed(crypto.seal(value, aad=self.associated_data(model_instance)))

    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None or isinstance(value, Sealed):
            return value
        raise TypeError(
            f"{self.model.__name__}.{self.name} is encrypted: it cannot be filtered or updated "
            "with a plain value (use its blind index, or save the instance)"
        )


def encrypted_fields(model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def sealed_value(instance, field: EncryptedTextField) -> str | None:
    """The token as stored for ``instance`` (without decrypting)."""
    raw = instance.__dict__.get(field.attname)
    if isinstance(raw, Sealed) or raw is None:
        return raw
    cached = instance.__dict__.get(_CACHE, {}).get(field.attname)
    return cached[1] if cached else None


# --- dates that cannot take a page down ------------------------------------------------------

# What is read back at most. A column holds up to 9999-12-31, but a page converting that to
# Paris time, or a rule adding a deadline to it, overflows Python's dates (a 500 for every
# role, once, from one deal). Beyond this day a stored value is read as this day, and the
# row is logged by id when the model reads it; `manage.py find_out_of_range_dates` lists
# them all. New values never get there: the fields validate 1970 … today + 10 years.
READABLE_LATEST_DATE = datetime.date(9990, 12, 31)
READABLE_LATEST_MOMENT = datetime.datetime(9990, 12, 31, tzinfo=datetime.UTC)

logger = logging.getLogger(__name__)


class _BoundedDateAttribute(DeferredAttribute):
    """Logs, by row id, a model whose date was read back at the readable limit."""

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        if instance is not None and value is not None and value == self.field.readable_latest:
            logged = instance.__dict__.setdefault("_out_of_range_logged", set())
            if self.field.attname not in logged:
                logged.add(self.field.attname)
                logger.warning(
                    "%s.%s of row %s is beyond the readable range; shown as %s",
                    self.field.model._meta.db_table,
                    self.field.column,
                    instance.pk,
                    value.isoformat(),
                )
        return value

    def __set__(self, instance, value):
        # A data descriptor, so reads come through __get__ even once the value is loaded.
        instance.__dict__[self.field.attname] = value


class _Bounded:
    """Validates 1970 … today + 10 years on write; reads past the readable limit as the limit."""

    descriptor_class = _BoundedDateAttribute
    readable_latest: datetime.date

    def from_db_value(self, value, expression, connection):
        if value is not None and value > self.readable_latest:
            return self.readable_latest
        return value


# Both keep Django's path in migrations: the same column, so switching needs no migration.
class BoundedDateField(_Bounded, models.DateField):
    default_validators = [dates.in_range]
    readable_latest = READABLE_LATEST_DATE

    def deconstruct(self):
        name, _path, args, kwargs = models.DateField.deconstruct(self)
        return name, "django.db.models.DateField", args, kwargs


class BoundedDateTimeField(_Bounded, models.DateTimeField):
    default_validators = [dates.in_range]
    readable_latest = READABLE_LATEST_MOMENT

    def deconstruct(self):
        name, _path, args, kwargs = models.DateTimeField.deconstruct(self)
        return name, "django.db.models.DateTimeField", args, kwargs
