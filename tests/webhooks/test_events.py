"""Each event is emitted where the thing happens, with ids only, once per listening subscription."""

import datetime

import pytest

from consent.services import consent_record, opposition_register
from core import crypto
from dsar import services as dsar_services
from offboarding import services as offboarding_services
from offboarding.models import Offboarding
from outbox.models import OutboxMessage
from tests.dsar.factories import DsarFactory
from tests.factories import EmployeeFactory, ProspectFactory
from tests.webhooks.conftest import subscribe
from webhooks.models import WebhookDelivery
from webhooks.services import emit

pytestmark = pytest.mark.django_db

RECEIVER = "https://crm-sync.example.com/hooks"
EMAIL = "ada.lovelace@example.org"


def deliveries(event: str) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(event=event))


def test_recording_a_consent_emits_consent_changed_to_listeners_only(rep):
    listening = subscribe(RECEIVER, ["consent.changed"])
    subscribe(RECEIVER, ["dsar.completed"])
    subscribe(RECEIVER, ["consent.changed"], active=False)
    prospect = ProspectFactory(owner=rep, email=EMAIL)

    event = consent_record(
        actor=rep.user,
        captured_by=rep,
        prospect=prospect,
        channel="email",
        action="withdraw",
        evidence="request",
    )

    (delivery,) = deliveries("consent.changed")
    assert delivery.subscription == listening
    assert delivery.payload["data"] == {
        "consent_id": str(event.pk),
        "prospect_id": str(prospect.pk),
        "employee_id": rep.pk,
    }
    assert delivery.personal is None
    # Sent through the outbox, written in the same transaction.
    (message,) = OutboxMessage.objects.filter(task_name="webhooks.tasks.deliver_webhook")
    assert message.kwargs == {"delivery_id": str(delivery.pk), "attempt": 1}


def test_registering_the_same_opposition_again_emits_nothing_more(rep):
    subscribe(RECEIVER, ["opposition.created"])

    first, created = opposition_register(
        actor=rep.user, identifier_type="email", value=EMAIL, scope="all", source="prospect_request"
    )
    again, created_again = opposition_register(
        actor=rep.user, identifier_type="email", value=EMAIL, scope="all", source="prospect_request"
    )

    assert (created, created_again) == (True, False)
    (delivery,) = deliveries("opposition.created")
    assert delivery.payload["data"] == {"opposition_id": first.pk, "prospect_ids": []}


def test_an_erasure_emits_prospect_erased_then_dsar_completed(rep):
    subscribe(RECEIVER, ["prospect.erased", "dsar.completed"])
    prospect = ProspectFactory(
        owner=rep, email=EMAIL, email_index=crypto.blind_index("email", EMAIL)
    )
    # As executed: the e-mail proven, the record fixed (RULES 22).
    dsar = DsarFactory(
        type="erasure",
        email=EMAIL,
        execution="queued",
        verified_identifiers=["email"],
        prospect_ids=[str(prospect.pk)],
    )

    dsar_services.dsar_run(dsar_id=dsar.pk)

    (erased,) = deliveries("prospect.erased")
    assert erased.payload["data"] == {"dsar_id": str(dsar.pk), "prospect_ids": [str(prospect.pk)]}
    (completed,) = deliveries("dsar.completed")
    assert completed.payload["data"] == {"dsar_id": str(dsar.pk)}
    assert EMAIL not in str(erased.payload) + str(completed.payload)


def test_an_erasure_that_finds_nobody_emits_no_prospect_erased(rep):
    subscribe(RECEIVER, ["prospect.erased", "dsar.completed"])
    dsar = DsarFactory(type="erasure", email=EMAIL, execution="queued")

    dsar_services.dsar_run(dsar_id=dsar.pk)

    assert deliveries("prospect.erased") == []
    assert len(deliveries("dsar.completed")) == 1


def test_an_objection_by_request_emits_opposition_created_with_the_prospects_held(rep):
    subscribe(RECEIVER, ["opposition.created"])
    prospect = ProspectFactory(
        owner=rep, email=EMAIL, email_index=crypto.blind_index("email", EMAIL)
    )
    dsar = DsarFactory(
        type="objection",
        email=EMAIL,
        execution="queued",
        verified_identifiers=["email"],
        prospect_ids=[str(prospect.pk)],
    )

    dsar_services.dsar_run(dsar_id=dsar.pk)

    (delivery,) = deliveries("opposition.created")
    assert delivery.payload["data"]["prospect_ids"] == [str(prospect.pk)]
    assert EMAIL not in str(delivery.payload)


def test_the_dpos_sign_off_emits_offboarding_completed_once(hr, dpo):
    subscribe(RECEIVER, ["offboarding.completed"])
    leaver = EmployeeFactory(role="rep", compliant=True)
    case = offboarding_services.offboarding_create(
        actor=hr.user,
        employee=leaver,
        departure_date=datetime.date(2026, 12, 31),
        successor=EmployeeFactory(role="rep", compliant=True),
    )
    Offboarding.objects.filter(pk=case.pk).update(status="done")

    offboarding_services.offboarding_sign_off(actor=dpo.user, offboarding=case)
    offboarding_services.offboarding_sign_off(actor=dpo.user, offboarding=case)

    (delivery,) = deliveries("offboarding.completed")
    assert delivery.payload["data"] == {"offboarding_id": case.pk, "employee_id": leaver.pk}
    assert delivery.payload["event"] == "offboarding.completed"


def test_audit_checkpoints_can_be_subscribed_to_and_are_queued_like_any_event(api_as, dpo):
    created = api_as(dpo).post(
        "/api/webhooks/",
        {"url": RECEIVER, "secret": "s" * 32, "events": ["audit.checkpoint"]},
        format="json",
    )
    assert created.status_code == 201, created.content

    emit("audit.checkpoint", {"checkpoint_id": 12, "entry_count": 4096, "head_hash": "ab" * 32})

    (delivery,) = deliveries("audit.checkpoint")
    assert str(delivery.subscription_id) == created.json()["id"]
    assert delivery.payload["data"] == {
        "checkpoint_id": 12,
        "entry_count": 4096,
        "head_hash": "ab" * 32,
    }
