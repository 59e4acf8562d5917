"""Redis down: the gate still answers, and jobs wait in the outbox until the broker is back.

The shared Redis keeps running (other runs use it): the broker and the cache are
pointed at a closed port for the length of a block, then put back.
"""

import contextlib
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from dsar.models import DataSubjectRequest
from outbox.models import OutboxMessage
from outbox.tasks import sweep_outbox
from prospects import services as prospect_services
from socialcrm.celery import app
from tests.dsar.factories import DsarFactory
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.services

DEAD_REDIS = "redis://127.0.0.1:1/0"
DM = "Bonjour, je vous contacte au sujet de votre projet de CRM."


def _point_broker_at(url: str) -> None:
    # Keys carry the CELERY_ namespace of config_from_object (socialcrm/celery.py); the pools
    # are dropped so that the next connection is made to ``url``.
    app.conf.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_unreachable():
    good_url = app.conf.broker_url
    _point_broker_at(DEAD_REDIS)
    try:
        yield
    finally:
        _point_broker_at(good_url)


@contextlib.contextmanager
def redis_unreachable():
    """Neither the broker nor the cache answers."""
    dead_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }
    with broker_unreachable(), override_settings(CACHES=dead_cache, REDIS_URL=DEAD_REDIS):
        # Otherwise the test would prove nothing: both are really out of reach.
        with pytest.raises(redis.ConnectionError):
            cache.get("anything")
        with pytest.raises(BrokerError), app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1)
        yield


def wait_for(predicate, *, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {predicate}")


def test_the_gate_answers_deny_then_allow_without_redis(db, api_as, rep):
    prospect = prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Camille Martin",
            "kind": "b2c",
            "email": "camille.martin@example.fr",
            "profile_url": "https://www.linkedin.com/in/camille-martin",
            "network": "linkedin",
            "lawful_basis": "legitimate_interest",
        },
    )
    client = api_as(rep)
    account = SocialAccountFactory(employee=rep, network="linkedin")  # RULES 11
    check = {
        "prospect": str(prospect.pk),
        "channel": "social_message",
        "social_account": account.pk,
        "content": DM,
    }

    with redis_unreachable():
        denied = client.post("/api/outreach/check/", check, format="json")
        consent = client.post(
            "/api/consents/",
            {
                "prospect": str(prospect.pk),
                "channel": "social_message",
                "action": "grant",
                "evidence": "written_reply",
                "proof": "Answered 'oui, envoyez-moi votre offre' to my DM",
                "wording_shown": "Puis-je vous envoyer notre offre ?",
                "purpose": "prospecting",
            },
            format="json",
        )
        allowed = client.post("/api/outreach/check/", check, format="json")

    assert denied.status_code == 200
    assert denied.json()["decision"] == "deny"
    # A rule's refusal, not the gate failing closed on an internal error.
    codes = [r["code"] for r in denied.json()["reasons"]]
    assert "no_opt_in" in codes
    assert "gate_error" not in codes
    assert consent.status_code == 201
    assert allowed.status_code == 200
    assert allowed.json()["decision"] == "allow"


def test_health_says_the_broker_is_unreachable_and_still_answers(db, client):
    with redis_unreachable():
        response = client.get("/api/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "unreachable"}


def test_a_dsar_executed_while_the_broker_is_down_runs_once_it_is_back(
    transactional_db, request, api_as, dpo, settings, tmp_path
):
    settings.DSAR_EXPORT_DIR = tmp_path / "dsar-exports"
    dsar = DsarFactory(
        verified_at=timezone.now(), verification_method="dpo_decision", status="in_progress"
    )
    client = api_as(dpo)

    with broker_unreachable():
        response = client.post(f"/api/dsar/{dsar.pk}/execute/", {}, format="json")

    assert response.status_code == 202, response.content
    # The job is committed with the request, waiting in the outbox with the reason it waits.
    message = OutboxMessage.objects.get(task_name="dsar.tasks.run_dsar")
    assert message.args == [str(dsar.pk)]
    assert message.sent_at is None
    assert message.last_error
    dsar.refresh_from_db()
    assert dsar.execution == "queued"

    # The broker is back: a real worker starts, and beat's sweep sends what the outbox holds.
    request.getfixturevalue("celery_worker")
    wait_for(lambda: sweep_outbox() or not OutboxMessage.objects.filter(sent_at=None).exists())
    wait_for(lambda: DataSubjectRequest.objects.get(pk=dsar.pk).execution == "done")

    dsar.refresh_from_db()
    assert dsar.status == "completed"
    assert client.get(f"/api/dsar/{dsar.pk}/export/").status_code == 200
    message.refresh_from_db()
    assert message.sent_at is not None


def test_throttled_logins_and_requests_answer_503_while_the_cache_is_down(db, client, rep):
    """The throttles cannot count without their cache: refused, as a 503 to retry, never a 500."""
    lenient = Client(raise_request_exception=False)
    with redis_unreachable():
        token = client.post(
            "/api/auth/token/",
            {"username": rep.user.username, "password": "wrong"},
            content_type="application/json",
        )
        public = client.post(
            "/api/dsar/public/",
            {"type": "access", "email": "jane@example.com", "full_name": "Jane Doe"},
            content_type="application/json",
        )
        login = lenient.post(reverse("login"), {"username": rep.user.username, "password": "wrong"})

    for response in (token, public):
        assert response.status_code == 503
        assert int(response["Retry-After"]) > 0
        assert response.json()["code"] == "unavailable"
    assert login.status_code == 503
    assert "Temporarily unavailable" in login.content.decode()
    assert "Traceback" not in login.content.decode()
