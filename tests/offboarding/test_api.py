"""The offboarding endpoints of API.md: who may call them, and the 400/409 cases."""

import datetime
import json

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from offboarding import services
from offboarding.models import AttestationItem, ExportRow, Offboarding
from tests.factories import EmployeeFactory
from tests.offboarding.conftest import departure_in

URL = "/api/offboardings/"


def _body(leaver, successor, **extra):
    return {
        "employee": leaver.pk,
        "departure_date": departure_in(30).isoformat(),
        "successor": successor.pk,
        **extra,
    }


def test_hr_opens_a_case_with_the_eight_steps_in_order(api_as, hr, leaver, successor):
    response = api_as(hr).post(URL, _body(leaver, successor), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert [s["key"] for s in body["steps"]] == [
        "freeze_outreach",
        "inventory",
        "transfer_data",
        "return_prehire_data",
        "purge_prehire_data",
        "personal_account_attestation",
        "revoke_access",
        "final_report",
    ]
    assert {s["status"] for s in body["steps"]} == {"pending"}
    assert api_as(hr).get(f"{URL}{body['id']}/").json()["steps"] == body["steps"]


def test_a_second_open_case_for_the_same_employee_is_409(api_as, hr, leaver, successor):
    assert api_as(hr).post(URL, _body(leaver, successor), format="json").status_code == 201

    response = api_as(hr).post(URL, _body(leaver, successor), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "open_case"
    assert Offboarding.objects.filter(employee=leaver).count() == 1


@pytest.mark.parametrize(
    "make_successor",
    [
        lambda: EmployeeFactory(role="hr"),
        lambda: EmployeeFactory(role="dpo"),
        lambda: EmployeeFactory(role="rep", status="offboarding"),
        lambda: EmployeeFactory(role="rep", user__is_active=False),
    ],
    ids=["hr", "dpo", "offboarding-rep", "inactive-user"],
)
def test_a_successor_who_is_not_an_active_rep_or_manager_is_400(api_as, hr, leaver, make_successor):
    response = api_as(hr).post(URL, _body(leaver, make_successor()), format="json")

    assert response.status_code == 400
    assert "successor" in response.json()


def test_the_employee_as_their_own_successor_is_400(api_as, hr, leaver):
    response = api_as(hr).post(URL, _body(leaver, leaver), format="json")
    assert response.status_code == 400
    assert "successor" in response.json()


def test_only_hr_opens_cases(api_as, rep, manager, dpo, leaver, successor):
    for caller in (rep, manager, dpo):
        assert api_as(caller).post(URL, _body(leaver, successor), format="json").status_code == 403


def test_start_is_202_and_idempotent(api_as, hr, open_case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = api_as(hr).post(f"{URL}{open_case.pk}/start/")
        second = api_as(hr).post(f"{URL}{open_case.pk}/start/")

    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["status"] == second.json()["status"] == "running"
    # One outbox message for the first step, none for the second call.
    assert len(callbacks) == 1
    assert open_case.steps.get(key="freeze_outreach").status == "pending"


def test_a_case_is_not_found_by_other_employees(api_as, rep, open_case, leaver, dpo):
    assert api_as(rep).get(f"{URL}{open_case.pk}/").status_code == 404
    assert api_as(dpo).get(f"{URL}{open_case.pk}/").status_code == 200
    assert api_as(leaver).get(f"{URL}{open_case.pk}/").status_code == 200


def test_attesting_ids_not_on_the_list_is_400(api_as, open_case, leaver, book):
    AttestationItem.objects.create(offboarding=open_case, prospect_id=book["employment"][0].pk)
    stranger = book["company"][0].pk

    response = api_as(leaver).post(
        f"{URL}{open_case.pk}/attestation/",
        {"statement": "Removed.", "prospect_ids": [str(stranger)]},
        format="json",
    )

    assert response.status_code == 400
    assert "prospect_ids" in response.json()
    assert not open_case.attestations.exists()


def test_the_employee_sees_names_hr_sees_ids_only(api_as, open_case, leaver, hr, book):
    prospect = book["employment"][0]
    AttestationItem.objects.create(offboarding=open_case, prospect_id=prospect.pk)

    mine = api_as(leaver).get(f"{URL}{open_case.pk}/attestation/").json()
    hrs = api_as(hr).get(f"{URL}{open_case.pk}/attestation/").json()

    assert mine[0]["full_name"] == prospect.full_name
    assert hrs == [
        {
            "id": str(prospect.pk),
            "prospect": str(prospect.pk),
            "social_account": None,
            "attested_at": None,
        }
    ]


def test_hr_attests_with_a_signed_document_only(api_as, open_case, hr, book):
    AttestationItem.objects.create(offboarding=open_case, prospect_id=book["employment"][0].pk)
    url = f"{URL}{open_case.pk}/attestation/"
    ids = [str(book["employment"][0].pk)]

    without = api_as(hr).post(
        url, {"statement": "Signed on paper.", "prospect_ids": ids}, format="json"
    )
    with_document = api_as(hr).post(
        url,
        {"statement": "Signed on paper.", "signed_document": "HR-2026-114", "prospect_ids": ids},
        format="json",
    )

    assert without.status_code == 400
    assert "signed_document" in without.json()
    assert with_document.status_code == 201
    assert with_document.json()["prospect_ids"] == [str(book["employment"][0].pk)]


def test_sign_off_waits_for_the_checklist_and_is_the_dpos(api_as, open_case, dpo, hr):
    url = f"{URL}{open_case.pk}/sign-off/"
    assert api_as(hr).post(url).status_code == 403
    assert api_as(dpo).post(url).status_code == 409

    Offboarding.objects.filter(pk=open_case.pk).update(status="done")
    response = api_as(dpo).post(url)

    assert response.status_code == 201
    assert response.json()["signed_off_at"]
    assert response.json()["report"]["signed_off_by"] == dpo.user.username


def test_no_case_opens_for_a_departure_before_the_hire(hr, leaver, successor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        services.offboarding_create(
            actor=hr.user,
            employee=leaver,
            departure_date=leaver.hire_date - datetime.timedelta(days=1),
            successor=successor,
        )
    assert "departure_date" in excinfo.value.message_dict


def test_the_export_is_downloadable_for_a_limited_time_and_each_download_audited(
    api_as, open_case, leaver, hr, rep
):
    ExportRow.objects.create(
        offboarding=open_case,
        prospect_id="00000000-0000-0000-0000-000000000001",
        data=json.dumps({"full_name": "Old Friend", "network": "linkedin"}),
    )
    Offboarding.objects.filter(pk=open_case.pk).update(
        export_available_until=timezone.now() + datetime.timedelta(days=1)
    )
    url = f"{URL}{open_case.pk}/export/"

    response = api_as(leaver).get(url)

    assert response.status_code == 200
    assert "Old Friend" in response.content.decode()
    # API.md v2: the leaver's own network is theirs alone (it was HR's too before).
    assert api_as(hr).get(url).status_code == 403
    assert api_as(rep).get(url).status_code == 404
    assert open_case.export_downloads.count() == 1
    assert AuditEvent.objects.filter(action="offboarding.export_downloaded").count() == 1

    Offboarding.objects.filter(pk=open_case.pk).update(
        export_available_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert api_as(leaver).get(url).status_code == 409
    assert services.exports_expired_delete() == 1
