"""Reads on deals: scoped like prospects (a deal on a prospect you cannot see does not exist)."""

from django.db.models import QuerySet
from django.http import Http404

from deals import rules
from deals.models import Deal
from people.models import Role
from people.selectors import employee_of, role_of
from prospects.selectors import prospects_visible_to

_ALL_DEALS_ROLES = (Role.DPO, Role.ADMIN)
_SALES_ROLES = (Role.REP, Role.MANAGER)


def deals_visible_to(user) -> QuerySet[Deal]:
    """The deals on the prospects the caller sees; the DPO and admins see every deal."""
    deals = Deal.objects.select_related("prospect", "owner__user")
    role = role_of(user)
    if role in _ALL_DEALS_ROLES:
        return deals
    if role not in _SALES_ROLES:
        return deals.none()
    return deals.filter(prospect__in=prospects_visible_to(user).values("pk"))


def deal_get(*, user, pk) -> Deal:
    try:
        return deals_visible_to(user).get(pk=pk)
    except (Deal.DoesNotExist, ValueError):
        raise Http404 from None


def may_change(user, deal: Deal) -> bool:
    """Its owner and the owner's manager change or win a deal; a share of the prospect reads it."""
    employee = employee_of(user)
    if employee is None or employee.role not in _SALES_ROLES:
        return False
    return employee.pk in (deal.owner_id, deal.owner.manager_id)


def is_consumer_deal(deal: Deal) -> bool:
    return deal.prospect is not None and deal.prospect.kind == "b2c"


def missing_for_win(deal: Deal) -> list[str]:
    """The RULES 23 items a consumer deal still lacks before it may be marked won."""
    if not is_consumer_deal(deal):
        return []
    required = ("precontractual_info_on", "withdrawal_info_on", "delivery_on")
    return [name for name in required if getattr(deal, name) is None]


def withdrawal_of(deal: Deal) -> dict | None:
    """What the deal page shows about the consumer's withdrawal period; None for b2b."""
    if not is_consumer_deal(deal):
        return None
    dates = {
        "supply": deal.supply,
        "concluded_on": deal.concluded_on,
        "delivered_on": deal.delivery_on,
        "withdrawal_info_on": deal.withdrawal_info_on,
    }
    return {
        "starts_on": rules.withdrawal_start(
            supply=deal.supply, concluded_on=deal.concluded_on, delivered_on=deal.delivery_on
        ),
        "deadline": rules.withdrawal_deadline(**dates),
        "extended": rules.is_extended(**dates),
    }
