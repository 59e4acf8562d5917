import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from consent.models import Opposition
from people.models import Employee, SocialAccount
from prospects.models import Prospect
from socialcrm.lib import crypto

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

    user = factory.SubFactory(UserFactory)
    role = "rep"
    hire_date = datetime.date(2024, 3, 1)


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
