"""What the gate reads from the database for the 2026.12 rules, and the API around it."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from consent.facts import gather_facts
from consent.models import ConsentEvent, OutreachAttempt
from deals.models import Deal
from people.models import Employee
from prospects import services as prospect_services
from prospects.models import Prospect
from prospects.selectors import prospects_visible_to
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db

DM = "Bonjour, je vous contacte au sujet de votre projet de CRM."
WORDING = "Acceptez-vous de recevoir nos offres ?"


def gather(rep, prospect, channel, now=None, **inputs):
    facts, _row = gather_facts(
        employee=rep,
        prospects=prospects_visible_to(rep.user),
        prospect_id=prospect.pk,
        channel=channel,
        content=DM,
        now=now or timezone.now(),
        **inputs,
    )
    return facts


def grant(prospect, channel="email", *, at=None, **fields):
    fields = {"evidence": "web_form", "wording_shown": WORDING, **fields}
    return ConsentEvent.objects.create(
        prospect=prospect,
        channel=channel,
        action="grant",
        occurred_at=at or timezone.now(),
        **fields,
    )


def make_prospect(rep, **data):
    return prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={"full_name": "Alex Durand", "lawful_basis": "legitimate_interest", **data},
    )


# --- RULES 6: what counts as a grant ----------------------------------------------------------

GRANTS = [
    ("with the wording shown", dict(wording_shown=WORDING), "grant"),
    ("a one-letter wording", dict(wording_shown="x"), "grant"),
    ("a long wording", dict(wording_shown="Oui " * 500), "grant"),
    ("a wording full of dollars", dict(wording_shown="$" * 30), "grant"),
    ("without the wording (legacy)", dict(wording_shown=""), None),
    ("recording a sale (soft opt-in basis)", dict(evidence="sale"), None),
]


@pytest.mark.parametrize(("fields", "counted"), [g[1:] for g in GRANTS], ids=[g[0] for g in GRANTS])
def test_only_a_grant_with_its_wording_counts(rep, prospect, fields, counted):
    grant(prospect, **fields)
    assert gather(rep, prospect, "email").consent == counted


def test_a_grant_without_wording_does_not_lift_an_earlier_withdrawal(rep, prospect):
    now = timezone.now()
    ConsentEvent.objects.create(
        prospect=prospect,
        channel="email",
        action="withdraw",
        evidence="request",
        occurred_at=now - datetime.timedelta(days=2),
    )
    grant(prospect, at=now - datetime.timedelta(days=1), wording_shown="")
    assert gather(rep, prospect, "email").consent == "withdraw"
    grant(prospect, at=now)
    assert gather(rep, prospect, "email").consent == "grant"


# --- RULES 3 and 8: deals -----------------------------------------------------------------------


def deal(prospect, owner, status="won", concluded_on=None, **fields):
    if status == "won" and concluded_on is None:
        concluded_on = timezone.localdate()
    return Deal.objects.create(
        prospect=prospect,
        owner=owner,
        product="CRM",
        amount=100,
        status=status,
        concluded_on=concluded_on,
        **fields,
    )


def test_the_soft_opt_in_reads_the_latest_sale_with_the_opt_out_offered(rep, prospect):
    facts = gather(rep, prospect, "email")
    assert (facts.soft_opt_in_sale_on, facts.existing_customer, facts.deal_in_progress) == (
        None,
        False,
        False,
    )
    deal(prospect, rep, status="open")
    facts = gather(rep, prospect, "email")
    assert (facts.existing_customer, facts.deal_in_progress) == (False, True)
    old = datetime.date(2024, 2, 29)
    deal(prospect, rep, concluded_on=old, opt_out_offered_at_sale=True)
    deal(prospect, rep, concluded_on=datetime.date(2026, 1, 5))  # opt-out not offered then
    deal(prospect, rep, status="lost", opt_out_offered_at_sale=True)
    facts = gather(rep, prospect, "email")
    assert facts.soft_opt_in_sale_on == old
    assert facts.existing_customer and facts.deal_in_progress


# --- RULES 4, 24: the e-mail ------------------------------------------------------------------

ADDRESSES = [
    ("b2b", "alex@gmail.com", "email", True),
    ("b2b", "contact@acme-industries.fr", "email", False),
    ("b2b", "alex@gmail.com", "sms", False),  # not read for other channels
    ("b2c", "alex@gmail.com", "email", False),  # a consumer already is one
    ("b2b", None, "email", True),  # no address on file: nothing shows it is professional
]


@pytest.mark.parametrize(("kind", "email", "channel", "personal"), ADDRESSES)
def test_a_professional_at_a_personal_address(rep, kind, email, channel, personal):
    data = {"kind": kind, "phone": "+33612345678"}
    if email:
        data["email"] = email
    prospect = make_prospect(rep, **data)
    assert gather(rep, prospect, channel).email_address_personal is personal


def test_a_restricted_email_is_refused_until_they_write_or_consent(api_as, rep):
    prospect = make_prospect(rep, kind="b2b", email="alex@acme-industries.fr")
    Prospect.objects.filter(pk=prospect.pk).update(email_restricted=True)
    client = api_as(rep)
    body = {"prospect": str(prospect.pk), "channel": "email", "content": DM}

    def codes():
        response = client.post("/api/outreach/check/", body, format="json")
        return [r["code"] for r in response.json()["reasons"]]

    assert "restricted_profile" in codes()
    account = SocialAccountFactory(employee=rep)
    dm = client.post(
        "/api/outreach/check/",
        {**body, "channel": "social_message", "social_account": account.pk},
        format="json",
    )
    assert "restricted_profile" not in [r["code"] for r in dm.json()["reasons"]]
    Prospect.objects.filter(pk=prospect.pk).update(last_contact_from_prospect_at=timezone.now())
    assert "restricted_profile" not in codes()


def test_an_email_that_does_not_open_denies_with_gate_error(api_as, rep):
    prospect = make_prospect(rep, kind="b2b", email="alex@acme-industries.fr")
    other = make_prospect(rep, kind="b2b", email="sam@acme-industries.fr")
    # A value sealed for another row does not open here (its associated data differs).
    sealed_elsewhere = Prospect.objects.filter(pk=other.pk).values_list("email", flat=True)[0]
    Prospect.objects.filter(pk=prospect.pk).update(email=sealed_elsewhere)
    response = api_as(rep).post(
        "/api/outreach/check/",
        {"prospect": str(prospect.pk), "channel": "email", "content": DM},
        format="json",
    )
    assert [r["code"] for r in response.json()["reasons"]] == ["gate_error"]


# --- RULES 7: the phone -------------------------------------------------------------------------

PHONES = [
    ("+590 690 12 34 56", "971"),
    ("+262 262 12 34 56", "974"),
    ("03 87 12 34 56", "57"),
    ("06 12 34 56 78", ""),
]


@pytest.mark.parametrize(("phone", "zone"), PHONES)
def test_a_consumer_call_rings_in_the_zone_of_their_number(rep, phone, zone):
    prospect = make_prospect(rep, kind="b2c", phone=phone)
    assert gather(rep, prospect, "phone").phone_zone == zone


def calls(prospect, rep, count, *, now, outcome="", decision="allow", start=0):
    OutreachAttempt.objects.bulk_create(
        OutreachAttempt(
            prospect=prospect,
            employee=rep,
            channel="phone",
            decision=decision,
            outcome=outcome,
            rules_version="t",
            created_at=now - datetime.timedelta(days=start + i),
        )
        for i in range(count)
    )


def test_the_gate_reads_the_fourth_latest_call_and_the_latest_refusal(rep, prospect):
    now = timezone.now()
    calls(prospect, rep, 3, now=now, start=1)
    facts = gather(rep, prospect, "phone", now=now)
    assert facts.nth_latest_call_at is None and facts.call_refused_at is None
    calls(prospect, rep, 5, now=now, decision="deny")  # refused by the gate: never made
    calls(prospect, rep, 1, now=now, start=10, outcome="refused")
    facts = gather(rep, prospect, "phone", now=now)
    assert facts.nth_latest_call_at == now - datetime.timedelta(days=10)
    assert facts.call_refused_at == now - datetime.timedelta(days=10)
    calls(prospect, rep, 1, now=now, start=70, outcome="refused", decision="deny")
    assert gather(rep, prospect, "phone", now=now).call_refused_at == facts.call_refused_at


def test_the_phone_facts_cost_the_same_queries_whatever_the_history(
    rep, prospect, django_assert_num_queries
):
    rep = Employee.objects.select_related("user").get(pk=rep.pk)
    now = timezone.now()
    expected = 2 if connection.vendor == "postgresql" else 1
    with django_assert_num_queries(expected):
        gather(rep, prospect, "phone", now=now)
    calls(prospect, rep, 300, now=now, outcome="answered")
    calls(prospect, rep, 50, now=now, outcome="refused")
    for _ in range(20):
        deal(prospect, rep, opt_out_offered_at_sale=True)
    with django_assert_num_queries(expected):
        facts = gather(rep, prospect, "phone", now=now)
    assert facts.nth_latest_call_at is not None


# --- the API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/outreach/check/", "/api/outreach/"])
@pytest.mark.parametrize("channel", ["social_message", "connection_request"])
def test_a_network_message_names_its_account(api_as, rep, prospect, path, channel):
    # A connection note short enough for a free LinkedIn invitation with its short notice.
    content = DM if channel == "social_message" else "Bonjour !"
    body = {"prospect": str(prospect.pk), "channel": channel, "content": content}
    missing = api_as(rep).post(path, body, format="json")
    assert missing.status_code == 400
    assert "social_account" in missing.json()
    foreign = SocialAccountFactory()
    theirs = api_as(rep).post(path, {**body, "social_account": foreign.pk}, format="json")
    assert theirs.status_code == 400
    assert "social_account" in theirs.json()
    assert not OutreachAttempt.objects.exists()
    mine = SocialAccountFactory(employee=rep)
    named = api_as(rep).post(path, {**body, "social_account": mine.pk}, format="json")
    assert named.status_code in (200, 201, 403)


@pytest.mark.parametrize(
    ("channel", "outcome"),
    [
        ("email", "refused"),
        ("sms", "answered"),
        ("phone", "hung_up"),
        ("phone", ""),
        ("phone", None),
        ("phone", ["refused"]),
        ("phone", "REFUSED"),
    ],
)
def test_an_outcome_is_for_a_phone_call_only(api_as, rep, prospect, channel, outcome):
    response = api_as(rep).post(
        "/api/outreach/",
        {"prospect": str(prospect.pk), "channel": channel, "outcome": outcome},
        format="json",
    )
    assert response.status_code == 400
    assert "outcome" in response.json()
    assert not OutreachAttempt.objects.exists()


def test_the_outcome_of_a_call_is_logged_with_it(api_as, rep, prospect):
    response = api_as(rep).post(
        "/api/outreach/",
        {"prospect": str(prospect.pk), "channel": "phone", "outcome": "refused"},
        format="json",
    )
    assert response.status_code in (201, 403)
    assert OutreachAttempt.objects.get().outcome == "refused"
    listed = api_as(rep).get("/api/outreach/").json()["results"]
    assert [entry["outcome"] for entry in listed] == ["refused"]
    check = api_as(rep).post(
        "/api/outreach/check/",
        {"prospect": str(prospect.pk), "channel": "phone", "outcome": "answered"},
        format="json",
    )
    assert check.status_code == 200
    assert OutreachAttempt.objects.count() == 1


def test_the_panel_shows_the_call_opening_and_takes_the_outcome(client, rep, prospect):
    client.force_login(rep.user)
    panel = client.get(reverse("contact-panel", args=[prospect.pk])).content.decode()
    assert "L221-16" in panel
    assert "sales call" in panel and "SocialCRM Demo SAS" in panel
    assert 'name="outcome"' in panel
    base = {"content": DM, "relates_to_profession": "on", "append_notice": "on"}
    wrong = client.post(
        reverse("contact-log", args=[prospect.pk]),
        {**base, "channel": "email", "outcome": "refused"},
    )
    assert "Only a phone call has an outcome." in wrong.content.decode()
    no_account = client.post(
        reverse("contact-check", args=[prospect.pk]), {**base, "channel": "connection_request"}
    )
    assert "Choose the account this message goes through." in no_account.content.decode()
    assert not OutreachAttempt.objects.exists()
    client.post(
        reverse("contact-log", args=[prospect.pk]),
        {**base, "channel": "phone", "content": "", "outcome": "refused"},
    )
    assert OutreachAttempt.objects.get().outcome == "refused"


def test_the_panel_opening_speaks_french(client, rep, prospect):
    client.force_login(rep.user)
    panel = client.get(
        reverse("contact-panel", args=[prospect.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "appel commercial" in panel
