"""The Contact panel and the DPO's suppression list in the browser (Django test client)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consent.models import ConsentEvent, OutreachAttempt
from suppression.models import Opposition
from tests.factories import EmployeeFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db

DM = "Bonjour, je vous contacte au sujet de votre projet de CRM."


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep.user)
    return client


def url(name, prospect, *args):
    return reverse(name, args=[prospect.pk, *args])


def test_the_panel_shows_a_denial_then_an_allow_once_consent_is_recorded(rep_client, rep, prospect):
    assert rep_client.get(url("contact-panel", prospect)).status_code == 200
    account = SocialAccountFactory(employee=rep)
    body = {
        "channel": "social_message",
        "social_account": account.pk,
        "content": DM,
        "relates_to_profession": "on",
        "append_notice": "on",
    }
    denied = rep_client.post(url("contact-check", prospect), body)
    assert 'data-decision="deny"' in denied.content.decode()
    assert 'data-code="no_opt_in"' in denied.content.decode()
    assert not OutreachAttempt.objects.exists()

    recorded = rep_client.post(
        url("contact-consent", prospect),
        {
            "consent-channel": "social_message",
            "consent-action": "grant",
            "consent-evidence": "written_reply",
            "consent-proof": "said yes in DM",
            "consent-purpose": "our offer by DM",
            "consent-wording_shown": "May I send you our offer?",
        },
    )
    assert recorded.status_code == 200
    allowed = rep_client.post(url("contact-check", prospect), body)
    assert 'data-decision="allow"' in allowed.content.decode()

    logged = rep_client.post(url("contact-log", prospect), body)
    assert OutreachAttempt.objects.get().decision == "allow"
    assert "STOP" in logged.content.decode()


def test_a_like_is_refused_as_consent_with_the_reason_next_to_the_field(rep_client, prospect):
    response = rep_client.post(
        url("contact-consent", prospect),
        {"consent-channel": "email", "consent-action": "grant", "consent-evidence": "like"},
    )
    assert "is not consent" in response.content.decode()
    assert not ConsentEvent.objects.exists()


def test_one_click_objection_blocks_every_identifier(rep_client, prospect):
    rep_client.post(url("contact-object", prospect))
    assert Opposition.objects.filter(scope="all").count() == 3  # e-mail, phone, profile URL
    body = {"channel": "email", "content": DM, "append_notice": "on"}
    response = rep_client.post(url("contact-check", prospect), body)
    assert 'data-code="opposition"' in response.content.decode()


def test_a_reply_is_recorded_from_the_log(rep_client, prospect, rep):
    rep_client.post(
        url("contact-consent", prospect),
        {
            "consent-channel": "email",
            "consent-action": "grant",
            "consent-evidence": "web_form",
            "consent-purpose": "our offers",
            "consent-wording_shown": "I agree to receive your offers by e-mail",
        },
    )
    rep_client.post(
        url("contact-log", prospect), {"channel": "email", "content": DM, "append_notice": "on"}
    )
    attempt = OutreachAttempt.objects.get()
    rep_client.post(url("contact-reply", prospect, attempt.pk))
    attempt.refresh_from_db()
    prospect.refresh_from_db()
    assert attempt.replied_at is not None
    assert prospect.last_contact_from_prospect_at == attempt.replied_at


def test_the_panel_is_404_for_outsiders_and_403_for_hr(client, prospect, hr):
    outsider = EmployeeFactory(role="rep")
    client.force_login(outsider.user)
    assert client.get(url("contact-panel", prospect)).status_code == 404
    client.force_login(hr.user)
    assert client.get(url("contact-panel", prospect)).status_code == 403


def test_panel_posts_need_csrf(rep, prospect):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(rep.user)
    assert strict.post(url("contact-object", prospect)).status_code == 403
    assert not Opposition.objects.exists()


def test_the_dpo_reads_hashes_adds_entries_and_imports_a_list(client, dpo, rep):
    client.force_login(rep.user)
    assert client.get(reverse("suppression-list")).status_code == 403
    client.force_login(dpo.user)
    response = client.post(
        reverse("suppression-list"),
        {
            "identifier_type": "email",
            "value": "someone@example.com",
            "scope": "all",
            "source": "complaint",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("suppression-list")).content.decode()
    assert "someone@example.com" not in page
    assert Opposition.objects.get().identifier_index[:8] in page

    upload = SimpleUploadedFile("bloctel.txt", b"06 12 34 56 78\nnot a number\n+33 1 23 45 67 89\n")
    response = client.post(reverse("suppression-list-import"), {"file": upload}, follow=True)
    text = response.content.decode()
    assert "2 numbers added" in text
    assert "Line 2" in text
    assert Opposition.objects.filter(identifier_type="phone", scope="phone").count() == 2


def test_the_dpo_gets_a_field_error_for_an_unreadable_value(client, dpo):
    client.force_login(dpo.user)
    response = client.post(
        reverse("suppression-list"),
        {"identifier_type": "phone", "value": "call me", "scope": "all", "source": "complaint"},
    )
    assert response.status_code == 200
    assert "not a valid phone number" in response.content.decode()
    assert not Opposition.objects.exists()
