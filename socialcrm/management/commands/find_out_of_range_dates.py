"""Lists the stored dates outside 1970 … today + 10 years, by table, column and row id.

Such rows come from before the date bounds (API.md v2) or from outside the app. Pages
read them at the readable limit (``core.fields``) and log each one they meet;
this lists them all at once, for the DPO or an administrator to correct.
"""

import datetime

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models

from core import dates

OUR_APPS = {
    "audit",
    "charters",
    "consent",
    "content",
    "deals",
    "dsar",
    "imports",
    "mail",
    "offboarding",
    "onboarding",
    "outbox",
    "people",
    "prospects",
    "register",
    "retention",
    "webhooks",
}


def out_of_range_rows(*, limit: int = 20, registry=apps):
    """(table, column, count, first ids) for every date column holding out-of-range values.

    ``registry`` is the app registry to read the models from: the project's, or a
    migration's historical one (``socialcrm/migrations/0001``).
    """
    latest = dates.latest_date()
    for model in registry.get_models():
        if model._meta.app_label not in OUR_APPS or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DateField):
                continue
            if isinstance(field, models.DateTimeField):
                low = dates.EARLIEST_MOMENT
                high = datetime.datetime.combine(
                    latest + datetime.timedelta(days=1), datetime.time(), tzinfo=dates.PARIS
                )
                outside = models.Q(**{f"{field.name}__lt": low}) | models.Q(
                    **{f"{field.name}__gte": high}
                )
            else:
                outside = models.Q(**{f"{field.name}__lt": dates.EARLIEST}) | models.Q(
                    **{f"{field.name}__gt": latest}
                )
            rows = model._base_manager.filter(outside).order_by("pk")
            count = rows.count()
            if count:
                ids = [str(pk) for pk in rows.values_list("pk", flat=True)[:limit]]
                yield model._meta.db_table, field.column, count, ids


class Command(BaseCommand):
    help = "List stored dates outside 1970 … today + 10 years (table, column, row ids)."

    def handle(self, *args, **options):
        found = 0
        for table, column, count, ids in out_of_range_rows():
            found += count
            more = f" (+{count - len(ids)} more)" if count > len(ids) else ""
            self.stdout.write(f"{table}.{column}: {count} row(s): {', '.join(ids)}{more}")
        if not found:
            self.stdout.write("No stored date is out of range.")
