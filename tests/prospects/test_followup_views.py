"""Follow-ups from the browser: planned from the Contact panel, done from there or from home."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prospects import followups
from prospects.models import FollowUp
from prospects.services import prospect_share
from tests.factories import EmployeeFactory, ProspectFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def today():
    return timezone.localdate()


@pytest.fixture
def prospect(rep):
    return ProspectFactory(owner=rep)


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep.user)
    return client


def add_url(prospect):
    return reverse("follow-up-add", args=[prospect.pk])


def done_url(follow_up):
    return reverse("follow-up-done", args=[follow_up.prospect_id, follow_up.pk])


def test_a_follow_up_planned_from_the_panel_comes_back_in_its_list(rep_client, rep, prospect):
    due = today() + datetime.timedelta(days=3)
    response = rep_client.post(
        add_url(prospect),
        {"follow_up-due_on": due.isoformat(), "follow_up-note": "Send the case study"},
        **HTMX,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="follow-ups"' in page
    assert "Send the case study" in page
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner, follow_up.due_on) == (rep, due)
    prospect.refresh_from_db()
    assert prospect.next_follow_up_on == due


def test_the_form_opens_a_week_ahead(rep_client, prospect):
    page = rep_client.get(reverse("contact-panel", args=[prospect.pk])).content.decode()
    week = (today() + datetime.timedelta(days=7)).isoformat()
    assert f'name="follow_up-due_on" value="{week}"' in page


def test_a_plain_post_goes_back_to_the_prospect_or_to_the_page_named(rep_client, prospect):
    body = {"follow_up-due_on": today().isoformat()}
    response = rep_client.post(add_url(prospect), body)
    assert response.status_code == 302
    assert response["Location"] == reverse("prospect", args=[prospect.pk])
    response = rep_client.post(add_url(prospect), {**body, "next": reverse("home")})
    assert response["Location"] == reverse("home")
    response = rep_client.post(add_url(prospect), {**body, "next": "https://evil.example/"})
    assert response["Location"] == reverse("prospect", args=[prospect.pk])


@pytest.mark.parametrize(
    ("due_on", "note", "field", "message"),
    [
        ("", "", "due_on", "This field is required."),
        ("not a date", "", "due_on", "Enter a valid date."),
        ("yesterday", "", "due_on", "A follow-up is planned for today or a later day."),
        ("today", "x" * 501, "note", "at most 500 characters"),
    ],
)
def test_bad_input_names_the_field_keeps_what_was_typed_and_stores_nothing(
    rep_client, prospect, due_on, note, field, message
):
    days = {"today": today(), "yesterday": today() - datetime.timedelta(days=1)}
    value = days[due_on].isoformat() if due_on in days else due_on
    response = rep_client.post(
        add_url(prospect), {"follow_up-due_on": value, "follow_up-note": note}, **HTMX
    )
    assert response.status_code == 200  # htmx swaps only a 2xx answer
    page = response.content.decode()
    assert f'id="id_follow_up-{field}_error"' in page
    assert message in page
    assert '<details class="follow-up-add" open>' in page
    assert not FollowUp.objects.exists()
    plain = rep_client.post(add_url(prospect), {"follow_up-due_on": value, "follow_up-note": note})
    assert plain.status_code == 400


def test_done_removes_it_from_the_open_list(rep_client, rep, prospect):
    follow_up = followups.follow_up_add(actor=rep.user, prospect=prospect, due_on=today())
    response = rep_client.post(done_url(follow_up), **HTMX)
    assert response.status_code == 200
    assert "No follow-up planned." in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None
    # Done already: it is no longer one of the rep's open follow-ups.
    assert rep_client.post(done_url(follow_up), **HTMX).status_code == 404


def test_a_manager_marks_their_reports_follow_up_done(client, manager):
    report = EmployeeFactory(role="rep", manager=manager, compliant=True)
    prospect = ProspectFactory(owner=report)
    follow_up = followups.follow_up_add(actor=report.user, prospect=prospect, due_on=today())
    client.force_login(manager.user)
    assert client.post(done_url(follow_up)).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None


def test_only_post_and_csrf(rep, prospect):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep.user)
    assert client.get(add_url(prospect)).status_code == 405
    assert client.post(add_url(prospect), {"follow_up-due_on": today()}).status_code == 403
    assert not FollowUp.objects.exists()


def test_out_of_scope_is_404_read_only_and_other_roles_403(client, rep, prospect, hr, dpo):
    follow_up = followups.follow_up_add(actor=rep.user, prospect=prospect, due_on=today())
    body = {"follow_up-due_on": today().isoformat()}

    outsider = EmployeeFactory(role="rep", compliant=True)
    client.force_login(outsider.user)
    assert client.post(add_url(prospect), body).status_code == 404
    assert client.post(done_url(follow_up)).status_code == 404

    prospect_share(actor=rep.user, prospect=prospect, with_employee=outsider)
    assert client.post(add_url(prospect), body).status_code == 403
    assert client.post(done_url(follow_up)).status_code == 403

    for persona in (hr, dpo):
        client.force_login(persona.user)
        assert client.post(add_url(prospect), body).status_code == 403
    assert FollowUp.objects.count() == 1
    follow_up.refresh_from_db()
    assert follow_up.done_at is None


def test_a_follow_up_is_done_only_through_its_own_prospect(rep_client, rep, prospect):
    follow_up = followups.follow_up_add(actor=rep.user, prospect=prospect, due_on=today())
    other = ProspectFactory(owner=rep)
    wrong = reverse("follow-up-done", args=[other.pk, follow_up.pk])
    assert rep_client.post(wrong).status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.done_at is None


def test_a_colleagues_follow_up_is_404(client, rep, prospect, manager):
    """A colleague's prospect and follow-up are out of a rep's scope."""
    report = EmployeeFactory(role="rep", manager=manager, compliant=True)
    theirs = ProspectFactory(owner=report)
    follow_up = followups.follow_up_add(actor=report.user, prospect=theirs, due_on=today())
    client.force_login(rep.user)
    assert client.post(done_url(follow_up)).status_code == 404
