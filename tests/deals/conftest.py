import pytest

from tests.factories import EmployeeFactory, ProspectFactory


@pytest.fixture
def consumer(rep):
    return ProspectFactory(owner=rep, kind="b2c", full_name="Camille Martin")


@pytest.fixture
def company_buyer(rep):
    return ProspectFactory(owner=rep, kind="b2b", full_name="Dominique Achat")


@pytest.fixture
def outsider(db):
    """A rep of another team: sees none of ``rep``'s prospects."""
    return EmployeeFactory(role="rep", user__username="outsider")
