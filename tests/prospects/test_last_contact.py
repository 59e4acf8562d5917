"""The list's "last contact": the latest outreach the gate allowed, kept on the prospect."""

import pytest

from prospects import services
from prospects.models import Prospect
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db

DM = "Bonjour, je vous contacte au sujet de votre projet de CRM."


@pytest.fixture
def consumer(rep):
    return services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Camille Martin",
            "kind": "b2c",
            "profile_url": "https://www.linkedin.com/in/camille-martin",
            "lawful_basis": "legitimate_interest",
            "network": "linkedin",
        },
    )


def log(client, prospect, account):
    return client.post(
        "/api/outreach/",
        {
            "prospect": str(prospect.pk),
            "channel": "social_message",
            "content": DM,
            "social_account": account.pk,
        },
        format="json",
    )


def test_a_denied_attempt_is_no_contact_an_allowed_one_is(api_as, rep, consumer):
    account = SocialAccountFactory(employee=rep, network="linkedin")
    client = api_as(rep)
    assert log(client, consumer, account).status_code == 403
    assert Prospect.objects.get(pk=consumer.pk).last_outreach_at is None

    granted = client.post(
        "/api/consents/",
        {
            "prospect": str(consumer.pk),
            "channel": "social_message",
            "action": "grant",
            "evidence": "written_reply",
            "proof": "Answered 'oui' to my DM",
            "wording_shown": "Puis-je vous envoyer notre offre ?",
            "purpose": "prospecting",
        },
        format="json",
    )
    assert granted.status_code == 201
    logged = log(client, consumer, account)
    assert logged.status_code == 201
    stored = Prospect.objects.get(pk=consumer.pk)
    assert stored.last_outreach_at is not None
    assert stored.last_outreach_at == stored.outreach.get(decision="allow").created_at


def test_the_migration_fills_last_contact_from_the_allowed_attempts_already_logged(rep):
    import datetime
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection
    from django.utils import timezone

    from consent.models import OutreachAttempt
    from tests.factories import ProspectFactory

    migration = importlib.import_module("prospects.migrations.0016_list_sorts_and_last_contact")
    contacted, denied_only, never = (ProspectFactory(owner=rep) for _ in range(3))
    now = timezone.now()
    for prospect, decision, days in (
        (contacted, "allow", 3),
        (contacted, "allow", 1),
        (contacted, "deny", 0),
        (denied_only, "deny", 0),
    ):
        OutreachAttempt.objects.create(
            prospect=prospect,
            employee=rep,
            channel="email",
            decision=decision,
            rules_version="test",
            created_at=now - datetime.timedelta(days=days),
        )
    migration.fill_last_outreach(apps, SimpleNamespace(connection=connection))
    last = dict(Prospect.objects.values_list("pk", "last_outreach_at"))
    assert last[contacted.pk] == now - datetime.timedelta(days=1)
    assert last[denied_only.pk] is None and last[never.pk] is None
