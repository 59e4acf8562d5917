"""The attack: an administrator quietly edits records, or an approved text, through the admin.

Every admin addition, change and deletion lands in the audit chain, and an approved
content version cannot be changed at all: not in the admin, not through the ORM, not
with raw SQL.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from content import services
from content.models import ApprovedVersionImmutable, ContentVersion
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

ORIGINAL = "Bonjour, je me permets de vous écrire au sujet de nos licences."
REWRITTEN = "Bonjour, dernière chance : signez aujourd'hui ou perdez tout."


@pytest.fixture
def admin_client(client, admin_employee):
    client.force_login(admin_employee.user)
    return client


@pytest.fixture
def author(db):
    return EmployeeFactory(role="manager")


def draft(author) -> ContentVersion:
    return services.content_create(
        actor=author.user,
        author=author,
        kind="message",
        title="Licences",
        body=ORIGINAL,
        language="fr",
        channels=["email"],
        networks=[],
        valid_from=timezone.localdate(),
        valid_until=None,
    )


@pytest.fixture
def approved(author, dpo) -> ContentVersion:
    version = draft(author)
    services.content_approve(actor=dpo.user, approver=dpo, item=version.item)
    version.refresh_from_db()
    return version


def change_url(version) -> str:
    return reverse("admin:content_contentversion_change", args=[version.pk])


def form_of(version, **changes) -> dict:
    data = {
        "item": version.item_id,
        "number": version.number,
        "title": version.title,
        "body": version.body,
        "language": version.language,
        "channels": '["email"]',
        "networks": "[]",
        "valid_from": version.valid_from.isoformat(),
        "valid_until": "",
        "author": version.author_id,
    }
    return data | changes


def admin_events():
    return list(AuditEvent.objects.filter(action__startswith="admin.").order_by("id"))


def test_an_admin_edit_of_a_draft_goes_in_the_trail_naming_the_field(
    admin_client, admin_employee, author
):
    version = draft(author)
    response = admin_client.post(change_url(version), form_of(version, body=REWRITTEN))
    assert response.status_code == 302, response.content
    [entry] = admin_events()
    assert (entry.action, entry.actor_id) == ("admin.changed", admin_employee.user.pk)
    assert (entry.object_type, entry.object_id) == ("content.contentversion", str(version.pk))
    assert "body" in entry.fields
    assert REWRITTEN not in str(entry.content())


def test_admin_additions_and_deletions_go_in_the_trail_one_by_one(admin_client):
    admin_client.post(reverse("admin:auth_group_add"), {"name": "auditors"})
    extra = [Group.objects.create(name=f"group {n}") for n in range(2)]
    lone = Group.objects.get(name="auditors")
    admin_client.post(reverse("admin:auth_group_delete", args=[lone.pk]), {"post": "yes"})
    admin_client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [g.pk for g in extra], "post": "yes"},
    )
    assert not Group.objects.exists()
    assert [(e.action, e.object_id) for e in admin_events()] == [
        ("admin.added", str(lone.pk)),
        ("admin.deleted", str(lone.pk)),
        *(("admin.deleted", str(g.pk)) for g in extra),
    ]
    assert {e.object_type for e in admin_events()} == {"auth.group"}


def test_the_admin_shows_an_approved_version_read_only_and_refuses_to_save_it(
    admin_client, approved
):
    page = admin_client.get(change_url(approved))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert b'name="body"' not in page.content

    response = admin_client.post(change_url(approved), form_of(approved, body=REWRITTEN))
    assert response.status_code == 403
    assert ContentVersion.objects.get(pk=approved.pk).body == ORIGINAL
    assert admin_events() == []


def test_the_admin_cannot_delete_an_approved_version(admin_client, approved):
    url = reverse("admin:content_contentversion_delete", args=[approved.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert ContentVersion.objects.filter(pk=approved.pk).exists()


def test_the_orm_refuses_to_rewrite_an_approved_version(approved):
    approved.body = REWRITTEN
    with pytest.raises(ApprovedVersionImmutable):
        approved.save()
    with pytest.raises(ApprovedVersionImmutable):
        ContentVersion.objects.filter(pk=approved.pk).update(body=REWRITTEN)
    with pytest.raises(ApprovedVersionImmutable):
        ContentVersion.objects.bulk_update([approved], ["body"])
    with pytest.raises(ApprovedVersionImmutable):
        ContentVersion.objects.filter(pk=approved.pk).delete()
    assert ContentVersion.objects.get(pk=approved.pk).body == ORIGINAL


def test_an_instance_loaded_before_the_approval_cannot_overwrite_it(author, dpo):
    stale = draft(author)
    services.content_approve(actor=dpo.user, approver=dpo, item=stale.item)
    stale.valid_until = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ApprovedVersionImmutable):
        stale.save()


def test_the_database_refuses_to_rewrite_an_approved_version(approved):
    with pytest.raises(IntegrityError, match="approved content version"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE content_contentversion SET body = %s WHERE id = %s",
                [REWRITTEN, approved.pk],
            )
    assert ContentVersion.objects.get(pk=approved.pk).body == ORIGINAL


def test_a_draft_is_still_edited_and_approved_as_before(author, dpo):
    version = draft(author)
    version.title = "Licences 2027"
    version.save()
    services.content_approve(actor=dpo.user, approver=dpo, item=version.item)
    assert ContentVersion.objects.get(pk=version.pk).is_approved
