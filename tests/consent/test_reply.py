"""A reply restarts the retention clock only when it answers a message we sent, once (RULES 18)."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from consent import services
from consent.models import OutreachAttempt
from prospects.models import Prospect
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
# Met, collected and imported long ago: the prospect's clock has run out.
EXPIRED = datetime.date(2020, 1, 1)


def attempt_on(prospect, *, decision, reasons=()):
    return OutreachAttempt.objects.create(
        prospect=prospect,
        employee=prospect.owner,
        channel="email",
        content="Bonjour Camille",
        final_content="Bonjour Camille\n\nSTOP" if decision == "allow" else "",
        decision=decision,
        reasons=[{"code": code, "severity": "block"} for code in reasons],
        rules_version="2026.12-test",
        created_at=timezone.now() - DAY,
    )


def expire(prospect):
    Prospect.objects.filter(pk=prospect.pk).update(retention_until=EXPIRED)


def clock(prospect):
    prospect.refresh_from_db()
    return prospect.retention_until, prospect.last_contact_from_prospect_at


def reply(client, attempt):
    return client.post(f"/api/outreach/{attempt.pk}/reply/")


@pytest.mark.parametrize(
    ("decision", "reasons"),
    [
        ("deny", ["retention_expired"]),
        ("deny", ["no_opt_in"]),
        ("deny", ["gate_error"]),
    ],
)
def test_a_reply_to_a_denied_attempt_is_409_not_sent_and_changes_nothing(
    api_as, rep, prospect, decision, reasons
):
    expire(prospect)
    attempt = attempt_on(prospect, decision=decision, reasons=reasons)
    before = clock(prospect)

    response = reply(api_as(rep), attempt)

    assert response.status_code == 409
    assert response.json() == {"code": "not_sent"}
    attempt.refresh_from_db()
    assert attempt.replied_at is None
    assert clock(prospect) == before, "an expired prospect is not brought back to life"
    assert not AuditEvent.objects.filter(action="outreach.replied").exists()


def test_a_reply_to_a_sent_message_restarts_the_clock_from_today(api_as, rep, prospect):
    expire(prospect)
    attempt = attempt_on(prospect, decision="allow")

    response = reply(api_as(rep), attempt)

    assert response.status_code == 200
    assert response.json()["replied_at"]
    until, last_contact = clock(prospect)
    assert until == timezone.localdate() + datetime.timedelta(days=1095)
    attempt.refresh_from_db()
    assert last_contact == attempt.replied_at


def test_a_second_reply_on_the_same_message_changes_nothing(api_as, rep, prospect):
    attempt = attempt_on(prospect, decision="allow")
    first = reply(api_as(rep), attempt)
    after_first = clock(prospect)
    # Whatever moved the clock since (here: nothing but time), the message counts once.
    Prospect.objects.filter(pk=prospect.pk).update(retention_until=EXPIRED)

    second = reply(api_as(rep), attempt)

    assert second.status_code == 200
    assert second.json()["replied_at"] == first.json()["replied_at"]
    assert clock(prospect) == (EXPIRED, after_first[1]), "no clock move on a second call"
    assert AuditEvent.objects.filter(action="outreach.replied").count() == 1


def test_a_reply_never_moves_the_clock_backward(rep, prospect):
    later = timezone.localdate() + datetime.timedelta(days=2000)
    Prospect.objects.filter(pk=prospect.pk).update(retention_until=later)
    services.outreach_reply(actor=rep.user, attempt=attempt_on(prospect, decision="allow"))
    assert clock(prospect)[0] == later


def test_each_sent_message_counts_once(rep, prospect):
    expire(prospect)
    first, second = (attempt_on(prospect, decision="allow") for _ in range(2))
    services.outreach_reply(
        actor=rep.user, attempt=first, replied_at=timezone.now() - datetime.timedelta(days=400)
    )
    assert clock(prospect)[0] == timezone.localdate() + datetime.timedelta(days=1095 - 400)
    services.outreach_reply(actor=rep.user, attempt=second)
    assert clock(prospect)[0] == timezone.localdate() + datetime.timedelta(days=1095)


def test_the_reply_endpoint_is_scoped_and_for_sales_only(api_as, rep, prospect, hr, dpo):
    attempt = attempt_on(prospect, decision="allow")
    outsider = EmployeeFactory(role="rep")
    assert reply(api_as(outsider), attempt).status_code == 404
    assert reply(api_as(hr), attempt).status_code == 404
    assert reply(api_as(dpo), attempt).status_code == 403
    attempt.refresh_from_db()
    assert attempt.replied_at is None


def test_the_contact_panel_refuses_a_reply_on_a_denied_attempt(client, rep, prospect):
    expire(prospect)
    attempt = attempt_on(prospect, decision="deny", reasons=["retention_expired"])
    before = clock(prospect)
    client.force_login(rep.user)

    response = client.post(f"/prospects/{prospect.pk}/contact/reply/{attempt.pk}/")

    assert response.status_code == 409
    attempt.refresh_from_db()
    assert attempt.replied_at is None
    assert clock(prospect) == before
    assert "They replied" not in response.content.decode(), "no reply button on a denied attempt"


def test_the_contact_panel_records_a_reply_once(client, rep, prospect):
    attempt = attempt_on(prospect, decision="allow")
    client.force_login(rep.user)
    url = f"/prospects/{prospect.pk}/contact/reply/{attempt.pk}/"
    assert client.post(url).status_code == 200
    attempt.refresh_from_db()
    first = attempt.replied_at
    assert client.post(url).status_code == 200
    attempt.refresh_from_db()
    assert attempt.replied_at == first


def test_a_consent_granted_restarts_the_clock_a_withdrawal_does_not(rep, prospect):
    expire(prospect)
    common = {"actor": rep.user, "captured_by": rep, "prospect": prospect, "channel": "email"}
    services.consent_record(**common, action="withdraw", evidence="request")
    assert clock(prospect)[0] == EXPIRED
    services.consent_record(
        **common,
        action="grant",
        evidence="web_form",
        purpose="newsletter",
        wording_shown="Recevoir nos offres ?",
        occurred_at=timezone.now() - datetime.timedelta(days=10),
    )
    assert clock(prospect)[0] == timezone.localdate() + datetime.timedelta(days=1095 - 10)
