"""Personas of the content library: two authors (marketing, compliance) and a helper to publish."""

import datetime

import pytest
from django.utils import timezone

from content import services
from tests.factories import EmployeeFactory, ProspectFactory

# Blocked by the content check when a rep writes it (comparative, RULES 17); fine once approved.
COMPARATIVE = "Notre plateforme est mieux que RivalSoft pour les équipes commerciales."
# What an approver records to pass a flagged text (RULES 17).
OVERRIDE_REASON = "Comparatif vérifié par le service juridique (tests de mars)."


@pytest.fixture
def marketing(db):
    return EmployeeFactory(role="manager", user__username="marketing")


@pytest.fixture
def compliance(db):
    return EmployeeFactory(role="dpo", user__username="compliance")


def draft(author, *, kind="message", body=COMPARATIVE, **overrides):
    fields = {
        "title": "Comparatif",
        "body": body,
        "language": "fr",
        "channels": ["social_message", "email"] if kind == "message" else [],
        "networks": ["linkedin"] if kind == "post" else [],
        "valid_from": timezone.localdate() - datetime.timedelta(days=1),
        "valid_until": None,
    }
    fields.update(overrides)
    return services.content_create(actor=author.user, author=author, kind=kind, **fields)


def publish(author, approver, *, override_reason=OVERRIDE_REASON, **kwargs):
    """Draft and approve; a flagged text goes through with the approver's recorded reason."""
    version = draft(author, **kwargs)
    services.content_approve(
        actor=approver.user,
        approver=approver,
        item=version.item,
        override_reason=override_reason,
    )
    version.refresh_from_db()
    return version


@pytest.fixture
def b2b_prospect(rep):
    """A professional prospect of ``rep``: a job-related DM to them is allowed (RULES 3–4)."""
    return ProspectFactory(owner=rep, kind="b2b", lawful_basis="legitimate_interest")
