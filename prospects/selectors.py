"""Reads on prospects: who sees which, who may change which, search."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from audit import events
from core import crypto, database
from people.models import Role
from people.selectors import employee_of, role_of
from prospects import rules
from prospects.models import Prospect, ProspectTally, ProspectUserObjectPermission, ValueHistory

_ALL_PROSPECTS_ROLES = (Role.DPO, Role.ADMIN)
_SALES_ROLES = (Role.REP, Role.MANAGER)


class VisibleProspects(QuerySet):
    """``prospects_visible_to``'s queryset: its filter is built when the query is first needed.

    The outreach gate does not need it: it runs its own query, compiled once per
    visibility shape, with the viewer's ids bound in (``consent.facts``), and reads
    ``gate_viewer`` instead. Building the filter through the ORM costs more than the
    gate's whole query, so it is not built for it. Clones are plain, built querysets.
    """

    gate_viewer = None
    _build = None

    @property
    def query(self):
        if self._build is not None:
            build, self._build = self._build, None
            self._query = build().query
        return super().query

    @query.setter
    def query(self, value):
        self._build = None
        QuerySet.query.fset(self, value)


def visibility_shape(user) -> str | None:
    """Which visibility rule applies to ``user``: "all", "rep", "manager", or None (nothing)."""
    role = role_of(user)
    if role in _ALL_PROSPECTS_ROLES:
        return "all"
    if role in _SALES_ROLES and employee_of(user) is not None:
        return role
    return None


def prospects_visible_to(user) -> QuerySet[Prospect]:
    """Reps see their own and those shared with them; managers add their team's; DPO and admins all.

    One round trip, with the shares and the team as subqueries: the right shape for reading
    one prospect by id (the gate, detail pages). Lists use ``prospects_listed_for``.
    """
    prospects = VisibleProspects(model=Prospect)
    prospects._build = lambda: _visible(user, listing=False)
    prospects.gate_viewer = user
    return prospects


def prospects_listed_for(user) -> QuerySet[Prospect]:
    """The same rows as ``prospects_visible_to``, shaped for paging through many of them.

    The share ids and the team are read first, as short lists: an OR with a subquery makes
    PostgreSQL scan every prospect, while plain id lists let it use the owner index
    (make bench: 240 ms → 0.5 ms per page at 1M prospects).
    """
    return _visible(user, listing=True)


def prospects_listed_total(user, *, filtered: bool) -> int | None:
    """How many prospects ``user``'s unfiltered list holds, when it is known without counting.

    Lists of every prospect (DPO, admins) read the tally PostgreSQL keeps: an exact
    ``COUNT(*)`` of a million rows was most of each page's time (make bench: 45 ms of
    a 46 ms page). None means "count the rows": filtered lists, the sales roles'
    lists (their owner index counts them quickly), and SQLite.
    """
    if filtered or visibility_shape(user) != "all" or not database.postgresql():
        return None
    return ProspectTally.objects.aggregate(total=Sum("rows", default=0))["total"]


def _visible(user, *, listing: bool) -> QuerySet[Prospect]:
    prospects = Prospect.objects.all()
    role = role_of(user)
    if role in _ALL_PROSPECTS_ROLES:
        return prospects
    me = employee_of(user)
    if me is None or role not in _SALES_ROLES:
        return prospects.none()
    # Guardian's direct share table, not its get_objects_for_user (the slow path).
    shared = ProspectUserObjectPermission.objects.filter(
        user=user, permission__codename="view_prospect"
    ).values_list("content_object_id", flat=True)
    team = me.reports.values_list("pk", flat=True) if role == Role.MANAGER else None
    if listing:
        shared = list(shared)
        owners = [me.pk, *(team or [])]
        scope = Q(owner_id__in=owners)
        return prospects.filter(scope | Q(pk__in=shared) if shared else scope)
    scope = Q(owner=me) | Q(pk__in=Subquery(shared))
    if team is not None:
        scope |= Q(owner__manager=me)
    return prospects.filter(scope)


def prospect_get(*, user, pk) -> Prospect:
    """The prospect if ``user`` may see it, else 404; the DPO's and admins' reads are audited."""
    try:
        prospect = prospects_visible_to(user).select_related("owner").get(pk=pk)
    except (Prospect.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if role_of(user) in _ALL_PROSPECTS_ROLES:
        # They read people's data outside any sales relationship: accountability (art. 5(2)).
        events.personal_data_read(actor=user, obj=prospect, fields=rules.VALUE_FIELDS)
    return prospect


def prospect_editable_by(*, user, prospect: Prospect) -> bool:
    """The owner, the owner's manager, the DPO and admins; a share gives read access only."""
    role = role_of(user)
    if role in _ALL_PROSPECTS_ROLES:
        return True
    me = employee_of(user)
    if me is None or role not in _SALES_ROLES:
        return False
    if prospect.owner_id == me.pk:
        return True
    return role == Role.MANAGER and prospect.owner.manager_id == me.pk


def prospect_editable_get(*, user, pk) -> Prospect:
    """The prospect if ``user`` may change it: 404 out of scope, ``PermissionDenied`` when a
    share lets them read it only."""
    prospect = prospect_get(user=user, pk=pk)
    if not prospect_editable_by(user=user, prospect=prospect):
        raise PermissionDenied
    return prospect


def prospect_history(*, prospect: Prospect) -> QuerySet[ValueHistory]:
    return prospect.history.order_by("recorded_at", "id")


# The list's sorts: ``?sort=`` value → ORDER BY, each served by an index walked in order
# (prospects.models.Prospect.Meta.indexes) and ending on the id, so pages never overlap.
# Names and companies are encrypted: they cannot be sorted.
LIST_SORTS = {
    "-created_at": ("-created_at", "id"),
    "created_at": ("created_at", "-id"),
    "-collected_at": ("-collected_at", "-id"),
    "collected_at": ("collected_at", "id"),
    "next_follow_up_on": (F("next_follow_up_on").asc(nulls_last=True), "id"),
    # Most recent contact first, never-contacted last; the reverse puts them first.
    "-last_outreach_at": (F("last_outreach_at").desc(nulls_last=True), "id"),
    "last_outreach_at": (F("last_outreach_at").asc(nulls_first=True), "-id"),
}
DEFAULT_SORT = "-created_at"

# The DPO dashboard's tiles and the list's filters count the same rows: both read these.
RETENTION_DUE_DAYS = 30


def notice_overdue(now: datetime.datetime) -> Q:
    """Art. 14 notice not sent, and its month since collection over."""
    return Q(notice_sent_at__isnull=True, notice_due_at__lt=now)


def notice_due(now: datetime.datetime) -> Q:
    """Art. 14 notice not sent yet, still within its month."""
    return Q(notice_sent_at__isnull=True, notice_due_at__gte=now)


def retention_due(today: datetime.date) -> Q:
    """Retention running out within RETENTION_DUE_DAYS days, or already over."""
    return Q(retention_until__lte=today + datetime.timedelta(days=RETENTION_DUE_DAYS))


NOTICE_FILTERS = {"overdue": notice_overdue, "due": notice_due}


def prospect_owners_filterable_by(user) -> QuerySet:
    """The owners ``user`` may narrow the list to: a rep themself, a manager themself and
    their team, the DPO and admins anyone."""
    from people.models import Employee

    shape = visibility_shape(user)
    if shape == "all":
        return Employee.objects.filter(role__in=_SALES_ROLES)
    if shape is None:
        return Employee.objects.none()
    me = employee_of(user)
    if shape == Role.MANAGER:
        return Employee.objects.filter(Q(pk=me.pk) | Q(manager=me))
    return Employee.objects.filter(pk=me.pk)


def prospect_search(
    queryset: QuerySet[Prospect],
    *,
    q: str | None = None,
    provenance: str | None = None,
    network: str | None = None,
    kind: str | None = None,
    lawful_basis: str | None = None,
    owner=None,
    notice: str | None = None,
    retention: str | None = None,
    sort: str | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Prospect]:
    """Narrow ``queryset``: ``q`` is an exact identifier, or the beginnings of words of the
    name or of the company (through keyed tokens: the values are encrypted).

    ``owner``: an employee (or id) the caller may filter by (``prospect_owners_filterable_by``
    checks it first); ``notice`` "due" or "overdue"; ``retention`` "due"; ``sort`` a key of
    LIST_SORTS (anything else: newest first).
    """
    exact = {
        "provenance": provenance,
        "network": network,
        "kind": kind,
        "lawful_basis": lawful_basis,
        "owner": owner,
    }
    queryset = queryset.filter(**{field: value for field, value in exact.items() if value})
    now = now or timezone.now()
    if notice in NOTICE_FILTERS:
        queryset = queryset.filter(NOTICE_FILTERS[notice](now))
    if retention == "due":
        queryset = queryset.filter(retention_due(timezone.localdate(now)))
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(_text_condition(q))
    return queryset.order_by(*LIST_SORTS.get(sort or DEFAULT_SORT, LIST_SORTS[DEFAULT_SORT]))


def _text_condition(q: str) -> Q:
    # Names, companies and identifiers are encrypted: they are matched through their keyed
    # hashes only.
    exact = _identifier_condition(q)
    if exact is not None:
        # An exact e-mail, phone or URL is answered from its blind index alone: an OR with
        # the name or company tokens would make PostgreSQL read every row (the DPO's lookup
        # for a data-subject request at 1M prospects).
        return exact
    # A name or a company matches when each word of ``q`` starts one of its words.
    alternatives = []
    name_tokens = rules.name_search_tokens(q)
    if name_tokens:
        alternatives.append(_holds_tokens("name_tokens", name_tokens))
    company_tokens = rules.company_search_tokens(q)
    if company_tokens:
        alternatives.append(_holds_tokens("company_tokens", company_tokens))
    # Nothing searchable (punctuation alone) finds no one, not everyone.
    condition = Q(pk__in=[])
    for alternative in alternatives:
        condition |= alternative
    return condition


class _HoldsTokens(Func):
    """PostgreSQL: the space-separated ``column`` holds every token, read through its GIN
    index (prospects migration 0018): a search at 1M prospects probes the index instead
    of reading every row's tokens."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, tokens: list[str]):
        super().__init__(F(column))
        self.tokens = list(tokens)

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"string_to_array({column}, ' ') @> %s::text[]", (*params, self.tokens)


def _holds_tokens(column: str, tokens: list[str]) -> Q:
    if database.postgresql():
        return Q(_HoldsTokens(column, tokens))
    return Q(*[Q(**{f"{column}__contains": token}) for token in tokens])


def _identifier_condition(q: str) -> Q | None:
    """``q`` read as an e-mail, a phone number or a profile URL, else None (words)."""
    condition = None
    for identifier_type in rules.IDENTIFIER_FIELDS:
        try:
            index = crypto.blind_index(identifier_type, q)
        except ValueError:
            continue
        probe = Q(**{f"{identifier_type}_index": index})
        condition = probe if condition is None else condition | probe
    return condition


def prospect_shared_with(*, prospect: Prospect) -> QuerySet:
    """The colleagues this prospect is shared with (read access), by username."""
    from people.models import Employee

    shares = ProspectUserObjectPermission.objects.filter(
        content_object=prospect, permission__codename="view_prospect"
    )
    return (
        Employee.objects.filter(user_id__in=shares.values("user_id"))
        .select_related("user")
        .order_by("user__username")
    )


def prospect_share_candidates(*, prospect: Prospect) -> QuerySet:
    """Active sales colleagues the owner may still share this prospect with."""
    from people.models import Employee, EmployeeStatus

    return (
        Employee.objects.filter(
            role__in=_SALES_ROLES, status=EmployeeStatus.ACTIVE, user__is_active=True
        )
        .exclude(pk=prospect.owner_id)
        .exclude(pk__in=prospect_shared_with(prospect=prospect).values("pk"))
        .select_related("user")
        .order_by("user__username")
    )


def share_colleagues(*, user) -> QuerySet:
    """Active sales colleagues ``user`` may share their prospects with (the list's bulk share)."""
    from people.models import Employee, EmployeeStatus

    return (
        Employee.objects.filter(
            role__in=_SALES_ROLES, status=EmployeeStatus.ACTIVE, user__is_active=True
        )
        .exclude(user=user)
        .select_related("user")
        .order_by("user__username")
    )


def prospect_shareable_by(*, user, prospect: Prospect) -> bool:
    """Only the owner shares a prospect (a share is their decision, RULES: visibility)."""
    me = employee_of(user)
    return me is not None and prospect.owner_id == me.pk
