import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from charters.models import Acknowledgement, Training
from charters.selectors import current_versions
from core import crypto
from people.models import Employee, SocialAccount
from prospects.models import Prospect
from suppression.models import Opposition

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = "rep"
    hire_date = datetime.date(2024, 3, 1)

    @factory.post_generation
    def compliant(obj, create, extracted, **kwargs):
        """``EmployeeFactory(compliant=True)``: charters acknowledged and training valid."""
        if create and extracted:
            make_compliant(obj)


def make_compliant(employee) -> None:
    """Acknowledge every required current charter and record a long-valid training.

    Test personas prospect from day one; the charters tests start from a new rep instead.
    """
    today = timezone.localdate()
    for version in current_versions(today=today).filter(required_for_prospecting=True):
        Acknowledgement.objects.get_or_create(
            employee=employee, version=version, defaults={"at": timezone.now(), "via": "api"}
        )
    Training.objects.create(
        employee=employee,
        completed_at=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2099, 12, 31),
    )


class SocialAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialAccount

    employee = factory.SubFactory(EmployeeFactory)
    network = "linkedin"
    handle = factory.Sequence(lambda n: f"handle-{n}")


class ProspectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prospect

    owner = factory.SubFactory(EmployeeFactory)
    full_name = factory.Sequence(lambda n: f"Prospect Number{n}")
    company = "Acme"
    kind = "b2b"
    provenance = "employment"
    lawful_basis = "legitimate_interest"
    collected_at = factory.LazyFunction(timezone.now)


class OppositionFactory(factory.django.DjangoModelFactory):
    """An objection on the suppression list; pass ``value`` to index a readable identifier."""

    class Meta:
        model = Opposition
        exclude = ("value",)

    identifier_type = "email"
    value = factory.Sequence(lambda n: f"opposed{n}@example.com")
    identifier_index = factory.LazyAttribute(
        lambda o: crypto.blind_index(o.identifier_type, o.value)
    )
    scope = "all"
    source = "prospect_request"
