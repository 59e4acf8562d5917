"""Library pages, the approval queue, the Share page, and the picker in the Contact panel."""

import pytest

from consent.models import OutreachAttempt
from content.models import ContentItem, ContentShare, ContentUse
from tests.content.conftest import COMPARATIVE, draft, publish
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db


def test_an_author_drafts_in_the_editor_and_another_approves_from_the_queue(
    client, marketing, compliance
):
    client.force_login(marketing.user)
    response = client.post(
        "/content/new/",
        {
            "kind": "message",
            "title": "Relance",
            "body": "Bonjour, suite à notre échange…",
            "language": "fr",
            "channels": ["social_message"],
            "valid_from": "2026-01-01",
        },
    )
    item = ContentItem.objects.get()
    assert response["Location"] == f"/content/{item.pk}/"
    own = client.get(f"/content/{item.pk}/").content.decode()
    assert "another author must approve it" in own and "Approve this version" not in own
    assert client.post(f"/content/{item.pk}/approve/").status_code == 403

    client.force_login(compliance.user)
    assert "Relance" in client.get("/content/queue/").content.decode()
    client.post(f"/content/{item.pk}/approve/", {"version": "1", "from_queue": "1"})
    assert "Nothing waits for approval" in client.get("/content/queue/").content.decode()
    approved = client.get("/content/?status=approved").content.decode()
    assert "Relance" in approved


def test_the_library_filters_by_status_and_has_an_empty_state(client, marketing, compliance):
    client.force_login(marketing.user)
    assert "The library is empty" in client.get("/content/").content.decode()
    draft(marketing, title="En attente")
    publish(marketing, compliance, title="Publié")
    pending = client.get("/content/?status=pending").content.decode()
    assert "En attente" in pending and "Publié" not in pending
    assert "No content with this status" in client.get("/content/?status=expired").content.decode()


def test_editing_creates_a_version_that_waits_while_the_old_one_is_offered(
    client, marketing, compliance
):
    version = publish(marketing, compliance, body="Texte un.")
    client.force_login(compliance.user)
    client.post(
        f"/content/{version.item_id}/edit/",
        {
            "title": "Comparatif",
            "body": "Texte deux.",
            "language": "fr",
            "channels": ["social_message"],
            "valid_from": "2026-01-01",
        },
    )
    page = client.get(f"/content/{version.item_id}/").content.decode()
    assert "Version 2 waits for approval" in page
    assert "Version 1." in page


def test_reps_do_not_reach_the_library_pages(client, rep):
    client.force_login(rep.user)
    for path in ("/content/", "/content/new/", "/content/queue/"):
        assert client.get(path).status_code == 403


def test_the_share_page_lists_approved_posts_for_the_reps_networks(
    client, rep, marketing, compliance
):
    SocialAccountFactory(employee=rep, network="linkedin")
    post = publish(
        marketing, compliance, kind="post", title="Notre webinaire", networks=["linkedin"]
    )
    publish(marketing, compliance, kind="post", title="Sur X", networks=["x"])
    draft(marketing, kind="post", title="Brouillon", networks=["linkedin"])
    client.force_login(rep.user)
    page = client.get("/content/share/").content.decode()
    assert "Notre webinaire" in page
    assert "Sur X" not in page and "Brouillon" not in page
    client.post(f"/content/share/{post.pk}/", {"network": "linkedin"})
    assert ContentShare.objects.get().employee == rep


def test_the_share_page_asks_for_accounts_first(client, rep):
    client.force_login(rep.user)
    assert "Register the social accounts" in client.get("/content/share/").content.decode()


def test_the_contact_panel_offers_approved_messages_only(
    client, rep, marketing, compliance, b2b_prospect
):
    client.force_login(rep.user)
    panel = client.get(f"/prospects/{b2b_prospect.pk}/contact/").content.decode()
    assert "content_version" not in panel, "no picker while nothing is approved"
    draft(marketing, title="Pas encore")
    publish(marketing, compliance, title="Approuvé")
    panel = client.get(f"/prospects/{b2b_prospect.pk}/contact/").content.decode()
    assert "Approuvé" in panel and "Pas encore" not in panel


def test_picking_fills_the_message_and_passes_the_check_then_logging_links_the_version(
    client, rep, marketing, compliance, b2b_prospect
):
    version = publish(marketing, compliance)
    client.force_login(rep.user)
    account = SocialAccountFactory(employee=rep)
    form = {
        "channel": "social_message",
        "social_account": str(account.pk),
        "content_version": str(version.pk),
        "content": "",
        "relates_to_profession": "on",
        "append_notice": "on",
    }
    picked = client.post(f"/prospects/{b2b_prospect.pk}/contact/pick/", form).content.decode()
    assert 'hx-swap-oob="true"' in picked and "mieux que RivalSoft" in picked
    assert 'data-decision="allow"' in picked

    written = client.post(
        f"/prospects/{b2b_prospect.pk}/contact/check/",
        {**form, "content_version": "", "content": COMPARATIVE},
    ).content.decode()
    assert 'data-code="content_comparative"' in written

    client.post(f"/prospects/{b2b_prospect.pk}/contact/log/", {**form, "content": COMPARATIVE})
    attempt = OutreachAttempt.objects.get()
    assert attempt.decision == "allow"
    assert ContentUse.objects.get(attempt=attempt).version == version


def test_the_library_page_costs_the_same_queries_for_one_item_or_many(
    client, marketing, compliance, django_assert_num_queries
):
    publish(marketing, compliance, title="Premier")
    client.force_login(marketing.user)
    client.get("/content/")
    with django_assert_num_queries(5):
        client.get("/content/")
    for n in range(8):
        publish(marketing, compliance, title=f"Contenu {n}")
    with django_assert_num_queries(5):
        page = client.get("/content/")
    assert "Contenu 7" in page.content.decode()


def test_a_tampered_pick_fills_nothing(client, rep, b2b_prospect):
    client.force_login(rep.user)
    response = client.post(
        f"/prospects/{b2b_prospect.pk}/contact/pick/",
        {"channel": "social_message", "content_version": "abc", "content": "Bonjour"},
    )
    assert response.status_code == 200
    assert "hx-swap-oob" not in response.content.decode()


def test_the_editor_is_prefilled_with_the_latest_version(client, marketing):
    version = draft(marketing, title="À reprendre", body="Ancien texte")
    client.force_login(marketing.user)
    page = client.get(f"/content/{version.item_id}/edit/").content.decode()
    assert "Ancien texte" in page and 'value="À reprendre"' in page
    assert 'name="kind"' not in page, "the kind of an item does not change"
    assert 'name="kind"' in client.get("/content/new/").content.decode()
