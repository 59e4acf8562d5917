"""RULES 22: a request reaches only what the requester proved or the DPO verified, and the DPO
confirms every match on an unverified or shared identifier before anything is done."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from consent import services as consent_services
from core import crypto
from dsar import rules
from dsar.models import DataSubjectRequest
from dsar.services import verification_token
from prospects import services as prospect_services
from prospects.rules import name_tokens
from suppression.models import Opposition
from tests.dsar.factories import DsarFactory

pytestmark = pytest.mark.django_db

PUBLIC = "/api/dsar/public/"
REQUESTER_EMAIL = "attacker@example.com"
VICTIM_PHONE = "+33611111111"
SWITCHBOARD = "+33140000000"


def record(owner, name, **values):
    return prospect_services.prospect_create(
        actor=owner.user, owner=owner, data={"full_name": name, **values}
    )


def url(dsar, action):
    return f"/api/dsar/{dsar.pk}/{action}/"


def public_request(client, **body):
    response = client.post(
        PUBLIC,
        {"type": "access", "full_name": "Eve Martin", "email": REQUESTER_EMAIL, **body},
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    return DataSubjectRequest.objects.get()


def open_link(client, dsar):
    response = client.post(reverse("dsar-public-verify", args=[verification_token(dsar)]))
    assert response.status_code == 200
    dsar.refresh_from_db()
    return dsar


# --- The pure rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Jean Dupont", "Jean Dupont", True),
        ("Jean Dupont", "dupont JEAN", True),  # order and case
        ("Élodie Durand", "elodie durand", True),  # accents
        ("Jean Dupont", "Jeanne Dupont", False),
        ("Jean Dupont", "Dupont", False),
        ("", "", False),  # no name: we cannot tell, so it is not the same person
        ("Jean Dupont", "", False),
        ("<script>alert(1)</script>", "<script>alert(1)</script>", True),
    ],
)
def test_two_records_name_the_same_person_when_their_words_match(a, b, same):
    assert rules.same_name(name_tokens(a), name_tokens(b)) is same


@pytest.mark.parametrize(
    ("holders", "shared"),
    [
        ({"phone": ["Jean Dupont"]}, set()),  # one record: not shared
        ({"phone": ["Jean Dupont", "Dupont Jean"]}, set()),  # the same person twice
        ({"phone": ["Jean Dupont", "Anne Morel"]}, {"phone"}),  # a switchboard
        ({"phone": ["Jean Dupont", ""]}, {"phone"}),  # a record without a name
        ({"phone": ["A B", "A B", "C D"], "email": ["A B"]}, {"phone"}),
    ],
)
def test_an_identifier_is_shared_when_records_of_other_names_hold_it(holders, shared):
    tokens = {key: [name_tokens(name) for name in names] for key, names in holders.items()}
    assert rules.shared_identifiers(tokens) == shared


@pytest.mark.parametrize(
    ("verified", "shared", "reasons"),
    [
        (True, False, []),
        (False, False, ["unverified"]),
        (True, True, ["shared"]),
        (False, True, ["unverified", "shared"]),
    ],
)
def test_why_a_match_needs_the_dpo(verified, shared, reasons):
    assert rules.confirmation_reasons(verified=verified, shared=shared) == reasons


# --- Public requests: the e-mail is proven by its link, nothing else ------------------------


def test_a_verified_email_with_someone_elses_phone_exports_nothing_of_theirs_unconfirmed(
    client, api_as, dpo, rep, django_capture_on_commit_callbacks
):
    own = record(rep, "Eve Martin", email=REQUESTER_EMAIL)
    victim = record(rep, "Paul Victime", phone=VICTIM_PHONE, email="paul@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        dsar = public_request(client, phone=VICTIM_PHONE)
    dsar = open_link(client, dsar)
    assert dsar.verified_identifiers == ["email"]

    matches = {m["prospect"]: m for m in api_as(dpo).get(url(dsar, "matches")).json()}
    assert matches[str(own.pk)] | {"prospect": None} == {
        "prospect": None,
        "matched_on": ["email"],
        "verified": True,
        "shared": False,
        "needs_confirmation": False,
        "reasons": [],
        "confirmed": None,
        "acted_on": True,
    }
    assert matches[str(victim.pk)]["matched_on"] == ["phone"]
    assert matches[str(victim.pk)]["verified"] is False
    assert matches[str(victim.pk)]["reasons"] == ["unverified"]

    refused = api_as(dpo).post(url(dsar, "execute"))
    assert refused.status_code == 409
    assert refused.json()["code"] == "matches_unconfirmed"
    dsar.refresh_from_db()
    assert (dsar.execution, dsar.prospect_ids) == ("", [])

    confirmed = api_as(dpo).post(
        url(dsar, "matches/confirm"), {"prospect_ids": [str(own.pk)]}, format="json"
    )
    assert confirmed.status_code == 200
    after = {m["prospect"]: m for m in confirmed.json()}
    assert (after[str(own.pk)]["confirmed"], after[str(victim.pk)]["confirmed"]) == (True, False)
    assert AuditEvent.objects.filter(action="dsar.matches_confirmed").exists()
    assert api_as(dpo).post(url(dsar, "execute")).status_code == 202
    dsar.refresh_from_db()
    assert dsar.prospect_ids == [str(own.pk)]


def test_the_same_records_need_no_confirmation_once_the_dpo_verified_the_phone(
    client, api_as, dpo, rep
):
    own = record(rep, "Eve Martin", email=REQUESTER_EMAIL, phone=VICTIM_PHONE)
    dsar = open_link(client, public_request(client, phone=VICTIM_PHONE))
    # Matched on the proven e-mail too: one verified identifier is enough for the record.
    [match] = api_as(dpo).get(url(dsar, "matches")).json()
    assert (match["matched_on"], match["verified"]) == (["email", "phone"], True)

    response = api_as(dpo).post(
        url(dsar, "identifiers/verify"), {"identifiers": ["phone"], "note": "called back"}
    )
    assert response.status_code == 202
    assert response.json()["verified_identifiers"] == ["email", "phone"]
    assert AuditEvent.objects.filter(
        action="dsar.identifiers_verified", object_id=str(dsar.pk), fields=["phone"]
    ).exists()
    assert api_as(dpo).post(url(dsar, "execute")).status_code == 202
    dsar.refresh_from_db()
    assert dsar.prospect_ids == [str(own.pk)]


def test_a_shared_switchboard_number_waits_for_the_dpo_even_when_verified(api_as, dpo, rep):
    jean = record(rep, "Jean Dupont", phone=SWITCHBOARD)
    anne = record(rep, "Anne Morel", phone=SWITCHBOARD)
    dsar = DsarFactory(
        email=None,
        email_index=None,
        phone=SWITCHBOARD,
        phone_index=crypto.blind_index("phone", SWITCHBOARD),
    )
    client = api_as(dpo)
    assert client.post(url(dsar, "verify"), {"note": "letter with ID"}).status_code == 202
    dsar.refresh_from_db()
    assert dsar.verified_identifiers == ["phone"]  # the DPO recorded it: verified with the person
    matches = client.get(url(dsar, "matches")).json()
    assert {m["prospect"]: m["reasons"] for m in matches} == {
        str(jean.pk): ["shared"],
        str(anne.pk): ["shared"],
    }
    assert client.post(url(dsar, "execute")).json()["code"] == "matches_unconfirmed"
    client.post(url(dsar, "matches/confirm"), {"prospect_ids": [str(jean.pk)]}, format="json")
    assert client.post(url(dsar, "execute")).status_code == 202
    dsar.refresh_from_db()
    assert dsar.prospect_ids == [str(jean.pk)]


def test_the_same_name_twice_on_a_phone_is_not_shared(api_as, dpo, rep):
    record(rep, "Jean Dupont", phone=SWITCHBOARD)
    record(rep, "DUPONT Jean", phone=SWITCHBOARD, email="jean@example.com")
    dsar = DsarFactory(
        email=None, email_index=None, phone_index=crypto.blind_index("phone", SWITCHBOARD)
    )
    api_as(dpo).post(url(dsar, "verify"), {})
    assert [m["shared"] for m in api_as(dpo).get(url(dsar, "matches")).json()] == [False, False]
    assert api_as(dpo).post(url(dsar, "execute")).status_code == 202


def test_a_deleted_then_recreated_record_is_one_match(api_as, dpo, rep):
    first = record(rep, "Jean Dupont", phone=SWITCHBOARD)
    consent_services.prospect_delete(actor=rep.user, prospect=first)
    again = record(rep, "Jean Dupont", phone=SWITCHBOARD)
    dsar = DsarFactory(
        email=None, email_index=None, phone_index=crypto.blind_index("phone", SWITCHBOARD)
    )
    api_as(dpo).post(url(dsar, "verify"), {})
    [match] = api_as(dpo).get(url(dsar, "matches")).json()
    assert (match["prospect"], match["shared"], match["acted_on"]) == (str(again.pk), False, True)


def test_a_dpo_verification_of_a_public_request_verifies_no_identifier_by_itself(
    client, api_as, dpo, rep
):
    record(rep, "Eve Martin", phone=VICTIM_PHONE)
    dsar = public_request(client, email="", phone=VICTIM_PHONE)
    assert mail.outbox == []  # no e-mail to prove
    api_as(dpo).post(url(dsar, "verify"), {"note": "called the number back"})
    dsar.refresh_from_db()
    assert dsar.verified_identifiers == []
    assert api_as(dpo).post(url(dsar, "execute")).json()["code"] == "matches_unconfirmed"
    # Naming the identifier it checked is the DPO's explicit decision.
    api_as(dpo).post(url(dsar, "verify"), {"identifiers": ["phone"]}, format="json")
    dsar.refresh_from_db()
    assert dsar.verified_identifiers == ["phone"]


# --- Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"prospect_ids": "not a list"},
        {"prospect_ids": ["not-a-uuid"]},
        {"prospect_ids": [None]},
        {"prospect_ids": [{"$gt": ""}]},
        {"prospect_ids": ["00000000-0000-0000-0000-000000000000"]},  # not among the matches
    ],
)
def test_confirming_anything_but_the_matches_is_refused_naming_prospect_ids(api_as, dpo, rep, body):
    record(rep, "Eve Martin", email=REQUESTER_EMAIL)
    stranger = record(rep, "Someone Else", email="else@example.com")
    dsar = DsarFactory(
        email=REQUESTER_EMAIL, email_index=crypto.blind_index("email", REQUESTER_EMAIL)
    )
    response = api_as(dpo).post(url(dsar, "matches/confirm"), body, format="json")
    assert response.status_code == 400
    assert "prospect_ids" in response.json()
    dsar.refresh_from_db()
    assert (dsar.matches_confirmed_at, dsar.confirmed_prospects) == (None, [])
    # A real record that does not match the request is refused the same way.
    other = api_as(dpo).post(
        url(dsar, "matches/confirm"), {"prospect_ids": [str(stranger.pk)]}, format="json"
    )
    assert other.status_code == 400 and "prospect_ids" in other.json()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"identifiers": []},
        {"identifiers": ["iban"]},
        {"identifiers": "phone"},
        {"identifiers": ["phone"]},
    ],
)
def test_verifying_an_identifier_the_request_does_not_hold_is_refused(api_as, dpo, body):
    dsar = DsarFactory()  # an e-mail only
    response = api_as(dpo).post(url(dsar, "identifiers/verify"), body, format="json")
    assert response.status_code == 400
    assert "identifiers" in response.json()
    dsar.refresh_from_db()
    assert dsar.verified_identifiers == []


def test_only_the_dpo_reads_and_confirms_matches(api_as, rep, dpo):
    dsar = DsarFactory()
    mine = DsarFactory(received_via="employee_account", forwarded_by=rep)
    client = api_as(rep)
    assert client.get(url(dsar, "matches")).status_code == 404
    assert client.post(url(dsar, "matches/confirm"), {"prospect_ids": []}).status_code == 404
    assert client.get(url(mine, "matches")).status_code == 403
    assert client.post(url(mine, "matches/confirm"), {"prospect_ids": []}).status_code == 403
    assert (
        client.post(url(mine, "identifiers/verify"), {"identifiers": ["email"]}).status_code == 403
    )


def test_a_closed_request_cannot_be_reviewed(api_as, dpo):
    dsar = DsarFactory(status="completed")
    response = api_as(dpo).post(url(dsar, "matches/confirm"), {"prospect_ids": []}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "closed"


def test_matches_read_in_a_fixed_number_of_queries(api_as, dpo, rep, django_assert_num_queries):
    for n in range(5):
        record(rep, f"Person {n}", phone=SWITCHBOARD)
    dsar = DsarFactory(
        email=None, email_index=None, phone_index=crypto.blind_index("phone", SWITCHBOARD)
    )
    client = api_as(dpo)
    with django_assert_num_queries(3):  # token with user and employee, request, records
        assert len(client.get(url(dsar, "matches")).json()) == 5


# --- RULES 21 with RULES 22: an objection acts on what is proven, at once --------------------


def test_a_public_objection_acts_when_its_email_is_proven_and_never_on_the_typed_phone(client, rep):
    own = record(
        rep, "Eve Martin", email=REQUESTER_EMAIL, profile_url="https://www.linkedin.com/in/eve"
    )
    record(rep, "Paul Victime", phone=VICTIM_PHONE)
    dsar = public_request(client, type="objection", phone=VICTIM_PHONE)
    # Unproven: nothing is stopped yet (anyone can type anyone's address).
    assert not Opposition.objects.exists()
    open_link(client, dsar)
    suppressed = set(Opposition.objects.values_list("identifier_type", "identifier_index"))
    # The proven e-mail, and every identifier of the record it reaches (RULES 1 and 21)...
    assert {
        ("email", own.email_index),
        ("profile_url", own.profile_url_index),
    } <= suppressed
    # ...but never the phone nobody proved: it belongs to someone else.
    assert ("phone", crypto.blind_index("phone", VICTIM_PHONE)) not in suppressed


def test_an_objection_reaches_a_confirmed_record_the_moment_the_dpo_confirms_it(
    client, api_as, dpo, rep
):
    victim = record(rep, "Paul Victime", phone=VICTIM_PHONE, email="paul@example.com")
    dsar = open_link(client, public_request(client, type="objection", phone=VICTIM_PHONE))
    index = ("email", victim.email_index)
    assert index not in set(Opposition.objects.values_list("identifier_type", "identifier_index"))
    api_as(dpo).post(
        url(dsar, "matches/confirm"), {"prospect_ids": [str(victim.pk)]}, format="json"
    )
    assert index in set(Opposition.objects.values_list("identifier_type", "identifier_index"))


def test_a_dpo_recorded_objection_acts_when_the_dpo_verifies_it(api_as, dpo):
    response = api_as(dpo).post(
        "/api/dsar/",
        {"type": "objection", "phone": "06 12 34 56 78", "received_via": "post"},
    )
    dsar = DataSubjectRequest.objects.get(pk=response.json()["id"])
    assert not Opposition.objects.exists()
    api_as(dpo).post(url(dsar, "verify"), {"note": "signed letter"})
    assert Opposition.objects.filter(
        identifier_type="phone", identifier_index=crypto.blind_index("phone", "+33612345678")
    ).exists()


# --- The DPO's page -----------------------------------------------------------------------


def test_the_dpo_page_shows_each_match_with_a_checkbox_and_why_it_needs_confirmation(
    client, rep, dpo
):
    own = record(rep, "Eve Martin", email=REQUESTER_EMAIL)
    victim = record(rep, "Paul Victime", phone=VICTIM_PHONE)
    dsar = open_link(client, public_request(client, phone=VICTIM_PHONE))
    client.force_login(dpo.user)
    page = client.get(reverse("dsar-detail", args=[dsar.pk])).content.decode()
    assert f'value="{own.pk}" id="match-{own.pk}" checked' in page
    assert f'value="{victim.pk}" id="match-{victim.pk}" aria-label' in page  # not ticked
    assert "matched on an identifier nobody verified" in page
    assert 'id="matches-unconfirmed"' in page

    refused = client.post(reverse("dsar-action", args=[dsar.pk, "execute"]), {"confirm": "on"})
    assert refused.status_code == 302
    dsar.refresh_from_db()
    assert dsar.execution == ""

    client.post(reverse("dsar-action", args=[dsar.pk, "matches"]), {"prospect_ids": [str(own.pk)]})
    dsar.refresh_from_db()
    assert dsar.confirmed_prospects == [str(own.pk)]
    page = client.get(reverse("dsar-detail", args=[dsar.pk])).content.decode()
    assert 'id="matches-unconfirmed"' not in page
    assert "left out" in page

    client.post(
        reverse("dsar-action", args=[dsar.pk, "identifiers"]),
        {"identifiers-identifiers": ["phone"], "identifiers-note": "called back"},
    )
    dsar.refresh_from_db()
    assert dsar.verified_identifiers == ["email", "phone"]


def test_the_dpo_page_refuses_a_record_that_is_not_a_match(client, rep, dpo):
    record(rep, "Eve Martin", email=REQUESTER_EMAIL)
    stranger = record(rep, "Someone Else", email="else@example.com")
    dsar = DsarFactory(
        email=REQUESTER_EMAIL, email_index=crypto.blind_index("email", REQUESTER_EMAIL)
    )
    client.force_login(dpo.user)
    response = client.post(
        reverse("dsar-action", args=[dsar.pk, "matches"]), {"prospect_ids": [str(stranger.pk)]}
    )
    assert response.status_code == 400
    dsar.refresh_from_db()
    assert dsar.matches_confirmed_at is None
