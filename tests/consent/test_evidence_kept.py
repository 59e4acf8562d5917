"""RULES 19: deleting a prospect keeps its consent events and outreach log, without the
record's values, for the DPO alone, until the evidence period ends."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from consent.models import (
    AppendOnlyError,
    ConsentEvent,
    OutreachAttempt,
    RemovedRecord,
    consent_evidence_expiry,
)
from core import crypto
from dsar import services as dsar_services
from prospects import services as prospect_services
from prospects.models import Prospect
from retention import services as retention_services
from tests.dsar.factories import DsarFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

EMAIL = "claire.martin@example.fr"
PHONE = "+33612345678"
PROFILE = "https://www.linkedin.com/in/claire-martin"
NAME = "Claire Martin"
PROOF = "Replied 'oui' to my DM of 3 May"
WORDING = "Puis-je vous envoyer notre offre par message ?"
DM = "Bonjour Claire, voici notre offre comme convenu."


@pytest.fixture
def claire(api_as, rep):
    """A consumer with an opt-in on social messages and one message sent under it."""
    client = api_as(rep)
    prospect = client.post(
        "/api/prospects/",
        {"full_name": NAME, "kind": "b2c", "email": EMAIL, "phone": PHONE, "profile_url": PROFILE},
        format="json",
    ).json()
    consent = client.post(
        "/api/consents/",
        {
            "prospect": prospect["id"],
            "channel": "social_message",
            "action": "grant",
            "evidence": "written_reply",
            "purpose": "our offer",
            "proof": PROOF,
            "wording_shown": WORDING,
        },
        format="json",
    ).json()
    attempt = OutreachAttempt.objects.create(
        prospect_id=prospect["id"],
        employee=rep,
        channel="social_message",
        content=DM,
        final_content=DM + "\n\nSTOP",
        decision="allow",
        rules_version="test",
        created_at=timezone.now(),
    )
    return {"prospect": prospect["id"], "consent": consent["id"], "attempt": attempt.pk}


def delete_by_api(api_as, rep, client, claire):
    assert api_as(rep).delete(f"/api/prospects/{claire['prospect']}/").status_code == 204


def delete_by_page(api_as, rep, client, claire):
    client.force_login(rep.user)
    response = client.post(reverse("prospect-delete", args=[claire["prospect"]]))
    assert response.status_code == 302


def purge_at_retention(api_as, rep, client, claire):
    # RULES 18: the clock runs from the record's entry into the CRM, four years ago here.
    entered = timezone.now() - datetime.timedelta(days=4 * 365)
    Prospect.objects.filter(pk=claire["prospect"]).update(
        retention_until=timezone.localdate() - datetime.timedelta(days=1),
        collected_at=entered,
        created_at=entered,
    )
    retention_services.expired_prospects_purge_batch(
        run_id="test", today=timezone.localdate(), batch_size=10
    )


REMOVALS = {
    "a rep's delete (API)": (delete_by_api, "deleted"),
    "a rep's delete (page)": (delete_by_page, "deleted"),
    "the retention purge": (purge_at_retention, "retention"),
}


@pytest.mark.parametrize("removal", REMOVALS)
def test_every_removal_keeps_the_consent_and_the_outreach_without_the_persons_values(
    api_as, rep, client, claire, removal
):
    remove, reason = REMOVALS[removal]

    remove(api_as, rep, client, claire)

    assert not Prospect.objects.filter(pk=claire["prospect"]).exists()
    event = ConsentEvent.objects.get(pk=claire["consent"])
    assert (event.prospect_id, str(event.prospect_ref)) == (None, claire["prospect"])
    assert (event.action, event.evidence, event.proof, event.wording_shown) == (
        "grant",
        "written_reply",
        PROOF,
        WORDING,
    )
    attempt = OutreachAttempt.objects.get(pk=claire["attempt"])
    assert (attempt.prospect_id, attempt.content, attempt.final_content) == (None, "", "")
    assert (attempt.decision, attempt.channel) == ("allow", "social_message")
    removed = RemovedRecord.objects.get(pk=claire["prospect"])
    assert removed.reason == reason
    assert (removed.email_index, removed.phone_index, removed.profile_url_index) == (
        crypto.blind_index("email", EMAIL),
        crypto.blind_index("phone", PHONE),
        crypto.blind_index("profile_url", PROFILE),
    )
    kept = " ".join(str(value) for value in RemovedRecord.objects.values().get().values())
    assert not any(value in kept for value in (NAME, EMAIL, PHONE, PROFILE, "Claire"))


def test_the_dpo_reads_the_consent_of_a_deleted_prospect_and_no_one_else_does(
    api_as, rep, manager, dpo, claire
):
    rep.manager = manager
    rep.save()
    admin = EmployeeFactory(role="admin")
    api_as(rep).delete(f"/api/prospects/{claire['prospect']}/")
    url = f"/api/consents/{claire['consent']}/"

    read = api_as(dpo).get(url)

    assert read.status_code == 200
    body = read.json()
    assert body["prospect"] is None
    assert (body["action"], body["evidence"], body["purpose"]) == (
        "grant",
        "written_reply",
        "our offer",
    )
    assert body["wording_shown"] == WORDING
    for caller in (rep, manager, admin):
        assert api_as(caller).get(url).status_code == 404
        listed = api_as(caller).get("/api/consents/").json()["results"]
        assert claire["consent"] not in {e["id"] for e in listed}
    listed = api_as(dpo).get("/api/consents/").json()["results"]
    assert claire["consent"] in {e["id"] for e in listed}


def test_the_dpo_also_sees_the_outreach_log_of_a_deleted_prospect(api_as, rep, dpo, claire):
    api_as(rep).delete(f"/api/prospects/{claire['prospect']}/")

    log = api_as(dpo).get("/api/outreach/").json()["results"]

    assert [(e["id"], e["prospect"]) for e in log] == [(str(claire["attempt"]), None)]


def test_a_deleted_then_recreated_person_starts_without_the_old_evidence(api_as, rep, dpo, claire):
    client = api_as(rep)
    client.delete(f"/api/prospects/{claire['prospect']}/")

    again = client.post(
        "/api/prospects/", {"full_name": NAME, "kind": "b2c", "email": EMAIL}, format="json"
    )

    assert again.status_code == 201
    consents = client.get(f"/api/prospects/{again.json()['id']}/consents/").json()
    assert consents["events"] == [] and consents["status"]["social_message"] is None
    # The old evidence is still there, for the DPO.
    assert api_as(dpo).get(f"/api/consents/{claire['consent']}/").status_code == 200


def test_an_erasure_request_removes_the_evidence_of_a_deleted_record(api_as, rep, claire):
    api_as(rep).delete(f"/api/prospects/{claire['prospect']}/")
    # The requester proved the e-mail (RULES 22): the kept evidence is found by its hash.
    dsar = DsarFactory(
        type="erasure", email=EMAIL, execution="queued", verified_identifiers=["email"]
    )

    dsar_services.dsar_run(dsar_id=dsar.pk)

    assert not ConsentEvent.objects.filter(pk=claire["consent"]).exists()
    assert not RemovedRecord.objects.exists()
    # The outreach attempt stays as evidence of what was done, with nothing personal left.
    attempt = OutreachAttempt.objects.get(pk=claire["attempt"])
    assert (attempt.prospect_id, attempt.content) == (None, "")
    dsar.refresh_from_db()
    assert dsar.outcome["erased"]["removed_consent_events"] == 1


def test_an_erasure_of_someone_else_leaves_the_evidence(api_as, rep, claire):
    api_as(rep).delete(f"/api/prospects/{claire['prospect']}/")
    dsar = DsarFactory(
        type="erasure",
        email="someone.else@example.fr",
        execution="queued",
        verified_identifiers=["email"],
    )

    dsar_services.dsar_run(dsar_id=dsar.pk)

    assert ConsentEvent.objects.filter(pk=claire["consent"]).exists()
    assert RemovedRecord.objects.count() == 1


def test_the_evidence_stays_append_only_while_it_is_kept(api_as, rep, claire):
    api_as(rep).delete(f"/api/prospects/{claire['prospect']}/")
    events = ConsentEvent.objects.filter(pk=claire["consent"])

    with pytest.raises(AppendOnlyError):
        events.update(purpose="changed")
    with pytest.raises(AppendOnlyError):
        events.delete()
    with pytest.raises(AppendOnlyError):
        events.get().delete()


def test_the_evidence_purge_may_delete_detached_events_only(api_as, rep, claire):
    living = prospect_services.prospect_create(
        actor=rep.user, owner=rep, data={"full_name": "Still Here", "kind": "b2b"}
    )
    ConsentEvent.objects.create(
        prospect=living,
        channel="email",
        action="withdraw",
        evidence="request",
        occurred_at=timezone.now(),
    )
    api_as(rep).delete(f"/api/prospects/{claire['prospect']}/")

    with pytest.raises(AppendOnlyError), transaction.atomic(), consent_evidence_expiry():
        ConsentEvent.objects.all().delete()
    with transaction.atomic(), consent_evidence_expiry():
        assert ConsentEvent.objects.filter(prospect__isnull=True).delete()[0] == 1
    assert ConsentEvent.objects.filter(prospect=living).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_expiry_switch_needs_a_transaction():
    with pytest.raises(AppendOnlyError), consent_evidence_expiry():
        pass


def test_a_deleted_prospects_events_do_not_count_in_the_consent_coverage(api_as, rep, dpo, claire):
    before = api_as(dpo).get("/api/dashboard/provenance/").json()["consent_by_channel"]
    api_as(rep).delete(f"/api/prospects/{claire['prospect']}/")

    after = api_as(dpo).get("/api/dashboard/provenance/").json()["consent_by_channel"]

    assert before["social_message"]["opt_in"] == 1
    assert after["social_message"] == {"opt_in": 0, "opt_out": 0}


def test_the_rep_and_the_manager_no_longer_see_the_deleted_prospects_outreach(
    api_as, rep, manager, claire
):
    rep.manager = manager
    rep.save()
    assert len(api_as(manager).get("/api/outreach/").json()["results"]) == 1

    api_as(rep).delete(f"/api/prospects/{claire['prospect']}/")

    for caller in (rep, manager):
        assert api_as(caller).get("/api/outreach/").json()["results"] == []
        reply = api_as(caller).post(f"/api/outreach/{claire['attempt']}/reply/")
        assert reply.status_code == 404
