"""Follow-ups: the dates a rep plans to get back to a prospect, with a note.

Writes keep ``Prospect.next_follow_up_on`` equal to the earliest open follow-up's
date, so lists show and sort by it without reading the follow-ups.
Access is checked by the callers (``prospects.selectors.prospect_get`` and
``prospect_editable_by``), as for the other writes on a prospect.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from core import dates
from people.models import Employee, Role
from people.selectors import employee_of, role_of
from prospects.models import FollowUp, Prospect

NOTE_MAX_LENGTH = 500


def follow_up_add(*, actor, prospect: Prospect, due_on: datetime.date, note: str = "") -> FollowUp:
    """Plan a follow-up on ``prospect`` for ``actor`` (their own day) on ``due_on``.

    ``due_on`` may be today, not earlier: a follow-up is planned, not back-dated.
    """
    owner = employee_of(actor)
    if owner is None:
        raise ValidationError(_("Only an employee plans follow-ups."))
    note = (note or "").strip()
    errors = {}
    if due_on is None:
        errors["due_on"] = _("Give the date to follow up on.")
    else:
        try:
            dates.in_range(due_on)
        except ValidationError as exc:
            errors["due_on"] = exc.messages
        else:
            if due_on < timezone.localdate():
                errors["due_on"] = _("A follow-up is planned for today or a later day.")
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("Keep the note under %(limit)d characters.") % {"limit": NOTE_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            prospect=prospect, owner=owner, due_on=due_on, note=note, created_by=owner
        )
        _refresh_next(prospect)
        events.created(actor=actor, obj=follow_up, fields=["due_on", "note"])
    return follow_up


def follow_up_done(*, actor, follow_up: FollowUp) -> FollowUp:
    """Mark ``follow_up`` done (once: a second call changes nothing)."""
    if follow_up.done_at is not None:
        return follow_up
    with transaction.atomic():
        follow_up.done_at = timezone.now()
        follow_up.save(update_fields=["done_at"])
        _refresh_next(follow_up.prospect)
        events.changed(actor=actor, obj=follow_up, fields=["done_at"])
    return follow_up


def follow_ups_transfer(*, from_owner: Employee, to_owner: Employee, prospects) -> int:
    """Hand ``from_owner``'s open follow-ups on ``prospects`` (a queryset) to ``to_owner``."""
    return FollowUp.objects.filter(
        owner=from_owner, done_at__isnull=True, prospect__in=prospects
    ).update(owner=to_owner)


def _refresh_next(prospect: Prospect) -> None:
    earliest = FollowUp.objects.filter(prospect=prospect, done_at__isnull=True).aggregate(
        earliest=Min("due_on")
    )["earliest"]
    if prospect.next_follow_up_on != earliest:
        prospect.next_follow_up_on = earliest
        Prospect.objects.filter(pk=prospect.pk).update(next_follow_up_on=earliest)


# Reads


def follow_ups_open_for(user) -> QuerySet[FollowUp]:
    """The open follow-ups on ``user``'s day: their own; a manager's adds the team's."""
    me = employee_of(user)
    role = role_of(user)
    if me is None or role not in (Role.REP, Role.MANAGER):
        return FollowUp.objects.none()
    follow_ups = FollowUp.objects.filter(done_at__isnull=True)
    if role == Role.MANAGER:
        follow_ups = follow_ups.filter(owner__in=[me.pk, *me.reports.values_list("pk", flat=True)])
    else:
        follow_ups = follow_ups.filter(owner=me)
    return follow_ups.select_related("prospect", "owner__user").order_by("due_on", "created_at")


def follow_ups_due_for(user, *, on: datetime.date | None = None) -> QuerySet[FollowUp]:
    """``user``'s open follow-ups due on ``on`` (today by default) or overdue."""
    return follow_ups_open_for(user).filter(due_on__lte=on or timezone.localdate())


def follow_ups_of(prospect: Prospect) -> QuerySet[FollowUp]:
    """The prospect's follow-ups: the open ones first, by date."""
    return prospect.follow_ups.select_related("owner__user").order_by(
        "done_at", "due_on", "created_at"
    )


def follow_up_get(*, user, pk) -> FollowUp:
    """One of ``user``'s open follow-ups (their own, or their team's for a manager), else 404."""
    try:
        return follow_ups_open_for(user).get(pk=pk)
    except (FollowUp.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
