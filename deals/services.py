"""Writes on deals: create, update, win (RULES 23 checklist for consumers), audited.

Each write also keeps the customer (RULES 18): the prospect's ``retention_until``, the
one date the gate and the nightly purge read, is pushed forward (never backward) to the
end of the customer period, so a customer is neither blocked with ``retention_expired``
nor purged as a stale prospect.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import events
from deals import rules
from deals.models import Deal, DealStage, DealStatus, PipelineColumn
from deals.selectors import missing_for_win
from prospects.models import Prospect

EDITABLE_FIELDS = (
    "product",
    "supply",
    "amount",
    "currency",
    "network",
    "channel",
    "concluded_on",
    "precontractual_info_on",
    "withdrawal_info_on",
    "delivery_on",
    "durable_medium_on",
    "opt_out_offered_at_sale",
    "notes",
    "status",
    "stage",
)

MISSING_MESSAGES = {
    "precontractual_info_on": _(
        "Record when the pre-contractual information was given (C. consom. L221-5)."
    ),
    "withdrawal_info_on": _(
        "Record when the 14-day withdrawal right was explained (C. consom. L221-18)."
    ),
    "durable_medium_on": _(
        "Record when the contract was confirmed on a durable medium (C. consom. L221-13)."
    ),
    "delivery_on": _("Record the delivery date."),
}


class DealIncomplete(ValidationError):
    """A consumer deal marked won without the RULES 23 items; ``missing`` names each one."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__({name: MISSING_MESSAGES[name] for name in missing}, code="deal_incomplete")


def _check_win(deal: Deal) -> None:
    missing = missing_for_win(deal)
    if missing:
        raise DealIncomplete(missing)
    if deal.concluded_on is None:
        deal.concluded_on = timezone.localdate()


def _validate(deal: Deal) -> None:
    deal.currency = (deal.currency or "").upper()
    deal.full_clean(exclude=["prospect", "owner"])


@transaction.atomic
def deal_create(*, actor, owner, prospect, data: dict) -> Deal:
    deal = Deal(prospect=prospect, owner=owner)
    for name, value in data.items():
        if name in EDITABLE_FIELDS:
            setattr(deal, name, value)
    if deal.status == DealStatus.WON:
        _check_win(deal)
    _validate(deal)
    deal.save()
    _keep_customer(deal, was_open=False)
    events.created(actor=actor, obj=deal, fields=[n for n in data if n in EDITABLE_FIELDS])
    return deal


@transaction.atomic
def deal_update(*, actor, deal: Deal, data: dict) -> Deal:
    """Change fields; becoming (or staying) won re-checks the consumer checklist."""
    deal = Deal.objects.select_for_update(of=("self",)).select_related("prospect").get(pk=deal.pk)
    was_open = deal.status == DealStatus.OPEN
    changed = []
    for name, value in data.items():
        if name in EDITABLE_FIELDS and getattr(deal, name) != value:
            setattr(deal, name, value)
            changed.append(name)
    if deal.status == DealStatus.WON:
        concluded_before = deal.concluded_on
        _check_win(deal)
        if deal.concluded_on != concluded_before:
            changed.append("concluded_on")
    _validate(deal)
    if changed:
        deal.save()
        _keep_customer(deal, was_open=was_open)
        events.changed(actor=actor, obj=deal, fields=changed)
    return deal


def deal_win(*, actor, deal: Deal, concluded_on=None) -> Deal:
    data = {"status": DealStatus.WON}
    if concluded_on is not None:
        data["concluded_on"] = concluded_on
    return deal_update(actor=actor, deal=deal, data=data)


class DealNotMovable(ValidationError):
    """A move the pipeline board does not make: won or lost deals stay where they are,
    and winning goes through ``deal_win`` (the deal page, with its checklist)."""


def deal_move(*, actor, deal: Deal, to: str) -> Deal:
    """Move an open deal on the board: between its open stages, or to lost.

    Marking it won is not a move: a consumer deal needs its RULES 23 items first, which the
    deal page collects, so ``to="won"`` is refused here and the board links to that page.
    """
    if deal.status != DealStatus.OPEN:
        raise DealNotMovable(
            _("Only an open deal moves on the board; edit this one from its page."),
            code="deal_closed",
        )
    if to in DealStage.values:
        return deal_update(actor=actor, deal=deal, data={"stage": to})
    if to == PipelineColumn.LOST:
        return deal_update(actor=actor, deal=deal, data={"status": DealStatus.LOST})
    if to == PipelineColumn.WON:
        raise DealNotMovable(
            _("Mark the deal won from its page, where its conditions are checked."),
            code="win_from_deal_page",
        )
    raise DealNotMovable(_("Choose a stage of the pipeline."), code="unknown_stage")


def _keep_customer(deal: Deal, *, was_open: bool) -> None:
    """Push the prospect's retention date to the end of this deal's customer period."""
    if deal.prospect_id is None:
        return
    today = timezone.localdate()
    last_event = rules.customer_last_event(
        status=deal.status,
        concluded_on=deal.concluded_on,
        delivery_on=deal.delivery_on,
        durable_medium_on=deal.durable_medium_on,
        today=today,
    )
    if was_open:
        # Open until this write (won or lost today): the relationship ran until today.
        last_event = max(filter(None, (last_event, today)))
    if last_event is not None:
        retention_push(
            {deal.prospect_id: rules.customer_kept_until(last_event, days=_customer_days())}
        )


def customers_retention_extend(*, prospect_ids, today: datetime.date) -> int:
    """Push each customer's retention date to the end of their customer period (nightly).

    An open deal keeps its customer from day to day, which no write records: the nightly
    retention job calls this for the customers whose date comes near. Returns how many
    prospects' dates moved.
    """
    targets: dict = {}
    deals = Deal.objects.filter(
        prospect_id__in=prospect_ids, status__in=(DealStatus.OPEN, DealStatus.WON)
    ).values_list("prospect_id", "status", "concluded_on", "delivery_on", "durable_medium_on")
    for prospect_id, status, concluded_on, delivery_on, durable_medium_on in deals:
        last_event = rules.customer_last_event(
            status=status,
            concluded_on=concluded_on,
            delivery_on=delivery_on,
            durable_medium_on=durable_medium_on,
            today=today,
        )
        until = rules.customer_kept_until(last_event, days=_customer_days())
        targets[prospect_id] = max(until, targets.get(prospect_id, until))
    return retention_push(targets)


def retention_push(targets: dict) -> int:
    """Set each prospect's ``retention_until`` to its target where that is later."""
    by_date: dict[datetime.date, list] = {}
    for prospect_id, until in targets.items():
        by_date.setdefault(until, []).append(prospect_id)
    return sum(
        Prospect.objects.filter(pk__in=ids)
        .filter(Q(retention_until__isnull=True) | Q(retention_until__lt=until))
        .update(retention_until=until)
        for until, ids in by_date.items()
    )


def _customer_days() -> int:
    return settings.CUSTOMER_RETENTION_DAYS
