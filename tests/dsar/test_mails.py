"""Mail to people who asked us something (issue 17), read from a real SMTP server on
loopback and sent by whatever runs jobs (a real Celery worker on PostgreSQL): the
verification link, the extension and its reason, the completion with its download link
and plain-language summary page, the rejection with the right to complain to the CNIL;
in French or English; and a mail the server refuses shows as failed on the request."""

import json
import re
import time
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from consent.models import OutreachAttempt
from deals.models import Deal
from dsar.models import DataSubjectRequest, DsarExport
from mail import services as mail_services
from mail.models import MailStatus
from prospects import services as prospect_services
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "camille@example.fr"
REASON = "Vos données sont réparties sur trois réseaux & 2 <bureaux>"

WORDS = {
    "fr": {
        "verification": "Confirmez votre demande relative à vos données personnelles",
        "extension": "nous avons besoin de plus de temps",
        "why": "Pourquoi :",
        "completion": "a été exécutée",
        "summary": "Ce que ACME Conseil détient sur vous",
        "sent": "Ce que nous vous avons envoyé",
        "purchases": "Vos achats",
        "rejection": "notre réponse",
        "cannot": "Nous ne pouvons pas y donner suite",
        "expired": "Ce lien a expiré",
        "invalid": "Ce lien n’est pas valide",
    },
    "en": {
        "verification": "Confirm your request about your personal data",
        "extension": "we need more time",
        "why": "Why:",
        "completion": "has been carried out",
        "summary": "What ACME Conseil holds about you",
        "sent": "What we sent you",
        "purchases": "Your purchases",
        "rejection": "our answer",
        "cannot": "We cannot act on it",
        "expired": "This link has expired",
        "invalid": "This link is not valid",
    },
}


@pytest.fixture(autouse=True)
def _company(settings):
    settings.COMPANY_NAME = "ACME Conseil"


def wait_for(condition, *, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def mails(smtp_server, count: int):
    """The first ``count`` messages the server received for the person (waits for them)."""
    received = wait_for(lambda: len(smtp_server.to(EMAIL)) >= count)
    assert received, f"expected {count} mail(s), got {len(smtp_server.to(EMAIL))}"
    return smtp_server.to(EMAIL)[:count]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def links_in(message) -> list[str]:
    return [urlsplit(url).path for url in re.findall(r"https?://\S+", text_of(message))]


@pytest.fixture
def camille(rep):
    """A prospect found on LinkedIn, written to once, who bought an audit."""
    account = SocialAccountFactory(employee=rep, network="linkedin", handle="rep-sells")
    prospect = prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Camille Martin",
            "email": EMAIL,
            "company": "Martin Conseil",
            "social_account": account,
            "network": "linkedin",
            "lawful_basis": "legitimate_interest",
        },
    )
    OutreachAttempt.objects.create(
        prospect=prospect,
        employee=rep,
        channel="email",
        content="Bonjour Camille, un café ?",
        final_content="Bonjour Camille, un café ?",
        decision="allow",
        reasons=[],
        rules_version="test",
        created_at=timezone.now(),
    )
    Deal.objects.create(prospect=prospect, owner=rep, product="Audit RGPD", amount=500)
    return prospect


def public_request(client, language: str, type_: str = "access") -> DataSubjectRequest:
    response = client.post(
        reverse("dsar-public"),
        {"type": type_, "full_name": "Camille Martin", "email": EMAIL},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302
    return DataSubjectRequest.objects.get()


def verified_by_link(client, smtp_server, language) -> tuple[DataSubjectRequest, object]:
    """The person asks on the public form, reads the mail, opens the link and confirms."""
    dsar = public_request(client, language)
    assert dsar.language == language
    [message] = mails(smtp_server, 1)
    assert message["Subject"].strip() == WORDS[language]["verification"]
    [link] = links_in(message)
    assert link in html_of(message)
    # Opening the link (a mail scanner would) verifies nothing; confirming does.
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 200
    dsar.refresh_from_db()
    assert (dsar.status, dsar.verification_method) == ("in_progress", "email_link")
    return dsar, message


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_access_request_from_the_form_to_the_summary_page_by_mail(
    client, api_as, dpo, camille, smtp_server, task_runner, language
):
    dsar, _verification = verified_by_link(client, smtp_server, language)

    # The DPO extends the deadline: the person reads why, and the new date.
    response = api_as(dpo).post(f"/api/dsar/{dsar.pk}/extend/", {"reason": REASON}, format="json")
    assert response.status_code == 202, response.json()
    _verification, extension = mails(smtp_server, 2)
    assert WORDS[language]["extension"] in extension["Subject"]
    assert WORDS[language]["why"] in text_of(extension)
    assert REASON in text_of(extension)  # plain text: nothing escaped, nothing lost
    assert "&amp; 2 &lt;bureaux&gt;" in html_of(extension)  # HTML: escaped
    dsar.refresh_from_db()
    due = timezone.localtime(dsar.due_at).strftime("%Y")
    assert due in text_of(extension)

    # Carried out by the worker: the completion mail brings the links.
    response = api_as(dpo).post(f"/api/dsar/{dsar.pk}/execute/", {}, format="json")
    assert response.status_code == 202, response.json()
    *_earlier, completion = mails(smtp_server, 3)
    assert WORDS[language]["completion"] in completion["Subject"]
    summary_link, download_link = links_in(completion)
    assert summary_link.endswith("/summary/")
    assert "Camille" not in text_of(completion)  # the data is behind the link, not in the mail

    summary = client.get(summary_link)
    assert summary.status_code == 200
    assert summary.headers["Content-Language"] == language
    assert summary.headers["Cache-Control"] == "no-store"
    page = summary.content.decode()
    for words in (
        WORDS[language]["summary"],
        "Camille Martin",
        "Martin Conseil",
        "LinkedIn",
        "rep-sells",
        WORDS[language]["sent"],
        "Bonjour Camille, un café ?",
        WORDS[language]["purchases"],
        "Audit RGPD",
        "CNIL",
    ):
        assert words in page, words

    downloads = client.get(download_link)
    assert downloads.status_code == 200
    [json_file] = re.findall(r'href="([^"]+/file/json/)"', downloads.content.decode())
    exported = client.get(json_file)
    assert exported.status_code == 200
    assert exported["Content-Disposition"] == 'attachment; filename="my-data.json"'
    [record] = json.loads(exported.content)["records"]
    assert record["values"]["full_name"] == "Camille Martin"
    assert [d["product"] for d in record["deals"]] == ["Audit RGPD"]
    # The person's download is in the audit trail, as the DPO's would be.
    assert AuditEvent.objects.filter(action="dsar.export_downloaded", actor_label="public").exists()

    # The DPO sees each mail sent, with the server's answer.
    body = api_as(dpo).get(f"/api/dsar/{dsar.pk}/").json()
    assert [(m["purpose"], m["status"]) for m in body["mails"]] == [
        ("verification", "sent"),
        ("extension", "sent"),
        ("completion", "sent"),
    ]
    assert {m["last_response"] for m in body["mails"]} == {"250 2.0.0 Ok: queued as test"}
    assert body["extension_notified_at"] and body["completion_notified_at"]


@pytest.fixture
def completed(client, api_as, dpo, camille, smtp_server, task_runner):
    """An English access request carried out; the path of the mailed summary link."""
    dsar, _verification = verified_by_link(client, smtp_server, "en")
    assert api_as(dpo).post(f"/api/dsar/{dsar.pk}/execute/").status_code == 202
    _verification, completion = mails(smtp_server, 2)
    summary_link, download_link = links_in(completion)
    return dsar, summary_link, download_link


def test_an_expired_link_is_refused_and_says_so(client, completed):
    dsar, summary_link, download_link = completed
    assert client.get(summary_link).status_code == 200
    DataSubjectRequest.objects.filter(pk=dsar.pk).update(download_expires_at=timezone.now())
    for link in (summary_link, download_link, download_link + "file/json/"):
        response = client.get(link)
        assert response.status_code == 410
        page = response.content.decode()
        assert WORDS["en"]["expired"] in page
        assert "Camille" not in page and EMAIL not in page


def test_a_link_whose_export_was_purged_is_refused(client, completed):
    dsar, summary_link, _download_link = completed
    DsarExport.objects.filter(request=dsar).update(expires_at=timezone.now())
    assert client.get(summary_link).status_code == 410


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        lambda token: ("A" if token[0] != "A" else "B") + token[1:],  # the random part
        lambda token: token.split(".")[0],  # cut
        lambda token: token[:10],
    ],
)
def test_a_tampered_link_is_a_404_that_reveals_nothing(client, completed, tamper):
    _dsar, summary_link, _download_link = completed
    token = summary_link.split("/")[-3]
    for path in (
        reverse("dsar-summary", args=[tamper(token)]),
        reverse("dsar-download", args=[tamper(token)]),
        reverse("dsar-download-file", args=[tamper(token), "json"]),
    ):
        response = client.get(path)
        assert response.status_code == 404
        page = response.content.decode()
        assert WORDS["en"]["invalid"] in page
        assert "Camille" not in page and EMAIL not in page
    assert not AuditEvent.objects.filter(action="dsar.export_downloaded").exists()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_rejection_mail_names_the_reason_and_the_cnil(
    client, api_as, dpo, smtp_server, task_runner, language
):
    dsar = public_request(client, language)
    reason = "Nous n'avons pas pu établir votre identité" if language == "fr" else "No identity"
    response = api_as(dpo).post(f"/api/dsar/{dsar.pk}/reject/", {"reason": reason}, format="json")
    assert response.status_code == 202, response.json()
    _verification, rejection = mails(smtp_server, 2)
    assert WORDS[language]["rejection"] in rejection["Subject"]
    text = text_of(rejection)
    assert WORDS[language]["cannot"] in text
    assert reason in text
    assert "CNIL" in text and "www.cnil.fr/plaintes" in text
    assert "www.cnil.fr/plaintes" in html_of(rejection)


def test_a_refused_mail_fails_after_its_retries_and_the_dpo_sees_it(
    client, api_as, dpo, smtp_server, task_runner, settings
):
    settings.MAIL_MAX_ATTEMPTS = 3
    smtp_server.refuse = "550 5.1.1 Mailbox unavailable"
    dsar = public_request(client, "fr")
    [link] = dsar.mails.select_related("mail")
    if task_runner is None:
        # In-process (no broker) there is no retry schedule: the stalled-mail sweep
        # would try again; here the test does.
        for _ in range(settings.MAIL_MAX_ATTEMPTS):
            mail_services.deliver(str(link.mail_id))
    failed = wait_for(
        lambda: (
            link.mail.__class__.objects.filter(pk=link.mail_id, status=MailStatus.FAILED)
            .values_list("attempts", "last_response")
            .first()
        )
    )
    assert failed == (3, "550 5.1.1 Mailbox unavailable")
    assert smtp_server.messages == []

    [shown] = api_as(dpo).get(f"/api/dsar/{dsar.pk}/").json()["mails"]
    assert (shown["purpose"], shown["status"], shown["attempts"]) == ("verification", "failed", 3)
    assert shown["last_response"] == "550 5.1.1 Mailbox unavailable"
    client.force_login(dpo.user)
    page = client.get(reverse("dsar-detail", args=[dsar.pk])).content.decode()
    assert "550 5.1.1 Mailbox unavailable" in page
    assert "Failed: tell the person by other means" in page
