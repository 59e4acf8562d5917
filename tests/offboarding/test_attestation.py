"""The leaver attests prospect by prospect (API.md v2): nothing is taken for "all".

The step waits until every listed prospect is attested; several attestations add
up. The leaver keeps the attestation page and their own-network export until
the attestation deadline, after attesting too; the export is theirs alone.
"""

import datetime
import json
import uuid

import pytest
from django.utils import timezone

from offboarding import services
from offboarding.models import (
    Attestation,
    AttestationItem,
    ExportRow,
    Offboarding,
    OffboardingStep,
)
from offboarding.steps import return_prehire_data
from people.models import EmployeeStatus, paris_today
from people.services import employee_depart
from tests.factories import EmployeeFactory
from tests.offboarding.conftest import (
    case_status,
    listed_ids,
    step_status,
    the_departure_day_comes,
    wait_for,
)

URL = "/api/offboardings/"
DAY = datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_case(open_case, book):
    """A case whose checklist reached the attestation step: three prospects listed."""
    for prospect in book["employment"]:
        AttestationItem.objects.create(offboarding=open_case, prospect_id=prospect.pk)
    Offboarding.objects.filter(pk=open_case.pk).update(status="waiting")
    OffboardingStep.objects.filter(offboarding=open_case, position__lt=5).update(status="done")
    OffboardingStep.objects.filter(
        offboarding=open_case, key="personal_account_attestation"
    ).update(status="waiting", total=3)
    return open_case


def _step(case) -> OffboardingStep:
    return OffboardingStep.objects.get(offboarding=case, key="personal_account_attestation")


def _post(client, case, **body):
    return client.post(
        f"{URL}{case.pk}/attestation/", {"statement": "Removed.", **body}, format="json"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "prospect_ids"),
        ({"prospect_ids": []}, "prospect_ids"),
        ({"prospect_ids": None}, "prospect_ids"),
        ({"prospect_ids": "all"}, "prospect_ids"),
        ({"prospect_ids": ["not-a-uuid"]}, "prospect_ids"),
        ({"prospect_ids": [str(uuid.UUID(int=7))]}, "prospect_ids"),
        ({"prospect_ids": ["<script>alert(1)</script>"]}, "prospect_ids"),
        ({"prospect_ids": [{"id": 1}]}, "prospect_ids"),
    ],
    ids=["omitted", "empty", "null", "all", "not-a-uuid", "not-listed", "hostile", "object"],
)
def test_the_leaver_names_each_prospect_or_nothing_is_stored(
    api_as, waiting_case, leaver, body, field
):
    response = _post(api_as(leaver), waiting_case, **body)

    assert response.status_code == 400
    assert field in response.json()
    assert not Attestation.objects.exists()
    assert not waiting_case.attestation_items.filter(attested_at__isnull=False).exists()
    assert _step(waiting_case).status == "waiting"


def test_one_listed_and_one_stranger_is_refused_whole(api_as, waiting_case, leaver, book):
    ids = [str(book["employment"][0].pk), str(book["company"][0].pk)]

    response = _post(api_as(leaver), waiting_case, prospect_ids=ids)

    assert response.status_code == 400
    assert str(book["company"][0].pk) in json.dumps(response.json()["prospect_ids"])
    assert not waiting_case.attestation_items.filter(attested_at__isnull=False).exists()


def test_unticked_prospects_stay_unattested_and_the_step_waits(api_as, waiting_case, leaver):
    first, second, third = listed_ids(waiting_case)
    client = api_as(leaver)

    one = _post(client, waiting_case, prospect_ids=[first])
    assert one.status_code == 201, one.content
    assert one.json()["prospect_ids"] == [first]
    step = _step(waiting_case)
    assert (step.status, step.done, step.total) == ("waiting", 1, 3)
    assert case_status(waiting_case) == "waiting"

    # The same id twice, and one already attested: nothing counts twice.
    two = _post(client, waiting_case, prospect_ids=[second, second, first])
    assert two.status_code == 201
    step = _step(waiting_case)
    assert (step.status, step.done) == ("waiting", 2)
    listing = client.get(f"{URL}{waiting_case.pk}/attestation/").json()
    assert [row["id"] for row in listing if row["attested_at"] is None] == [third]

    last = _post(client, waiting_case, prospect_ids=[third])
    assert last.status_code == 201
    step = _step(waiting_case)
    assert (step.status, step.done) == ("done", 3)
    assert waiting_case.attestations.count() == 3


def test_hr_needs_the_signed_document_as_well_as_the_ids(api_as, waiting_case, hr):
    ids = listed_ids(waiting_case)[:1]
    client = api_as(hr)

    for body in ({"prospect_ids": ids}, {"prospect_ids": ids, "signed_document": "   "}):
        response = _post(client, waiting_case, **body)
        assert response.status_code == 400
        assert "signed_document" in response.json()
    without_ids = _post(client, waiting_case, signed_document="HR-2026-114")
    assert without_ids.status_code == 400 and "prospect_ids" in without_ids.json()
    assert not Attestation.objects.exists()

    recorded = _post(client, waiting_case, prospect_ids=ids, signed_document="HR-2026-114")
    assert recorded.status_code == 201
    assert recorded.json()["signed_document"] == "HR-2026-114"
    assert _step(waiting_case).status == "waiting"


def test_the_page_ticks_nothing_and_says_who_remains(client, waiting_case, leaver, book):
    client.force_login(leaver.user)
    url = f"/offboarding/{waiting_case.pk}/attestation/"

    page = client.get(url).content.decode()

    assert page.count('name="prospect_ids"') == 3
    assert " checked" not in page
    assert 'data-remaining="3"' in page
    assert page.count('data-attested="no"') == 3
    for prospect in book["employment"]:
        assert prospect.full_name in page

    nothing = client.post(url, {"statement": "Removed."})
    assert nothing.status_code == 400
    assert "Tick each person" in nothing.content.decode()
    assert not Attestation.objects.exists()

    first = book["employment"][0]
    client.post(url, {"statement": "Removed.", "prospect_ids": [str(first.pk)]})
    page = client.get(url).content.decode()
    assert 'data-remaining="2"' in page
    assert page.count('data-attested="no"') == 2
    assert page.count('name="prospect_ids"') == 2
    assert f'value="{first.pk}"' not in page
    assert _step(waiting_case).status == "waiting"


def test_hr_ticks_the_ids_of_the_paper_attestation(client, waiting_case, hr, book):
    client.force_login(hr.user)
    url = f"/offboarding/{waiting_case.pk}/attestation/"
    page = client.get(url).content.decode()
    assert " checked" not in page

    client.post(
        url,
        {
            "statement": "Signed on paper.",
            "signed_document": "HR-2026-207",
            "prospect_ids": listed_ids(waiting_case),
        },
    )

    assert _step(waiting_case).status == "done"


def _past_departure(leaver, case, *, deadline_in: int = 10):
    leaver.departure_date = paris_today() - DAY
    leaver.save(update_fields=["departure_date"])
    Offboarding.objects.filter(pk=case.pk).update(
        departure_date=leaver.departure_date,
        attestation_deadline=paris_today() + datetime.timedelta(days=deadline_in),
        export_available_until=timezone.now() + datetime.timedelta(days=deadline_in),
    )
    ExportRow.objects.create(
        offboarding=case,
        prospect_id=uuid.uuid4(),
        data=json.dumps({"full_name": "Old Friend", "network": "linkedin"}),
    )


def test_the_leaver_keeps_page_and_export_after_attesting_until_the_deadline(
    client, waiting_case, leaver, hr
):
    _past_departure(leaver, waiting_case)
    client.force_login(leaver.user)
    page_url = f"/offboarding/{waiting_case.pk}/attestation/"

    client.post(page_url, {"statement": "Removed.", "prospect_ids": listed_ids(waiting_case)})
    # The checklist finishes: status departed, the login confined to the page.
    employee_depart(actor=hr.user, employee=leaver, keep_login_until=paris_today() + 10 * DAY)
    Offboarding.objects.filter(pk=waiting_case.pk).update(status="done")

    assert client.get(page_url).status_code == 200
    export = client.get(f"/offboarding/{waiting_case.pk}/export/")
    assert export.status_code == 200 and "Old Friend" in export.content.decode()
    api_export = client.get(f"{URL}{waiting_case.pk}/export/")
    assert api_export.status_code == 200
    assert client.get("/prospects/")["Location"] == page_url
    assert client.get("/api/prospects/").status_code == 403

    Offboarding.objects.filter(pk=waiting_case.pk).update(attestation_deadline=paris_today() - DAY)
    response = client.get(page_url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_leaver_signs_in_to_the_attestation_page_alone(client, waiting_case, leaver):
    from tests.factories import TEST_PASSWORD

    _past_departure(leaver, waiting_case)

    response = client.post("/login/", {"username": leaver.user.username, "password": TEST_PASSWORD})

    assert response["Location"] == f"/offboarding/{waiting_case.pk}/attestation/"
    assert client.get(response["Location"]).status_code == 200

    Offboarding.objects.filter(pk=waiting_case.pk).update(attestation_deadline=paris_today() - DAY)
    client.logout()
    refused = client.post("/login/", {"username": leaver.user.username, "password": TEST_PASSWORD})
    assert refused["Location"] == "/login/"
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("caller", ["hr", "dpo"])
def test_the_export_is_the_leavers_alone(api_as, client, waiting_case, request, caller):
    person = request.getfixturevalue(caller)
    Offboarding.objects.filter(pk=waiting_case.pk).update(
        export_available_until=timezone.now() + DAY
    )

    assert api_as(person).get(f"{URL}{waiting_case.pk}/export/").status_code == 403
    client.force_login(person.user)
    assert client.get(f"/offboarding/{waiting_case.pk}/export/").status_code == 403
    assert not waiting_case.export_downloads.exists()


@pytest.mark.parametrize(
    ("deadline", "now", "export_days", "expected"),
    [
        # The deadline is later than the export's own days: it runs to the end of that day.
        (
            datetime.date(2027, 1, 30),
            datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC),
            30,
            datetime.datetime(2027, 1, 30, 23, 0, tzinfo=datetime.UTC),
        ),
        # Summer time: midnight in Paris is 22:00 UTC.
        (
            datetime.date(2027, 7, 31),
            datetime.datetime(2027, 6, 1, 10, 0, tzinfo=datetime.UTC),
            30,
            datetime.datetime(2027, 7, 31, 22, 0, tzinfo=datetime.UTC),
        ),
        # The export's own days are longer: they win.
        (
            datetime.date(2026, 12, 8),
            datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC),
            30,
            datetime.datetime(2027, 1, 6, 10, 0, tzinfo=datetime.UTC),
        ),
        # A leap day as the deadline.
        (
            datetime.date(2028, 2, 29),
            datetime.datetime(2028, 2, 1, 10, 0, tzinfo=datetime.UTC),
            1,
            datetime.datetime(2028, 2, 29, 23, 0, tzinfo=datetime.UTC),
        ),
    ],
)
def test_the_export_stays_open_until_the_end_of_the_attestation_deadline(
    settings, deadline, now, export_days, expected
):
    settings.OFFBOARDING_EXPORT_DAYS = export_days
    case = Offboarding(attestation_deadline=deadline)

    assert return_prehire_data.export_end(case, now=now) == expected


def test_the_hourly_job_closes_logins_once_the_attestation_is_over(hr, open_case, leaver):
    other = type(leaver).objects.get(pk=open_case.successor_id)
    nobody_case = EmployeeFactory(role="rep")
    employee_depart(actor=hr.user, employee=leaver, keep_login_until=paris_today() + DAY)
    employee_depart(actor=hr.user, employee=nobody_case, keep_login_until=paris_today() + DAY)
    Offboarding.objects.filter(pk=open_case.pk).update(attestation_deadline=paris_today())

    services.departures_due_apply()

    leaver.user.refresh_from_db()
    nobody_case.user.refresh_from_db()
    other.user.refresh_from_db()
    assert leaver.user.is_active  # the deadline is today: the page is still theirs
    assert not nobody_case.user.is_active  # no case: nothing to keep the login for
    assert other.user.is_active

    services.departures_due_apply(today=paris_today() + DAY)
    leaver.user.refresh_from_db()
    assert not leaver.user.is_active
    assert type(leaver).objects.get(pk=leaver.pk).status == EmployeeStatus.DEPARTED


@pytest.mark.services
def test_one_unticked_box_keeps_the_step_waiting_until_it_is_ticked(
    celery_worker, book, open_case, hr, leaver
):
    """End to end on PostgreSQL with a real worker, through the leaver's API."""
    from tests.conftest import api_client_for

    client = api_client_for(leaver)
    services.offboarding_start(actor=hr.user, offboarding=open_case)
    wait_for(lambda: case_status(open_case) == "waiting")
    listed = [row["id"] for row in client.get(f"{URL}{open_case.pk}/attestation/").json()]
    assert len(listed) == 3
    *ticked, unticked = listed

    first = _post(client, open_case, prospect_ids=ticked)

    assert first.status_code == 201, first.content
    assert _step(open_case).status == "waiting"
    assert case_status(open_case) == "waiting"
    rows = client.get(f"{URL}{open_case.pk}/attestation/").json()
    assert [row["id"] for row in rows if row["attested_at"] is None] == [unticked]
    assert client.get(f"{URL}{open_case.pk}/").json()["steps"][5] == {
        "key": "personal_account_attestation",
        "status": "waiting",
        "done": 2,
        "total": 3,
    }

    last = _post(client, open_case, prospect_ids=[unticked])

    assert last.status_code == 201
    assert _step(open_case).status == "done"
    # The checklist then waits for the departure date to revoke access and report.
    wait_for(lambda: step_status(open_case, "revoke_access") == "waiting")
    the_departure_day_comes(open_case)
    services.departures_due_apply()
    wait_for(lambda: case_status(open_case) == "done")
    open_case.refresh_from_db()
    assert open_case.report["attested"]["prospects"] == 3
    assert len(open_case.report["attested"]["attestations"]) == 2
    # The checklist revoked the tokens; the browser login stays confined to the page.
    assert client.get(f"{URL}{open_case.pk}/").status_code == 401
