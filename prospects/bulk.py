"""Actions on several prospects at once, from the list: each row is decided on its own.

A refusal on one row (not the owner, not a pre-hire contact…) never undoes the others:
each row runs the same single-prospect service as the prospect page, in its own
transaction, and comes back as done or refused with the reason in words.
Access is the caller's: ``rows`` are already limited to what they may see
(``prospects.selectors.prospects_listed_for``).
"""

import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit import events
from core import csv
from people.models import Employee
from prospects import followups, selectors, services
from prospects.models import Prospect


@dataclass
class BulkOutcome:
    done: list[Prospect] = field(default_factory=list)
    # (prospect, why), the reason in the user's language.
    refused: list[tuple[Prospect, str]] = field(default_factory=list)


def _each(rows, act) -> BulkOutcome:
    outcome = BulkOutcome()
    for prospect in rows:
        try:
            with transaction.atomic():
                refusal = act(prospect)
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
        if refusal:
            outcome.refused.append((prospect, refusal))
        else:
            outcome.done.append(prospect)
    return outcome


def prospects_share(*, actor, rows, with_employee: Employee) -> BulkOutcome:
    """Share each prospect the caller owns with one colleague (read only)."""

    def share(prospect):
        if not selectors.prospect_shareable_by(user=actor, prospect=prospect):
            return _("only its owner shares a prospect")
        services.prospect_share(actor=actor, prospect=prospect, with_employee=with_employee)
        return None

    return _each(rows, share)


def prospects_contribute(*, actor, rows) -> BulkOutcome:
    """Contribute each of the caller's own pre-hire contacts to the company."""

    def contribute(prospect):
        if prospect.contributed:
            return _("already contributed")
        services.prospect_update(actor=actor, prospect=prospect, data={"contributed": True})
        return None

    return _each(rows, contribute)


def prospects_follow_up(*, actor, rows, due_on: datetime.date, note: str = "") -> BulkOutcome:
    """Plan the same follow-up on each prospect, in the caller's own day."""

    def follow_up(prospect):
        # As on the prospect page: a share gives read access only.
        if not selectors.prospect_editable_by(user=actor, prospect=prospect):
            return _("shared with you for reading: follow-ups are its owner's")
        followups.follow_up_add(actor=actor, prospect=prospect, due_on=due_on, note=note)
        return None

    return _each(rows, follow_up)


EXPORT_COLUMNS = (
    "full_name",
    "company",
    "job_title",
    "email",
    "phone",
    "profile_url",
    "network",
    "provenance",
    "collected_at",
    "last_outreach_at",
    "next_follow_up_on",
)


def prospects_export(*, actor, rows) -> tuple[str, BulkOutcome]:
    """A CSV of the prospects the caller may change (their own book); shared ones refused.

    Formula-safe (``core.csv``) and audited: one event naming every record in it.
    """
    outcome = BulkOutcome()
    for prospect in rows:
        if selectors.prospect_editable_by(user=actor, prospect=prospect):
            outcome.done.append(prospect)
        else:
            outcome.refused.append(
                (prospect, _("shared with you for reading: not yours to export"))
            )
    file = io.StringIO()
    writer = csv.writer(file)
    writer.writerow(EXPORT_COLUMNS)
    for prospect in outcome.done:
        writer.writerow(
            [
                prospect.full_name,
                prospect.company,
                prospect.job_title,
                prospect.email or "",
                prospect.phone or "",
                prospect.profile_url or "",
                prospect.network,
                prospect.provenance,
                prospect.collected_at.date().isoformat(),
                prospect.last_outreach_at.isoformat() if prospect.last_outreach_at else "",
                prospect.next_follow_up_on.isoformat() if prospect.next_follow_up_on else "",
            ]
        )
    events.record(
        actor=actor,
        action="prospects.exported",
        object_type=Prospect._meta.label_lower,
        fields=EXPORT_COLUMNS,
        record_ids=[prospect.pk for prospect in outcome.done],
    )
    return file.getvalue(), outcome
