"""The home page's "Today" for reps and managers, and the leaver's links."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import OutreachAttempt
from offboarding.models import Offboarding
from offboarding.services import offboarding_create
from people.models import Employee, paris_today
from prospects import followups
from prospects.models import FollowUp, Prospect
from tests.factories import EmployeeFactory, ProspectFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def home_as(client, employee) -> str:
    client.force_login(employee.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def follow_up(owner, prospect=None, *, days=0, note=""):
    """A follow-up due ``days`` from today (negative: overdue), planned earlier."""
    prospect = prospect or ProspectFactory(owner=owner)
    planned = followups.follow_up_add(
        actor=owner.user, prospect=prospect, due_on=today(), note=note
    )
    FollowUp.objects.filter(pk=planned.pk).update(due_on=today() + datetime.timedelta(days=days))
    return FollowUp.objects.get(pk=planned.pk)


def today_card(page: str) -> str:
    return page.split('id="today"')[1].split("</section>")[0]


def test_a_rep_sees_todays_and_overdue_follow_ups_with_their_prospect_and_done(client, rep):
    due = follow_up(rep, note="Call about the demo")
    late = follow_up(rep, days=-2)
    follow_up(rep, days=1)  # tomorrow: not today's
    follow_up(EmployeeFactory(role="rep"))  # someone else's
    card = today_card(home_as(client, rep))
    assert "2 follow-ups due" in card
    assert "Call about the demo" in card
    assert card.count('class="badge overdue"') == 2  # the count's and the late one's
    for item in (due, late):
        assert reverse("prospect", args=[item.prospect_id]) in card
        assert reverse("follow-up-done", args=[item.prospect_id, item.pk]) in card
    assert card.index(late.prospect.full_name) < card.index(due.prospect.full_name)
    assert f'name="next" value="{reverse("home")}"' in card


def test_done_from_home_comes_back_home_without_it(client, rep):
    item = follow_up(rep)
    client.force_login(rep.user)
    response = client.post(
        reverse("follow-up-done", args=[item.prospect_id, item.pk]), {"next": reverse("home")}
    )
    assert response["Location"] == reverse("home")
    assert "Nothing due today." in home_as(client, rep)


def test_an_empty_day_says_so(client, rep):
    card = today_card(home_as(client, rep))
    assert "Nothing due today." in card
    assert "No notice to send." in card
    assert "No reply waiting." in card
    assert "0 follow-ups due" in card


def test_a_manager_sees_the_teams_follow_ups_with_the_owners_name(client, manager):
    report = EmployeeFactory(role="rep", manager=manager, user__username="bob-report")
    follow_up(report)
    follow_up(manager)
    follow_up(EmployeeFactory(role="rep", user__username="carol-elsewhere"))
    card = today_card(home_as(client, manager))
    assert "2 follow-ups due" in card
    assert "bob-report" in card
    assert "carol-elsewhere" not in card


@pytest.mark.parametrize("persona", ["hr", "dpo", "admin_employee"])
def test_other_roles_have_no_today(client, request, persona):
    assert 'id="today"' not in home_as(client, request.getfixturevalue(persona))


def test_notices_overdue_and_due_are_counted_linked_and_listed(client, rep):
    now = timezone.now()
    overdue = ProspectFactory(owner=rep, full_name="Late Notice")
    due = ProspectFactory(owner=rep, full_name="Soon Notice")
    sent = ProspectFactory(owner=rep, full_name="Sent Notice")
    other = ProspectFactory(full_name="Not Mine")
    Prospect.objects.filter(pk__in=[overdue.pk, other.pk]).update(
        notice_due_at=now - datetime.timedelta(days=1), notice_sent_at=None
    )
    Prospect.objects.filter(pk=due.pk).update(
        notice_due_at=now + datetime.timedelta(days=5), notice_sent_at=None
    )
    Prospect.objects.filter(pk=sent.pk).update(
        notice_due_at=now - datetime.timedelta(days=1), notice_sent_at=now
    )
    Prospect.objects.exclude(pk__in=[overdue.pk, due.pk, sent.pk, other.pk]).update(
        notice_due_at=None
    )
    card = today_card(home_as(client, rep))
    assert '<a href="/prospects/?notice=overdue">1 notice overdue</a>' in card
    assert '<a href="/prospects/?notice=due">1 notice to send</a>' in card
    assert reverse("prospect", args=[overdue.pk]) in card
    assert reverse("prospect", args=[due.pk]) in card
    assert "Sent Notice" not in card
    assert "Not Mine" not in card


def attempt(employee, prospect, *, replied_days_ago=None, decision="allow", days_ago=3):
    now = timezone.now()
    return OutreachAttempt.objects.create(
        prospect=prospect,
        employee=employee,
        channel="email",
        decision=decision,
        rules_version="test",
        created_at=now - datetime.timedelta(days=days_ago),
        replied_at=(
            None if replied_days_ago is None else now - datetime.timedelta(days=replied_days_ago)
        ),
    )


def test_a_reply_waits_until_the_rep_writes_again_or_plans_a_follow_up(client, rep):
    waiting = ProspectFactory(owner=rep, full_name="Replied Person")
    attempt(rep, waiting, replied_days_ago=1)
    written_again = ProspectFactory(owner=rep, full_name="Written Again")
    attempt(rep, written_again, replied_days_ago=2)
    attempt(rep, written_again, days_ago=1)
    planned = ProspectFactory(owner=rep, full_name="Planned Person")
    attempt(rep, planned, replied_days_ago=1)
    followups.follow_up_add(actor=rep.user, prospect=planned, due_on=today())
    silent = ProspectFactory(owner=rep, full_name="Silent Person")
    attempt(rep, silent)
    denied = ProspectFactory(owner=rep, full_name="Denied Person")
    attempt(rep, denied, replied_days_ago=1, decision="deny")
    theirs = ProspectFactory(full_name="Other Reps Person")
    attempt(theirs.owner, theirs, replied_days_ago=1)

    card = today_card(home_as(client, rep)).split('id="today-replies"')[1]
    assert "Replied Person" in card
    for name in ("Written Again", "Planned Person", "Silent Person", "Denied Person"):
        assert name not in card
    assert "Other Reps Person" not in card
    assert '<a href="#today-replies">1 reply waiting</a>' in today_card(home_as(client, rep))


def test_every_count_on_today_is_a_link(client, rep):
    card = today_card(home_as(client, rep))
    counts = card.split('class="today-counts"')[1].split("</ul>")[0]
    assert counts.count("<li>") == counts.count("<li><a href=") == 4


def test_the_home_costs_the_same_queries_for_many_follow_ups(
    client, manager, django_assert_num_queries
):
    report = EmployeeFactory(role="rep", manager=manager)
    late = follow_up(report, days=-1)
    follow_up(manager)
    Prospect.objects.filter(pk=late.prospect_id).update(notice_due_at=timezone.now())
    client.force_login(manager.user)
    client.get(reverse("home"))
    with django_assert_num_queries(13) as few:
        client.get(reverse("home"))
    for days in (0, -1, -3):
        for owner in (manager, report):
            follow_up(owner, days=days)
            prospect = ProspectFactory(owner=owner)
            attempt(owner, prospect, replied_days_ago=1)
            Prospect.objects.filter(pk=prospect.pk).update(
                notice_due_at=timezone.now() + datetime.timedelta(days=days)
            )
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("home")).content.decode()
    assert "8 follow-ups due" in page


def leaving(employee, *, export_days=None) -> Offboarding:
    hr = EmployeeFactory(role="hr")
    successor = EmployeeFactory(role="rep")
    case = offboarding_create(
        actor=hr.user,
        employee=employee,
        departure_date=paris_today() + datetime.timedelta(days=10),
        successor=successor,
    )
    Employee.objects.filter(pk=employee.pk).update(status="offboarding")
    if export_days is not None:
        Offboarding.objects.filter(pk=case.pk).update(
            export_available_until=timezone.now() + datetime.timedelta(days=export_days)
        )
    return case


def test_a_leaver_gets_their_attestation_page_and_their_export_while_it_is_open(client, rep):
    case = leaving(rep, export_days=5)
    page = home_as(client, rep)
    attestation = reverse("offboarding-attestation", args=[case.pk])
    export = reverse("offboarding-export", args=[case.pk])
    assert attestation in page and export in page
    assert client.get(attestation).status_code == 200
    assert client.get(export).status_code == 200


def test_a_leaver_whose_export_is_closed_gets_no_export_link(client, rep):
    case = leaving(rep, export_days=-1)
    page = home_as(client, rep)
    assert reverse("offboarding-attestation", args=[case.pk]) in page
    assert reverse("offboarding-export", args=[case.pk]) not in page


def test_a_leaver_without_an_export_gets_only_the_attestation(client, rep):
    case = leaving(rep)
    page = home_as(client, rep)
    assert reverse("offboarding-attestation", args=[case.pk]) in page
    assert "offboarding/" + str(case.pk) + "/export/" not in page


def test_nobody_else_gets_a_leavers_links(client, rep):
    leaving(rep, export_days=5)
    assert "Your departure" not in home_as(client, EmployeeFactory(role="rep"))
