"""The consent registry, the suppression list and the outreach gate through the API."""

import datetime

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from consent.facts import gather_facts
from consent.models import ConsentEvent, OutreachAttempt
from people.models import Employee
from prospects.selectors import prospects_visible_to
from tests.factories import EmployeeFactory, ProspectFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db

DM = "Bonjour, je vous contacte au sujet de votre projet de CRM."


WORDING = {
    "purpose": "prospecting",
    "wording_shown": "Puis-je vous écrire au sujet de nos offres ?",
}


@pytest.fixture
def account(rep):
    """The rep's LinkedIn account: a social message names the account it goes through."""
    return SocialAccountFactory(employee=rep, network="linkedin")


def check(client, prospect, **body):
    """A social message by default, through the ``account`` fixture's account when it exists."""
    body = {"prospect": str(prospect.pk), "channel": "social_message", "content": DM, **body}
    if body["channel"] in ("social_message", "connection_request"):
        body.setdefault("social_account", _the_account())
    return client.post("/api/outreach/check/", body, format="json")


def _the_account():
    from people.models import SocialAccount

    return SocialAccount.objects.order_by("pk").values_list("pk", flat=True).first()


def codes(response):
    return [r["code"] for r in response.json()["reasons"]]


def test_a_consumer_is_denied_until_an_opt_in_is_recorded_then_allowed(
    api_as, rep, prospect, account
):
    client = api_as(rep)
    denied = check(client, prospect)
    assert denied.status_code == 200
    assert denied.json()["decision"] == "deny"
    assert "no_opt_in" in codes(denied)
    assert denied.json()["rules_version"]
    assert not OutreachAttempt.objects.exists(), "check logs nothing"

    consent = client.post(
        "/api/consents/",
        {
            "prospect": str(prospect.pk),
            "channel": "social_message",
            "action": "grant",
            "evidence": "written_reply",
            "proof": "Answered 'oui, envoyez-moi votre offre' to my DM",
            "wording_shown": "Puis-je vous envoyer notre offre ?",
            "purpose": "prospecting",
        },
        format="json",
    )
    assert consent.status_code == 201
    assert check(client, prospect).json()["decision"] == "allow"

    logged = client.post(
        "/api/outreach/",
        {
            "prospect": str(prospect.pk),
            "channel": "social_message",
            "content": DM,
            "social_account": account.pk,
        },
        format="json",
    )
    assert logged.status_code == 201
    body = logged.json()
    assert body["decision"] == "allow"
    assert body["final_content"].startswith(DM)
    assert "STOP" in body["final_content"], "the opt-out and art. 14 notice are appended"
    prospect.refresh_from_db()
    assert prospect.notice_sent_at is not None

    status = client.get(f"/api/prospects/{prospect.pk}/consents/").json()
    assert status["status"]["social_message"] == "grant"
    assert status["status"]["email"] is None


def test_a_denied_attempt_is_refused_with_403_and_still_logged(api_as, rep, prospect):
    response = api_as(rep).post(
        "/api/outreach/",
        {"prospect": str(prospect.pk), "channel": "email", "content": DM},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["decision"] == "deny"
    assert "no_opt_in" in codes(response)
    log = api_as(rep).get("/api/outreach/").json()["results"]
    assert [(e["decision"], e["channel"]) for e in log] == [("deny", "email")]
    assert AuditEvent.objects.filter(action="outreach.deny").count() == 1


@pytest.mark.parametrize("evidence", ["like", "follow", "connection_accepted"])
def test_reactions_cannot_grant_consent(api_as, rep, prospect, evidence):
    response = api_as(rep).post(
        "/api/consents/",
        {"prospect": str(prospect.pk), "channel": "email", "action": "grant", "evidence": evidence},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_consent_evidence"


def test_consent_events_are_immutable_through_the_api(api_as, rep, prospect):
    client = api_as(rep)
    created = client.post(
        "/api/consents/",
        {
            "prospect": str(prospect.pk),
            "channel": "email",
            "action": "grant",
            "evidence": "web_form",
            "purpose": "offers by e-mail",
            "wording_shown": "May we send you our offers?",
        },
        format="json",
    ).json()
    url = f"/api/consents/{created['id']}/"
    assert client.get(url).status_code == 200
    assert client.put(url, {"action": "withdraw"}, format="json").status_code == 405
    assert client.patch(url, {"action": "withdraw"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("channel", "pigeon"),
        ("action", "maybe"),
        ("evidence", "rumour"),
        ("channel", 1),
        ("occurred_at", "0837-09-29T07:19:00Z"),
    ],
)
def test_unknown_choices_and_impossible_dates_are_400_naming_the_field(
    api_as, rep, prospect, field, value
):
    body = {
        "prospect": str(prospect.pk),
        "channel": "email",
        "action": "grant",
        "evidence": "web_form",
        "purpose": "offers by e-mail",
        "wording_shown": "May we send you our offers?",
    }
    response = api_as(rep).post("/api/consents/", {**body, field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_an_objection_blocks_the_very_next_check_and_withdraws_consents(
    api_as, rep, prospect, account
):
    client = api_as(rep)
    client.post(
        "/api/consents/",
        {
            "prospect": str(prospect.pk),
            "channel": "social_message",
            "action": "grant",
            "evidence": "web_form",
            "purpose": "offers by e-mail",
            "wording_shown": "May we send you our offers?",
        },
        format="json",
    )
    assert check(client, prospect).json()["decision"] == "allow"

    registered = client.post(
        "/api/oppositions/",
        {
            "identifier_type": "email",
            "value": " Camille.Martin@example.fr ",
            "scope": "all",
            "source": "prospect_request",
        },
        format="json",
    )
    assert registered.status_code == 201
    assert "camille" not in registered.content.decode().lower()

    after = check(client, prospect)
    assert after.json()["decision"] == "deny"
    assert "opposition" in codes(after)
    assert ConsentEvent.objects.filter(
        prospect=prospect, channel="social_message", action="withdraw"
    ).exists()

    again = client.post(
        "/api/oppositions/",
        {"identifier_type": "email", "value": "camille.martin@example.fr"},
        format="json",
    )
    assert again.status_code == 201
    assert again.json()["id"] == registered.json()["id"], "the same objection twice is one entry"
    checked = client.post(
        "/api/oppositions/check/",
        {"identifier_type": "email", "value": "CAMILLE.MARTIN@example.fr"},
        format="json",
    ).json()
    assert checked == {"opposed": True, "scopes": ["all"]}


def test_an_objection_on_one_channel_leaves_the_others_open(api_as, rep, prospect):
    client = api_as(rep)
    client.post(
        "/api/oppositions/",
        {"identifier_type": "phone", "value": "+33612345678", "scope": "sms"},
        format="json",
    )
    assert "opposition" in codes(check(client, prospect, channel="sms"))
    assert "opposition" not in codes(check(client, prospect, channel="email"))


def test_unreadable_identifiers_are_refused(api_as, rep):
    response = api_as(rep).post(
        "/api/oppositions/", {"identifier_type": "phone", "value": "call me"}, format="json"
    )
    assert response.status_code == 400
    assert "value" in response.json()


def test_only_the_dpo_lists_the_suppression_list_and_it_holds_hashes_only(api_as, rep, dpo):
    api_as(rep).post(
        "/api/oppositions/", {"identifier_type": "email", "value": "x@example.com"}, format="json"
    )
    assert api_as(rep).get("/api/oppositions/").status_code == 403
    listing = api_as(dpo).get("/api/oppositions/")
    assert listing.status_code == 200
    entry = listing.json()["results"][0]
    assert "x@example.com" not in listing.content.decode()
    assert len(entry["identifier_index"]) == 64


def test_a_check_without_content_decides_on_everything_but_the_words(
    api_as, rep, prospect, account
):
    """``content`` is optional (API.md): before writing, a rep may ask whether they may write."""
    client = api_as(rep)
    body = {"prospect": str(prospect.pk), "channel": "email"}
    denied = client.post("/api/outreach/check/", body, format="json")
    assert denied.status_code == 200
    assert denied.json()["decision"] == "deny"
    assert "no_opt_in" in codes(denied)
    assert not [
        code for code in codes(denied) if code.startswith("content_") or code == "gate_error"
    ]

    blank = check(client, prospect, content="  ")
    assert blank.status_code == 200
    assert "no_opt_in" in codes(blank)


def test_someone_elses_account_is_400(api_as, rep, prospect):
    foreign = SocialAccountFactory()
    response = check(api_as(rep), prospect, social_account=foreign.pk)
    assert response.status_code == 400
    assert "social_account" in response.json()


def test_out_of_scope_prospects_are_404_and_hr_has_no_access(api_as, rep, hr, prospect):
    outsider = EmployeeFactory(role="rep")
    assert check(api_as(outsider), prospect, channel="email").status_code == 404
    consent = {
        "prospect": str(prospect.pk),
        "channel": "email",
        "action": "grant",
        "evidence": "web_form",
        "purpose": "offers by e-mail",
        "wording_shown": "May we send you our offers?",
    }
    assert api_as(outsider).post("/api/consents/", consent, format="json").status_code == 404
    assert api_as(outsider).get(f"/api/prospects/{prospect.pk}/consents/").status_code == 404
    assert check(api_as(hr), prospect).status_code == 403
    assert api_as(hr).get("/api/outreach/").json()["results"] == []


def test_a_reply_reopens_the_channel_and_restarts_the_retention_clock(api_as, rep, prospect):
    client = api_as(rep)
    client.post(
        "/api/consents/",
        {
            "prospect": str(prospect.pk),
            "channel": "email",
            "action": "grant",
            "evidence": "web_form",
            "purpose": "offers by e-mail",
            "wording_shown": "May we send you our offers?",
        },
        format="json",
    )
    sent = [
        client.post(
            "/api/outreach/",
            {"prospect": str(prospect.pk), "channel": "email", "content": DM},
            format="json",
        )
        for _ in range(4)
    ]
    assert [r.status_code for r in sent] == [201, 201, 201, 403]
    assert "frequency_cap" in codes(sent[-1])

    retention_before = prospect.retention_until
    reply = client.post(f"/api/outreach/{sent[0].json()['id']}/reply/")
    assert reply.status_code == 200
    assert reply.json()["replied_at"]
    prospect.refresh_from_db()
    assert prospect.last_contact_from_prospect_at is not None
    assert prospect.retention_until >= retention_before
    assert check(client, prospect, channel="email").json()["decision"] == "allow"


def test_an_employee_in_offboarding_is_denied_at_once(api_as, rep, prospect, account):
    Employee.objects.filter(pk=rep.pk).update(status="offboarding")
    assert "employee_inactive" in codes(check(api_as(rep), prospect))


def test_gathering_facts_costs_the_same_queries_whatever_the_history(
    rep, prospect, django_assert_num_queries
):
    rep = Employee.objects.select_related("user").get(pk=rep.pk)  # as the request holds it
    now = timezone.now()
    expected = (
        2 if connection.vendor == "postgresql" else 1
    )  # SET LOCAL statement_timeout + the read

    def gather():
        return gather_facts(
            employee=rep,
            prospects=prospects_visible_to(rep.user),
            prospect_id=prospect.pk,
            channel="email",
            content=DM,
            now=now,
        )

    with django_assert_num_queries(expected):
        gather()
    OutreachAttempt.objects.bulk_create(
        OutreachAttempt(
            prospect=prospect,
            employee=rep,
            channel="email",
            decision="allow",
            rules_version="t",
            created_at=now - datetime.timedelta(minutes=i),
        )
        for i in range(200)
    )
    ConsentEvent.objects.bulk_create(
        ConsentEvent(
            prospect=prospect,
            channel="email",
            action="grant",
            evidence="web_form",
            wording_shown=WORDING["wording_shown"],
            occurred_at=now,
        )
        for _ in range(50)
    )
    with django_assert_num_queries(expected):
        facts, _ = gather()
    # Counted up to the limit the rule compares with (consent.facts._capped_count).
    assert facts.unanswered_on_channel == django_settings.UNANSWERED_MAX
    assert facts.consent == "grant"


def test_a_database_error_while_gathering_facts_denies_with_gate_error(
    api_as, rep, prospect, monkeypatch
):
    from django.db import DatabaseError

    import consent.facts

    def broken(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(consent.facts, "_annotated", broken)
    response = api_as(rep).post(
        "/api/outreach/",
        {"prospect": str(prospect.pk), "channel": "email", "content": DM},
        format="json",
    )
    assert response.status_code == 403
    assert codes(response) == ["gate_error"]
    assert OutreachAttempt.objects.get().reasons == [{"code": "gate_error", "severity": "block"}]


@pytest.mark.services
def test_a_statement_timeout_denies_with_gate_error(api_as, rep, settings):
    """Another session holds a lock on the suppression list: the gate times out and refuses."""
    # Made without the service, so this test's transaction holds no lock on the suppression list.
    prospect = ProspectFactory(owner=rep)
    settings.GATE_STATEMENT_TIMEOUT_MS = 300
    params = connection.get_connection_params()
    with psycopg.connect(
        host=params.get("host"),
        port=params.get("port"),
        user=params.get("user"),
        dbname=params["dbname"],
    ) as locker:
        # Bounded, so that a mistake in this test can never hang the suite.
        locker.execute("SET lock_timeout = '10s'")
        locker.execute("LOCK TABLE consent_opposition IN ACCESS EXCLUSIVE MODE")
        response = check(api_as(rep), prospect, channel="email")
        locker.rollback()
    assert response.status_code == 200
    assert codes(response) == ["gate_error"]
    assert response.json()["decision"] == "deny"


def _won_deal(prospect, owner, **fields):
    from deals.models import Deal

    return Deal.objects.create(
        prospect=prospect,
        owner=owner,
        product="CRM licences",
        amount=1200,
        status="won",
        concluded_on=timezone.localdate(),
        **fields,
    )


def test_a_customer_may_be_written_to_about_similar_products_without_an_opt_in(
    api_as, rep, prospect
):
    """RULES 3 soft opt-in: a customer (a won deal), similar products, the opt-out offered."""
    client = api_as(rep)
    similar = {"channel": "email", "analogous_products": True}

    assert "no_opt_in" in codes(check(client, prospect, **similar))  # not a customer yet
    # A sale where the opt-out was not offered with the details collected: no soft opt-in.
    _won_deal(prospect, rep)
    assert "no_opt_in" in codes(check(client, prospect, **similar))
    _won_deal(prospect, rep, opt_out_offered_at_sale=True)

    allowed = check(client, prospect, **similar)
    assert allowed.status_code == 200
    assert "no_opt_in" not in codes(allowed)
    # Other products, or no opt-out in the message: the exception does not apply.
    assert "no_opt_in" in codes(check(client, prospect, channel="email"))
    assert "no_opt_in" in codes(check(client, prospect, **similar, append_notice=False))

    logged = client.post(
        "/api/outreach/",
        {"prospect": str(prospect.pk), "content": DM, **similar},
        format="json",
    )
    attempt = OutreachAttempt.objects.get(pk=logged.json()["id"])
    assert attempt.analogous_products is True  # the rep's statement is kept with the attempt


def test_a_customer_may_be_called_about_their_contract_without_consent(api_as, rep, prospect):
    """RULES 7: since 11 August 2026 a consumer's consent is needed, except about a contract."""
    client = api_as(rep)
    call = {"channel": "phone", "content": "", "about_contract": True}

    assert "no_opt_in" in codes(check(client, prospect, **call))  # no contract: consent needed
    _won_deal(prospect, rep)
    assert "no_opt_in" not in codes(check(client, prospect, **call))
    assert "no_opt_in" in codes(check(client, prospect, channel="phone", content=""))
