import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from onboarding.services import employee_hire
from people.models import Employee, Role


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--hire-date must look like YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = "Create a user with its employee profile, or update its role, dates and manager."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--hire-date")
        parser.add_argument("--manager", help="username of the manager")
        parser.add_argument("--password")

    def handle(self, *args, username, role, hire_date, manager, password, **options):
        manager_employee = None
        if manager:
            manager_employee = Employee.objects.filter(user__username=manager).first()
            if manager_employee is None:
                raise CommandError(f"--manager: no employee named {manager!r}")
        try:
            employee, created = employee_hire(
                actor="manage.py add_employee",
                username=username,
                role=role,
                hire_date=_date(hire_date) if hire_date else None,
                manager=manager_employee,
                password=password,
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
        verb = "created" if created else "updated"
        self.stdout.write(
            f"{verb} employee {employee.username} (id {employee.pk}, role {employee.role})"
        )
