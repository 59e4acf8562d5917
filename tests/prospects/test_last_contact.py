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
