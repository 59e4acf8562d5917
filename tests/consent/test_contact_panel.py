"""The Contact panel as a state machine: draft → checked → logged, consent in place, objection."""

import html
import re
from collections import Counter

import pytest
from django.urls import reverse

from consent.models import OutreachAttempt
from consent.services import consent_record
from prospects import followups
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db

DM = "Bonjour Camille, je vous écris au sujet de votre projet."
GRANT_SOCIAL = {
    "consent-channel": "social_message",
    "consent-action": "grant",
    "consent-evidence": "written_reply",
    "consent-proof": "said yes in DM",
    "consent-purpose": "our offer by DM",
    "consent-wording_shown": "May I send you our offer?",
}


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep.user)
    return client


@pytest.fixture
def account(rep):
    return SocialAccountFactory(employee=rep)


def url(name, prospect, *args):
    return reverse(name, args=[prospect.pk, *args])


def draft(account, content=DM, channel="social_message"):
    return {
        "channel": channel,
        "social_account": account.pk,
        "content": content,
        "relates_to_profession": "on",
        "append_notice": "on",
    }


def grant(rep, prospect, channel):
    consent_record(
        actor=rep.user,
        captured_by=rep,
        prospect=prospect,
        channel=channel,
        action="grant",
        evidence="web_form",
        purpose="our offers",
        proof="form of 3 May",
        wording_shown="I agree to receive your offers",
    )


def test_after_logging_the_message_box_and_log_button_are_gone_and_log_another_starts_over(
    rep_client, rep, prospect, account
):
    grant(rep, prospect, "social_message")
    page = rep_client.post(url("contact-log", prospect), draft(account)).content.decode()

    assert OutreachAttempt.objects.count() == 1
    assert "Logged. Send this text from your account:" in page
    assert 'name="content"' not in page
    assert "Log this outreach" not in page
    assert "Log another" in page
    # "Log another" asks for the panel again: a fresh, empty draft.
    assert f'hx-get="{url("contact-panel", prospect)}"' in page
    fresh = rep_client.get(url("contact-panel", prospect)).content.decode()
    assert "Log this outreach" in fresh
    assert DM not in fresh.split('id="contact-form"')[1].split("</form>")[0]


def test_the_logged_text_can_be_copied_and_opened_on_the_prospects_network(
    rep_client, rep, prospect, account
):
    grant(rep, prospect, "social_message")
    page = rep_client.post(url("contact-log", prospect), draft(account)).content.decode()
    assert 'data-copy="#final-content"' in page
    assert 'id="final-content"' in page
    assert 'data-copied="Copied"' in page
    assert 'href="https://www.linkedin.com/in/camille-martin"' in page
    assert "Open in LinkedIn" in page
    assert "mailto:" not in page.split('class="logged')[1].split("Log another")[0]


def test_a_logged_email_gets_a_mailto_link_with_the_final_text_as_body(rep_client, rep, prospect):
    grant(rep, prospect, "email")
    body = {"channel": "email", "content": "Hello", "append_notice": "on"}
    page = rep_client.post(url("contact-log", prospect), body).content.decode()
    link = re.search(r'href="(mailto:[^"]+)"', page).group(1)
    attempt = OutreachAttempt.objects.get()
    assert link.startswith("mailto:camille.martin@example.fr?body=Hello")
    assert "%0A" in link  # the notice follows on its own lines
    assert "Open in your e-mail" in page
    assert attempt.decision == "allow"


def test_a_long_email_gets_a_mailto_link_without_body(rep_client, rep, prospect):
    grant(rep, prospect, "email")
    body = {"channel": "email", "content": "word " * 400, "append_notice": "on"}
    page = html.unescape(rep_client.post(url("contact-log", prospect), body).content.decode())
    assert 'href="mailto:camille.martin@example.fr"' in page


def test_a_refused_attempt_says_so_offers_log_another_and_nothing_to_copy(
    rep_client, prospect, account
):
    page = rep_client.post(url("contact-log", prospect), draft(account)).content.decode()
    assert OutreachAttempt.objects.get().decision == "deny"
    assert "Not sent: the attempt was refused and logged." in page
    assert "Log another" in page
    assert "data-copy" not in page
    assert "Log this outreach" not in page


def test_a_draft_with_errors_stays_a_draft(rep_client, prospect, account):
    body = {**draft(account), "content": ""}
    page = rep_client.post(url("contact-log", prospect), body).content.decode()
    assert not OutreachAttempt.objects.exists()
    assert "Write the message first." in page
    assert "Log this outreach" in page
    assert "Log another" not in page


def test_recording_a_consent_keeps_the_draft_and_checks_it_again(rep_client, prospect, account):
    page = rep_client.post(
        url("contact-consent", prospect), {**draft(account), **GRANT_SOCIAL}
    ).content.decode()
    form = page.split('id="contact-form"')[1].split("</form>")[0]
    assert html.escape(DM) in html.escape(html.unescape(form))
    assert re.search(r'<option value="social_message" selected>', form)
    assert re.search(rf'<option value="{account.pk}" selected>', form)
    # Checked again against the consent just recorded: now allowed.
    assert 'data-decision="allow"' in page


def test_a_consent_recorded_with_an_incomplete_draft_keeps_it_without_errors(
    rep_client, prospect, account
):
    body = {**GRANT_SOCIAL, "channel": "email", "content": "", "append_notice": "on"}
    page = rep_client.post(url("contact-consent", prospect), body).content.decode()
    form = page.split('id="contact-form"')[1].split("</form>")[0]
    assert re.search(r'<option value="email" selected>', form)
    assert "Write the message first." not in page


def test_a_refused_consent_keeps_both_the_consent_form_and_the_draft(rep_client, prospect, account):
    body = {**draft(account), **GRANT_SOCIAL, "consent-evidence": "like"}
    page = rep_client.post(url("contact-consent", prospect), body).content.decode()
    assert "is not consent" in page
    assert 'value="our offer by DM"' in page
    assert html.escape(DM) in html.escape(html.unescape(page))


def test_after_an_objection_the_panel_says_do_not_contact_and_hides_the_form(
    rep_client, prospect, account
):
    page = rep_client.post(url("contact-object", prospect)).content.decode()
    banner = page.split('class="banner do-not-contact"')[1].split("</div>")[0]
    assert 'role="alert"' in banner
    assert "Do not contact" in banner
    assert 'id="contact-form"' not in page
    assert "Log this outreach" not in page
    assert "The person objects to any contact" not in page
    # The panel stays so on the next visit, and the gate still refuses a forged post.
    assert "Do not contact" in rep_client.get(url("contact-panel", prospect)).content.decode()
    rep_client.post(url("contact-log", prospect), draft(account))
    assert OutreachAttempt.objects.get().decision == "deny"


def test_a_prospect_without_any_contact_is_not_flagged(rep_client, prospect):
    assert "Do not contact" not in rep_client.get(url("contact-panel", prospect)).content.decode()


def test_every_id_on_the_prospect_page_is_unique_and_every_label_points_at_one(
    rep_client, rep, prospect
):
    followups.follow_up_add(
        actor=rep.user, prospect=prospect, due_on=followups.timezone.localdate()
    )
    page = rep_client.get(reverse("prospect", args=[prospect.pk])).content.decode()
    page += rep_client.get(url("contact-panel", prospect)).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert [name for name, count in Counter(ids).items() if count > 1] == []
    for target in re.findall(r'<label for="([^"]+)"', page):
        assert target in ids, target
    assert 'for="id_channel"' in page and 'for="id_consent-channel"' in page


def test_the_panel_lists_the_open_follow_ups_with_done_buttons(rep_client, rep, prospect):
    follow_up = followups.follow_up_add(
        actor=rep.user, prospect=prospect, due_on=followups.timezone.localdate(), note="Call back"
    )
    page = rep_client.get(url("contact-panel", prospect)).content.decode()
    assert "Call back" in page
    assert reverse("follow-up-done", args=[prospect.pk, follow_up.pk]) in page
    assert reverse("follow-up-add", args=[prospect.pk]) in page


def test_after_an_allowed_log_the_follow_up_form_is_open(rep_client, rep, prospect, account):
    grant(rep, prospect, "social_message")
    page = rep_client.post(url("contact-log", prospect), draft(account)).content.decode()
    assert '<details class="follow-up-add" open>' in page


def test_a_profile_url_stored_around_the_rules_gets_no_link(rep_client, rep, prospect, account):
    prospect.profile_url = "javascript:alert(1)"
    prospect.save(update_fields=["profile_url"])
    grant(rep, prospect, "social_message")
    page = rep_client.post(url("contact-log", prospect), draft(account)).content.decode()
    assert "javascript:" not in page
    assert "Open in" not in page
    assert "Log another" in page
