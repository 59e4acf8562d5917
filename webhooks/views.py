"""Browser page: the DPO's view of webhook subscriptions and their recent deliveries."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from people.models import Role
from people.selectors import has_role
from webhooks import selectors

RECENT_DELIVERIES = 50


@login_required
def webhooks_page(request):
    if not has_role(request.user, Role.DPO, Role.ADMIN):
        raise PermissionDenied
    return render(
        request,
        "webhooks/list.html",
        {
            "subscriptions": selectors.subscriptions_visible_to(request.user),
            "deliveries": selectors.recent_deliveries(user=request.user, limit=RECENT_DELIVERIES),
        },
    )
