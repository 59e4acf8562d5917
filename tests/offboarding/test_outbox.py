"""The transactional outbox: a task leaves only with the change that calls for it."""

import pytest
from django.db import transaction

from outbox import services
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_a_rolled_back_change_sends_no_task(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                services.enqueue(task_name="offboarding.tasks.sweep_stalled_steps", args=[])
                raise RuntimeError("the change fails")
        except RuntimeError:
            pass

    assert not OutboxMessage.objects.exists()
    assert callbacks == []


def test_a_committed_message_is_sent_once(monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(
        services.current_app, "send_task", lambda name, **kwargs: sent.append((name, kwargs))
    )
    # Keys carry the CELERY_ namespace of config_from_object (socialcrm/celery.py).
    monkeypatch.setitem(services.current_app.conf, "CELERY_TASK_ALWAYS_EAGER", False)

    with django_capture_on_commit_callbacks(execute=True):
        message = services.enqueue(task_name="offboarding.tasks.run_step", args=[1, "inventory"])

    assert [name for name, _ in sent] == ["offboarding.tasks.run_step"]
    assert sent[0][1]["args"] == [1, "inventory"]
    message.refresh_from_db()
    assert message.sent_at is not None
    assert services.send_pending() == 0
    assert len(sent) == 1
