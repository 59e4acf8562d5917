"""Demo users of every role and demo data (``make run``): it touches every app, so it lives in
the project package, above them all, rather than in ``people``."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from onboarding.services import employee_hire
from people.models import Network, SocialAccount

DEMO_PASSWORD = "demo-socialcrm-2026"  # noqa: S105 - printed on purpose, demo only

# username, role, hire date, manager
DEMO_EMPLOYEES = [
    ("marc", "manager", datetime.date(2021, 9, 1), None),
    ("alice", "rep", datetime.date(2024, 3, 1), "marc"),
    ("bruno", "rep", datetime.date(2025, 1, 6), "marc"),
    ("dora", "dpo", datetime.date(2020, 5, 4), None),
    ("hugo", "hr", datetime.date(2019, 11, 18), None),
    ("admin", "admin", datetime.date(2019, 1, 7), None),
]

# Where each role starts, printed with the logins so a newcomer knows where to go first.
FIRST_STOP = {
    "rep": "/ (Today), /prospects/ (import Connections.csv, open a prospect, its Contact panel)",
    "manager": "/team/ (the team's figures and outreach log), /deals/pipeline/, /content/",
    "dpo": "/dpo/ (dashboard), /dsar/ (requests), /privacy/suppression/, /register/",
    "hr": "/offboarding/ (employees, departures), /hr/employees/new/, /hr/onboarding/",
    "admin": "/admin/ (configuration) and /privacy/webhooks/",
}


class Command(BaseCommand):
    help = "Create demo users of every role and demo data (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    @transaction.atomic
    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo refuses to run with DEBUG off (use --force to insist)")
        employees = {}
        for username, role, hire_date, manager in DEMO_EMPLOYEES:
            employees[username], _ = employee_hire(
                actor="manage.py seed_demo",
                username=username,
                role=role,
                hire_date=hire_date,
                manager=employees.get(manager),
                password=DEMO_PASSWORD,
            )
        for username, handle in (("alice", "alice-martin-sales"), ("bruno", "bruno-leroy")):
            SocialAccount.objects.get_or_create(
                employee=employees[username],
                network=Network.LINKEDIN,
                handle=handle,
                defaults={"profile_url": f"https://www.linkedin.com/in/{handle}"},
            )
        self._seed_prospects(employees)
        self._seed_compliance(employees)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, _, _ in DEMO_EMPLOYEES:
            self.stdout.write(f"  {username:<6} {role:<8} start at {FIRST_STOP[role]}")

    def _seed_compliance(self, employees):
        """Alice and Marc may prospect; Bruno has not acknowledged the charters yet (the gate says so)."""
        from charters.models import Training
        from charters.selectors import current_versions
        from onboarding.services import charter_acknowledge, training_record

        for username in ("alice", "marc"):
            employee = employees[username]
            for version in current_versions().filter(required_for_prospecting=True):
                charter_acknowledge(employee=employee, version=version, via="browser")
            if not Training.objects.filter(employee=employee).exists():
                training_record(
                    actor=employees["hugo"].user,
                    employee=employee,
                    completed_at=datetime.date(2026, 9, 15),
                )

    def _seed_prospects(self, employees):
        from prospects.services import ProspectRejected, prospect_create

        paris = datetime.timezone(datetime.timedelta(hours=1))
        for owner, data in DEMO_PROSPECTS:
            collected = datetime.datetime.fromisoformat(data["collected_at"]).replace(tzinfo=paris)
            try:
                # As the rep would have added them.
                prospect_create(
                    actor=employees[owner].user,
                    owner=employees[owner],
                    data={**data, "collected_at": collected},
                )
            except ProspectRejected:
                continue  # already seeded
        self._seed_follow_up(employees["alice"])

    def _seed_follow_up(self, alice):
        """One follow-up due today on Alice's first prospect: her home opens on it."""
        from django.utils import timezone

        from prospects.followups import follow_up_add
        from prospects.models import FollowUp

        first = alice.prospects.order_by("created_at").first()
        if first is None or FollowUp.objects.filter(owner=alice, done_at__isnull=True).exists():
            return
        follow_up_add(
            actor=alice.user,
            prospect=first,
            due_on=timezone.localdate(),
            note="Relancer après le salon",
        )


# owner, values: a pre-hire contact of Alice's, employment contacts, a consumer.
DEMO_PROSPECTS = [
    (
        "alice",
        {
            "full_name": "Claire Dubois",
            "company": "Atelier Nord",
            "job_title": "Directrice achats",
            "kind": "b2b",
            "email": "claire.dubois@atelier-nord.example",
            "network": "linkedin",
            "profile_url": "https://www.linkedin.com/in/claire-dubois-demo",
            "source": "connection",
            "lawful_basis": "legitimate_interest",
            "collected_at": "2022-06-14T10:00:00",
        },
    ),
    (
        "alice",
        {
            "full_name": "Thomas Leroy",
            "company": "Logistique Sud",
            "job_title": "Head of IT",
            "kind": "b2b",
            "profile_url": "https://www.linkedin.com/in/thomas-leroy-demo",
            "network": "linkedin",
            "source": "event",
            "lawful_basis": "legitimate_interest",
            "collected_at": "2025-10-02T15:30:00",
        },
    ),
    (
        "alice",
        {
            "full_name": "Inès Moreau",
            "kind": "b2c",
            "email": "ines.moreau@mail.example",
            "network": "instagram",
            "source": "comment",
            "lawful_basis": "legitimate_interest",
            "collected_at": "2026-09-20T18:00:00",
        },
    ),
    (
        "bruno",
        {
            "full_name": "Paul Garnier",
            "company": "Garnier & Fils",
            "job_title": "CEO",
            "kind": "b2b",
            "profile_url": "https://www.linkedin.com/in/paul-garnier-demo",
            "network": "linkedin",
            "source": "referral",
            "lawful_basis": "legitimate_interest",
            "collected_at": "2026-02-11T09:00:00",
        },
    ),
]
