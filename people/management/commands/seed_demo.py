import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from people.models import Network, SocialAccount
from people.services import employee_upsert

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
            employees[username], _ = employee_upsert(
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
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, _, _ in DEMO_EMPLOYEES:
            self.stdout.write(f"  {username:<6} {role}")
