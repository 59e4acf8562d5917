"""Saved filters: a user keeps list queries under a name; nobody else sees or deletes them."""

import pytest
from django.urls import reverse

from prospects.models import SavedFilter
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def test_a_saved_filter_shows_as_a_link_above_the_list(client, rep):
    client.force_login(rep.user)
    response = client.post(
        reverse("prospect-filter-save"), {"name": "Overdue", "query": "notice=overdue&page=3"}
    )
    assert response["Location"] == "/prospects/?notice=overdue"
    page = client.get(reverse("prospects")).content.decode()
    assert '<a href="/prospects/?notice=overdue">Overdue</a>' in page


def test_saving_under_the_same_name_replaces_the_query(client, rep):
    client.force_login(rep.user)
    for query in ("q=mor", "q=dur"):
        client.post(reverse("prospect-filter-save"), {"name": "Mine", "query": query})
    assert list(SavedFilter.objects.values_list("name", "query")) == [("Mine", "q=dur")]


@pytest.mark.parametrize(("name", "query"), [("", "q=mor"), ("Empty", ""), ("Page", "page=2")])
def test_a_filter_without_a_name_or_a_query_is_not_saved(client, rep, name, query):
    client.force_login(rep.user)
    client.post(reverse("prospect-filter-save"), {"name": name, "query": query})
    assert not SavedFilter.objects.exists()


def test_deleting_asks_first_and_only_the_owner_can(client, rep):
    saved = SavedFilter.objects.create(user=rep.user, name="Mine", query="q=mor")
    other = EmployeeFactory(role="rep")
    client.force_login(other.user)
    url = reverse("prospect-filter-delete", args=[saved.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert 'href="/prospects/?q=mor"' not in client.get(reverse("prospects")).content.decode()
    client.force_login(rep.user)
    assert "Delete the saved filter “Mine”?" in client.get(url).content.decode()
    assert SavedFilter.objects.exists()
    client.post(url)
    assert not SavedFilter.objects.exists()
