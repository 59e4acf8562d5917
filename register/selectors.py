"""Reads of the register: every activity, in register order."""

from django.db.models import QuerySet
from django.http import Http404

from register.models import ProcessingActivity


def processing_activities() -> QuerySet[ProcessingActivity]:
    return ProcessingActivity.objects.order_by("created_at", "id")


def processing_activity_get(*, pk) -> ProcessingActivity:
    try:
        return processing_activities().get(pk=pk)
    except (ProcessingActivity.DoesNotExist, ValueError):
        raise Http404 from None


def notice_activities(slugs) -> list[ProcessingActivity]:
    """The activities the public notice page shows, in the order ``slugs`` names them."""
    by_slug = {a.slug: a for a in ProcessingActivity.objects.filter(slug__in=list(slugs))}
    return [by_slug[slug] for slug in slugs if slug in by_slug]
