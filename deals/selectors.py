"""Reads on deals: scoped like prospects (a deal on a prospect you cannot see does not exist)."""

import datetime

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from deals import rules
from deals.models import Deal, DealStage, DealStatus, PipelineColumn, Supply
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
    """The RULES 23 items a consumer deal still lacks before it may be marked won.

    The pre-contractual information (L221-5), the withdrawal information (L221-18), the
    confirmation on a durable medium (L221-13) and, for goods, the delivery date.
    """
    if not is_consumer_deal(deal):
        return []
    required = ["precontractual_info_on", "withdrawal_info_on", "durable_medium_on"]
    if deal.supply == Supply.GOODS:
        required.append("delivery_on")
    return [name for name in required if getattr(deal, name) is None]


def customer_q(*, on: datetime.date) -> Q:
    """Prospects who are customers on ``on`` (RULES 18): a deal open, or a deal won whose
    last event (deals.rules) is at most ``CUSTOMER_RETENTION_DAYS`` before ``on``.

    For ``Prospect`` querysets; the same period the deal services push into
    ``retention_until``, so the purge and the gate agree.
    """
    since = on - datetime.timedelta(days=settings.CUSTOMER_RETENTION_DAYS)
    open_deal = Deal.objects.filter(prospect=OuterRef("pk"), status=DealStatus.OPEN)
    recent_sale = Deal.objects.filter(prospect=OuterRef("pk"), status=DealStatus.WON).filter(
        Q(concluded_on__gte=since) | Q(delivery_on__gte=since) | Q(durable_medium_on__gte=since)
    )
    return Q(Exists(open_deal)) | Q(Exists(recent_sale))


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


# How many cards each pipeline column shows; the column's count and totals cover them all,
# and its link opens the full list.
PIPELINE_CARDS = 25


def column_q(column: str) -> Q:
    """The deals of one pipeline column."""
    if column in DealStage.values:
        return Q(status=DealStatus.OPEN, stage=column)
    return Q(status=column)


def pipeline_for(user) -> list[dict]:
    """The board: per column its count, its amount per currency and its newest cards.

    The deals the caller sees (``deals_visible_to``: a rep's own, a manager's team's), in
    a fixed number of queries: one grouped total, then one page of cards per column.
    """
    deals = deals_visible_to(user)
    columns = {
        value: {"value": value, "label": label, "count": 0, "totals": {}}
        for value, label in PipelineColumn.choices
    }
    groups = (
        deals.order_by()
        .values_list("status", "stage", "currency")
        .annotate(n=Count("pk"), amount=Sum("amount"))
    )
    for status, stage, currency, n, amount in groups:
        column = columns[stage if status == DealStatus.OPEN else status]
        column["count"] += n
        column["totals"][currency] = column["totals"].get(currency, 0) + amount
    for column in columns.values():
        column["totals"] = sorted(column["totals"].items())
        column["deals"] = (
            list(
                deals.filter(column_q(column["value"])).order_by("-updated_at", "-pk")[
                    :PIPELINE_CARDS
                ]
            )
            if column["count"]
            else []
        )
    return list(columns.values())
