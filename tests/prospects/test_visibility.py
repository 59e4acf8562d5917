"""Who sees which prospect, through every endpoint, and what the DPO's reads leave behind."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from prospects import selectors, services
from prospects.models import Prospect
from tests.factories import ProspectFactory

pytestmark = pytest.mark.django_db

SEES = ["rep", "manager", "dpo", "admin_employee"]
DOES_NOT_SEE = ["teammate", "outsider", "other_manager", "hr"]


def url(prospect, suffix=""):
    return f"/api/prospects/{prospect.pk}/{suffix}"


def listed_ids(client, query=""):
    response = client.get(f"/api/prospects/{query}")
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("persona", SEES)
def test_the_owner_their_manager_the_dpo_and_admins_see_the_prospect(
    request, api_as, prospect, persona
):
    client = api_as(request.getfixturevalue(persona))
    assert str(prospect.pk) in listed_ids(client)
    detail = client.get(url(prospect))
    assert detail.status_code == 200
    assert detail.json()["email"] == "elodie.durand@example.com"
    assert client.get(url(prospect, "history/")).status_code == 200
    assert client.patch(url(prospect), {"job_title": "CFO"}).status_code == 200


@pytest.mark.parametrize("persona", DOES_NOT_SEE)
def test_everyone_else_gets_404_and_never_the_data(request, api_as, prospect, persona):
    client = api_as(request.getfixturevalue(persona))
    assert str(prospect.pk) not in listed_ids(client)
    for response in (
        client.get(url(prospect)),
        client.get(url(prospect, "history/")),
        client.patch(url(prospect), {"job_title": "CFO"}),
        client.delete(url(prospect)),
    ):
        assert response.status_code == 404
        assert "elodie" not in response.content.decode().lower()
    assert Prospect.objects.get(pk=prospect.pk).job_title == ""


@pytest.mark.parametrize("persona", SEES)
def test_those_who_see_it_may_delete_it(request, api_as, prospect, persona):
    response = api_as(request.getfixturevalue(persona)).delete(url(prospect))
    assert response.status_code == 204
    assert not Prospect.objects.filter(pk=prospect.pk).exists()
    assert not prospect.history.exists()


def test_hr_sees_no_prospect_at_all_and_cannot_add_one(api_as, hr, prospect):
    client = api_as(hr)
    assert listed_ids(client) == set()
    response = client.post("/api/prospects/", {"full_name": "Jean Martin"})
    assert response.status_code == 403
    assert Prospect.objects.count() == 1


def test_a_manager_sees_the_whole_team_but_not_another_team(
    api_as, manager, rep, teammate, outsider, create_prospect
):
    mine = create_prospect(rep, full_name="A")
    teammates = create_prospect(teammate, full_name="B")
    other_team = create_prospect(outsider, full_name="C")
    assert listed_ids(api_as(manager)) == {str(mine.pk), str(teammates.pk)}
    assert listed_ids(api_as(rep)) == {str(mine.pk)}
    assert listed_ids(api_as(outsider)) == {str(other_team.pk)}


def test_without_a_token_the_api_answers_401(client, prospect):
    assert client.get("/api/prospects/").status_code == 401
    assert client.get(url(prospect)).status_code == 401


def test_a_malformed_id_is_a_404(api_as, rep):
    assert api_as(rep).get("/api/prospects/not-a-uuid/").status_code == 404
    with pytest.raises(Http404):
        selectors.prospect_get(user=rep.user, pk="not-a-uuid")


def test_sharing_lets_one_colleague_read_one_prospect(api_as, rep, teammate, create_prospect):
    shared = create_prospect(rep, full_name="Shared One")
    create_prospect(rep, full_name="Not Shared")
    services.prospect_share(actor=rep.user, prospect=shared, with_employee=teammate)

    client = api_as(teammate)
    assert listed_ids(client) == {str(shared.pk)}
    assert client.get(url(shared)).status_code == 200
    # A share is for reading: changing or deleting stays with the owner's side.
    assert client.patch(url(shared), {"job_title": "CEO"}).status_code == 403
    assert client.delete(url(shared)).status_code == 403

    services.prospect_unshare(actor=rep.user, prospect=shared, with_employee=teammate)
    assert listed_ids(client) == set()
    assert client.get(url(shared)).status_code == 404
    assert AuditEvent.objects.filter(action="prospect.shared", object_id=str(shared.pk)).exists()


def test_sharing_with_hr_or_the_owner_is_refused(rep, hr, prospect):
    for colleague in (hr, rep):
        with pytest.raises(ValidationError) as exc:
            services.prospect_share(actor=rep.user, prospect=prospect, with_employee=colleague)
        assert "with_employee" in exc.value.message_dict


def test_a_dpo_read_is_audited_and_a_rep_read_is_not(api_as, dpo, rep, prospect):
    api_as(rep).get(url(prospect))
    assert not AuditEvent.objects.filter(action="personal_data.read").exists()

    api_as(dpo).get(url(prospect))
    event = AuditEvent.objects.get(action="personal_data.read")
    assert event.actor_id == dpo.user.pk
    assert event.object_id == str(prospect.pk)
    assert event.object_type == "prospects.prospect"
    assert "email" in event.fields


@pytest.mark.parametrize("persona", ["rep", "manager", "dpo"])
def test_the_list_costs_the_same_queries_for_3_and_30_prospects(
    request, api_as, team, teammate, persona, django_assert_num_queries
):
    client = api_as(request.getfixturevalue(persona))
    ProspectFactory.create_batch(2, owner=team["rep"])
    ProspectFactory.create_batch(1, owner=teammate)
    shared = ProspectFactory(owner=teammate)
    services.prospect_share(actor=teammate.user, prospect=shared, with_employee=team["rep"])
    with CaptureQueriesContext(connection) as few:
        small = client.get("/api/prospects/")
    assert small.json()["count"] >= 3

    ProspectFactory.create_batch(27, owner=team["rep"])
    ProspectFactory.create_batch(9, owner=teammate)
    with django_assert_num_queries(len(few.captured_queries)):
        large = client.get("/api/prospects/")
    assert large.json()["count"] >= 30


def test_page_size_is_the_project_default_parameter(api_as, rep):
    ProspectFactory.create_batch(5, owner=rep)
    body = api_as(rep).get("/api/prospects/?page_size=2").json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"]
