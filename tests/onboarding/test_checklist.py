"""The onboarding checklist: opened when an employee is created, ticked by the real state."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from charters.selectors import current_versions
from onboarding.models import Onboarding
from onboarding.services import charter_acknowledge, training_record
from people.services import social_account_create
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def items(client, employee):
    response = client.get(f"/api/employees/{employee.pk}/onboarding/")
    assert response.status_code == 200, response.json()
    return {item["key"]: item for item in response.json()["items"]}, response.json()


def test_creating_an_employee_through_the_api_opens_the_checklist(api_as, hr, new_rep):
    onboarding = Onboarding.objects.get(employee=new_rep)
    assert onboarding.opened_by == hr.user and onboarding.completed_at is None
    checklist, body = items(api_as(new_rep), new_rep)
    assert body["complete"] is False and body["opened_at"] is not None
    assert checklist["charters"] == {
        "key": "charters",
        "status": "pending",
        "done": 0,
        "total": 4,
        "valid_until": None,
        "decided_at": None,
    }
    assert checklist["training"]["status"] == "pending"
    assert checklist["social_accounts"]["status"] == "pending"
    # No pre-hire contact yet: nothing to decide, and they would stay the rep's anyway.
    assert checklist["contribution_agreement"]["status"] == "not_applicable"


def test_the_add_employee_command_opens_it_too_once(db):
    call_command("add_employee", "camille", "--role", "rep", "--hire-date", "2026-02-02")
    call_command("add_employee", "camille", "--role", "manager")
    assert Onboarding.objects.filter(employee__user__username="camille").count() == 1


def test_items_follow_the_real_state_and_the_checklist_completes(api_as, hr, new_rep, add_contact):
    client = api_as(new_rep)
    for version in current_versions():
        charter_acknowledge(employee=new_rep, version=version, via="api")
    training_record(actor=hr.user, employee=new_rep, completed_at=timezone.localdate())
    checklist, body = items(client, new_rep)
    assert checklist["charters"]["status"] == "done" and checklist["charters"]["done"] == 4
    assert checklist["training"]["status"] == "done"
    assert checklist["training"]["valid_until"] is not None
    social_account_create(employee=new_rep, network="linkedin", handle="newcomer")
    add_contact(new_rep)
    checklist, body = items(client, new_rep)
    assert checklist["social_accounts"] == {**checklist["social_accounts"], "status": "done"}
    # A pre-hire contact now exists: the rep must decide about it.
    assert checklist["contribution_agreement"]["status"] == "pending"
    assert checklist["contribution_agreement"]["total"] == 1
    assert body["complete"] is False

    client.post("/api/prospects/contribution/", {"all": True, "contribute": True}, format="json")
    checklist, body = items(client, new_rep)
    assert checklist["contribution_agreement"]["status"] == "done"
    assert checklist["contribution_agreement"]["done"] == 1
    assert body["complete"] is True and body["completed_at"] is not None
    # Once complete it stays complete: a later charter version is the gate's business.
    Onboarding.objects.filter(employee=new_rep).update(completed_at=timezone.now())
    from charters.models import Charter, CharterVersion

    CharterVersion.objects.create(
        charter=Charter.objects.get(kind="social_selling"),
        version=2,
        title_en="t",
        title_fr="t",
        text_en="x",
        text_fr="x",
        effective_date=timezone.localdate(),
        required_for_prospecting=True,
        staff_consulted_on=timezone.localdate(),
    )
    checklist, body = items(client, new_rep)
    assert checklist["charters"]["status"] == "pending" and body["complete"] is True


def test_an_expired_training_does_not_tick_the_item(api_as, hr, new_rep):
    training_record(
        actor=hr.user,
        employee=new_rep,
        completed_at=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2025, 1, 1),
    )
    checklist, _ = items(api_as(new_rep), new_rep)
    assert checklist["training"]["status"] == "pending"


def test_non_sales_roles_only_acknowledge_charters(api_as, admin_employee):
    # An administrator: only they create a DPO (API.md v2).
    response = api_as(admin_employee).post(
        "/api/employees/", {"username": "newdpo", "role": "dpo"}, format="json"
    )
    from people.models import Employee

    newdpo = Employee.objects.get(pk=response.json()["id"])
    checklist, _ = items(api_as(newdpo), newdpo)
    assert list(checklist) == ["charters"]


def test_the_checklist_is_for_oneself_hr_and_admins_only(api_as, hr, new_rep, admin_employee, dpo):
    url = f"/api/employees/{new_rep.pk}/onboarding/"
    for viewer in (new_rep, hr, admin_employee):
        assert api_as(viewer).get(url).status_code == 200
    boss = EmployeeFactory(role="manager")
    new_rep.manager = boss
    new_rep.save()
    stranger = EmployeeFactory(role="rep")
    for outsider in (boss, dpo, stranger):
        assert api_as(outsider).get(url).status_code == 404
    assert api_as(hr).get("/api/employees/999999/onboarding/").status_code == 404


def test_the_new_reps_home_shows_the_checklist_until_complete(client, hr, new_rep):
    client.force_login(new_rep.user)
    html = client.get("/").content.decode()
    assert "Your onboarding" in html and "Acknowledge the charters" in html
    assert 'data-onboarding="open"' in html
    Onboarding.objects.filter(employee=new_rep).update(
        completed_at=timezone.now() - datetime.timedelta(days=30)
    )
    assert "Your onboarding" not in client.get("/").content.decode()
    # People created before onboarding existed have no checklist to show.
    veteran = EmployeeFactory(role="rep", compliant=True)
    client.force_login(veteran.user)
    assert "Your onboarding" not in client.get("/").content.decode()


def test_hr_sees_progress_counts_but_no_prospect_data(client, hr, new_rep, add_contact):
    contact = add_contact(new_rep, full_name="Gabrielle Secret", email="g.secret@example.com")
    client.force_login(hr.user)
    page = client.get("/hr/onboarding/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-employee="newcomer"' in html
    assert "0/4" in html and "0/1" in html  # charters acknowledged, pre-hire contacts contributed
    assert contact.full_name not in html and "g.secret" not in html and str(contact.pk) not in html


def test_the_hr_page_costs_the_same_queries_for_more_newcomers(
    client, api_as, hr, django_assert_max_num_queries
):
    def hire(n):
        api_as(hr).post("/api/employees/", {"username": f"hire{n}", "role": "rep"}, format="json")

    hire(0)
    client.force_login(hr.user)
    # Session, user, role (and its permissions), the page and its count, one query per kind of
    # checklist item: the same bound for one newcomer and for eight.
    with django_assert_max_num_queries(14):
        client.get("/hr/onboarding/")
    for n in range(1, 8):
        hire(n)
    with django_assert_max_num_queries(14):
        assert "hire7" in client.get("/hr/onboarding/").content.decode()


@pytest.mark.parametrize("role", ["rep", "manager", "dpo"])
def test_only_hr_and_admins_open_the_onboarding_page(client, role, request, admin_employee):
    client.force_login(request.getfixturevalue(role).user)
    assert client.get("/hr/onboarding/").status_code == 403
    client.force_login(admin_employee.user)
    assert client.get("/hr/onboarding/").status_code == 200


def test_hr_page_empty_state(client, hr):
    client.force_login(hr.user)
    assert "No onboarding yet" in client.get("/hr/onboarding/").content.decode()


def test_my_onboarding_page_shows_each_step_and_links_to_what_is_left(client, new_rep):
    client.force_login(new_rep.user)
    html = client.get("/me/onboarding/").content.decode()
    assert 'data-item="charters" data-status="pending"' in html
    assert "/me/compliance/" in html and "/me/accounts/" in html
    assert 'data-onboarding="open"' in html
    Onboarding.objects.filter(employee=new_rep).update(completed_at=timezone.now())
    assert 'data-onboarding="complete"' in client.get("/me/onboarding/").content.decode()


@pytest.mark.parametrize("last", ["training", "charter"])
def test_the_training_or_the_charter_that_was_last_to_do_completes_the_checklist(
    api_as, hr, new_rep, last
):
    """Through the API as HR and the rep use it: whichever item is done last stamps it."""
    from audit.models import AuditEvent

    social_account_create(employee=new_rep, network="linkedin", handle="newcomer")
    versions = list(current_versions())

    def record_training():
        response = api_as(hr).post(
            "/api/trainings/",
            {"employee": new_rep.pk, "completed_at": timezone.localdate().isoformat()},
            format="json",
        )
        assert response.status_code == 201, response.json()

    def acknowledge(version):
        response = api_as(new_rep).post(f"/api/charters/{version.pk}/acknowledge/")
        assert response.status_code == 201, response.json()

    if last == "charter":
        record_training()
    for version in versions[:-1]:
        acknowledge(version)
    if last == "training":
        acknowledge(versions[-1])
    onboarding = Onboarding.objects.get(employee=new_rep)
    assert onboarding.completed_at is None
    if last == "training":
        record_training()
    else:
        acknowledge(versions[-1])
    onboarding.refresh_from_db()
    assert onboarding.completed_at is not None
    assert AuditEvent.objects.filter(
        action="onboarding.completed", object_id=str(onboarding.pk)
    ).exists()
