"""One company, built once per module, for the role matrix and the scoping tests.

Two teams: the owner rep and a teammate under one manager, an outsider rep under
another manager; the DPO, HR, an administrator, and a rep on their way out. Each
owns real objects (a prospect, its consent, an outreach, an import, a deal, an
offboarding case...) so every detail route resolves to something that exists.

Built once per module inside a transaction that is rolled back at the end; every
test runs in its own savepoint inside it (pytest-django's ``db``), so what one
test writes is gone before the next.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from charters.selectors import current_versions
from consent.models import ConsentEvent, OutreachAttempt
from content import services as content_services
from core import crypto
from deals.models import Deal
from dsar.models import DataSubjectRequest
from imports.models import ImportJob
from offboarding import services as offboarding_services
from people.models import Employee
from prospects import services as prospect_services
from tests.conftest import api_client_for
from tests.factories import EmployeeFactory, SocialAccountFactory
from webhooks.models import WebhookSubscription

ROLES = ("owner", "teammate", "other_manager", "dpo", "hr", "admin")
QUICK_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Company:
    people: dict[str, Employee]
    objects: dict[str, object] = field(default_factory=dict)
    # Per kind of object, the ids belonging to each person: what scoping is checked against.
    owned: dict[str, dict[str, set]] = field(default_factory=dict)

    def client(self, role: str):
        return api_client_for(self.people[role])


def _prospect(owner: Employee, name: str):
    return prospect_services.prospect_create(
        actor=owner.user,
        owner=owner,
        data={
            "full_name": name,
            "email": f"{name.lower().replace(' ', '.')}@example.com",
            "lawful_basis": "legitimate_interest",
        },
    )


def _consent(prospect):
    return ConsentEvent.objects.create(
        prospect=prospect,
        channel="email",
        action="grant",
        evidence="web_form",
        occurred_at=timezone.now(),
    )


def _outreach(prospect):
    return OutreachAttempt.objects.create(
        employee=prospect.owner,
        prospect=prospect,
        channel="email",
        decision="allow",
        rules_version="test",
        created_at=timezone.now(),
    )


def _deal(prospect):
    return Deal.objects.create(
        prospect=prospect, owner=prospect.owner, product="Licence", amount="100.00"
    )


def _dsar(**extra):
    email = extra.pop("email")
    return DataSubjectRequest.objects.create(
        type="access",
        email=email,
        email_index=crypto.blind_index("email", email),
        received_at=timezone.now(),
        due_at=timezone.now() + datetime.timedelta(days=30),
        **extra,
    )


def build_company() -> Company:
    manager = EmployeeFactory(role="manager", compliant=True)
    other_manager = EmployeeFactory(role="manager", compliant=True)
    people = {
        "owner": EmployeeFactory(role="rep", manager=manager, compliant=True),
        "teammate": EmployeeFactory(role="rep", manager=manager, compliant=True),
        "manager": manager,
        "other_manager": other_manager,
        "outsider": EmployeeFactory(role="rep", manager=other_manager, compliant=True),
        "dpo": EmployeeFactory(role="dpo"),
        "hr": EmployeeFactory(role="hr"),
        "admin": EmployeeFactory(role="admin", user__is_staff=True, user__is_superuser=True),
        "leaver": EmployeeFactory(role="rep", manager=other_manager, compliant=True),
    }
    company = Company(people=people)
    objects = company.objects

    sales = ("owner", "teammate", "manager", "other_manager", "outsider")
    owned: dict[str, dict[str, set]] = {
        kind: {}
        for kind in ("prospects", "consents", "outreach", "deals", "imports", "social_accounts")
    }
    for who in sales:
        person = people[who]
        prospect = _prospect(person, f"Scoped {who.replace('_', ' ').title()}")
        consent, outreach, deal = _consent(prospect), _outreach(prospect), _deal(prospect)
        job = ImportJob.objects.create(owner=person)
        account = SocialAccountFactory(employee=person)
        for kind, obj in (
            ("prospects", prospect),
            ("consents", consent),
            ("outreach", outreach),
            ("deals", deal),
            ("imports", job),
            ("social_accounts", account),
        ):
            owned[kind][who] = {obj.pk}
            objects.setdefault(kind, {})[who] = obj
    company.owned = owned

    draft = content_services.content_create(
        actor=manager.user,
        author=manager,
        kind="message",
        title="Hello",
        body="Bonjour, je me permets de vous écrire au sujet de nos licences.",
        language="fr",
        channels=["email"],
        networks=[],
        valid_from=timezone.localdate(),
        valid_until=None,
    )
    content_services.content_approve(
        actor=people["dpo"].user, approver=people["dpo"], item=draft.item
    )
    objects["content"] = draft.item
    objects["charter_version"] = current_versions().first()
    objects["dsar"] = _dsar(email="subject@example.com", received_via="email")
    objects["forwarded_dsar"] = _dsar(
        email="forwarded@example.com",
        received_via="employee_account",
        forwarded_by=people["owner"],
    )
    objects["offboarding"] = offboarding_services.offboarding_create(
        actor=people["hr"].user,
        employee=people["leaver"],
        departure_date=timezone.localdate() + datetime.timedelta(days=14),
        successor=people["outsider"],
    )
    # Mail the app sent: an outreach with its objection link, and a requester's mail.
    from consent import optout
    from dsar.models import DsarMail
    from mail import services as mail_services

    owner_prospect = objects["prospects"]["owner"]
    outreach_mail = mail_services.queue(
        kind="outreach",
        to="scoped.owner@example.com",
        subject="Bonjour",
        text=f"Bonjour\n\n{optout.objection_url(prospect=owner_prospect, channel='email')}",
    )
    objects["outreach"]["owner"].mail = outreach_mail
    objects["outreach"]["owner"].save(update_fields=["mail"])
    DsarMail.objects.create(
        request=objects["dsar"],
        mail=mail_services.queue(
            kind="dsar.verification", to="subject@example.com", subject="Confirm", text="Link"
        ),
        purpose="verification",
    )
    objects["webhook"] = WebhookSubscription.objects.create(
        url="https://hooks.example.net/socialcrm",
        secret="matrix-secret-0123456789",
        events=["opposition.created"],
    )
    return company


@pytest.fixture(scope="module")
def company(django_db_setup, django_db_blocker):
    """The company, shared by the module's tests; rolled back once they are done."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # Nobody here logs in with a password (tokens, force_login): skip the slow hash.
            with override_settings(PASSWORD_HASHERS=QUICK_HASHING):
                built = build_company()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
