"""GET /api/dashboard/provenance/: the DPO's figures, checked against a hand-built world."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboard.selectors import provenance_dashboard
from tests.dashboard.conftest import attempt, consent, dsar
from tests.factories import EmployeeFactory, OppositionFactory, ProspectFactory

URL = "/api/dashboard/provenance/"
# The selector's queries: the prospect mix, owners, notice/retention deadlines, consent
# coverage, suppression list, outreach decisions, denial reasons, DSAR deadlines, offboardings.
DASHBOARD_QUERIES = 9

pytestmark = pytest.mark.django_db


def test_the_dpo_sees_prospects_by_provenance_network_and_lawful_basis(api_as, dpo, world):
    body = api_as(dpo).get(URL).json()

    assert body["total_prospects"] == 5
    assert body["by_provenance"] == {"pre_hire": 1, "employment": 3, "company": 1}
    assert body["by_network"] == {
        "linkedin": 2,
        "x": 1,
        "facebook": 1,
        "instagram": 0,
        "other": 0,
        "none": 1,
    }
    assert body["by_lawful_basis"] == {
        "consent": 1,
        "legitimate_interest": 2,
        "contract": 1,
        "none": 1,
    }


def test_owners_are_named_by_employee_id_and_username_most_prospects_first(
    api_as, dpo, world, alice, bruno
):
    body = api_as(dpo).get(URL).json()

    assert body["by_owner"] == [
        {"employee": alice.pk, "username": "alice", "count": 3},
        {"employee": bruno.pk, "username": "bruno", "count": 2},
    ]


def test_consent_coverage_counts_each_prospects_current_status_per_channel(api_as, dpo, world):
    coverage = api_as(dpo).get(URL).json()["consent_by_channel"]

    # p1 opted in; p2 withdrew later; p3 granted and withdrew at the same instant (opt-out wins).
    assert coverage["email"] == {"opt_in": 1, "opt_out": 2}
    assert coverage["sms"] == {"opt_in": 1, "opt_out": 0}  # withdrew, then opted in again
    assert coverage["social_message"] == {"opt_in": 1, "opt_out": 0}
    assert coverage["phone"] == {"opt_in": 0, "opt_out": 0}
    assert coverage["connection_request"] == {"opt_in": 0, "opt_out": 0}


def test_overdue_notices_expiring_retention_and_the_suppression_list(api_as, dpo, world):
    body = api_as(dpo).get(URL).json()

    assert body["notice_overdue"] == 1
    assert body["retention"]["expiring_30_days"] == 2
    assert body["retention"]["expired"] == 1
    assert body["suppression_list_size"] == 3


def test_outreach_of_the_last_30_days_with_the_top_blocking_reasons(api_as, dpo, world):
    outreach = api_as(dpo).get(URL).json()["outreach_last_30_days"]

    assert outreach["allowed"] == 3
    assert outreach["denied"] == 3
    # Warnings are not reasons for a denial; the 40-day-old charter_missing is out of the window.
    assert outreach["top_denial_reasons"] == [
        {"code": "no_opt_in", "count": 2},
        {"code": "opposition", "count": 1},
    ]


def test_dsar_deadlines_and_offboardings_in_progress(api_as, dpo, world):
    body = api_as(dpo).get(URL).json()

    assert body["dsar"] == {"open": 3, "due_soon": 1, "overdue": 1}
    assert body["offboardings_in_progress"] == 1


def test_no_prospects_personal_data_is_in_the_answer(api_as, dpo, world):
    text = api_as(dpo).get(URL).content.decode()

    assert "Camille" not in text
    assert "camille.secret@example.fr" not in text
    for prospect in world["prospects"]:
        assert str(prospect.pk) not in text


def test_an_empty_crm_answers_zeros_not_an_error(api_as, dpo):
    body = api_as(dpo).get(URL).json()

    assert body["total_prospects"] == 0
    assert body["by_owner"] == []
    assert body["outreach_last_30_days"] == {"allowed": 0, "denied": 0, "top_denial_reasons": []}
    assert set(body["by_provenance"].values()) == {0}


@pytest.mark.parametrize("role", ["rep", "manager", "hr", "admin"])
def test_only_the_dpo_may_read_the_dashboard(api_as, world, role):
    employee = EmployeeFactory(role=role)

    response = api_as(employee).get(URL)

    assert response.status_code == 403
    assert "by_provenance" not in response.json()


def test_an_anonymous_caller_gets_401(client):
    assert client.get(URL).status_code == 401


def _grow(world, alice, bruno):
    """Ten times more of everything the dashboard counts, and new owners."""
    now = timezone.now()
    owners = [alice, bruno, *EmployeeFactory.create_batch(3, role="rep")]
    for n in range(40):
        prospect = ProspectFactory(
            owner=owners[n % len(owners)],
            provenance=["pre_hire", "employment", "company"][n % 3],
            network=["linkedin", "x", "instagram", "other"][n % 4],
            lawful_basis=["consent", "contract", ""][n % 3],
            notice_due_at=now - datetime.timedelta(days=1),
            retention_until=timezone.localdate() + datetime.timedelta(days=n),
        )
        consent(prospect, ["email", "phone", "sms"][n % 3], "grant", now)
        attempt(
            prospect.owner,
            decision="deny",
            reasons=[{"code": f"code_{n % 7}", "severity": "block", "message": ""}],
            prospect=prospect,
        )
    OppositionFactory.create_batch(20)
    for n in range(5):
        dsar(status="received", due_in_days=n - 2)


def test_the_number_of_queries_does_not_grow_with_the_data(
    django_assert_num_queries, world, alice, bruno
):
    with django_assert_num_queries(DASHBOARD_QUERIES):
        small = provenance_dashboard()

    _grow(world, alice, bruno)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        big = provenance_dashboard()
    assert big["total_prospects"] == small["total_prospects"] + 40
    assert len(big["by_owner"]) == 5


def test_the_endpoint_costs_the_same_queries_with_ten_times_the_data(
    api_as, dpo, world, alice, bruno
):
    client = api_as(dpo)
    client.get(URL)  # the token and the role are read once per request either way
    with CaptureQueriesContext(connection) as before:
        assert client.get(URL).status_code == 200

    _grow(world, alice, bruno)

    with CaptureQueriesContext(connection) as after:
        assert client.get(URL).status_code == 200
    assert len(after) == len(before)
    assert len(before) <= DASHBOARD_QUERIES + 3


def test_consent_coverage_counts_prospects_on_both_sides_of_every_id_slice(api_as, dpo, alice):
    """PostgreSQL reads the consent events in four slices of prospect ids: none is lost."""
    now = timezone.now()
    ids = [
        "00000000-0000-4000-8000-000000000000",
        "3fffffff-ffff-4fff-bfff-ffffffffffff",
        "40000000-0000-4000-8000-000000000000",
        "80000000-0000-4000-8000-000000000000",
        "c0000000-0000-4000-8000-000000000000",
        "ffffffff-ffff-4fff-bfff-ffffffffffff",
    ]
    for n, pk in enumerate(ids):
        prospect = ProspectFactory(id=uuid.UUID(pk), owner=alice)
        consent(prospect, "email", "grant", now - datetime.timedelta(days=2))
        if n % 2:
            consent(prospect, "email", "withdraw", now - datetime.timedelta(days=1))

    coverage = api_as(dpo).get(URL).json()["consent_by_channel"]

    assert coverage["email"] == {"opt_in": 3, "opt_out": 3}
