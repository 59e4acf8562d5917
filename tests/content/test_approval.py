"""Approval rules of the content library: four eyes, versions, validity."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from content import selectors, services
from content.models import ContentVersion
from tests.content.conftest import draft, publish
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def offered_titles(**kwargs):
    return [v.title for v in selectors.offered_versions(**kwargs)]


def test_a_draft_is_not_offered_until_another_author_approves_it(marketing, compliance):
    version = draft(marketing, title="Invitation salon", body="Venez nous voir au salon.")
    assert offered_titles() == []
    services.content_approve(actor=compliance.user, approver=compliance, item=version.item)
    assert offered_titles() == ["Invitation salon"]


def test_the_author_cannot_approve_their_own_version(marketing):
    version = draft(marketing)
    with pytest.raises(services.SelfApproval):
        services.content_approve(actor=marketing.user, approver=marketing, item=version.item)
    assert not ContentVersion.objects.get(pk=version.pk).is_approved


def test_the_database_refuses_self_approval_too(marketing):
    version = draft(marketing)
    with pytest.raises(IntegrityError):
        ContentVersion.objects.filter(pk=version.pk).update(
            approved_by=marketing, approved_at=timezone.now()
        )


def test_an_edit_needs_approval_again_and_the_approved_text_stays_offered_meanwhile(
    marketing, compliance
):
    first = publish(marketing, compliance, body="Version une.")
    services.content_revise(
        actor=compliance.user,
        author=compliance,
        item=first.item,
        title="Comparatif",
        body="Version deux.",
        language="fr",
        channels=["social_message"],
        networks=[],
        valid_from=first.valid_from,
        valid_until=None,
    )
    assert [v.body for v in selectors.offered_versions()] == ["Version une."]
    assert [v.number for v in selectors.approval_queue()] == [2]

    # The reviser cannot approve their own revision; the first author can.
    with pytest.raises(services.SelfApproval):
        services.content_approve(actor=compliance.user, approver=compliance, item=first.item)
    services.content_approve(actor=marketing.user, approver=marketing, item=first.item)
    assert [v.body for v in selectors.offered_versions()] == ["Version deux."]
    assert list(selectors.approval_queue()) == []


def test_approving_a_version_that_is_no_longer_the_latest_is_refused(marketing, compliance):
    first = draft(marketing, body="Une.")
    services.content_revise(
        actor=marketing.user,
        author=marketing,
        item=first.item,
        title="t",
        body="Deux.",
        language="fr",
        channels=["email"],
        networks=[],
        valid_from=first.valid_from,
        valid_until=None,
    )
    with pytest.raises(Exception) as refused:
        services.content_approve(
            actor=compliance.user, approver=compliance, item=first.item, number=1
        )
    assert "superseded" in str(refused.value.error_dict["version"][0].code)


@pytest.mark.parametrize(
    ("valid_from_days", "valid_until_days", "offered"),
    [
        (-10, -1, False),  # expired yesterday
        (-10, 0, True),  # last valid day is today
        (1, None, False),  # not valid yet
        (0, None, True),
    ],
)
def test_only_content_valid_today_is_offered(
    marketing, compliance, valid_from_days, valid_until_days, offered
):
    today = timezone.localdate()
    publish(
        marketing,
        compliance,
        valid_from=today + datetime.timedelta(days=valid_from_days),
        valid_until=None
        if valid_until_days is None
        else today + datetime.timedelta(days=valid_until_days),
    )
    assert bool(offered_titles()) is offered


def test_withdrawn_content_is_never_offered(marketing, compliance):
    version = publish(marketing, compliance)
    services.content_withdraw(actor=compliance.user, item=version.item)
    assert offered_titles() == []


def test_a_message_needs_channels_and_a_post_none(marketing):
    with pytest.raises(Exception) as no_channel:
        draft(marketing, kind="message", channels=[])
    assert "channels" in no_channel.value.message_dict
    with pytest.raises(Exception) as post_with_channel:
        draft(marketing, kind="post", channels=["email"])
    assert "channels" in post_with_channel.value.message_dict


def test_posts_are_offered_for_the_networks_the_rep_uses(marketing, compliance):
    publish(marketing, compliance, kind="post", title="LinkedIn", networks=["linkedin"])
    publish(marketing, compliance, kind="post", title="X", networks=["x"])
    publish(marketing, compliance, kind="post", title="Everywhere", networks=[])
    titles = [p.title for p in selectors.offered_posts_for(networks={"linkedin"})]
    assert sorted(titles) == ["Everywhere", "LinkedIn"]


def test_authors_are_managers_the_dpo_or_holders_of_the_permission(rep, marketing, compliance):
    from django.contrib.auth.models import Permission

    assert selectors.is_author(marketing.user)
    assert selectors.is_author(compliance.user)
    assert not selectors.is_author(rep.user)
    writer = EmployeeFactory(role="rep")
    writer.user.user_permissions.add(Permission.objects.get(codename="author_content"))
    writer.user.refresh_from_db()
    from django.contrib.auth import get_user_model

    assert selectors.is_author(get_user_model().objects.get(pk=writer.user.pk))
