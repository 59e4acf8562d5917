"""Re-encryption of stored values under the current key (``manage.py rotate_keys``)."""

import contextlib

from django.apps import apps
from django.db import transaction
from django.db.models import Q

from core import crypto
from core.fields import Sealed, encrypted_fields


def _stale(fields, prefix: str) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field.name}__isnull": False}) & ~Q(
            **{f"{field.name}__startswith": prefix}
        )
    return condition


def stale_counts() -> dict[str, int]:
    """Rows per model still holding a value sealed with another key than the current one."""
    prefix = f"{crypto.TOKEN_VERSION}${crypto.active_keyring().current_id}$"
    counts = {}
    for model in apps.get_models():
        fields = encrypted_fields(model)
        if fields:
            counts[model._meta.label] = model._base_manager.filter(_stale(fields, prefix)).count()
    return counts


def rotate_model(model, *, batch_size: int = 500) -> int:
    """Re-seal every stale value of ``model``; returns the number of rows rewritten."""
    ring = crypto.active_keyring()
    prefix = f"{crypto.TOKEN_VERSION}${ring.current_id}$"
    fields = encrypted_fields(model)
    rewritten = 0
    while True:
        batch = list(
            model._base_manager.filter(_stale(fields, prefix))
            .order_by("pk")
            .only("pk", *{f.row_key for f in fields} - {"pk"}, *[f.name for f in fields])[
                :batch_size
            ]
        )
        if not batch:
            return rewritten
        # Append-only models (consent events) open their trigger for the rewrite.
        resealing = getattr(model, "resealing", contextlib.nullcontext)
        with transaction.atomic(), resealing():
            for obj in batch:
                updates = {}
                for field in fields:
                    token = obj.__dict__[field.attname]
                    if token is None or token.startswith(prefix):
                        continue
                    aad = field.associated_data(obj)
                    plaintext = crypto.unseal(token, aad=aad, keyring=ring)
                    updates[field.attname] = Sealed(crypto.seal(plaintext, aad=aad, keyring=ring))
                model._base_manager.filter(pk=obj.pk).update(**updates)
        rewritten += len(batch)


def rotate_all(*, batch_size: int = 500) -> dict[str, int]:
    return {
        model._meta.label: rotate_model(model, batch_size=batch_size)
        for model in apps.get_models()
        if encrypted_fields(model)
    }
