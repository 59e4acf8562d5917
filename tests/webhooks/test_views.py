"""The DPO's webhooks page: subscriptions and recent deliveries, never a secret."""

import pytest

from tests.webhooks.conftest import SECRET, subscribe
from webhooks.services import emit

pytestmark = pytest.mark.django_db

RECEIVER = "https://crm-sync.example.com/hooks"


def test_the_dpo_sees_subscriptions_and_recent_deliveries(client, dpo):
    subscribe(RECEIVER, ["opposition.created"], include_personal_data=True)
    emit("opposition.created", {"opposition_id": 3}, personal=lambda: {"value": "jane@example.com"})
    client.force_login(dpo.user)

    response = client.get("/privacy/webhooks/")

    assert response.status_code == 200
    page = response.content.decode()
    assert RECEIVER in page
    assert "opposition.created" in page
    assert "Pending" in page
    assert SECRET not in page
    assert "jane@example.com" not in page


@pytest.mark.parametrize("role", ["rep", "manager", "hr"])
def test_other_roles_are_refused(client, role, request):
    subscribe(RECEIVER, ["dsar.completed"])
    client.force_login(request.getfixturevalue(role).user)

    response = client.get("/privacy/webhooks/")

    assert response.status_code == 403
    assert RECEIVER not in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/privacy/webhooks/")

    assert response.status_code == 302
    assert "/login" in response["Location"]
