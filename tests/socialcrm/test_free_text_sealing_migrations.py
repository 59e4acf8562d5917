"""prospects 0013, consent 0010, deals 0004-0005: values stored in clear before are sealed.

A database from before holds a prospect's company and job title, a consent's purpose
and a deal's notes in clear. Migrated, each column holds a token, the models read the
values back, and the company is found by the list's search. Migrated back, the plain
values return.
"""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import EmployeeFactory

BEFORE = [
    ("prospects", "0012_notes_flagged"),
    ("consent", "0009_consent_evidence_outlives_its_record"),
    ("deals", "0003_deal_dates_validated"),
]
COMPANY, JOB_TITLE = "Brambleworth Ventures", "Chief Orchardist"
PURPOSE, DEAL_NOTES = "Tessellated newsletter", "Invoice to the Harrowgate office"


def _raw(sql: str, params) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_plain_values_are_sealed_readable_searchable_and_can_be_migrated_back():
    owner = EmployeeFactory(role="rep")
    _migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    now = timezone.now()
    prospect = old.get_model("prospects", "Prospect").objects.create(
        owner_id=owner.pk,
        full_name="Ysolde Quenthorpe",
        company=COMPANY,
        job_title=JOB_TITLE,
        provenance="employment",
        collected_at=now,
    )
    event_id = uuid.uuid4()
    old.get_model("consent", "ConsentEvent").objects.create(
        id=event_id,
        prospect_id=prospect.pk,
        channel="email",
        action="grant",
        purpose=PURPOSE,
        evidence="written_reply",
        occurred_at=now - datetime.timedelta(days=1),
    )
    deal = old.get_model("deals", "Deal").objects.create(
        prospect_id=prospect.pk, owner_id=owner.pk, product="Licence", amount=10, notes=DEAL_NOTES
    )

    _migrate(None)

    from consent.models import ConsentEvent
    from deals.models import Deal
    from prospects.models import Prospect
    from prospects.selectors import prospect_search

    stored = _raw(
        "SELECT company, job_title FROM prospects_prospect WHERE id = %s",
        [Prospect._meta.pk.get_db_prep_value(prospect.pk, connection)],
    )
    stored += _raw(
        "SELECT purpose FROM consent_consentevent WHERE id = %s",
        [ConsentEvent._meta.pk.get_db_prep_value(event_id, connection)],
    )
    stored += _raw("SELECT notes FROM deals_deal WHERE id = %s", [deal.pk])
    assert all(value.startswith("v1$") for value in stored), stored
    sealed = Prospect.objects.get(pk=prospect.pk)
    assert (sealed.company, sealed.job_title) == (COMPANY, JOB_TITLE)
    assert ConsentEvent.objects.get(pk=event_id).purpose == PURPOSE
    assert Deal.objects.get(pk=deal.pk).notes == DEAL_NOTES
    assert list(prospect_search(Prospect.objects.all(), q="bramble")) == [sealed]

    _migrate(BEFORE)
    assert _raw(
        "SELECT company, job_title FROM prospects_prospect WHERE id = %s",
        [Prospect._meta.pk.get_db_prep_value(prospect.pk, connection)],
    ) == (COMPANY, JOB_TITLE)
    assert _raw(
        "SELECT purpose FROM consent_consentevent WHERE id = %s",
        [ConsentEvent._meta.pk.get_db_prep_value(event_id, connection)],
    ) == (PURPOSE,)
    assert _raw("SELECT notes FROM deals_deal WHERE id = %s", [deal.pk]) == (DEAL_NOTES,)
    _migrate(None)
