"""The attacker with a DPO's session points webhooks inside the network (issue 15, webhooks).

They subscribe loopback, private, link-local and metadata addresses in every spelling, a host
name that resolves to one, or a host that answers public to the subscription and private to
the delivery; then they read the delivery log for status codes, to scan ports. Every
subscription is refused naming ``url``, every delivery reaches nothing, and the log keeps no
more than the class of an answer.
"""

import socket
import time

import pytest

from tests.webhooks import conftest as webhook_fixtures
from tests.webhooks.conftest import PUBLIC_ADDRESS, SECRET, subscribe
from webhooks.models import WebhookDelivery, WebhookSubscription

# The loopback receiver, the fake DNS and the worker of the webhooks tests.
receiver = webhook_fixtures.receiver
dns = webhook_fixtures.dns
deliveries_sent = webhook_fixtures.deliveries_sent
private_hosts_allowed = webhook_fixtures.private_hosts_allowed

URL = "/api/webhooks/"
EVIL_HOST = "hooks.attacker.example"


def subscribe_through_api(client, url: str):
    return client.post(
        URL, {"url": url, "secret": SECRET, "events": ["dsar.completed"]}, format="json"
    )


def ping_and_wait(client, subscription_id, *, timeout: float = 30.0) -> WebhookDelivery:
    """The DPO's test delivery, once its attempt is over (in-process, or on the worker)."""
    answer = client.post(f"{URL}{subscription_id}/ping/", {}, format="json")
    assert answer.status_code == 202, answer.content
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery = WebhookDelivery.objects.get(subscription_id=subscription_id)
        if delivery.status != "pending":
            return delivery
        time.sleep(0.1)
    raise AssertionError("the delivery is still pending")


@pytest.fixture
def one_attempt(settings):
    # The attempt is the attack; retries would only repeat it.
    settings.WEBHOOK_MAX_ATTEMPTS = 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://localhost/admin",
        "http://LOCALHOST./",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0:8000/",
        "http://224.0.0.1/",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[::1]/",
        "http://[::]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[fe80::1]/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f000001/",
        "http://127.1/",
        "javascript:alert(document.cookie)",
        " JAVASCRIPT:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "file:///etc/passwd",
    ],
)
def test_a_subscription_to_an_internal_address_is_400_naming_url(api_as, dpo, url):
    response = subscribe_through_api(api_as(dpo), url)

    assert response.status_code == 400, response.content
    assert "url" in response.json()
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "addresses",
    [
        ["127.0.0.1"],
        ["10.1.2.3"],
        ["169.254.169.254"],
        ["::1"],
        ["::ffff:10.0.0.1"],
        # One private address among public ones is enough: any of them may be the one used.
        [PUBLIC_ADDRESS, "192.168.0.10"],
    ],
)
def test_a_host_name_resolving_to_an_internal_address_is_refused_when_it_is_subscribed(
    api_as, dpo, dns, addresses
):
    dns.answers[EVIL_HOST] = [addresses]
    client = api_as(dpo)

    response = subscribe_through_api(client, f"https://{EVIL_HOST}/hook")

    assert response.status_code == 400, response.content
    assert "url" in response.json()
    assert not WebhookSubscription.objects.exists()
    # Nor can an existing subscription be moved there.
    dns.answers["crm.example.com"] = [[PUBLIC_ADDRESS]]
    existing = subscribe_through_api(client, "https://crm.example.com/hook")
    assert existing.status_code == 201, existing.content
    moved = client.patch(
        f"{URL}{existing.json()['id']}/", {"url": f"https://{EVIL_HOST}/hook"}, format="json"
    )
    assert moved.status_code == 400
    assert "url" in moved.json()
    assert WebhookSubscription.objects.get().url == "https://crm.example.com/hook"


@pytest.mark.django_db
def test_allowing_private_hosts_lets_a_local_receiver_in_but_never_the_metadata_service(
    api_as, dpo, dns, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    dns.answers["metadata.google.internal"] = [["169.254.169.254"]]
    client = api_as(dpo)

    assert subscribe_through_api(client, "http://127.0.0.1:8080/hook").status_code == 201
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://metadata.google.internal/computeMetadata/v1/",
    ):
        response = subscribe_through_api(client, url)
        assert response.status_code == 400, url
        assert "url" in response.json()


def test_a_host_that_turns_private_after_subscribing_is_refused_at_delivery_unreached(
    deliveries_sent, one_attempt, api_as, dpo, dns, receiver
):
    # Public while the DPO subscribes; then the attacker points the name at the receiver.
    dns.answers[EVIL_HOST] = [[PUBLIC_ADDRESS]]
    client = api_as(dpo)
    created = subscribe_through_api(client, receiver.url(host=EVIL_HOST))
    assert created.status_code == 201, created.content
    dns.answers[EVIL_HOST] = [["127.0.0.1"]]

    delivery = ping_and_wait(client, created.json()["id"])

    assert receiver.requests == []
    assert (delivery.status, delivery.last_outcome) == ("failed", "refused_address")
    (row,) = client.get(f"{URL}{created.json()['id']}/deliveries/").json()["results"]
    assert (row["status"], row["last_status_code"], row["last_error"]) == (
        "failed",
        None,
        "refused_address",
    )


def test_a_delivery_connects_only_to_the_address_it_checked(
    deliveries_sent, one_attempt, api_as, dpo, dns, receiver, monkeypatch
):
    # DNS rebinding: each lookup after the first answers loopback, where the receiver listens.
    # Only a second lookup, made to connect, would reach it.
    dns.answers[EVIL_HOST] = [[PUBLIC_ADDRESS]]
    client = api_as(dpo)
    created = subscribe_through_api(client, receiver.url(host=EVIL_HOST))
    assert created.status_code == 201, created.content
    dns.answers[EVIL_HOST] = [[PUBLIC_ADDRESS], ["127.0.0.1"]]
    # Nothing leaves this machine: a connection to anything but loopback is refused here.
    attempted = []
    real_connect = socket.socket.connect

    def connect_on_loopback_only(sock, address):
        if address[0] == PUBLIC_ADDRESS:
            attempted.append(tuple(address[:2]))
            raise ConnectionRefusedError("test: nothing leaves this machine")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect_on_loopback_only)

    delivery = ping_and_wait(client, created.json()["id"])

    assert attempted == [(PUBLIC_ADDRESS, receiver.port)]
    assert receiver.requests == []
    assert (delivery.status, delivery.last_outcome) == ("failed", "connection_error")


def test_a_row_written_around_the_api_is_still_refused_at_delivery(
    deliveries_sent, one_attempt, api_as, dpo, receiver
):
    # An older subscription, or one written by hand: the delivery checks it again.
    subscription = subscribe(f"http://2130706433:{receiver.port}/hook", ["dsar.completed"])

    delivery = ping_and_wait(api_as(dpo), subscription.pk)

    assert receiver.requests == []
    assert (delivery.status, delivery.last_outcome) == ("failed", "refused_address")


def test_the_delivery_log_shows_the_class_of_an_answer_never_its_code_nor_its_body(
    deliveries_sent, one_attempt, private_hosts_allowed, api_as, dpo, receiver, client
):
    receiver.answers = [418]
    answering = subscribe(receiver.url(), ["dsar.completed"])
    # A closed loopback port: the scan's other half.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    silent = subscribe(f"http://127.0.0.1:{closed_port}/hook", ["dsar.completed"])
    api = api_as(dpo)

    assert ping_and_wait(api, answering.pk).last_outcome == "4xx"
    assert ping_and_wait(api, silent.pk).last_outcome == "connection_error"

    (answered,) = api.get(f"{URL}{answering.pk}/deliveries/").json()["results"]
    (unanswered,) = api.get(f"{URL}{silent.pk}/deliveries/").json()["results"]
    assert (answered["last_status_code"], answered["last_error"]) == ("4xx", "")
    assert (unanswered["last_status_code"], unanswered["last_error"]) == (None, "connection_error")
    for row in (answered, unanswered):
        assert not any(isinstance(value, int) and value >= 100 for value in row.values())
        assert "418" not in str(row["last_status_code"]) + row["last_error"]
        assert "receiver says" not in str(row)
        assert "refused" not in row["last_error"].lower()
    client.force_login(dpo.user)
    page = client.get("/privacy/webhooks/").content.decode()
    assert "Refused by the receiver (4xx)" in page
    assert "No answer" in page
    assert "receiver says" not in page
    assert "Errno" not in page
    without_urls = page.replace(receiver.url(), "").replace(silent.url, "")
    assert "418" not in without_urls
