"""Follow-ups: planned on a prospect, shown on the rep's day, the prospect's next date kept."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from prospects import followups
from prospects.models import FollowUp
from tests.factories import ProspectFactory

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def test_the_next_follow_up_is_the_earliest_open_one(rep):
    prospect = ProspectFactory(owner=rep)
    later = followups.follow_up_add(
        actor=rep.user, prospect=prospect, due_on=_today() + datetime.timedelta(days=9)
    )
    sooner = followups.follow_up_add(
        actor=rep.user, prospect=prospect, due_on=_today() + datetime.timedelta(days=2), note="Call"
    )
    prospect.refresh_from_db()
    assert prospect.next_follow_up_on == sooner.due_on

    followups.follow_up_done(actor=rep.user, follow_up=sooner)
    prospect.refresh_from_db()
    assert prospect.next_follow_up_on == later.due_on

    followups.follow_up_done(actor=rep.user, follow_up=later)
    prospect.refresh_from_db()
    assert prospect.next_follow_up_on is None


def test_done_twice_changes_nothing_the_second_time(rep):
    prospect = ProspectFactory(owner=rep)
    follow_up = followups.follow_up_add(actor=rep.user, prospect=prospect, due_on=_today())
    followups.follow_up_done(actor=rep.user, follow_up=follow_up)
    first = FollowUp.objects.get(pk=follow_up.pk).done_at
    followups.follow_up_done(actor=rep.user, follow_up=FollowUp.objects.get(pk=follow_up.pk))
    assert FollowUp.objects.get(pk=follow_up.pk).done_at == first


@pytest.mark.parametrize(
    ("due_on", "note", "field"),
    [
        (None, "", "due_on"),
        ("yesterday", "", "due_on"),
        (datetime.date(10000 - 1, 12, 31), "", "due_on"),
        ("today", "x" * 501, "note"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(rep, due_on, note, field):
    prospect = ProspectFactory(owner=rep)
    if due_on == "yesterday":
        due_on = _today() - datetime.timedelta(days=1)
    elif due_on == "today":
        due_on = _today()
    with pytest.raises(ValidationError) as caught:
        followups.follow_up_add(actor=rep.user, prospect=prospect, due_on=due_on, note=note)
    assert field in caught.value.message_dict
    assert not FollowUp.objects.exists()
    prospect.refresh_from_db()
    assert prospect.next_follow_up_on is None


def test_the_note_is_sealed_at_rest(rep):
    from django.db import connection

    prospect = ProspectFactory(owner=rep)
    followups.follow_up_add(
        actor=rep.user, prospect=prospect, due_on=_today(), note="Ask about the Lyon tender"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM prospects_followup")
        (stored,) = cursor.fetchone()
    assert "Lyon" not in stored
    assert FollowUp.objects.get().note == "Ask about the Lyon tender"


def test_the_day_lists_own_and_for_a_manager_the_team(rep, manager, team, teammate):
    mine = followups.follow_up_add(
        actor=rep.user, prospect=ProspectFactory(owner=rep), due_on=_today()
    )
    theirs = followups.follow_up_add(
        actor=teammate.user, prospect=ProspectFactory(owner=teammate), due_on=_today()
    )
    followups.follow_up_add(
        actor=rep.user,
        prospect=ProspectFactory(owner=rep),
        due_on=_today() + datetime.timedelta(days=3),
    )
    assert list(followups.follow_ups_due_for(rep.user)) == [mine]
    assert set(followups.follow_ups_due_for(manager.user)) == {mine, theirs}
    assert followups.follow_up_get(user=manager.user, pk=theirs.pk) == theirs
    with pytest.raises(Http404):
        followups.follow_up_get(user=rep.user, pk=theirs.pk)


def test_a_deleted_prospect_takes_its_follow_ups(rep):
    prospect = ProspectFactory(owner=rep)
    followups.follow_up_add(actor=rep.user, prospect=prospect, due_on=_today(), note="Call")
    prospect.delete()
    assert not FollowUp.objects.exists()
