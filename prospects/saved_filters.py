"""A user's saved list queries: kept under a name, shown as links above their list."""

from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from prospects.models import SavedFilter

MAX_PER_USER = 20


def saved_filters_of(user) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(user=user)


def list_query(query: str) -> str:
    """The list's own query string: the page number dropped, nothing else kept but text."""
    pairs = [(key, value) for key, value in parse_qsl(query) if key != "page" and value]
    return urlencode(pairs)


@transaction.atomic
def saved_filter_save(*, user, name: str, query: str) -> SavedFilter:
    """Keep ``query`` under ``name``; the same name again replaces the query."""
    name = (name or "").strip()
    query = list_query(query or "")
    errors = {}
    if not name:
        errors["name"] = _("Give the filter a name.")
    elif len(name) > 80:
        errors["name"] = _("Keep the name under 80 characters.")
    if not query:
        errors["query"] = _("Search or filter the list first, then save it.")
    elif len(query) > 1000:
        errors["query"] = _("This search is too long to save.")
    existing = saved_filters_of(user).filter(name=name).first()
    if existing is None and saved_filters_of(user).count() >= MAX_PER_USER:
        errors["name"] = _("You have %(limit)d saved filters: delete one first.") % {
            "limit": MAX_PER_USER
        }
    if errors:
        raise ValidationError(errors)
    if existing is not None:
        existing.query = query
        existing.save(update_fields=["query"])
        return existing
    return SavedFilter.objects.create(user=user, name=name, query=query)


def saved_filter_delete(*, user, pk) -> None:
    """Delete one of the user's own saved filters; anyone else's is a 404."""
    deleted, _rows = saved_filters_of(user).filter(pk=pk).delete()
    if not deleted:
        raise Http404
