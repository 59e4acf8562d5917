"""Health, JSON errors, employees and social accounts through the API."""

import pytest

from people.models import Employee, SocialAccount
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def test_health_needs_no_login_and_checks_the_database(client):
    response = client.get("/api/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


def test_unknown_api_paths_answer_json_404(client):
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_schema_and_docs_are_served(client, rep):
    client.force_login(rep.user)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_hr_creates_an_employee_and_others_cannot(api_as, hr, rep):
    body = {"username": "newrep", "role": "rep", "hire_date": "2026-01-05", "manager": None}
    assert api_as(rep).post("/api/employees/", body, format="json").status_code == 403
    response = api_as(hr).post("/api/employees/", body, format="json")
    assert response.status_code == 201
    created = response.json()
    assert created["username"] == "newrep"
    assert created["status"] == "active"
    assert created["hire_date"] == "2026-01-05"
    assert set(created) == {
        "id",
        "username",
        "role",
        "status",
        "hire_date",
        "departure_date",
        "manager",
    }


def test_an_unknown_role_is_a_400_naming_the_field(api_as, hr):
    response = api_as(hr).post("/api/employees/", {"username": "x1", "role": "ceo"}, format="json")
    assert response.status_code == 400
    assert "role" in response.json()


def test_status_cannot_be_mass_assigned(api_as, hr):
    response = api_as(hr).post(
        "/api/employees/", {"username": "x2", "role": "rep", "status": "departed"}, format="json"
    )
    assert response.status_code == 201
    assert Employee.objects.get(user__username="x2").status == "active"


def test_who_sees_which_employees(api_as, rep, manager, hr):
    rep.manager = manager
    rep.save()
    other = EmployeeFactory()

    def usernames(employee):
        return {e["username"] for e in api_as(employee).get("/api/employees/").json()["results"]}

    assert usernames(rep) == {rep.user.username}
    assert usernames(manager) == {manager.user.username, rep.user.username}
    assert other.user.username in usernames(hr)
    assert api_as(rep).get(f"/api/employees/{other.pk}/").status_code == 404


def test_social_accounts_belong_to_the_caller_and_hold_no_credentials(api_as, rep):
    other = EmployeeFactory()
    SocialAccount.objects.create(employee=other, network="x", handle="someone-else")
    response = api_as(rep).post(
        "/api/social-accounts/",
        {
            "network": "linkedin",
            "handle": "me",
            "profile_url": "https://linkedin.com/in/me",
            "password": "s3cret",
        },
        format="json",
    )
    assert response.status_code == 201
    assert set(response.json()) == {"id", "network", "handle", "profile_url"}
    listed = api_as(rep).get("/api/social-accounts/").json()["results"]
    assert [a["handle"] for a in listed] == ["me"]


def test_an_unknown_network_is_a_400_naming_the_field(api_as, rep):
    response = api_as(rep).post(
        "/api/social-accounts/", {"network": "myspace", "handle": "me"}, format="json"
    )
    assert response.status_code == 400
    assert "network" in response.json()


def test_a_social_account_registered_twice_is_400_on_handle(api_as, rep):
    body = {"network": "linkedin", "handle": "jane-doe"}
    assert api_as(rep).post("/api/social-accounts/", body, format="json").status_code == 201
    again = api_as(rep).post("/api/social-accounts/", body, format="json")
    assert again.status_code == 400
    assert list(again.json()) == ["handle"]
