"""HR's pages show counts and ids; the departed employee's login opens the attestation alone."""

import datetime

import pytest
from django.utils import timezone

from offboarding import services
from offboarding.models import AttestationItem, Offboarding
from people.models import EmployeeStatus
from tests.factories import EmployeeFactory
from tests.offboarding.conftest import departure_in

pytestmark = pytest.mark.django_db


def test_hr_starts_an_offboarding_from_the_employee_list_after_confirming(
    client, hr, leaver, successor, django_capture_on_commit_callbacks
):
    client.force_login(hr.user)
    home = client.get("/").content.decode()
    assert f"/offboarding/new/{leaver.pk}/" in home

    unconfirmed = client.post(
        f"/offboarding/new/{leaver.pk}/",
        {"departure_date": departure_in(30).isoformat(), "successor": successor.pk},
    )
    assert unconfirmed.status_code == 400
    assert not Offboarding.objects.exists()

    with django_capture_on_commit_callbacks():
        response = client.post(
            f"/offboarding/new/{leaver.pk}/",
            {
                "departure_date": departure_in(30).isoformat(),
                "successor": successor.pk,
                "confirm": "on",
            },
        )
    case = Offboarding.objects.get(employee=leaver)
    assert response.status_code == 302
    assert response["Location"] == f"/offboarding/{case.pk}/"
    assert case.status == "running"
    page = client.get(response["Location"]).content.decode()
    assert f'hx-get="/offboarding/{case.pk}/progress/"' in page
    assert 'data-step="transfer_data"' in page


def test_hr_pages_never_show_a_prospects_personal_data(client, hr, open_case, book):
    prospect = book["employment"][0]
    AttestationItem.objects.create(offboarding=open_case, prospect_id=prospect.pk)
    client.force_login(hr.user)

    pages = [
        client.get(f"/offboarding/{open_case.pk}/"),
        client.get(f"/offboarding/{open_case.pk}/progress/"),
        client.get(f"/offboarding/{open_case.pk}/attestation/"),
        client.get(f"/offboarding/{open_case.pk}/report/"),
        client.get("/offboarding/"),
    ]

    assert [p.status_code for p in pages] == [200] * 5
    for page in pages:
        assert prospect.full_name not in page.content.decode()
    assert str(prospect.pk) in pages[2].content.decode()


def test_the_departing_employee_sees_who_to_remove(client, open_case, leaver, book):
    prospect = book["employment"][0]
    AttestationItem.objects.create(offboarding=open_case, prospect_id=prospect.pk)
    client.force_login(leaver.user)

    page = client.get(f"/offboarding/{open_case.pk}/attestation/").content.decode()

    assert prospect.full_name in page


def _departed(leaver, case):
    leaver.status = EmployeeStatus.OFFBOARDING
    leaver.departure_date = timezone.localdate() - datetime.timedelta(days=1)
    leaver.save()
    Offboarding.objects.filter(pk=case.pk).update(
        departure_date=leaver.departure_date,
        attestation_deadline=timezone.localdate() + datetime.timedelta(days=10),
    )


def test_after_the_departure_the_login_opens_the_attestation_page_alone(
    client, open_case, leaver, book
):
    AttestationItem.objects.create(offboarding=open_case, prospect_id=book["employment"][0].pk)
    _departed(leaver, open_case)
    client.force_login(leaver.user)
    attestation = f"/offboarding/{open_case.pk}/attestation/"

    assert client.get(attestation).status_code == 200
    for path in ("/", "/prospects/", f"/prospects/{book['employment'][0].pk}/", "/me/accounts/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == attestation
    assert client.get("/api/prospects/").status_code == 403
    other = Offboarding.objects.create(
        employee=EmployeeFactory(role="rep"),
        successor=open_case.successor,
        departure_date=departure_in(30),
        status="done",
    )
    assert client.get(f"/offboarding/{other.pk}/attestation/").status_code == 302

    client.post(
        attestation,
        {"statement": "Removed from my accounts.", "prospect_ids": [book["employment"][0].pk]},
    )
    # API.md v2: attested, they keep the page (and their export) until the deadline.
    assert open_case.attestation_items.filter(attested_at__isnull=False).count() == 1
    page = client.get(attestation)
    assert page.status_code == 200
    assert 'data-remaining="0"' in page.content.decode()
    assert client.get("/").status_code == 302


def test_after_the_deadline_the_departed_employee_is_logged_out(client, open_case, leaver, book):
    AttestationItem.objects.create(offboarding=open_case, prospect_id=book["employment"][0].pk)
    _departed(leaver, open_case)
    Offboarding.objects.filter(pk=open_case.pk).update(
        attestation_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(leaver.user)

    response = client.get(f"/offboarding/{open_case.pk}/attestation/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_api_tokens_stop_at_the_departure_date_and_are_then_deleted(open_case, leaver, api_as):
    client = api_as(leaver)
    assert client.get("/api/prospects/").status_code == 200
    _departed(leaver, open_case)

    # Refused at once, before the hourly job has deleted anything.
    assert client.get("/api/prospects/").status_code == 401
    assert services.departures_due_apply() == 1
    assert client.get("/api/prospects/").status_code == 401


def test_the_dpo_signs_the_report_off_once_done(client, dpo, open_case):
    Offboarding.objects.filter(pk=open_case.pk).update(status="done", report={"inventory": {}})
    client.force_login(dpo.user)

    response = client.post(f"/offboarding/{open_case.pk}/sign-off/")

    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.signed_off_by == dpo.user
    assert "Signed off by" in client.get(f"/offboarding/{open_case.pk}/report/").content.decode()


def test_the_report_prints_its_times_as_dates_not_iso_strings(client, dpo, open_case):
    report = {
        "inventory": {},
        "access_revoked": {"at": "2026-12-31T17:45:00+00:00", "shares_removed": 2},
        "attested": {
            "prospects": 3,
            "listed": 3,
            "attestations": [{"by": "hugo", "prospects": 3, "at": "2026-12-30T09:05:00+00:00"}],
        },
    }
    Offboarding.objects.filter(pk=open_case.pk).update(status="done", report=report)
    client.force_login(dpo.user)

    page = client.get(f"/offboarding/{open_case.pk}/report/").content.decode()

    assert "2026-12-31T17:45" not in page and "2026-12-30T09:05" not in page
    assert "31 Dec 2026" in page and "30 Dec 2026" in page


@pytest.mark.parametrize(
    ("status", "trigger"),
    [("running", 'hx-trigger="every 1s"'), ("waiting", 'hx-trigger="every 10s"'), ("done", None)],
)
def test_the_checklist_keeps_asking_for_progress_until_the_case_is_done(
    client, hr, open_case, status, trigger
):
    Offboarding.objects.filter(pk=open_case.pk).update(status=status)
    client.force_login(hr.user)

    page = client.get(f"/offboarding/{open_case.pk}/progress/").content.decode()

    if trigger:
        assert trigger in page
    else:
        assert "hx-trigger" not in page
