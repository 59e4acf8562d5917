"""Reads of webhook subscriptions and their deliveries: the DPO and administrators only."""

from django.db.models import QuerySet
from django.http import Http404

from people.models import Role
from people.selectors import has_role
from webhooks.models import WebhookDelivery, WebhookSubscription


def subscriptions_visible_to(user) -> QuerySet[WebhookSubscription]:
    if has_role(user, Role.DPO, Role.ADMIN):
        return WebhookSubscription.objects.all()
    return WebhookSubscription.objects.none()


def subscription_get(*, user, pk) -> WebhookSubscription:
    """The subscription, or 404 when it does not exist or the caller may not see it."""
    try:
        return subscriptions_visible_to(user).get(pk=pk)
    except (WebhookSubscription.DoesNotExist, ValueError):
        raise Http404 from None


def deliveries_of(subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    return subscription.deliveries.order_by("-created_at", "id")


def recent_deliveries(*, user, limit: int) -> list[WebhookDelivery]:
    if not has_role(user, Role.DPO, Role.ADMIN):
        return []
    return list(
        WebhookDelivery.objects.select_related("subscription")
        .defer("personal", "subscription__secret")
        .order_by("-created_at", "id")[:limit]
    )
