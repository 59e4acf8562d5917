"""Imported rows: e-mails restricted (RULES 24), French notices, Connected On within bounds."""

import pytest

from prospects.models import Prospect
from tests.imports.conftest import NOTES_LINES, connection_line, connections_csv

pytestmark = pytest.mark.django_db


def test_an_imported_email_is_restricted_and_the_language_is_french(rep, start_import, api_as):
    job = start_import(
        rep, connections_csv([connection_line(1, email="one@example.com"), connection_line(2)])
    )
    assert job.created == 2
    with_email = Prospect.objects.get(profile_url_index__isnull=False, email_index__isnull=False)
    without = Prospect.objects.get(email_index__isnull=True)
    assert (with_email.email_restricted, without.email_restricted) == (True, False)
    assert {p.language for p in Prospect.objects.all()} == {"fr"}
    body = api_as(rep).get(f"/api/prospects/{with_email.pk}/").json()
    assert (body["restricted_values"], body["language"]) == (["email"], "fr")
    assert api_as(rep).get(f"/api/prospects/{without.pk}/").json()["restricted_values"] == []


@pytest.mark.parametrize(
    ("connected_on", "stored"),
    [
        ("31 Dec 1969", False),
        ("1 Jan 1970", True),
        ("29 Feb 2024", True),
        ("31 Dec 9999", False),
        ("1 Jan 0001", False),
    ],
)
def test_a_connected_on_out_of_bounds_is_reported_by_line_not_stored(
    rep, start_import, connected_on, stored
):
    job = start_import(rep, connections_csv([connection_line(1, connected_on=connected_on)]))
    assert job.status == "done"
    assert job.created == int(stored)
    assert Prospect.objects.exists() is stored
    if not stored:
        assert [r["row"] for r in job.rejected] == [NOTES_LINES + 2]
        assert list(job.rejected[0]["errors"]) == ["collected_at"]
