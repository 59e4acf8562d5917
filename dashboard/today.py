"""Reads for the "Today" card of a rep's or manager's home.

- Follow-ups due today or overdue: their own, the team's for a manager
  (``prospects.followups.follow_ups_due_for``).
- Art. 14 notices on the prospects of their list (``prospects_listed_for``, the rows
  the linked list ``/prospects/?notice=…`` shows): *overdue* is a notice not sent whose
  deadline has passed; *due* is a notice not sent whose deadline is still ahead.
- Replies waiting: allowed outreach attempts the prospect replied to (``replied_at``), after
  which the same employee has neither logged another outreach to that prospect nor planned a
  follow-up on them. Logging the next message or planning a follow-up clears it.

Each read is one query (two for the notices of a manager's list, whose team and shares are
read first as short lists), whatever the number of rows.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from consent.models import Decision, OutreachAttempt
from consent.selectors import outreach_visible_to
from prospects import selectors as prospect_selectors
from prospects.followups import follow_ups_due_for
from prospects.models import FollowUp
from prospects.selectors import prospects_listed_for

# A day's list stays readable: beyond this, the card says how many more there are.
FOLLOW_UPS_SHOWN = 50
NOTICES_SHOWN = 10
REPLIES_SHOWN = 10

NOTICE_OVERDUE = "overdue"
NOTICE_DUE = "due"


def notice_condition(which: str, *, now: datetime.datetime) -> Q:
    """The prospects whose art. 14 notice is ``overdue`` or ``due`` at ``now``: the list's
    own ``?notice=`` definitions, so each count matches the list it links to."""
    return prospect_selectors.NOTICE_FILTERS[which](now)


def follow_ups_today(user, *, today: datetime.date) -> dict:
    rows = list(follow_ups_due_for(user, on=today)[: FOLLOW_UPS_SHOWN + 1])
    shown = rows[:FOLLOW_UPS_SHOWN]
    return {
        "items": [(follow_up, follow_up.due_on < today) for follow_up in shown],
        "more": len(rows) > FOLLOW_UPS_SHOWN,
        "overdue": sum(1 for follow_up in shown if follow_up.due_on < today),
    }


def notices_today(user, *, now: datetime.datetime) -> dict:
    prospects = prospects_listed_for(user)
    overdue = notice_condition(NOTICE_OVERDUE, now=now)
    due = notice_condition(NOTICE_DUE, now=now)
    counts = prospects.aggregate(overdue=Count("pk", filter=overdue), due=Count("pk", filter=due))
    items = []
    if counts["overdue"] or counts["due"]:
        items = [
            (prospect, prospect.notice_due_at < now)
            for prospect in prospects.filter(overdue | due)
            .select_related("owner__user")
            .order_by("notice_due_at", "pk")[:NOTICES_SHOWN]
        ]
    return {"overdue": counts["overdue"], "due": counts["due"], "items": items}


def replies_waiting(user) -> dict:
    later_outreach = OutreachAttempt.objects.filter(
        prospect=OuterRef("prospect"),
        employee=OuterRef("employee"),
        created_at__gt=OuterRef("replied_at"),
    )
    later_follow_up = FollowUp.objects.filter(
        prospect=OuterRef("prospect"),
        owner=OuterRef("employee"),
        created_at__gt=OuterRef("replied_at"),
    )
    waiting = (
        outreach_visible_to(user)
        .filter(decision=Decision.ALLOW, replied_at__isnull=False, prospect__isnull=False)
        .exclude(Exists(later_outreach))
        .exclude(Exists(later_follow_up))
    )
    rows = list(
        waiting.select_related("prospect", "employee__user").order_by("-replied_at", "pk")[
            : REPLIES_SHOWN + 1
        ]
    )
    return {"items": rows[:REPLIES_SHOWN], "more": len(rows) > REPLIES_SHOWN}


def today_for(user) -> dict:
    now = timezone.now()
    today = timezone.localdate(now)
    return {
        "today": today,
        "follow_ups": follow_ups_today(user, today=today),
        "notices": notices_today(user, now=now),
        "replies": replies_waiting(user),
    }
