"""The DPO's list of every prospect reads its total from the tally PostgreSQL keeps.

The tally is kept by triggers: each way rows arrive or leave must leave it equal
to a real count, or the DPO's list would show a wrong total and stop paging early.
"""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consent import services as consent_services
from imports import services as import_services
from imports.models import ImportJob
from prospects import services
from prospects.models import Prospect, Provenance
from tests.factories import EmployeeFactory, ProspectFactory
from tests.imports.conftest import connection_line, connections_csv

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kept by PostgreSQL triggers"),
]


def listed_count(client, query: str = "") -> int:
    response = client.get(f"/api/prospects/?page_size=2{query}")
    assert response.status_code == 200
    return response.json()["count"]


def run_import(owner, rows: int, settings, tmp_path) -> ImportJob:
    settings.MEDIA_ROOT = tmp_path / "media"
    job = ImportJob(owner=owner)
    content = connections_csv([connection_line(n) for n in range(rows)])
    job.file.save("connections.csv", ContentFile(content), save=False)
    job.save()
    import_services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_the_total_follows_creation_import_and_deletion(api_as, dpo, rep, settings, tmp_path):
    client = api_as(dpo)
    assert listed_count(client) == 0

    ProspectFactory.create_batch(3, owner=rep)
    assert listed_count(client) == 3

    job = run_import(rep, 250, settings, tmp_path)
    assert job.created == 250
    assert listed_count(client) == Prospect.objects.count() == 253

    doomed = Prospect.objects.filter(owner=rep)[:10]
    for prospect in doomed:
        consent_services.prospect_delete(actor=dpo.user, prospect=prospect)
    assert listed_count(client) == Prospect.objects.count() == 243

    Prospect.objects.filter(source="linkedin_import").delete()
    assert listed_count(client) == Prospect.objects.count() == 3


def test_pages_reach_the_last_prospect(api_as, dpo, rep):
    ProspectFactory.create_batch(5, owner=rep)
    client = api_as(dpo)
    seen, url = [], "/api/prospects/?page_size=2"
    while url:
        body = client.get(url).json()
        assert body["count"] == 5
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(str(pk) for pk in Prospect.objects.values_list("pk", flat=True))


def test_a_filtered_list_counts_its_own_rows(api_as, dpo, rep):
    ProspectFactory.create_batch(2, owner=rep, provenance=Provenance.EMPLOYMENT)
    ProspectFactory.create_batch(3, owner=rep, provenance=Provenance.COMPANY)
    client = api_as(dpo)
    assert listed_count(client, "&provenance=company") == 3
    assert listed_count(client) == 5


def test_a_truncated_table_starts_the_tally_again(api_as, dpo, rep):
    ProspectFactory.create_batch(4, owner=rep)
    with connection.cursor() as cursor:
        # The new rows' deferred foreign-key checks run first: TRUNCATE refuses to skip them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE prospects_prospect CASCADE")
    ProspectFactory(owner=rep)
    assert listed_count(api_as(dpo)) == 1


def test_the_dpo_list_does_not_count_the_table(api_as, dpo, rep):
    ProspectFactory.create_batch(3, owner=rep)
    with CaptureQueriesContext(connection) as queries:
        assert listed_count(api_as(dpo)) == 3
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert not any("prospects_prospect" in sql and "tally" not in sql for sql in counts), counts


def test_a_rep_list_still_counts_only_their_own(api_as, rep):
    ProspectFactory.create_batch(2, owner=rep)
    ProspectFactory.create_batch(3, owner=EmployeeFactory(role="rep"))
    assert listed_count(api_as(rep)) == 2


def test_the_browser_list_shows_the_total(client, dpo, rep):
    ProspectFactory.create_batch(3, owner=rep)
    client.force_login(dpo.user)
    page = client.get("/prospects/")
    assert page.status_code == 200
    assert "3 prospects" in page.content.decode()


def test_a_load_without_triggers_is_counted_again_on_request(api_as, dpo, rep):
    ProspectFactory.create_batch(2, owner=rep)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET session_replication_role = replica")
        try:
            ProspectFactory.create_batch(3, owner=rep)
        finally:
            cursor.execute("RESET session_replication_role")
    assert listed_count(api_as(dpo)) == 2  # what a load with triggers off leaves behind

    assert services.prospect_tally_recount() == 5
    assert listed_count(api_as(dpo)) == 5
