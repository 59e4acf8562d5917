"""The prospects list (``/prospects/``): search, filters, sorts, the page's consent per channel.

It lives here, above ``prospects`` and ``consent``, because it shows both: the records
with their owners, follow-ups and last contact, and each one's consent per channel read
from the consent events. The prospect's own pages and writes stay in ``prospects.views``.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from consent.models import ConsentAction, ConsentEvent
from consent.selectors import consent_status_by_channel
from core.api import CountedPaginator
from people.models import Role
from people.reads import record_page_read
from people.selectors import role_of
from prospects import saved_filters, selectors
from prospects.forms import ProspectFilterForm
from prospects.models import Prospect
from prospects.views import ADDER_ROLES, PAGE_SIZE, reader_or_403
from suppression.models import Channel


@login_required
def prospect_list(request):
    reader_or_403(request)
    filters = ProspectFilterForm(request.GET, owners=_owners(request))
    chosen = filters.filters()
    prospects = selectors.prospect_search(
        selectors.prospects_listed_for(request.user).select_related("owner__user"),
        sort=filters.sort_key,
        **chosen,
    )
    if filters.owner_refused:
        # An owner outside the caller's team lists no one (never everyone).
        prospects = prospects.none()
    total = selectors.prospects_listed_total(
        request.user, filtered=bool(chosen) or filters.owner_refused
    )
    if total is None:
        paginator = Paginator(prospects, PAGE_SIZE)
    else:
        paginator = CountedPaginator(prospects, PAGE_SIZE, count=total)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    record_page_read(request, page, model=Prospect)
    consents = _consents_of(page.object_list)
    for prospect in page.object_list:
        prospect.consents = consents[prospect.pk]
    role = role_of(request.user)
    sort_links = _sort_links(request, filters.sort_key)
    return render(
        request,
        "prospects/list.html",
        {
            "filters": filters,
            "page": page,
            "filtered": bool(chosen) or filters.owner_refused,
            "active_filters": _active_filters(filters, chosen),
            "sort": filters.sort_key,
            "sort_links": sort_links,
            "sort_choices": [(sort_links[column], label) for column, label in _SORT_LABELS],
            "default_sort": selectors.DEFAULT_SORT,
            "saved_filters": list(saved_filters.saved_filters_of(request.user)),
            "list_query": saved_filters.list_query(request.GET.urlencode()),
            # Reps see their own (and those shared with them); the others see several owners.
            "show_owner": role != Role.REP,
            "can_add": role in ADDER_ROLES,
        },
    )


def _owners(request):
    """The owners the list may be narrowed to; None for a rep (their list has one owner)."""
    if role_of(request.user) == Role.REP:
        return None
    return selectors.prospect_owners_filterable_by(request.user)


def _active_filters(filters: ProspectFilterForm, chosen: dict) -> list[tuple[str, str]]:
    """(label, value as the user reads it) of each filter applied, for the line above the list."""
    active = []
    for name, value in chosen.items():
        field = filters.fields[name]
        if name == "q":
            shown = value
        elif name == "owner":
            shown = value.username
        else:
            shown = dict(field.choices).get(value, value)
        active.append((field.label, shown))
    if filters.owner_refused:
        active.append((filters.fields["owner"].label, _("not in your team")))
    return active


# Column → (sort key when first clicked, its reverse). Names are encrypted: not sortable.
_SORTABLE_COLUMNS = {
    "collected_at": ("-collected_at", "collected_at"),
    "last_outreach_at": ("-last_outreach_at", "last_outreach_at"),
    "next_follow_up_on": ("next_follow_up_on", None),
    "created_at": ("-created_at", "created_at"),
}


_SORT_LABELS = [
    ("created_at", pgettext_lazy("prospect list", "Added on")),
    ("collected_at", gettext_lazy("Collected on")),
    ("last_outreach_at", pgettext_lazy("prospect list", "Last contact")),
    ("next_follow_up_on", pgettext_lazy("prospect list", "Next follow-up")),
]


def _sort_links(request, current: str) -> dict:
    """Per sortable column: the link that sorts by it (or reverses it), and its aria-sort."""
    links = {}
    for column, (first, reverse_key) in _SORTABLE_COLUMNS.items():
        if current == first:
            target = reverse_key or first
            aria = "ascending" if not first.startswith("-") else "descending"
        elif current == reverse_key:
            target, aria = first, "ascending" if not reverse_key.startswith("-") else "descending"
        else:
            target, aria = first, None
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = target
        links[column] = {"url": "?" + query.urlencode(), "aria": aria}
    return links


def _consents_of(prospects) -> dict:
    """Each listed prospect's consent status per channel, in one query for the page."""
    ids = [prospect.pk for prospect in prospects]
    if not ids:
        return {}
    events: dict = {pk: [] for pk in ids}
    for event in ConsentEvent.objects.filter(prospect_id__in=ids).only(
        "prospect_id", "channel", "action", "evidence", "wording_shown", "occurred_at"
    ):
        events[event.prospect_id].append(event)
    return {
        pk: [
            {
                "channel": Channel(channel).label,
                "granted": status == ConsentAction.GRANT,
                "status": ConsentAction(status).label,
            }
            for channel, status in consent_status_by_channel(found).items()
            if status is not None
        ]
        for pk, found in events.items()
    }
