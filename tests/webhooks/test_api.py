"""Webhook subscriptions over the API: the DPO and administrators only; the secret stays ours."""

import base64

import pytest
from django.db import connection

from audit.models import AuditEvent
from tests.webhooks.conftest import SECRET, subscribe
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

URL = "/api/webhooks/"
RECEIVER = "https://crm-sync.example.com/hooks/socialcrm"


def create(client, **body):
    body = {"url": RECEIVER, "secret": SECRET, "events": ["opposition.created"], **body}
    return client.post(URL, body, format="json")


def test_the_dpo_subscribes_another_system_and_never_sees_the_secret_again(api_as, dpo):
    client = api_as(dpo)

    response = create(client, events=["opposition.created", "dsar.completed"])

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"] == RECEIVER
    assert body["events"] == ["opposition.created", "dsar.completed"]
    assert body["include_personal_data"] is False
    assert body["active"] is True
    assert body["created_by"] == dpo.pk
    assert "secret" not in body
    detail = client.get(f"{URL}{body['id']}/")
    listed = client.get(URL)
    for answer in (detail, listed):
        assert answer.status_code == 200
        assert SECRET not in answer.content.decode()
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]
    assert AuditEvent.objects.filter(action="created", object_id=body["id"]).exists()


def test_the_secret_is_encrypted_at_rest(api_as, dpo):
    subscription_id = create(api_as(dpo)).json()["id"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret FROM webhooks_webhooksubscription WHERE id = %s",
            [
                subscription_id.replace("-", "")
                if connection.vendor == "sqlite"
                else subscription_id
            ],
        )
        (stored,) = cursor.fetchone()
    assert SECRET not in stored
    assert WebhookSubscription.objects.get(pk=subscription_id).secret == SECRET


def test_the_admin_edits_and_deletes_a_subscription(api_as, admin_employee):
    client = api_as(admin_employee)
    subscription_id = create(client).json()["id"]

    patched = client.patch(
        f"{URL}{subscription_id}/",
        {"events": ["consent.changed"], "active": False, "secret": "a-brand-new-secret-value"},
        format="json",
    )

    assert patched.status_code == 200, patched.content
    assert patched.json()["events"] == ["consent.changed"]
    assert patched.json()["active"] is False
    assert "secret" not in patched.json()
    # Plain text is the key itself, kept in the Standard Webhooks form.
    assert (
        WebhookSubscription.objects.get(pk=subscription_id).secret
        == "whsec_" + base64.b64encode(b"a-brand-new-secret-value").decode()
    )
    assert client.delete(f"{URL}{subscription_id}/").status_code == 204
    assert client.get(f"{URL}{subscription_id}/").status_code == 404
    assert not WebhookSubscription.objects.filter(pk=subscription_id).exists()


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "not a url",
        "javascript:alert(1)//https://example.com/",
        "JavaScript://example.com/%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://user:pass@crm-sync.example.com/hooks",
    ],
)
def test_only_http_and_https_addresses_are_accepted(api_as, dpo, url):
    client = api_as(dpo)

    response = create(client, url=url)

    assert response.status_code == 400
    assert "url" in response.json()
    assert not WebhookSubscription.objects.exists()
    existing = subscribe(RECEIVER, ["dsar.completed"])
    patched = client.patch(f"{URL}{existing.pk}/", {"url": url}, format="json")
    assert patched.status_code == 400
    assert "url" in patched.json()
    existing.refresh_from_db()
    assert existing.url == RECEIVER


@pytest.mark.parametrize(
    "body, field",
    [
        ({"events": ["prospect.created"]}, "events"),
        ({"events": []}, "events"),
        ({"secret": "short"}, "secret"),
        ({"secret": "whsec_not*base64*at*all!!"}, "secret"),
        ({"secret": "whsec_" + base64.b64encode(b"too-short-key").decode()}, "secret"),
    ],
)
def test_unknown_events_and_weak_secrets_are_refused(api_as, dpo, body, field):
    response = create(api_as(dpo), **body)

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("role", ["rep", "manager", "hr"])
def test_other_roles_get_403_on_the_list_and_404_on_a_subscription(api_as, role, request):
    client = api_as(request.getfixturevalue(role))
    subscription = subscribe(RECEIVER, ["dsar.completed"])
    detail = f"{URL}{subscription.pk}/"

    assert client.get(URL).status_code == 403
    assert create(client).status_code == 403
    assert client.get(detail).status_code == 404
    assert client.patch(detail, {"active": False}, format="json").status_code == 404
    assert client.delete(detail).status_code == 404
    assert client.get(f"{detail}deliveries/").status_code == 404
    assert client.post(f"{detail}ping/").status_code == 404
    subscription.refresh_from_db()
    assert subscription.active is True
    assert WebhookDelivery.objects.count() == 0


def test_anonymous_callers_get_401(client):
    subscription = subscribe(RECEIVER, ["dsar.completed"])

    assert client.get(URL).status_code == 401
    assert client.post(URL, {}, content_type="application/json").status_code == 401
    assert client.get(f"{URL}{subscription.pk}/").status_code == 401
    assert client.delete(f"{URL}{subscription.pk}/").status_code == 401


def test_the_delivery_log_lists_one_subscriptions_deliveries_without_personal_values(api_as, dpo):
    from webhooks.services import emit

    mine = subscribe(RECEIVER, ["opposition.created"], include_personal_data=True)
    other = subscribe(RECEIVER, ["dsar.completed"])
    emit("opposition.created", {"opposition_id": 7}, personal=lambda: {"value": "jane@example.com"})
    emit("dsar.completed", {"dsar_id": "d-1"})

    response = api_as(dpo).get(f"{URL}{mine.pk}/deliveries/")

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["event"] == "opposition.created"
    assert row["status"] == "pending"
    assert row["payload"]["data"] == {"opposition_id": 7}
    assert "jane@example.com" not in response.content.decode()
    assert api_as(dpo).get(f"{URL}{other.pk}/deliveries/").json()["count"] == 1


def test_a_failed_ping_run_in_process_answers_202_and_waits_for_its_next_attempt(
    api_as, dpo, receiver, private_hosts_allowed
):
    # Tasks run in-process (no broker, `make run`): a failed attempt has no retry to schedule.
    from webhooks.tasks import deliver_webhook

    receiver.answers = [500]
    subscription = subscribe(receiver.url(), ["dsar.completed"])
    answer = api_as(dpo).post(f"/api/webhooks/{subscription.pk}/ping/", {}, format="json")
    assert answer.status_code == 202
    delivery = WebhookDelivery.objects.get(subscription=subscription)

    deliver_webhook.apply(kwargs={"delivery_id": str(delivery.pk), "attempt": 1})

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_outcome) == ("pending", 1, "5xx")
    assert delivery.next_attempt_at is not None
    (row,) = api_as(dpo).get(f"/api/webhooks/{subscription.pk}/deliveries/").json()["results"]
    assert (row["last_status_code"], row["last_error"]) == ("5xx", "")
