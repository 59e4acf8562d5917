"""Onboarding tests: the charters in force, a rep HR just created, and their pre-hire contacts."""

import datetime

import pytest

from prospects import services as prospect_services

# The API's new employees are hired today; these contacts were made long before.
BEFORE_HIRE = datetime.datetime(2020, 5, 4, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def charters(charters_in_force):
    return charters_in_force


@pytest.fixture
def new_rep(api_as, hr):
    """A rep HR just created through the API: their onboarding checklist is open."""
    from people.models import Employee

    response = api_as(hr).post(
        "/api/employees/",
        {"username": "newcomer", "role": "rep", "hire_date": "2026-01-05"},
        format="json",
    )
    assert response.status_code == 201
    return Employee.objects.get(pk=response.json()["id"])


@pytest.fixture
def add_contact():
    """A contact of ``owner``'s, by default from their network before the hire."""
    counter = iter(range(10_000))

    def add(owner, *, collected_at=BEFORE_HIRE, **data):
        n = next(counter)
        data.setdefault("full_name", f"Camille Martin{n}")
        data.setdefault("company", "Martin SARL")
        data.setdefault("lawful_basis", "legitimate_interest")
        return prospect_services.prospect_create(
            actor=owner.user, owner=owner, data={"collected_at": collected_at, **data}
        )

    return add
