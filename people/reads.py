"""The read trail: the DPO's and administrators' list, search and export reads.

They read people's data outside any sales relationship, so each page they read is
one audit entry naming the records on it (accountability, art. 5(2) GDPR). Reps'
and managers' reads of their own book are not recorded. The entry names the
filters used, never their values (a search term may itself be personal data).

- ``record_read``: the one function; export views call it directly.
- ``ReadAuditedListMixin``: for DRF list views, one entry per page served.
- ``record_page_read``: for HTML lists paginated with Django's ``Paginator``.
"""

import re

from audit import events
from people.models import Role
from people.selectors import role_of

AUDITED_READERS = (Role.DPO, Role.ADMIN)
LISTED, SEARCHED, EXPORTED = "listed", "searched", "exported"
# Paging and format are how a list is read, not what it was searched for.
_NOT_FILTERS = {"page", "page_size", "format", "ordering"}
_FILTER_NAME = re.compile(r"^[a-z_]{1,40}$")


def filters_used(params) -> list[str]:
    """The names of the filters a request used (non-empty values), without the values."""
    return sorted(
        name
        for name, values in params.lists()
        if name not in _NOT_FILTERS and _FILTER_NAME.match(name) and any(values)
    )


def record_read(*, user, model, ids, kind: str = LISTED, filters=()):
    """One audit entry for one page or export of ``model`` records the DPO or an admin read.

    Returns the event, or None when the reader's reads are not recorded.
    """
    if role_of(user) not in AUDITED_READERS:
        return None
    if kind == LISTED and filters:
        kind = SEARCHED
    return events.record(
        actor=user,
        action=f"personal_data.{kind}",
        object_type=model._meta.label_lower,
        fields=filters,
        record_ids=ids,
    )


class ReadAuditedListMixin:
    """DRF list views: each page the DPO or an admin is served is one audit entry."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            record_read(
                user=self.request.user,
                model=queryset.model,
                ids=[row.pk for row in page],
                filters=filters_used(self.request.query_params),
            )
        return page


def record_page_read(request, page, *, model):
    """HTML lists: the page (Django's ``Page``) the DPO or an admin is shown, as one entry."""
    return record_read(
        user=request.user,
        model=model,
        ids=[row.pk for row in page],
        filters=filters_used(request.GET),
    )
