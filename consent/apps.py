from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from core import database

# Statements a PostgreSQL connection keeps prepared (the gate's: a few per day), and the
# texts of the last statements it counts towards preparing. psycopg remembers up to 100
# texts by default, parameters included for Django's client-side binding: an import
# batch's or an offboarding batch's id list is 100 KB to 1 MB of text each.
PREPARED_STATEMENTS_MAX = 16


def _bounded_statement_cache(sender, connection, **kwargs):
    if database.postgresql(connection) and connection.connection.prepare_threshold is not None:
        connection.connection.prepared_max = PREPARED_STATEMENTS_MAX


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent and opposition")

    def ready(self):
        # The gate's prepared query (settings.GATE_PREPARED_QUERY) turns psycopg's statement
        # counting on for every connection; this keeps what it remembers small.
        connection_created.connect(_bounded_statement_cache, dispatch_uid="consent.statements")
