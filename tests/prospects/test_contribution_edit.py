"""Editing a prospect cannot change the owner's contribution decision behind their back."""

import pytest

from tests.factories import ProspectFactory
from tests.prospects.conftest import BEFORE_HIRE

pytestmark = pytest.mark.django_db


@pytest.fixture
def pre_hire_contact(rep):
    return ProspectFactory(owner=rep, provenance="pre_hire", collected_at=BEFORE_HIRE)


def test_the_owner_contributes_a_pre_hire_contact_by_editing_it(api_as, rep, pre_hire_contact):
    answer = api_as(rep).patch(
        f"/api/prospects/{pre_hire_contact.pk}/", {"contributed": True}, format="json"
    )
    assert answer.status_code == 200
    pre_hire_contact.refresh_from_db()
    assert pre_hire_contact.contributed and pre_hire_contact.contributed_at is not None


def test_their_manager_cannot_contribute_it_for_them(api_as, team, manager, pre_hire_contact):
    answer = api_as(manager).patch(
        f"/api/prospects/{pre_hire_contact.pk}/", {"contributed": True}, format="json"
    )
    assert answer.status_code == 400
    assert "contributed" in answer.json()
    pre_hire_contact.refresh_from_db()
    assert not pre_hire_contact.contributed


def test_a_departing_rep_can_no_longer_change_it(api_as, rep, pre_hire_contact):
    rep.status = "offboarding"
    rep.save()
    answer = api_as(rep).patch(
        f"/api/prospects/{pre_hire_contact.pk}/", {"contributed": True}, format="json"
    )
    assert answer.status_code == 400
    assert "contributed" in answer.json()
    pre_hire_contact.refresh_from_db()
    assert not pre_hire_contact.contributed
