from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from people.models import Employee

pytestmark = pytest.mark.django_db


def test_add_employee_creates_then_updates_without_duplicating(capsys):
    call_command(
        "add_employee", "lea", role="rep", hire_date="2025-02-03", password="a-long-password-1"
    )
    call_command("add_employee", "chief", role="manager")
    call_command("add_employee", "lea", role="rep", hire_date="2025-02-10", manager="chief")
    employee = Employee.objects.get(user__username="lea")
    assert Employee.objects.filter(user__username="lea").count() == 1
    assert str(employee.hire_date) == "2025-02-10"
    assert employee.manager.user.username == "chief"
    assert employee.user.check_password("a-long-password-1")
    assert "a-long-password-1" not in capsys.readouterr().out


def test_add_employee_names_a_bad_date_and_unknown_manager():
    with pytest.raises(CommandError, match="--hire-date"):
        call_command("add_employee", "x", role="rep", hire_date="03/02/2025")
    with pytest.raises(CommandError, match="--manager"):
        call_command("add_employee", "x", role="rep", manager="ghost")


def test_seed_demo_creates_every_role_and_is_rerunnable(capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    roles = set(Employee.objects.values_list("role", flat=True))
    assert roles == {"rep", "manager", "dpo", "hr", "admin"}
    assert "alice" in capsys.readouterr().out
    # Alice's home opens on one follow-up due today, not one per run.
    from prospects.followups import follow_ups_due_for

    alice = Employee.objects.get(user__username="alice")
    assert follow_ups_due_for(alice.user).count() == 1


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")
    call_command("seed_demo", force=True)


def test_seed_demo_says_where_each_role_starts_and_every_such_page_opens(client, settings):
    import re

    from socialcrm.management.commands.seed_demo import DEMO_EMPLOYEES, DEMO_PASSWORD, FIRST_STOP

    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    for username, role, _hire, _manager in DEMO_EMPLOYEES:
        line = next(line for line in out.getvalue().splitlines() if line.split()[:1] == [username])
        assert FIRST_STOP[role] in line
        signed_in = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        assert signed_in.status_code == 302, username
        for path in re.findall(r"(/[\w/-]*/)", FIRST_STOP[role]):
            assert client.get(path).status_code == 200, (username, path)
        client.logout()
