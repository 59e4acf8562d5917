"""RULES 17 at approval: a text the content check flags is approved only with a recorded reason."""

import pytest

from audit.models import AuditEvent
from content import services
from content.models import ContentVersion
from tests.content.conftest import COMPARATIVE, OVERRIDE_REASON, draft, publish
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db

NBSP, NNBSP = "\u00a0", "\u202f"


def approve(approver, version, reason=""):
    return services.content_approve(
        actor=approver.user, approver=approver, item=version.item, override_reason=reason
    )


def approval_events():
    return list(AuditEvent.objects.filter(action="content.approved").order_by("id"))


# (text, what the check finds): real typography, flagged or not.
TEXTS = [
    (COMPARATIVE, ["content_comparative"]),
    (f"Satisfaction garantie à 100{NNBSP}%{NBSP}!", ["content_misleading"]),
    ("Re\u0301sultat GARANTI", ["content_misleading"]),
    (f"Nos concurrents{NBSP}? Des escrocs.", ["content_disparaging"]),
    (f"Dernière chance{NBSP}!", ["content_aggressive"]),
    ("La garantie légale de conformité s’applique à nos services.", []),
    ("Nos frais de dossier sont nuls.", []),
    ("Ravi de vous avoir rencontré au salon.", []),
]


@pytest.mark.parametrize(("body", "flags"), TEXTS)
def test_a_flagged_text_needs_a_reason_an_unflagged_one_does_not(
    marketing, compliance, body, flags
):
    version = draft(marketing, body=body)
    assert version.content_flags == flags
    if flags:
        with pytest.raises(services.ValidationError) as refused:
            approve(compliance, version)
        assert "approval_override_reason" in refused.value.message_dict
        assert refused.value.error_dict["approval_override_reason"][0].code == "content_flagged"
        assert not ContentVersion.objects.get(pk=version.pk).is_approved
        assert approval_events() == []
    approve(compliance, version, reason=OVERRIDE_REASON if flags else "")
    stored = ContentVersion.objects.get(pk=version.pk)
    assert stored.is_approved
    assert stored.approval_override_reason == (OVERRIDE_REASON if flags else "")


@pytest.mark.parametrize("blank", ["", "   ", f"{NBSP}\n\t"])
def test_a_blank_reason_is_no_reason(marketing, compliance, blank):
    version = draft(marketing)
    with pytest.raises(services.ValidationError):
        approve(compliance, version, reason=blank)
    assert not ContentVersion.objects.get(pk=version.pk).is_approved


def test_the_reason_is_stored_trimmed_and_audited_with_the_flags(marketing, compliance):
    version = draft(marketing)
    approve(compliance, version, reason=f"  {OVERRIDE_REASON}\n")
    assert ContentVersion.objects.get(pk=version.pk).approval_override_reason == OVERRIDE_REASON
    [event] = approval_events()
    assert event.actor == compliance.user
    assert event.fields == ["approval_override_reason", "flag:content_comparative"]


def test_a_reason_for_a_text_nothing_flags_is_not_kept(marketing, compliance):
    version = draft(marketing, body="Ravi de vous avoir rencontré.")
    approve(compliance, version, reason="Par précaution")
    assert ContentVersion.objects.get(pk=version.pk).approval_override_reason == ""
    assert approval_events()[0].fields == []


def test_a_reason_does_not_let_an_author_approve_their_own_text(marketing):
    version = draft(marketing)
    with pytest.raises(services.SelfApproval):
        approve(marketing, version, reason=OVERRIDE_REASON)
    assert ContentVersion.objects.get(pk=version.pk).approval_override_reason == ""


def test_a_draft_cannot_carry_an_override_reason_in_the_database(marketing):
    from django.db import IntegrityError

    version = draft(marketing)
    with pytest.raises(IntegrityError):
        ContentVersion.objects.filter(pk=version.pk).update(approval_override_reason="x")


# Through the API.


def test_the_api_answers_400_naming_the_reason_when_a_flagged_text_has_none(
    api_as, marketing, compliance
):
    version = draft(marketing)
    client = api_as(compliance)
    shown = client.get(f"/api/content/{version.item_id}/").json()["versions"][0]
    assert shown["content_flags"] == ["content_comparative"]

    refused = client.post(f"/api/content/{version.item_id}/approve/", {}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "content_flagged"
    assert "content_comparative" in refused.json()["approval_override_reason"][0]
    assert not ContentVersion.objects.get(pk=version.pk).is_approved

    approved = client.post(
        f"/api/content/{version.item_id}/approve/",
        {"version": 1, "approval_override_reason": OVERRIDE_REASON},
        format="json",
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["approval_override_reason"] == OVERRIDE_REASON
    assert approved.json()["approved_by"] == compliance.pk


@pytest.mark.parametrize(
    "reason", ["x" * (services.OVERRIDE_REASON_MAX_LENGTH + 1), ["a list"], {"a": "dict"}]
)
def test_a_malformed_reason_is_a_400_naming_it(api_as, marketing, compliance, reason):
    version = draft(marketing)
    response = api_as(compliance).post(
        f"/api/content/{version.item_id}/approve/",
        {"approval_override_reason": reason},
        format="json",
    )
    assert response.status_code == 400
    assert "approval_override_reason" in response.json()
    assert not ContentVersion.objects.get(pk=version.pk).is_approved


def test_an_approved_flagged_text_sent_word_for_word_skips_the_word_check_not_the_notice(
    api_as, rep, marketing, compliance, b2b_prospect
):
    version = publish(marketing, compliance, body=f"Résultat garanti à 100{NNBSP}%{NBSP}!")
    account = SocialAccountFactory(employee=rep, network="linkedin")  # RULES 11
    response = api_as(rep).post(
        "/api/outreach/check/",
        {
            "prospect": str(b2b_prospect.pk),
            "channel": "social_message",
            "social_account": account.pk,
            "content_version": version.pk,
            "append_notice": False,
        },
        format="json",
    )
    found = [r["code"] for r in response.json()["reasons"]]
    assert not any(code.startswith("content_") for code in found)
    assert "information_notice_required" in found
    assert response.json()["decision"] == "deny"


# In the browser.


def test_the_item_page_shows_the_flags_and_asks_for_a_reason(client, marketing, compliance):
    version = draft(marketing)
    client.force_login(compliance.user)
    page = client.get(f"/content/{version.item_id}/").content.decode()
    assert "content_comparative" in page
    assert 'name="approval_override_reason"' in page

    client.post(f"/content/{version.item_id}/approve/", {"version": "1"})
    assert not ContentVersion.objects.get(pk=version.pk).is_approved
    again = client.get(f"/content/{version.item_id}/").content.decode()
    assert "give your reason" in again

    hostile = '<script>alert("x")</script> validé par le juridique'
    client.post(
        f"/content/{version.item_id}/approve/",
        {"version": "1", "approval_override_reason": hostile},
    )
    assert ContentVersion.objects.get(pk=version.pk).approval_override_reason == hostile
    shown = client.get(f"/content/{version.item_id}/").content.decode()
    assert "Approved despite the content check" in shown
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; validé par le juridique" in shown
    assert '<script>alert("x")</script>' not in shown


def test_the_queue_asks_for_a_reason_only_where_the_check_flags_the_text(
    client, marketing, compliance
):
    draft(marketing, title="Signalé")
    draft(marketing, title="Propre", body="Ravi de vous avoir rencontré.")
    client.force_login(compliance.user)
    page = client.get("/content/queue/").content.decode()
    assert page.count('name="approval_override_reason"') == 1
    assert "content_comparative" in page


def test_the_refusal_reads_in_french(client, marketing, compliance):
    version = draft(marketing)
    client.force_login(compliance.user)
    client.cookies["django_language"] = "fr"
    client.post(f"/content/{version.item_id}/approve/", {"version": "1"}, HTTP_ACCEPT_LANGUAGE="fr")
    page = client.get(f"/content/{version.item_id}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Le contrôle du contenu signale ce texte (content_comparative)" in page
    assert "Pourquoi vous l’approuvez malgré tout" in page
