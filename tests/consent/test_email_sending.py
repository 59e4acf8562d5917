"""E-mail outreach sent by the app (issue 17), to a real SMTP server on loopback, carried by
the real worker (PostgreSQL + Redis) or the in-process runner (embedded default).

What a person notices: the message that reaches them (who it is from, where replies go,
the notice, the one-click unsubscribe their mail client offers), that one click of it
opposes them everywhere, and what the rep sees of the delivery.
"""

import re
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from consent import services
from consent.models import OutreachAttempt
from core import crypto
from mail import services as mail_services
from mail import tasks as mail_tasks
from mail.models import MailStatus, OutgoingMail
from prospects import services as prospect_services
from prospects.selectors import prospects_visible_to
from suppression.models import Opposition

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = (
    "Bonjour Camille,\n\nJe vous écris au sujet de votre projet de CRM : https://acme.example/crm"
)
SUBJECT = "Votre projet de CRM"
FROM = "Acme Ventes <ventes@acme.example>"
REP_ADDRESS = "paul.rep@acme.example"


@pytest.fixture(autouse=True)
def _charters(charters_in_force):
    """Seeded before the rep acknowledges them (a transactional test flushed them)."""


@pytest.fixture
def sending(settings, rep):
    """The company turned sending on; the rep's address is known (replies go to them)."""
    settings.OUTREACH_EMAIL_SENDING = True
    settings.OUTREACH_FROM_EMAIL = FROM
    settings.OPT_OUT_MAILTO = "optout@acme.example"
    rep.user.email = REP_ADDRESS
    rep.user.save(update_fields=["email"])
    return settings


def grant_email(client, prospect):
    response = client.post(
        "/api/consents/",
        {
            "prospect": str(prospect.pk),
            "channel": "email",
            "action": "grant",
            "evidence": "web_form",
            "purpose": "our offers by e-mail",
            "wording_shown": "I agree to receive your offers by e-mail",
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def send(client, prospect, **body):
    body = {
        "prospect": str(prospect.pk),
        "channel": "email",
        "content": TEXT,
        "send": True,
        "subject": SUBJECT,
        **body,
    }
    return client.post("/api/outreach/", body, format="json")


def logged(client, attempt_id) -> dict:
    [row] = [a for a in client.get("/api/outreach/").json()["results"] if a["id"] == attempt_id]
    return row


def settled(
    mail: OutgoingMail, task_runner, *, timeout: float = 30.0, sweep_after: float | None = None
) -> OutgoingMail:
    """The mail once it left the queue. Without a worker (embedded default) nothing
    schedules a retry: each turn runs the delivery again, as the stalled-mail sweep does.

    ``sweep_after``: with a worker, seconds after which beat's stalled-mail sweep is run
    once, should the scheduled retry not have come. (A Celery worker started in a thread
    after another one in the same test process does not run countdown retries: the
    sweep is what production has for a retry that was lost.)
    """
    started = time.monotonic()
    swept = False
    while True:
        mail.refresh_from_db()
        elapsed = time.monotonic() - started
        if mail.status != MailStatus.QUEUED or elapsed > timeout:
            return mail
        if task_runner is None:
            mail_tasks.deliver_mail.delay(str(mail.pk))
        elif sweep_after is not None and elapsed > sweep_after and not swept:
            mail_services.stalled_requeue(older_than_seconds=1)
            swept = True
        time.sleep(0.05)


def mail_of(response) -> OutgoingMail:
    return OutreachAttempt.objects.select_related("mail").get(pk=response.json()["id"]).mail


def unsubscribe_url(message) -> str:
    [url] = re.findall(r"<(https?://[^>]+)>", message["List-Unsubscribe"])
    return url


# --- The message that reaches the person ---------------------------------------------


def test_an_allowed_email_reaches_the_person_with_the_notice_and_one_click_unsubscribe(
    api_as, rep, prospect, sending, smtp_server, task_runner
):
    client = api_as(rep)
    grant_email(client, prospect)

    response = send(client, prospect)

    assert response.status_code == 201, response.content
    assert response.json()["decision"] == "allow"
    assert response.json()["delivery"] == "queued"
    mail = settled(mail_of(response), task_runner)
    assert mail.status == MailStatus.SENT
    row = logged(client, response.json()["id"])
    assert row["delivery"] == "sent"
    assert row["delivery_response"] == "250 2.0.0 Ok: queued as test"

    [message] = smtp_server.messages
    assert message["To"] == "camille.martin@example.fr"
    assert smtp_server.envelopes[0][1] == ["camille.martin@example.fr"]
    assert message["From"] == FROM
    assert message["Reply-To"] == REP_ADDRESS
    assert message["Subject"] == SUBJECT
    assert message["Message-ID"] == mail.message_id

    links = message["List-Unsubscribe"]
    url = unsubscribe_url(message)
    assert url.startswith(f"{django_settings.SITE_URL}/o/")
    assert "<mailto:optout@acme.example?subject=unsubscribe>" in links
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    final_content = response.json()["final_content"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert text.replace("\r\n", "\n").strip() == final_content.strip()
    assert text.startswith("Bonjour Camille,")
    notice_url = f"{django_settings.SITE_URL}/privacy/notice/"
    for part in (text, html):
        assert notice_url in part
        assert url in part, "the one-click objection link is in the message itself"
    # The HTML part is the same text, escaped, with its links as links; nothing remote.
    assert f'<a href="{notice_url}"' in html
    assert f'<a href="{url}"' in html
    assert '<a href="https://acme.example/crm"' in html
    assert "<p>Bonjour Camille,</p>" in html
    assert "<img" not in html.lower() and "src=" not in html.lower()


def test_the_mail_is_in_the_prospects_language(
    api_as, rep, prospect, sending, smtp_server, task_runner
):
    type(prospect).objects.filter(pk=prospect.pk).update(language="en")
    client = api_as(rep)
    grant_email(client, prospect)

    response = send(client, prospect, subject="")

    mail = settled(mail_of(response), task_runner)
    [message] = smtp_server.messages
    assert mail.status == MailStatus.SENT
    assert message["Subject"] == f"A message from {django_settings.COMPANY_NAME}"
    assert '<html lang="en">' in message.get_body(("html",)).get_content()
    assert "Full notice:" in message.get_body(("plain",)).get_content()


def test_a_denied_attempt_sends_nothing(api_as, rep, prospect, sending, smtp_server, task_runner):
    client = api_as(rep)  # no opt-in recorded: a consumer may not be e-mailed

    response = send(client, prospect)

    assert response.status_code == 403
    assert "no_opt_in" in [r["code"] for r in response.json()["reasons"]]
    assert response.json()["delivery"] is None
    attempt = OutreachAttempt.objects.get()
    assert attempt.decision == "deny" and attempt.mail is None
    assert logged(client, str(attempt.pk))["delivery"] is None
    assert not OutgoingMail.objects.exists()
    time.sleep(0.3)
    assert smtp_server.messages == []


def test_sending_is_refused_naming_send_when_off_not_email_or_no_address(
    api_as, rep, prospect, settings, smtp_server
):
    client = api_as(rep)
    grant_email(client, prospect)
    settings.OUTREACH_EMAIL_SENDING = False

    off = send(client, prospect)
    assert off.status_code == 400 and "send" in off.json()

    settings.OUTREACH_EMAIL_SENDING = True
    by_sms = send(client, prospect, channel="sms")
    assert by_sms.status_code == 400 and "send" in by_sms.json()

    no_address = prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Louis Petit",
            "kind": "b2b",
            "phone": "06 98 76 54 32",
            "lawful_basis": "legitimate_interest",
            "network": "linkedin",
        },
    )
    without = send(client, no_address)
    assert without.status_code == 400 and "send" in without.json()

    assert not OutreachAttempt.objects.exists(), "a refused send logs nothing"
    assert not OutgoingMail.objects.exists()
    assert smtp_server.messages == []


def test_logging_what_the_rep_sent_elsewhere_is_unchanged(
    api_as, rep, prospect, sending, smtp_server
):
    client = api_as(rep)
    grant_email(client, prospect)

    response = client.post(
        "/api/outreach/",
        {"prospect": str(prospect.pk), "channel": "email", "content": TEXT},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["delivery"] is None
    assert logged(client, response.json()["id"])["delivery"] is None
    assert not OutgoingMail.objects.exists()
    assert smtp_server.messages == []


def test_sending_to_a_prospect_out_of_scope_is_404(api_as, prospect, sending):
    from tests.factories import EmployeeFactory

    other = EmployeeFactory(role="rep", compliant=True)
    assert send(api_as(other), prospect).status_code == 404
    assert not OutgoingMail.objects.exists()


# --- A server that refuses, or is away --------------------------------------------------


def test_a_refusing_server_leaves_the_attempt_failed_with_its_answer(
    api_as, rep, prospect, sending, smtp_server, task_runner
):
    sending.MAIL_MAX_ATTEMPTS = 3
    sending.MAIL_RETRY_BASE_SECONDS = 0
    smtp_server.refuse = "421 4.3.2 Try again later"
    client = api_as(rep)
    grant_email(client, prospect)

    response = send(client, prospect)

    assert response.status_code == 201
    assert response.json()["delivery"] == "queued"
    mail = settled(mail_of(response), task_runner)
    assert (mail.status, mail.attempts) == (MailStatus.FAILED, 3)
    row = logged(client, response.json()["id"])
    assert row["delivery"] == "failed"
    assert row["delivery_response"] == "421 4.3.2 Try again later"
    # Nothing lost: the attempt, its text and the mail stay, for the rep to see and act on.
    assert OutreachAttempt.objects.get().mail == mail
    assert mail.text_body == response.json()["final_content"]
    assert smtp_server.refused == 3 and smtp_server.messages == []


def test_a_server_away_then_back_gets_the_mail_once_under_its_message_id(
    api_as, rep, prospect, sending, smtp_server, task_runner
):
    sending.MAIL_MAX_ATTEMPTS = 20
    sending.MAIL_RETRY_BASE_SECONDS = 1
    smtp_server.stop()
    client = api_as(rep)
    grant_email(client, prospect)

    response = send(client, prospect)
    mail = mail_of(response)
    deadline = time.monotonic() + 20
    while mail.attempts == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
        mail.refresh_from_db()
    assert mail.status == MailStatus.QUEUED
    assert "ConnectionRefusedError" in mail.last_response
    assert logged(client, response.json()["id"])["delivery"] == "queued"

    smtp_server.__init__(port=smtp_server.port)
    smtp_server.start()
    mail = settled(mail, task_runner, sweep_after=5)

    assert mail.status == MailStatus.SENT and mail.attempts >= 2, (
        mail.status,
        mail.attempts,
        mail.last_response,
    )
    assert [m["Message-ID"] for m in smtp_server.messages] == [mail.message_id]
    assert logged(client, response.json()["id"])["delivery"] == "sent"


# --- One click in the person's mail client ----------------------------------------------


def test_the_one_click_unsubscribe_post_opposes_every_identifier_and_the_gate_denies(
    api_as, rep, prospect, sending, smtp_server, task_runner
):
    client = api_as(rep)
    grant_email(client, prospect)
    settled(mail_of(send(client, prospect)), task_runner)
    [message] = smtp_server.messages

    # RFC 8058: the mail client POSTs the https URI, form-encoded, with no cookie and no
    # CSRF token, the body "List-Unsubscribe=One-Click".
    url = urlsplit(unsubscribe_url(message))
    mail_client = Client(enforce_csrf_checks=True)
    answer = mail_client.post(
        url.path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert 200 <= answer.status_code < 300, answer.status_code
    for identifier_type, value in (
        ("email", "camille.martin@example.fr"),
        ("phone", "06 12 34 56 78"),
        ("profile_url", "https://www.linkedin.com/in/camille-martin"),
    ):
        index = crypto.blind_index(identifier_type, value)
        assert Opposition.objects.filter(
            identifier_type=identifier_type, identifier_index=index
        ).exists(), identifier_type
    decision, _prospect = services.outreach_check(
        employee=rep,
        prospects=prospects_visible_to(rep.user),
        prospect_id=prospect.pk,
        channel="email",
        content=TEXT,
    )
    assert decision.decision == "deny"
    assert "opposition" in [r.code for r in decision.reasons]
    checked = client.post(
        "/api/outreach/check/",
        {"prospect": str(prospect.pk), "channel": "sms", "content": TEXT},
        format="json",
    )
    assert checked.json()["decision"] == "deny"
    assert "opposition" in [r["code"] for r in checked.json()["reasons"]]
    # Another send is refused by the gate: nothing more reaches the person.
    again = send(client, prospect)
    assert again.status_code == 403
    assert len(smtp_server.messages) == 1


# --- What the rep sees in the Contact panel ---------------------------------------------


def test_the_contact_panel_sends_and_shows_the_delivery(
    client, rep, prospect, sending, smtp_server, task_runner
):
    client.force_login(rep.user)
    panel = reverse("contact-panel", args=[prospect.pk])
    assert 'name="send"' in client.get(panel).content.decode()
    client.post(
        reverse("contact-consent", args=[prospect.pk]),
        {
            "consent-channel": "email",
            "consent-action": "grant",
            "consent-evidence": "web_form",
            "consent-purpose": "our offers",
            "consent-wording_shown": "I agree to receive your offers by e-mail",
        },
    )

    page = client.post(
        reverse("contact-log", args=[prospect.pk]),
        {
            "channel": "email",
            "subject": SUBJECT,
            "content": TEXT,
            "append_notice": "on",
            "relates_to_profession": "on",
            "send": "1",
        },
    ).content.decode()

    attempt = OutreachAttempt.objects.select_related("mail").get()
    assert attempt.mail is not None
    assert "The app is sending this e-mail" in page
    settled(attempt.mail, task_runner)
    assert 'data-delivery="sent"' in client.get(panel).content.decode()
    [message] = smtp_server.messages
    assert message["Subject"] == SUBJECT


def test_the_panel_shows_a_failed_delivery_with_the_servers_answer(
    client, rep, prospect, sending, smtp_server, task_runner
):
    sending.MAIL_MAX_ATTEMPTS = 2
    sending.MAIL_RETRY_BASE_SECONDS = 0
    smtp_server.refuse = "550 5.1.1 No such user"
    client.force_login(rep.user)
    client.post(
        reverse("contact-consent", args=[prospect.pk]),
        {
            "consent-channel": "email",
            "consent-action": "grant",
            "consent-evidence": "web_form",
            "consent-purpose": "our offers",
            "consent-wording_shown": "I agree to receive your offers by e-mail",
        },
    )
    client.post(
        reverse("contact-log", args=[prospect.pk]),
        {"channel": "email", "content": TEXT, "append_notice": "on", "send": "1"},
    )
    settled(OutreachAttempt.objects.get().mail, task_runner)

    page = client.get(reverse("contact-panel", args=[prospect.pk])).content.decode()
    assert "Failed: 550 5.1.1 No such user" in page


def test_without_sending_the_panel_has_no_send_button(client, rep, prospect, settings):
    settings.OUTREACH_EMAIL_SENDING = False
    client.force_login(rep.user)
    page = client.get(reverse("contact-panel", args=[prospect.pk])).content.decode()
    assert 'name="send"' not in page
    assert "Nothing is sent from here" in page


def test_removing_the_prospect_removes_the_mail_sent_to_them(
    api_as, rep, prospect, sending, smtp_server, task_runner
):
    client = api_as(rep)
    grant_email(client, prospect)
    response = send(client, prospect)
    settled(mail_of(response), task_runner)

    assert client.delete(f"/api/prospects/{prospect.pk}/").status_code == 204

    # The attempt stays as evidence; the mail, with the address and the text, is gone.
    attempt = OutreachAttempt.objects.get(pk=response.json()["id"])
    assert attempt.prospect is None and attempt.mail is None
    assert not OutgoingMail.objects.exists()
