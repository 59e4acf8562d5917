"""The home page each role lands on, and the social accounts page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from people.models import SocialAccount
from tests.factories import EmployeeFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db


def home_as(client, employee) -> str:
    client.force_login(employee.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_home_needs_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_rep_sees_their_status_and_their_accounts(client, rep):
    SocialAccountFactory(
        employee=rep, handle="alice-sells", profile_url="https://www.linkedin.com/in/alice-sells"
    )
    SocialAccountFactory(handle="someone-elses")
    page = home_as(client, rep)
    assert "Active" in page
    assert "alice-sells" in page
    assert "someone-elses" not in page
    assert reverse("social-accounts") in page
    assert "Employees" not in page
    assert reverse("api-audit") not in page


def test_a_rep_without_accounts_is_invited_to_register_one(client, rep):
    page = home_as(client, rep)
    assert "You have not registered the personal accounts you prospect with yet." in page
    assert "Register an account" in page


def test_a_manager_sees_their_reports_and_no_one_else(client, manager):
    EmployeeFactory(user__username="report-one", manager=manager)
    EmployeeFactory(user__username="outsider")
    page = home_as(client, manager)
    assert "Your team" in page
    assert "report-one" in page
    assert "outsider" not in page


def test_a_manager_without_reports_gets_an_empty_state(client, manager):
    assert "Nobody reports to you yet." in home_as(client, manager)


def test_hr_sees_every_employee_with_role_status_and_hire_date(client, hr):
    EmployeeFactory(user__username="leaving", role="rep", status="offboarding")
    page = home_as(client, hr)
    assert "leaving" in page
    assert "Offboarding" in page
    assert "Sales rep" in page
    assert "1 Mar 2024" in page
    assert reverse("api-docs") not in page
    assert reverse("social-accounts") not in page


@pytest.mark.parametrize("persona", ["dpo", "admin_employee"])
def test_dpo_and_admin_get_the_api_docs_and_the_audit_trail(client, request, persona):
    page = home_as(client, request.getfixturevalue(persona))
    assert reverse("api-docs") in page
    assert reverse("api-audit") in page
    assert "Employees" not in page


def test_a_superuser_without_employee_profile_still_gets_the_admin_links(client):
    user = get_user_model().objects.create_superuser("root", password="unused-password-123")
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("admin:index") in page
    assert "root · Administrator" in page
    assert "no employee profile" not in page


def test_a_login_without_employee_profile_is_told_to_ask_hr(client):
    user = get_user_model().objects.create_user("orphan", password="unused-password-123")
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert "Ask HR to create it." in page


@pytest.mark.parametrize("persona", ["rep", "manager", "hr", "dpo", "admin_employee"])
def test_every_link_on_the_home_page_leads_to_a_page_that_exists(client, request, persona):
    page = home_as(client, request.getfixturevalue(persona))
    links = set(re.findall(r'href="(/[^"]*)"', page)) - {
        "/static/css/app.css",
        "/static/favicon.svg",
    }
    assert links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_hr_home_costs_the_same_queries_for_many_employees(
    client, hr, django_assert_num_queries
):
    EmployeeFactory.create_batch(3)
    client.force_login(hr.user)
    with django_assert_num_queries(5) as few:
        client.get(reverse("home"))
    EmployeeFactory.create_batch(20, manager=hr)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


def test_the_manager_home_costs_the_same_queries_for_a_bigger_team(
    client, manager, django_assert_num_queries
):
    EmployeeFactory(manager=manager)
    client.force_login(manager.user)
    # The team card and "Today" (follow-ups, notices of the team's list, replies waiting).
    with django_assert_num_queries(12) as few:
        client.get(reverse("home"))
    EmployeeFactory.create_batch(10, manager=manager)
    SocialAccountFactory.create_batch(3, employee=manager)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


def test_registering_the_same_account_twice_is_refused_with_a_message(client, rep):
    SocialAccountFactory(employee=rep, network="linkedin", handle="alice")
    client.force_login(rep.user)
    response = client.post(reverse("social-accounts"), {"network": "linkedin", "handle": "alice"})
    assert response.status_code == 200
    assert response.context["form"].errors["handle"] == [
        "You have already registered this account."
    ]
    assert SocialAccount.objects.filter(employee=rep).count() == 1


def test_a_login_without_employee_profile_gets_no_registration_form(client):
    user = get_user_model().objects.create_user("orphan", password="unused-password-123")
    client.force_login(user)
    response = client.post(reverse("social-accounts"), {"network": "x", "handle": "someone"})
    assert response.status_code == 200
    assert "Ask HR to create it." in response.content.decode()
    assert 'name="handle"' not in response.content.decode()
    assert not SocialAccount.objects.exists()
