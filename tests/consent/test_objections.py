"""RULES 1, 2, 21: an objection belongs to the person, not to the identifier it came with."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentEvent
from consent.services import objection_register, prospect_object
from core import crypto
from suppression.models import Opposition
from tests.factories import EmployeeFactory
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

EMAIL = "claire.martin@example.fr"
PHONE = "+33 6 12 34 56 78"
PROFILE = "https://www.linkedin.com/in/claire-martin"
IDENTIFIERS = {"email": EMAIL, "phone": PHONE, "profile_url": PROFILE}


def create(client, **values):
    body = {"full_name": "Claire Martin", "kind": "b2c", **values}
    return client.post("/api/prospects/", body, format="json")


def object_to(client, identifier_type, value, scope="all"):
    return client.post(
        "/api/oppositions/",
        {"identifier_type": identifier_type, "value": value, "scope": scope},
        format="json",
    )


def suppressed(scope="all") -> set[str]:
    """Which of Claire's identifiers are on the list with ``scope``."""
    return {
        kind
        for kind, value in IDENTIFIERS.items()
        if Opposition.objects.filter(
            identifier_type=kind, identifier_index=crypto.blind_index(kind, value), scope=scope
        ).exists()
    }


@pytest.fixture
def claire(api_as, rep):
    response = create(api_as(rep), **IDENTIFIERS)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize(
    ("identifier_type", "value"),
    [
        ("email", EMAIL),
        ("email", " Claire.Martin@EXAMPLE.fr "),  # the same address, written otherwise
        ("phone", "06 12 34 56 78"),  # the same number, national format
        ("profile_url", PROFILE + "/"),
    ],
)
@pytest.mark.parametrize("scope", ["all", "email", "phone"])
def test_an_objection_by_one_identifier_suppresses_every_identifier_of_the_record(
    api_as, rep, claire, identifier_type, value, scope
):
    response = object_to(api_as(rep), identifier_type, value, scope)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["scope"] == scope and body["identifiers_suppressed"] == 3
    assert "value" not in body and EMAIL not in str(body)
    assert suppressed(scope) == {"email", "phone", "profile_url"}
    assert Opposition.objects.count() == 3
    other_scopes = {"all", "email", "phone"} - {scope}
    assert all(suppressed(other) == set() for other in other_scopes)


def test_registering_it_again_changes_nothing_and_answers_the_same(api_as, rep, claire):
    client = api_as(rep)
    first = object_to(client, "phone", PHONE).json()
    withdrawals = ConsentEvent.objects.count()

    again = object_to(client, "phone", PHONE)

    assert again.status_code == 201
    assert again.json() == first
    assert Opposition.objects.count() == 3
    assert ConsentEvent.objects.count() == withdrawals


@pytest.mark.parametrize(
    ("held", "expected"),
    [
        ({}, 1),  # nobody holds it: the identifier alone
        ({"email": EMAIL}, 1),  # the record holds nothing else
        ({"email": EMAIL, "phone": PHONE}, 2),
        (IDENTIFIERS, 3),
    ],
)
def test_the_count_is_the_identifier_given_and_those_held_with_it(api_as, rep, held, expected):
    client = api_as(rep)
    if held:
        assert create(client, **held).status_code == 201

    response = object_to(client, "email", EMAIL)

    assert response.json()["identifiers_suppressed"] == expected
    assert Opposition.objects.count() == expected


def test_a_shared_phone_suppresses_the_identifiers_of_every_record_holding_it(api_as, rep):
    # Two records with the same switchboard number: both are matched (RULES 1 "each record").
    client = api_as(rep)
    create(client, email="a@example.fr", phone=PHONE)
    create(client, full_name="Someone Else", email="b@example.fr", phone=PHONE)
    unrelated = create(client, full_name="Unrelated", email="c@example.fr").json()

    response = object_to(client, "phone", PHONE)

    assert response.json()["identifiers_suppressed"] == 3
    indexes = set(Opposition.objects.values_list("identifier_index", flat=True))
    assert crypto.blind_index("email", "a@example.fr") in indexes
    assert crypto.blind_index("email", "b@example.fr") in indexes
    assert crypto.blind_index("email", unrelated["email"]) not in indexes


@pytest.mark.parametrize(
    "value", ["not-an-e-mail", "", "<script>alert(1)</script>", "a@b@c", "x" * 5000]
)
def test_an_unreadable_identifier_is_400_naming_value_and_nothing_is_stored(api_as, rep, value):
    response = object_to(api_as(rep), "email", value)

    assert response.status_code == 400
    assert "value" in response.json()
    assert not Opposition.objects.exists()


def test_the_webhook_names_every_matching_record_once(api_as, rep, claire, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    WebhookSubscription.objects.create(
        url="https://hooks.example.com/in", secret="s" * 32, events=["opposition.created"]
    )
    client = api_as(rep)

    object_to(client, "phone", PHONE)
    object_to(client, "phone", PHONE)

    (delivery,) = WebhookDelivery.objects.filter(event="opposition.created")
    opposition = Opposition.objects.get(identifier_type="phone")
    assert delivery.payload["data"] == {
        "opposition_id": opposition.pk,
        "prospect_ids": [claire["id"]],
    }


def test_the_matching_records_consents_are_withdrawn_on_the_scope_only(api_as, rep, claire):
    object_to(api_as(rep), "profile_url", PROFILE, scope="sms")

    withdrawn = ConsentEvent.objects.filter(prospect_id=claire["id"], action="withdraw")
    assert list(withdrawn.values_list("channel", flat=True)) == ["sms"]


def test_the_dpo_page_registers_the_person_not_the_number(client, dpo, claire):
    client.force_login(dpo.user)

    response = client.post(
        reverse("suppression-list"),
        {"identifier_type": "phone", "value": PHONE, "scope": "all", "source": "complaint"},
        follow=True,
    )

    assert suppressed() == {"email", "phone", "profile_url"}
    assert "3 identifiers" in response.content.decode()
    assert set(Opposition.objects.values_list("source", flat=True)) == {"complaint"}


def test_objecting_to_any_contact_covers_records_sharing_an_identifier(api_as, rep, claire):
    from prospects.models import Prospect

    # The same person on a colleague's record, found by the phone only.
    colleague = EmployeeFactory(role="rep", compliant=True)
    twin = create(api_as(colleague), phone=PHONE, email="claire.perso@example.fr").json()

    prospect_object(actor=rep.user, prospect=Prospect.objects.get(pk=claire["id"]))

    assert suppressed() == {"email", "phone", "profile_url"}
    assert Opposition.objects.filter(
        identifier_index=crypto.blind_index("email", "claire.perso@example.fr"), scope="all"
    ).exists()
    assert ConsentEvent.objects.filter(prospect_id=twin["id"], action="withdraw").count() == 5


# --- RULES 2: "do not contact me" is an objection for that channel -------------------------


def consent(client, prospect_id, **values):
    body = {"prospect": prospect_id, "channel": "email", "action": "withdraw", **values}
    return client.post("/api/consents/", body, format="json")


@pytest.mark.parametrize(
    ("evidence", "objects"),
    [
        ("request", True),
        ("opt_out_link", True),
        ("written_reply", False),  # "no thanks to this offer": an opt-out, not an objection
        ("signed", False),
        ("like", False),
    ],
)
def test_a_withdrawal_saying_do_not_contact_me_objects_on_that_channel(
    api_as, rep, claire, evidence, objects
):
    response = consent(api_as(rep), claire["id"], channel="sms", evidence=evidence)

    assert response.status_code == 201, response.content
    assert suppressed("sms") == ({"email", "phone", "profile_url"} if objects else set())
    assert suppressed("all") == set()
    # One withdrawal, the one recorded: the objection adds none for the same record.
    assert ConsentEvent.objects.filter(prospect_id=claire["id"]).count() == 1


def test_a_do_not_contact_me_on_a_record_without_identifiers_stays_a_withdrawal(api_as, rep):
    bare = create(api_as(rep)).json()

    response = consent(api_as(rep), bare["id"], evidence="request")

    assert response.status_code == 201
    assert not Opposition.objects.exists()


@pytest.mark.parametrize(
    ("occurred_at", "status"),
    [
        (lambda now: now - datetime.timedelta(days=400), 201),
        (lambda now: now + datetime.timedelta(minutes=4), 201),  # clock skew
        (lambda now: now + datetime.timedelta(minutes=6), 400),
        (lambda now: now + datetime.timedelta(days=1), 400),
        (lambda now: now + datetime.timedelta(days=365 * 20), 400),
        (lambda now: datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC), 201),
        (lambda now: datetime.datetime(1969, 12, 31, 23, 59, 59, tzinfo=datetime.UTC), 400),
        (lambda now: "2024-02-30T10:00:00Z", 400),
        (lambda now: "9999-12-31T23:59:59Z", 400),
        (lambda now: "not a date", 400),
    ],
)
@pytest.mark.parametrize("action", ["grant", "withdraw"])
def test_consent_events_are_dated_in_the_past_and_after_1970(
    api_as, rep, claire, occurred_at, status, action
):
    moment = occurred_at(timezone.now())
    response = consent(
        api_as(rep),
        claire["id"],
        action=action,
        evidence="written_reply",
        purpose="offers",
        wording_shown="May we write to you?",
        occurred_at=moment if isinstance(moment, str) else moment.isoformat(),
    )

    assert response.status_code == status, response.content
    if status == 400:
        assert "occurred_at" in response.json()
        assert not ConsentEvent.objects.exists()


def test_the_service_refuses_a_future_date_too(rep, claire):
    from django.core.exceptions import ValidationError

    from consent.services import consent_record
    from prospects.models import Prospect

    with pytest.raises(ValidationError) as error:
        consent_record(
            actor=rep.user,
            captured_by=rep,
            prospect=Prospect.objects.get(pk=claire["id"]),
            channel="email",
            action="withdraw",
            evidence="written_reply",
            occurred_at=timezone.now() + datetime.timedelta(hours=1),
        )
    assert "occurred_at" in error.value.message_dict
    assert not ConsentEvent.objects.exists()


def test_objection_register_reports_what_it_did(rep, claire):
    first = objection_register(
        actor=rep.user, identifier_type="email", value=EMAIL, scope="all", source="complaint"
    )
    again = objection_register(
        actor=rep.user, identifier_type="email", value=EMAIL, scope="all", source="complaint"
    )

    assert (first.created, first.identifiers_suppressed) == (True, 3)
    assert (again.created, again.identifiers_suppressed) == (False, 3)
    assert again.opposition == first.opposition
