"""A leaver's planned follow-ups: they go to the successor with the prospects, none is lost."""

import datetime

from django.utils import timezone

from offboarding import services
from prospects import followups
from prospects.models import FollowUp
from tests.factories import EmployeeFactory, ProspectFactory
from tests.offboarding.conftest import case_status, wait_for


def test_open_follow_ups_move_to_the_successor_and_own_network_ones_go_with_it(
    task_runner, book, open_case, hr, leaver, successor
):
    soon = timezone.localdate() + datetime.timedelta(days=3)
    on_company = followups.follow_up_add(
        actor=leaver.user, prospect=book["employment"][0], due_on=soon, note="Send the quote"
    )
    done = followups.follow_up_add(actor=leaver.user, prospect=book["company"][0], due_on=soon)
    followups.follow_up_done(actor=leaver.user, follow_up=done)
    on_own_network = followups.follow_up_add(
        actor=leaver.user, prospect=book["own_network"][0], due_on=soon
    )
    # A colleague's prospect the leaver planned to call back (a manager's on the team's).
    colleague = EmployeeFactory(role="rep")
    on_colleagues = followups.follow_up_add(
        actor=leaver.user, prospect=ProspectFactory(owner=colleague), due_on=soon
    )

    services.offboarding_start(actor=hr.user, offboarding=open_case)
    wait_for(lambda: case_status(open_case) == "waiting")

    assert FollowUp.objects.get(pk=on_company.pk).owner_id == successor.pk
    assert FollowUp.objects.get(pk=on_company.pk).note == "Send the quote"
    assert FollowUp.objects.get(pk=on_colleagues.pk).owner_id == successor.pk
    # Done ones stay as they were, on the record of who did them.
    assert FollowUp.objects.get(pk=done.pk).owner_id == leaver.pk
    # The rep's own network leaves with them, its follow-ups too.
    assert not FollowUp.objects.filter(pk=on_own_network.pk).exists()
    assert set(followups.follow_ups_open_for(successor.user)) == {
        FollowUp.objects.get(pk=on_company.pk),
        FollowUp.objects.get(pk=on_colleagues.pk),
    }
