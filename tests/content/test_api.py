"""The content library through the API, and approved content at the outreach gate."""

import datetime

import pytest
from django.utils import timezone

from consent.models import OutreachAttempt
from content.models import ContentUse
from tests.content.conftest import COMPARATIVE, draft, publish
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db


def new_content(**overrides):
    return {
        "kind": "message",
        "title": "Relance salon",
        "body": "Ravi de vous avoir rencontré au salon.",
        "language": "fr",
        "channels": ["social_message"],
        "valid_from": timezone.localdate().isoformat(),
        **overrides,
    }


def outreach(client, prospect, path="/api/outreach/", **body):
    """A social message, through an account of the prospect's owner (RULES 11)."""
    account = prospect.owner.social_accounts.first() or SocialAccountFactory(
        employee=prospect.owner
    )
    return client.post(
        path,
        {
            "prospect": str(prospect.pk),
            "channel": "social_message",
            "social_account": account.pk,
            **body,
        },
        format="json",
    )


def codes(response):
    return [r["code"] for r in response.json()["reasons"]]


def test_an_author_drafts_another_approves_and_reps_then_see_it(api_as, marketing, compliance, rep):
    created = api_as(marketing).post("/api/content/", new_content(), format="json")
    assert created.status_code == 201, created.json()
    item = created.json()
    assert item["status"] == "pending" and item["current"] is None
    assert api_as(rep).get("/api/content/").json()["results"] == []

    self_approval = api_as(marketing).post(f"/api/content/{item['id']}/approve/", {}, format="json")
    assert self_approval.status_code == 403
    assert self_approval.json()["code"] == "self_approval"

    approved = api_as(compliance).post(
        f"/api/content/{item['id']}/approve/", {"version": 1}, format="json"
    )
    assert approved.status_code == 200
    assert approved.json()["approved_by"] == compliance.pk

    offered = api_as(rep).get("/api/content/").json()["results"]
    assert [(c["id"], c["version"], c["title"]) for c in offered] == [
        (item["id"], 1, "Relance salon")
    ]


def test_reps_cannot_author_or_approve(api_as, rep, marketing):
    assert api_as(rep).post("/api/content/", new_content(), format="json").status_code == 403
    version = draft(marketing)
    response = api_as(rep).post(f"/api/content/{version.item_id}/approve/", {}, format="json")
    assert response.status_code == 403


def test_versions_are_visible_to_authors_only(api_as, rep, marketing, compliance):
    version = publish(marketing, compliance)
    api_as(marketing).post(
        f"/api/content/{version.item_id}/versions/",
        new_content(body="Nouvelle version"),
        format="json",
    )
    for_author = api_as(compliance).get(f"/api/content/{version.item_id}/").json()
    assert [v["version"] for v in for_author["versions"]] == [2, 1]
    assert for_author["current"]["version"] == 1
    for_rep = api_as(rep).get(f"/api/content/{version.item_id}/").json()
    assert for_rep["versions"] == [] and for_rep["current"]["body"] == COMPARATIVE


def test_unapproved_content_is_not_found_for_reps(api_as, rep, marketing):
    version = draft(marketing)
    assert api_as(rep).get(f"/api/content/{version.item_id}/").status_code == 404


def test_approved_content_passes_the_content_check_the_same_text_unapproved_does_not(
    api_as, rep, marketing, compliance, b2b_prospect
):
    client = api_as(rep)
    written = outreach(client, b2b_prospect, path="/api/outreach/check/", content=COMPARATIVE)
    assert written.json()["decision"] == "deny"
    assert "content_comparative" in codes(written)

    version = publish(marketing, compliance)
    picked = outreach(client, b2b_prospect, path="/api/outreach/check/", content_version=version.pk)
    assert picked.status_code == 200
    assert picked.json()["decision"] == "allow", picked.json()
    assert not any(code.startswith("content_") for code in codes(picked))

    logged = outreach(client, b2b_prospect, content=COMPARATIVE, content_version=version.pk)
    assert logged.status_code == 201
    use = ContentUse.objects.get()
    assert str(use.attempt_id) == logged.json()["id"] and use.version == version
    assert not use.edited


def test_an_edited_approved_text_is_checked_like_any_other(
    api_as, rep, marketing, compliance, b2b_prospect
):
    version = publish(marketing, compliance)
    edited = outreach(
        api_as(rep),
        b2b_prospect,
        content=COMPARATIVE + " Dernière chance !",
        content_version=version.pk,
    )
    assert edited.status_code == 403
    assert "content_comparative" in codes(edited)
    assert ContentUse.objects.get().edited


def test_approved_content_still_needs_the_opt_out_for_consumers(
    api_as, rep, marketing, compliance, b2b_prospect
):
    b2b_prospect.kind = "b2c"
    b2b_prospect.save()
    version = publish(marketing, compliance, body="Bonjour, voici notre offre.")
    response = outreach(
        api_as(rep),
        b2b_prospect,
        path="/api/outreach/check/",
        content_version=version.pk,
        append_notice=False,
    )
    assert "missing_opt_out" in codes(response)


@pytest.mark.parametrize("state", ["expired", "unapproved", "other_channel"])
def test_content_that_is_not_offered_cannot_be_used(
    api_as, rep, marketing, compliance, b2b_prospect, state
):
    if state == "expired":
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        version = publish(
            marketing,
            compliance,
            valid_from=yesterday - datetime.timedelta(days=30),
            valid_until=yesterday,
        )
    elif state == "unapproved":
        version = draft(marketing)
    else:
        version = publish(marketing, compliance, channels=["email"])
    response = outreach(
        api_as(rep), b2b_prospect, path="/api/outreach/check/", content_version=version.pk
    )
    if state == "other_channel":
        # Approved, but not for this channel: the content check applies as to any text.
        assert "content_comparative" in codes(response)
    else:
        assert response.status_code == 400
        assert "content_version" in response.json()
    assert not OutreachAttempt.objects.exists()


def test_the_offered_list_costs_a_fixed_number_of_queries(
    api_as, rep, marketing, compliance, django_assert_num_queries
):
    for n in range(5):
        publish(marketing, compliance, title=f"Message {n}")
    client = api_as(rep)
    client.get("/api/content/")  # warm the session and token caches
    with django_assert_num_queries(3):
        response = client.get("/api/content/")
    assert len(response.json()["results"]) == 5


def test_the_approval_queue_lists_latest_drafts_for_authors(api_as, rep, marketing, compliance):
    draft(marketing, title="A")
    draft(marketing, title="B")
    queue = api_as(compliance).get("/api/content/pending/")
    assert [v["title"] for v in queue.json()["results"]] == ["A", "B"]
    assert api_as(rep).get("/api/content/pending/").status_code == 403
