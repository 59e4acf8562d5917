"""Two sales teams around the ``rep`` persona, and a prospect of the rep's."""

import datetime

import pytest

from prospects import services
from tests.factories import EmployeeFactory

# The rep was hired on 1 March 2024 (EmployeeFactory); these sit on either side of it.
BEFORE_HIRE = datetime.datetime(2024, 2, 29, 12, 0, tzinfo=datetime.UTC)
ON_HIRE_DATE = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def team(rep, manager):
    """The rep and a teammate report to ``manager``."""
    rep.manager = manager
    rep.save()
    return {"rep": rep, "teammate": EmployeeFactory(role="rep", manager=manager)}


@pytest.fixture
def teammate(team):
    return team["teammate"]


@pytest.fixture
def other_manager(db):
    return EmployeeFactory(role="manager")


@pytest.fixture
def outsider(other_manager):
    return EmployeeFactory(role="rep", manager=other_manager)


@pytest.fixture
def create_prospect():
    """A prospect stored through the service, as its owner adds it."""

    def create(owner, **data):
        data.setdefault("full_name", "Élodie Durand")
        return services.prospect_create(actor=owner.user, owner=owner, data=data)

    return create


@pytest.fixture
def prospect(team, create_prospect):
    return create_prospect(
        team["rep"],
        email="elodie.durand@example.com",
        company="Durand SA",
        collected_at=ON_HIRE_DATE,
    )
