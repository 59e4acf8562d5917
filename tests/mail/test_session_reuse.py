"""One SMTP session carries several mails in a row; a session the server dropped is
replaced without losing or doubling a mail."""

import pytest

from mail import services
from mail.models import MailStatus
from tests.mail.test_delivery import queued

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def undelivered(monkeypatch):
    monkeypatch.setattr(services.outbox, "enqueue", lambda **kwargs: None)


def test_mails_in_a_row_share_a_session_and_a_dropped_one_is_replaced(smtp_server, undelivered):
    first, second, third = (queued(to=f"p{n}@exemple.fr") for n in range(3))
    assert services.deliver(str(first.pk)) is None
    held = services._held.backend
    assert services.deliver(str(second.pk)) is None
    assert services._held.backend is held, "the second mail went over the same session"

    # The server goes away and comes back: the session held is dead.
    smtp_server.stop()
    smtp_server.__init__(port=smtp_server.port)
    smtp_server.start()
    assert services.deliver(str(third.pk)) is None

    for mail in (first, second, third):
        mail.refresh_from_db()
        assert (mail.status, mail.attempts) == (MailStatus.SENT, 1)
    assert [m["To"] for m in smtp_server.messages] == ["p2@exemple.fr"]


def test_a_refused_mail_does_not_leave_its_session_for_the_next(smtp_server, undelivered):
    refused, accepted = queued(to="a@exemple.fr"), queued(to="b@exemple.fr")
    smtp_server.refuse = "451 4.3.0 Try later"
    services.deliver(str(refused.pk))
    assert services._held.backend is None
    smtp_server.refuse = None
    assert services.deliver(str(accepted.pk)) is None
    accepted.refresh_from_db()
    assert accepted.status == MailStatus.SENT
    assert [m["To"] for m in smtp_server.messages] == ["b@exemple.fr"]
