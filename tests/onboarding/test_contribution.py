"""The pre-hire data contribution agreement (PRODUCT §2): who decides, on what, until when."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from onboarding.models import ContributionDecision, Onboarding
from people.models import EmployeeStatus
from prospects.models import Prospect
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

URL = "/api/prospects/contribution/"


def decide(client, **body):
    return client.post(URL, body, format="json")


def test_a_rep_contributes_chosen_pre_hire_contacts_dated_and_audited(api_as, new_rep, add_contact):
    kept, given, other = (add_contact(new_rep) for _ in range(3))
    before = timezone.now()
    response = decide(api_as(new_rep), prospect_ids=[str(given.pk), str(other.pk)], contribute=True)
    assert response.status_code == 200, response.json()
    assert response.json()["changed"] == 2 and response.json()["unchanged"] == 0
    given.refresh_from_db()
    kept.refresh_from_db()
    assert given.contributed and given.contributed_at >= before
    assert not kept.contributed and kept.contributed_at is None
    decisions = ContributionDecision.objects.filter(employee=new_rep)
    assert {d.prospect_ref for d in decisions} == {given.pk, other.pk}
    assert all(d.contribute and d.via == "api" and d.decided_at >= before for d in decisions)
    assert AuditEvent.objects.filter(
        action="prospect.contributed", object_type="people.employee", object_id=str(new_rep.pk)
    ).exists()
    assert Onboarding.objects.get(employee=new_rep).agreement_decided_at >= before


def test_all_at_once_then_taking_some_back_before_departure(api_as, new_rep, add_contact):
    contacts = [add_contact(new_rep) for _ in range(4)]
    work = add_contact(new_rep, collected_at=timezone.now())  # employment: never contributable
    client = api_as(new_rep)
    assert decide(client, all=True, contribute=True).json()["changed"] == 4
    assert Prospect.objects.filter(owner=new_rep, contributed=True).count() == 4
    again = decide(client, all=True, contribute=True).json()
    assert again["changed"] == 0 and again["unchanged"] == 4

    revoked = decide(client, prospect_ids=[str(contacts[0].pk)], contribute=False)
    assert revoked.status_code == 200 and revoked.json()["changed"] == 1
    contacts[0].refresh_from_db()
    assert not contacts[0].contributed and contacts[0].contributed_at is None
    assert ContributionDecision.objects.filter(prospect_ref=contacts[0].pk).count() == 2
    assert AuditEvent.objects.filter(action="prospect.contribution_revoked").exists()
    work.refresh_from_db()
    assert not work.contributed
    summary = client.get(URL).json()
    assert summary["pre_hire_total"] == 4 and summary["contributed"] == 3
    assert summary["locked"] is False


def test_employment_and_company_contacts_are_not_contributable_and_are_named(
    api_as, new_rep, add_contact
):
    pre_hire = add_contact(new_rep)
    work = add_contact(new_rep, collected_at=timezone.now())
    company = add_contact(new_rep, collected_at=timezone.now(), provenance="company")
    response = decide(
        api_as(new_rep),
        prospect_ids=[str(pre_hire.pk), str(work.pk), str(company.pk)],
        contribute=True,
    )
    assert response.status_code == 400
    message = " ".join(response.json()["prospect_ids"])
    assert str(work.pk) in message and str(company.pk) in message
    assert str(pre_hire.pk) not in message
    # All or nothing: the valid contact was not contributed either.
    assert not Prospect.objects.filter(contributed=True).exists()
    assert not ContributionDecision.objects.exists()


def test_a_rep_cannot_contribute_someone_elses_contact(api_as, new_rep, add_contact):
    colleague = EmployeeFactory(role="rep", hire_date=datetime.date(2026, 1, 5))
    theirs = add_contact(colleague)
    response = decide(api_as(new_rep), prospect_ids=[str(theirs.pk)], contribute=True)
    assert response.status_code == 400
    assert str(theirs.pk) in " ".join(response.json()["prospect_ids"])
    theirs.refresh_from_db()
    assert not theirs.contributed
    # "All" means all of mine: the colleague's contact is untouched.
    decide(api_as(new_rep), all=True, contribute=True)
    theirs.refresh_from_db()
    assert not theirs.contributed
    # Their manager cannot decide for them either: the endpoint acts on the caller's contacts.
    boss = EmployeeFactory(role="manager")
    colleague.manager = boss
    colleague.save()
    assert decide(api_as(boss), prospect_ids=[str(theirs.pk)], contribute=True).status_code == 400


def test_decisions_are_final_once_the_departure_has_started(api_as, new_rep, add_contact):
    contact = add_contact(new_rep)
    client = api_as(new_rep)
    decide(client, prospect_ids=[str(contact.pk)], contribute=True)
    new_rep.status = EmployeeStatus.OFFBOARDING
    new_rep.save()
    for contribute in (False, True):
        response = decide(client, all=True, contribute=contribute)
        assert response.status_code == 403
        assert response.json()["code"] == "departure_started"
    contact.refresh_from_db()
    assert contact.contributed
    assert client.get(URL).json()["locked"] is True
    # Once departed, the token itself is refused.
    new_rep.status = EmployeeStatus.DEPARTED
    new_rep.save()
    assert decide(client, all=True, contribute=False).status_code == 401
    contact.refresh_from_db()
    assert contact.contributed


def test_bad_bodies_name_the_field(api_as, new_rep, hr):
    client = api_as(new_rep)
    assert "prospect_ids" in decide(client, contribute=True).json()
    assert "prospect_ids" in decide(client, prospect_ids=[], contribute=True).json()
    assert "contribute" in decide(client, all=True).json()
    assert "prospect_ids" in decide(client, prospect_ids=["not-a-uuid"], contribute=True).json()
    assert (
        "all"
        in decide(
            client, all=True, prospect_ids=["5b3c4f1e-7a4e-4a59-9d55-2a7a0e1c9b11"], contribute=True
        ).json()
    )
    # HR has no pre-hire contacts: nothing to contribute.
    assert decide(api_as(hr), all=True, contribute=True).json()["changed"] == 0


def test_without_a_decision_pre_hire_contacts_stay_the_reps(new_rep, add_contact):
    contact = add_contact(new_rep)
    assert not contact.contributed and contact.contributed_at is None
    assert Onboarding.objects.get(employee=new_rep).agreement_decided_at is None


def test_keeping_them_all_is_itself_a_decision(api_as, new_rep, add_contact):
    add_contact(new_rep)
    response = decide(api_as(new_rep), all=True, contribute=False)
    assert response.status_code == 200 and response.json()["changed"] == 0
    checklist = api_as(new_rep).get(f"/api/employees/{new_rep.pk}/onboarding/").json()
    agreement = next(i for i in checklist["items"] if i["key"] == "contribution_agreement")
    assert agreement["status"] == "done" and agreement["decided_at"] is not None


def test_the_pre_hire_contacts_page_confirms_before_deciding(client, new_rep, add_contact):
    first, second = add_contact(new_rep), add_contact(new_rep)
    client.force_login(new_rep.user)
    page = client.get("/me/pre-hire-contacts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert first.full_name in html and second.full_name in html

    review = client.post(
        "/me/pre-hire-contacts/decide/", {"prospect_ids": [str(first.pk)], "contribute": "1"}
    )
    assert review.status_code == 200
    assert "You are about to contribute 1 pre-hire contact" in review.content.decode()
    first.refresh_from_db()
    assert not first.contributed

    done = client.post(
        "/me/pre-hire-contacts/decide/",
        {"prospect_ids": [str(first.pk)], "contribute": "1", "confirmed": "1"},
        follow=True,
    )
    assert "1 contact contributed to the company." in done.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.contributed and not second.contributed
    assert ContributionDecision.objects.get(prospect_ref=first.pk).via == "browser"

    nothing = client.post("/me/pre-hire-contacts/decide/", {"contribute": "1"}, follow=True)
    assert "Select at least one contact" in nothing.content.decode()


def test_the_pre_hire_contacts_page_is_paginated_and_has_an_empty_state(
    client, new_rep, add_contact
):
    client.force_login(new_rep.user)
    assert "Nothing to decide" in client.get("/me/pre-hire-contacts/").content.decode()
    for _ in range(51):
        add_contact(new_rep)
    html = client.get("/me/pre-hire-contacts/").content.decode()
    assert "Page 1 of 2" in html and html.count('name="prospect_ids"') == 50
    assert (
        client.get("/me/pre-hire-contacts/?page=2").content.decode().count('name="prospect_ids"')
        == 1
    )


def test_the_page_lists_only_the_callers_pre_hire_contacts(client, new_rep, add_contact):
    other = EmployeeFactory(role="rep", hire_date=datetime.date(2026, 1, 5))
    theirs = add_contact(other, full_name="Someone Else")
    work = add_contact(new_rep, collected_at=timezone.now(), full_name="Workday Contact")
    client.force_login(new_rep.user)
    html = client.get("/me/pre-hire-contacts/").content.decode()
    assert theirs.full_name not in html and work.full_name not in html


def test_a_decision_outlives_its_prospect_without_its_data(api_as, new_rep, add_contact):
    from consent.services import prospect_delete

    contact = add_contact(new_rep)
    contact_id = contact.pk
    decide(api_as(new_rep), prospect_ids=[str(contact_id)], contribute=True)
    prospect_delete(actor=new_rep.user, prospect=contact)
    assert not Prospect.objects.filter(pk=contact_id).exists()
    decision = ContributionDecision.objects.get(employee=new_rep)
    assert decision.prospect_ref == contact_id and decision.contribute


@pytest.mark.parametrize(("offset", "locked"), [(1, False), (0, True), (-1, True)])
def test_decisions_are_final_from_the_departure_date_even_without_a_case(
    new_rep, add_contact, offset, locked
):
    """RULES 12: the departure date counts on its own, whether or not the case was started."""
    from onboarding.selectors import checklist_of
    from onboarding.services import ContributionLocked, contribution_decide
    from people.models import paris_today

    contact = add_contact(new_rep)
    new_rep.departure_date = paris_today() + datetime.timedelta(days=offset)
    new_rep.save(update_fields=["departure_date"])

    if locked:
        with pytest.raises(ContributionLocked):
            contribution_decide(
                employee=new_rep, contribute=True, prospect_ids=[contact.pk], via="api"
            )
    else:
        contribution_decide(employee=new_rep, contribute=True, prospect_ids=[contact.pk], via="api")
    contact.refresh_from_db()
    assert contact.contributed is not locked
    assert checklist_of(new_rep).agreement_locked is locked
