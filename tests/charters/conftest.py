"""Every charters test starts with the four charters in force."""

import pytest


@pytest.fixture(autouse=True)
def charters(charters_in_force):
    return charters_in_force


@pytest.fixture
def new_rep(api_as, hr):
    """A rep HR just created through the API: nothing acknowledged, no training."""
    from people.models import Employee

    response = api_as(hr).post(
        "/api/employees/", {"username": "newcomer", "role": "rep"}, format="json"
    )
    assert response.status_code == 201
    return Employee.objects.get(pk=response.json()["id"])
