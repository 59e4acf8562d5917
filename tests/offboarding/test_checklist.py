"""The whole checklist with a real worker: who ends up with what, and who can still log in."""

import datetime

import pytest
from knox.models import AuthToken

from consent.models import ConsentEvent
from offboarding import services
from offboarding.models import ExportRow, OffboardingStep, PurgedEvidence
from prospects.models import Prospect
from tests.conftest import api_client_for
from tests.offboarding.conftest import (
    case_status,
    listed_ids,
    owners,
    step_status,
    the_departure_day_comes,
    wait_for,
)


@pytest.mark.services
def test_prospects_split_by_provenance_and_contribution(
    celery_worker, book, open_case, hr, leaver, successor
):
    ConsentEvent.objects.create(
        prospect=book["own_network"][0],
        channel="email",
        action="grant",
        evidence="form",
        occurred_at=book["own_network"][0].collected_at,
    )
    services.offboarding_start(actor=hr.user, offboarding=open_case)
    wait_for(lambda: case_status(open_case) == "waiting")

    assert owners(book["employment"] + book["company"] + book["contributed"]) == {successor.pk}
    assert not Prospect.objects.filter(pk__in=[p.pk for p in book["own_network"]]).exists()
    assert ExportRow.objects.filter(offboarding=open_case).count() == 3
    evidence = PurgedEvidence.objects.get(offboarding=open_case)
    assert (evidence.kind, evidence.channel, evidence.action) == ("consent", "email", "grant")
    steps = {s.key: s for s in OffboardingStep.objects.filter(offboarding=open_case)}
    assert (steps["transfer_data"].done, steps["transfer_data"].total) == (7, 7)
    assert (steps["purge_prehire_data"].done, steps["purge_prehire_data"].total) == (3, 3)
    assert steps["personal_account_attestation"].status == "waiting"
    # The attestation lists the company prospects found through the personal account only.
    listed = {str(i) for i in open_case.attestation_items.values_list("prospect_id", flat=True)}
    assert listed == {str(p.pk) for p in book["employment"]}


@pytest.mark.services
def test_after_the_attestation_the_token_answers_401_and_the_case_is_done(
    celery_worker, book, open_case, hr, leaver
):
    client = api_client_for(leaver)
    assert client.get("/api/prospects/").status_code == 200
    services.offboarding_start(actor=hr.user, offboarding=open_case)
    wait_for(lambda: case_status(open_case) == "waiting")

    services.attestation_record(
        actor=leaver.user,
        offboarding=open_case,
        statement="Removed from my LinkedIn.",
        prospect_ids=listed_ids(open_case),
    )
    # Attested weeks before leaving: access stays until the departure date.
    wait_for(lambda: step_status(open_case, "revoke_access") == "waiting")
    assert case_status(open_case) == "waiting"
    assert client.get("/api/prospects/").status_code == 200

    the_departure_day_comes(open_case)
    assert client.get("/api/prospects/").status_code == 401  # at once, before any job
    services.departures_due_apply()
    wait_for(lambda: case_status(open_case) == "done")

    assert client.get("/api/prospects/").status_code == 401
    assert not AuthToken.objects.filter(user=leaver.user).exists()
    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert leaver.status == "departed"
    # API.md v2: the login stays, confined to the attestation page and the export, until
    # the attestation deadline; the hourly job closes it after that day.
    assert leaver.user.is_active
    services.departures_due_apply(today=open_case.attestation_deadline)
    leaver.user.refresh_from_db()
    assert leaver.user.is_active
    services.departures_due_apply(today=open_case.attestation_deadline + datetime.timedelta(days=1))
    leaver.user.refresh_from_db()
    assert not leaver.user.is_active and not leaver.user.has_usable_password()
    open_case.refresh_from_db()
    assert open_case.report["transferred"]["prospects"] == 7
    assert open_case.report["purged"]["prospects"] == 3
    assert open_case.report["attested"] == {
        **open_case.report["attested"],
        "prospects": 3,
        "listed": 3,
    }


@pytest.mark.services
def test_rerunning_every_step_changes_nothing(celery_worker, book, open_case, hr, leaver):
    services.offboarding_start(actor=hr.user, offboarding=open_case)
    wait_for(lambda: case_status(open_case) == "waiting")
    services.attestation_record(
        actor=leaver.user,
        offboarding=open_case,
        statement="Done.",
        prospect_ids=listed_ids(open_case),
    )
    wait_for(lambda: step_status(open_case, "revoke_access") == "waiting")
    the_departure_day_comes(open_case)
    services.departures_due_apply()
    wait_for(lambda: case_status(open_case) == "done")
    snapshot = sorted(Prospect.objects.values_list("id", "owner_id"))
    steps_before = list(OffboardingStep.objects.filter(offboarding=open_case).values())

    for step in steps_before:
        assert services.step_run(offboarding_id=open_case.pk, key=step["key"]) == "skipped"
    services.offboarding_start(actor=hr.user, offboarding=open_case)

    assert sorted(Prospect.objects.values_list("id", "owner_id")) == snapshot
    assert list(OffboardingStep.objects.filter(offboarding=open_case).values()) == steps_before
    assert case_status(open_case) == "done"


def test_without_a_broker_the_checklist_runs_in_process(
    transactional_db, book, open_case, hr, leaver, successor
):
    """The embedded default (``make run``): the outbox runs each step right after its commit."""
    from socialcrm.celery import app

    previous = app.conf.task_always_eager
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    try:
        services.offboarding_start(actor=hr.user, offboarding=open_case)
        assert case_status(open_case) == "waiting"
        services.attestation_record(
            actor=leaver.user,
            offboarding=open_case,
            statement="Done.",
            prospect_ids=listed_ids(open_case),
        )
        # The leaver keeps their access until the departure date: the checklist waits.
        assert step_status(open_case, "revoke_access") == "waiting"
        assert case_status(open_case) == "waiting"
        the_departure_day_comes(open_case)
        services.departures_due_apply()
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER = previous
    assert case_status(open_case) == "done"
    assert owners(book["employment"] + book["company"] + book["contributed"]) == {successor.pk}
