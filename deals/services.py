"""Writes on deals: create, update, win (RULES 23 checklist for consumers), audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import events
from deals.models import Deal, DealStatus
from deals.selectors import missing_for_win

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
    "notes",
    "status",
)

MISSING_MESSAGES = {
    "precontractual_info_on": _(
        "Record when the pre-contractual information was given (C. consom. L221-5)."
    ),
    "withdrawal_info_on": _(
        "Record when the 14-day withdrawal right was explained (C. consom. L221-18)."
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
    events.created(actor=actor, obj=deal, fields=[n for n in data if n in EDITABLE_FIELDS])
    return deal


@transaction.atomic
def deal_update(*, actor, deal: Deal, data: dict) -> Deal:
    """Change fields; becoming (or staying) won re-checks the consumer checklist."""
    deal = Deal.objects.select_for_update(of=("self",)).select_related("prospect").get(pk=deal.pk)
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
        events.changed(actor=actor, obj=deal, fields=changed)
    return deal


def deal_win(*, actor, deal: Deal, concluded_on=None) -> Deal:
    data = {"status": DealStatus.WON}
    if concluded_on is not None:
        data["concluded_on"] = concluded_on
    return deal_update(actor=actor, deal=deal, data=data)
