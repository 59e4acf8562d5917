import factory
from django.utils import timezone

from dsar.models import DataSubjectRequest
from dsar.rules import due_at_for
from socialcrm.lib import crypto


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
