"""The import job: what is stored, skipped and reported, and how it resumes."""

import datetime
import os

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from audit.models import AuditEvent
from core import crypto
from imports import services
from imports.models import ImportJob
from prospects.models import Prospect, ValueHistory
from suppression.models import Opposition
from tests.factories import EmployeeFactory, ProspectFactory
from tests.imports.conftest import NOTES_LINES, connection_line, connections_csv

pytestmark = pytest.mark.django_db

FIRST_DATA_LINE = NOTES_LINES + 2


def realistic_export() -> bytes:
    """An export of a rep hired on 1 Mar 2024, with every case an import meets."""
    return connections_csv(
        [
            'Élodie,Durand,https://www.linkedin.com/in/elodie-durand,,"Acme, Inc.",Head of Sales,15 Jan 2024',
            "Marc,Petit,https://www.linkedin.com/in/marc-petit,marc.petit@example.com,Globex,CTO,29 Feb 2024",
            "Sophie,Martin,https://www.linkedin.com/in/sophie-martin,,Initech,Buyer,01 Mar 2024",
            "Jean,Bernard,https://www.linkedin.com/in/jean-bernard,,Umbrella,Procurement,31 Foo 2024",
            "Chloé,Leroy,https://www.linkedin.com/in/chloe-leroy,,Hooli,COO,10 Jun 2025",
            "Chloé,Leroy,https://fr.linkedin.com/in/Chloe-Leroy/,,Hooli,COO,10 Jun 2025",
            "Known,Already,https://www.linkedin.com/in/known-already,,Vandelay,Buyer,3 Apr 2024",
            "Opposed,Person,https://www.linkedin.com/in/opposed-person,,Stark,CFO,4 Apr 2024",
            ",,https://www.linkedin.com/in/no-name,,Wayne,Buyer,5 Apr 2024",
            "Bad,Mail,https://www.linkedin.com/in/bad-mail,not-an-email,Wonka,Buyer,6 Apr 2024",
            "Paul,Durand,https://www.linkedin.com/in/paul-durand,,,,2 Dec 2023",
        ]
    )


@pytest.fixture
def rep_hired_march_2024():
    return EmployeeFactory(role="rep", hire_date=datetime.date(2024, 3, 1))


def test_a_realistic_export_is_counted_row_by_row(start_import, rep_hired_march_2024):
    ProspectFactory(
        profile_url="https://www.linkedin.com/in/known-already",
        profile_url_index=crypto.blind_index(
            "profile_url", "https://www.linkedin.com/in/known-already"
        ),
    )
    Opposition.objects.create(
        identifier_type="profile_url",
        identifier_index=crypto.blind_index(
            "profile_url", "https://www.linkedin.com/in/opposed-person"
        ),
        source="complaint",
    )

    job = start_import(rep_hired_march_2024, realistic_export())

    assert job.status == "done"
    assert (job.total, job.processed, job.created) == (11, 11, 5)
    assert (job.duplicates, job.opposed, job.rejected_count) == (2, 1, 3)
    assert job.by_provenance == {"pre_hire": 3, "employment": 2}
    assert job.rejected == [
        {
            "row": FIRST_DATA_LINE + 3,
            "errors": {"collected_at": "unreadable date, expected e.g. 15 Jan 2024"},
        },
        {"row": FIRST_DATA_LINE + 8, "errors": {"full_name": "a first or last name is required"}},
        {"row": FIRST_DATA_LINE + 9, "errors": {"email": "not a valid e-mail address"}},
    ]
    assert job.error == ""
    assert job.started_at <= job.finished_at


def test_imported_prospects_carry_provenance_dates_and_basis(start_import, rep_hired_march_2024):
    start_import(rep_hired_march_2024, realistic_export())

    imported = {p.full_name: p for p in Prospect.objects.filter(owner=rep_hired_march_2024)}
    assert set(imported) == {
        "Élodie Durand",
        "Marc Petit",
        "Sophie Martin",
        "Chloé Leroy",
        "Paul Durand",
        "Known Already",
        "Opposed Person",
    }
    marc = imported["Marc Petit"]
    assert marc.provenance == "pre_hire"
    assert marc.email == "marc.petit@example.com"
    assert marc.email_index == crypto.blind_index("email", "marc.petit@example.com")
    assert marc.company == "Globex"
    assert marc.job_title == "CTO"
    assert (marc.kind, marc.network, marc.source) == ("b2b", "linkedin", "linkedin_import")
    assert marc.lawful_basis == "legitimate_interest"
    paris_noon = datetime.datetime(2024, 2, 29, 12, tzinfo=timezone.get_default_timezone())
    assert marc.collected_at == paris_noon
    # RULES 18: the clock starts on import, not on "Connected On".
    assert marc.retention_until == timezone.localdate() + datetime.timedelta(days=1095)
    assert timezone.now() + datetime.timedelta(days=29) < marc.notice_due_at
    assert imported["Sophie Martin"].provenance == "employment"
    assert imported["Élodie Durand"].email is None
    assert imported["Élodie Durand"].company == "Acme, Inc."


def test_every_stored_value_has_a_history_entry_with_the_row_provenance(
    start_import, rep_hired_march_2024
):
    start_import(rep_hired_march_2024, connections_csv([connection_line(1, email="a@example.com")]))

    prospect = Prospect.objects.get()
    entries = ValueHistory.objects.filter(prospect=prospect)
    assert sorted(e.field for e in entries) == [
        "company",
        "email",
        "full_name",
        "job_title",
        "profile_url",
    ]
    assert {(e.provenance, e.source, e.recorded_by_id) for e in entries} == {
        ("pre_hire", "linkedin_import", rep_hired_march_2024.pk)
    }


def test_the_import_is_audited_once_without_values(start_import, rep):
    before = AuditEvent.objects.count()
    job = start_import(rep, connections_csv([connection_line(n) for n in range(30)]))

    events = list(AuditEvent.objects.all()[before:])
    assert len(events) == 1
    assert events[0].action == "prospects.imported"
    assert events[0].object_id == str(job.pk)
    assert events[0].actor_id == rep.user_id
    assert events[0].fields == ["company", "email", "full_name", "job_title", "profile_url"]


def test_the_uploaded_file_is_deleted_when_the_job_ends(start_import, pending_job, rep):
    kept = pending_job(rep, connections_csv([connection_line(1)]))
    assert default_storage.exists(kept.file.name)
    assert os.stat(kept.file.path).st_mode & 0o777 == 0o600

    job = start_import(rep, connections_csv([connection_line(2)]))

    assert job.file.name == ""
    assert default_storage.listdir("imports")[1] == [f"{kept.pk}.csv"]


def test_a_file_that_is_not_a_linkedin_export_fails_and_stores_nothing(start_import, rep):
    job = start_import(rep, b"Name,Email,Phone\nJane Doe,jane@example.com,0612345678\n")

    assert job.status == "failed"
    assert job.error.startswith("not a LinkedIn Connections export: header with First Name")
    assert (job.total, job.processed, job.created) == (0, 0, 0)
    assert not Prospect.objects.exists()
    assert default_storage.listdir("imports")[1] == []
    assert AuditEvent.objects.filter(action="prospects.import_failed").count() == 1


def test_a_file_that_is_not_utf8_fails_with_a_clear_message(start_import, rep):
    content = connections_csv(["Zoë,Müller,https://www.linkedin.com/in/zoe,,A,B,1 Jan 2024"])
    job = start_import(rep, content.decode("utf-8").encode("latin-1"))

    assert job.status == "failed"
    assert "not UTF-8" in job.error
    assert not Prospect.objects.exists()


def test_three_bad_rows_out_of_a_thousand_leave_997_stored(start_import, rep):
    lines = [connection_line(n) for n in range(1000)]
    bad = {10: "10 Foo 2024", 500: "yesterday", 999: "32 Jan 2024"}
    for n, date in bad.items():
        lines[n] = connection_line(n, connected_on=date)

    job = start_import(rep, connections_csv(lines))

    assert (job.status, job.total, job.created, job.rejected_count) == ("done", 1000, 997, 3)
    assert [entry["row"] for entry in job.rejected] == [FIRST_DATA_LINE + n for n in sorted(bad)]
    assert Prospect.objects.count() == 997


def test_rows_repeated_across_batches_are_duplicates(start_import, rep, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 3)
    lines = [connection_line(n) for n in range(5)] + [connection_line(1), connection_line(4)]

    job = start_import(rep, connections_csv(lines))

    assert (job.created, job.duplicates) == (5, 2)


def test_an_e_mail_already_known_makes_a_duplicate(start_import, rep):
    ProspectFactory(email="x@example.com", email_index=crypto.blind_index("email", "x@example.com"))

    job = start_import(rep, connections_csv([connection_line(1, email="X@Example.com")]))

    assert (job.created, job.duplicates) == (0, 1)


def test_rerunning_a_finished_job_changes_nothing(start_import, rep, django_assert_num_queries):
    job = start_import(rep, connections_csv([connection_line(n) for n in range(20)]))
    events_before = AuditEvent.objects.count()

    with django_assert_num_queries(2):
        services.import_job_run(job_id=str(job.pk))

    assert ImportJob.objects.get(pk=job.pk).created == 20
    assert Prospect.objects.count() == 20
    assert AuditEvent.objects.count() == events_before


def test_a_job_resumes_at_its_cursor_without_duplicates(
    pending_job, rep, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BATCH_SIZE", 4)
    job = pending_job(rep, connections_csv([connection_line(n) for n in range(10)]))

    assert services.import_job_run(job_id=str(job.pk), time_budget=0) is True
    job.refresh_from_db()
    assert (job.status, job.cursor, job.created) == ("running", 4, 4)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.import_job_run(job_id=str(job.pk)) is False
    job.refresh_from_db()
    assert (job.status, job.cursor, job.created, job.duplicates) == ("done", 10, 10, 0)
    assert Prospect.objects.count() == 10


def test_a_batch_that_dies_midway_is_redone_whole(pending_job, rep, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 4)
    job = pending_job(rep, connections_csv([connection_line(n) for n in range(10)]))
    real_insert_history = services._insert_history
    calls = []

    def dies_on_second_batch(entries, context):
        calls.append(len(entries))
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_insert_history(entries, context)

    monkeypatch.setattr(services, "_insert_history", dies_on_second_batch)
    with pytest.raises(RuntimeError):
        services.import_job_run(job_id=str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.cursor, Prospect.objects.count()) == ("running", 4, 4)

    monkeypatch.setattr(services, "_insert_history", real_insert_history)
    services.import_job_run(job_id=str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.created, job.duplicates, Prospect.objects.count()) == (
        "done",
        10,
        0,
        10,
    )
    assert ValueHistory.objects.count() == 10 * 4


def test_a_second_worker_behind_the_cursor_stores_nothing(pending_job, rep, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 4)
    job = pending_job(rep, connections_csv([connection_line(n) for n in range(10)]))
    services.import_job_run(job_id=str(job.pk), time_budget=0)
    rows = [
        services.linkedin.Connection(
            line=99, full_name="Late Worker", profile_url="https://www.linkedin.com/in/late"
        )
    ]
    context = services._BatchContext.of(rep)

    assert services._store_batch(job_id=job.pk, cursor=0, rows=rows, context=context) is False
    assert Prospect.objects.count() == 4


def test_a_job_that_cannot_go_on_is_marked_failed_once(pending_job, rep):
    job = pending_job(rep, connections_csv([connection_line(1)]))

    services.import_job_fail(job_id=str(job.pk), error="stopped")
    services.import_job_fail(job_id=str(job.pk), error="again")

    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "stopped")
    assert AuditEvent.objects.filter(action="prospects.import_failed").count() == 1


def test_an_opposed_e_mail_skips_the_row(start_import, rep):
    Opposition.objects.create(
        identifier_type="email",
        identifier_index=crypto.blind_index("email", "no@example.com"),
        scope="email",
        source="prospect_request",
    )

    job = start_import(rep, connections_csv([connection_line(1, email="no@example.com")]))

    assert (job.created, job.opposed, job.duplicates) == (0, 1, 0)


def test_only_the_first_rejected_rows_are_listed_but_all_are_counted(
    start_import, rep, monkeypatch
):
    monkeypatch.setattr(services, "REJECTED_LISTED_MAX", 2)
    lines = [connection_line(n, connected_on="never") for n in range(5)]

    job = start_import(rep, connections_csv(lines))

    assert (job.rejected_count, len(job.rejected), job.created) == (5, 2, 0)
    assert [entry["row"] for entry in job.rejected] == [FIRST_DATA_LINE, FIRST_DATA_LINE + 1]


def test_a_job_the_broker_cannot_take_fails_instead_of_staying_pending(
    start_import, rep, monkeypatch
):
    from imports import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.run_linkedin_import, "delay", broker_down)

    job = start_import(rep, connections_csv([connection_line(1)]))

    assert job.status == "failed"
    assert "could not be queued" in job.error
    assert job.file.name == ""


def test_a_task_that_crashes_leaves_the_job_failed_not_running(pending_job, rep, monkeypatch):
    from imports import tasks

    def crash(**kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(services, "_store_batch", crash)
    job = pending_job(rep, connections_csv([connection_line(1)]))

    result = tasks.run_linkedin_import.apply(args=(str(job.pk),), throw=False)

    assert result.failed()
    job.refresh_from_db()
    assert (job.status, job.error) == (
        "failed",
        "the import stopped on an internal error: upload it again",
    )


def test_a_lost_database_connection_is_retried_from_the_cursor(pending_job, rep, monkeypatch):
    from django.db import OperationalError

    from imports import tasks

    real_store_batch = services._store_batch
    failures = []

    def flaky(**kwargs):
        if not failures:
            failures.append(kwargs["cursor"])
            raise OperationalError("server closed the connection unexpectedly")
        return real_store_batch(**kwargs)

    monkeypatch.setattr(services, "_store_batch", flaky)
    job = pending_job(rep, connections_csv([connection_line(n) for n in range(3)]))

    tasks.run_linkedin_import.apply(args=(str(job.pk),), throw=False)

    job.refresh_from_db()
    assert failures == [0]
    assert (job.status, job.created) == ("done", 3)
