"""The seeded charters, restored when a transactional test elsewhere flushed the tables."""

import importlib

import pytest
from django.apps import apps

seed = importlib.import_module("charters.migrations.0002_seed_charters")


@pytest.fixture(autouse=True)
def charters(db):
    seed.create_charters(apps, None)


@pytest.fixture
def new_rep(api_as, hr):
    """A rep HR just created through the API: nothing acknowledged, no training."""
    from people.models import Employee

    response = api_as(hr).post(
        "/api/employees/", {"username": "newcomer", "role": "rep"}, format="json"
    )
    assert response.status_code == 201
    return Employee.objects.get(pk=response.json()["id"])
