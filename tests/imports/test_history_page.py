"""The rep's imports page (/prospects/import/): past imports with their outcome, the
upload form, the rows each import rejected as CSV, and reasons in the file's own words."""

import csv
import io

import pytest
from django.urls import reverse

from imports.models import ImportJob
from tests.factories import EmployeeFactory
from tests.imports.conftest import connection_line, connections_csv

pytestmark = pytest.mark.django_db

HISTORY = "/prospects/import/"


@pytest.fixture
def finished(rep, start_import):
    """Line 6 has an impossible date, line 7 no name; the others are imported."""
    lines = [
        connection_line(1),
        connection_line(2, connected_on="31 Feb 2024"),
        "  ,,https://www.linkedin.com/in/nobody,,Acme,Buyer,15 Jan 2024",
        connection_line(4, connected_on="15 Jan 2099"),
    ]
    return start_import(rep, connections_csv(lines, notes=False))


def test_an_empty_history_says_so_under_the_upload_form(client, rep):
    client.force_login(rep.user)

    page = client.get(HISTORY).content.decode()

    assert 'id="id_file"' in page
    assert "No import yet." in page


def test_the_history_lists_the_callers_imports_with_their_counts(client, rep, finished):
    ImportJob.objects.create(owner=EmployeeFactory(role="rep"))  # someone else's
    client.force_login(rep.user)

    page = client.get(HISTORY).content.decode()

    assert page.count('class="import-row') == 1
    assert reverse("import-job", args=[finished.pk]) in page
    assert "1 added" in page
    assert "0 already in the CRM" in page
    assert "3 rows rejected" in page
    assert reverse("import-job-rejected-csv", args=[finished.pk]) in page


def test_a_failed_import_is_red_with_its_reason_in_the_users_language(client, rep, start_import):
    start_import(rep, b"name,email\nJane,jane@example.com\n")
    client.force_login(rep.user)

    page = client.get(HISTORY).content.decode()
    assert '<li class="import-row failed" data-status="failed">' in page
    assert (
        "This is not a LinkedIn Connections export: no header with the columns First Name" in page
    )

    client.cookies["django_language"] = "fr"
    french = client.get(HISTORY, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ce n’est pas un export des relations LinkedIn" in french


def test_the_history_pages_by_twenty_with_the_same_queries(client, rep, django_assert_num_queries):
    ImportJob.objects.bulk_create(
        [ImportJob(owner=rep, status="done", created=n) for n in range(21)]
    )
    client.force_login(rep.user)
    client.get(HISTORY)  # the session and the user, once

    # Session, user, employee, the navigation's two permission reads, the count, the page.
    with django_assert_num_queries(7):
        first = client.get(HISTORY)
    assert first.content.decode().count('class="import-row') == 20
    second = client.get(HISTORY + "?page=2").content.decode()
    assert second.count('class="import-row') == 1


def test_rejected_reasons_name_the_files_columns(client, rep, finished):
    client.force_login(rep.user)

    page = client.get(reverse("import-job", args=[finished.pk])).content.decode()

    assert '<span class="field-name">Connected On</span>: not a calendar date' in page
    assert '<span class="field-name">First Name, Last Name</span>: a first or last name' in page
    assert '<span class="field-name">Connected On</span>: date is in the future' in page
    assert "collected_at" not in page
    assert "full_name" not in page


def test_rejected_reasons_in_french(client, rep, finished):
    client.force_login(rep.user)
    client.cookies["django_language"] = "fr"

    page = client.get(
        reverse("import-job", args=[finished.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()

    assert '<span class="field-name">Connected On</span>: la date est dans le futur' in page
    assert "date is in the future" not in page


def test_the_rejected_rows_download_as_csv_for_the_owner(client, rep, finished):
    client.force_login(rep.user)

    response = client.get(reverse("import-job-rejected-csv", args=[finished.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Line", "Column", "Reason"],
        ["3", "Connected On", "not a calendar date"],
        ["4", "First Name, Last Name", "a first or last name is required"],
        ["5", "Connected On", "date is in the future"],
    ]
    # Row numbers and reasons only: nothing the file said about the people.
    assert "nobody" not in response.content.decode()


@pytest.mark.parametrize("role", ["dpo", "rep", "manager"])
def test_only_the_owner_downloads_the_rejected_rows(client, finished, role):
    client.force_login(EmployeeFactory(role=role).user)

    assert client.get(reverse("import-job-rejected-csv", args=[finished.pk])).status_code == 404


def test_the_job_page_leads_back_to_the_history(client, rep, finished):
    client.force_login(rep.user)

    page = client.get(reverse("import-job", args=[finished.pk])).content.decode()

    assert f'<a href="{HISTORY}">Its outcome stays in My imports.</a>' in page
    assert "Back to My imports" in page
