import factory
from django.utils import timezone

from core import crypto
from dsar.models import DataSubjectRequest
from dsar.rules import due_at_for


class DsarFactory(factory.django.DjangoModelFactory):
    """A request identified by e-mail; the blind index follows the value."""

    class Meta:
        model = DataSubjectRequest

    type = "access"
    email = factory.Sequence(lambda n: f"subject{n}@example.com")
    email_index = factory.LazyAttribute(lambda o: crypto.blind_index("email", o.email))
    full_name = "Data Subject"
    received_via = "email"
    received_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda o: due_at_for(o.received_at))


def deliver_queued() -> None:
    """Carry each queued mail to the mail server once, as the worker would (on the embedded
    default the in-process runner carried them already, on commit)."""
    from mail import services
    from mail.models import MailStatus, OutgoingMail

    for pk in OutgoingMail.objects.filter(status=MailStatus.QUEUED).values_list("pk", flat=True):
        services.deliver(str(pk))


def mails_settled(*, timeout: float = 30.0) -> None:
    """Wait until the worker has carried every queued mail (sent, or failed for good)."""
    import time

    from mail.models import MailStatus, OutgoingMail

    deadline = time.monotonic() + timeout
    while OutgoingMail.objects.filter(status=MailStatus.QUEUED).exists():
        assert time.monotonic() < deadline, "a mail is still queued"
        time.sleep(0.1)
