"""The DPO's provenance dashboard: every figure aggregated in the database.

A fixed number of queries, whatever the number of prospects, events or
attempts; Python only sums the few aggregated rows that come back (never one
row per prospect) and names prospects' owners, never prospects. The indexes
that keep each query cheap at a million prospects are in
``dashboard/migrations`` (``make bench`` prints the figure).
"""

import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from consent.models import ConsentAction, ConsentEvent, Decision, OutreachAttempt
from core import database
from dsar.selectors import dsar_deadline_counts
from offboarding.selectors import offboardings_in_progress_count
from people.models import Employee, Network
from prospects import selectors as prospect_selectors
from prospects.models import LawfulBasis, Prospect, Provenance
from suppression.models import Channel, Opposition

OUTREACH_WINDOW_DAYS = 30
RETENTION_WARNING_DAYS = prospect_selectors.RETENTION_DUE_DAYS
TOP_REASONS = 5
# Prospects with no network, or no lawful basis, are counted under this key.
NONE = "none"


def _prospect_counts() -> dict:
    """Totals by owner, provenance, network and lawful basis, from one grouped scan.

    Grouped by the four columns at once so PostgreSQL reads one narrow index
    (``dashboard_prospect_owner_mix``) a single time; Python then adds up the
    groups, at most owners × 72 rows, never one per prospect.
    """
    provenance = dict.fromkeys(Provenance.values, 0)
    network = dict.fromkeys([*Network.values, NONE], 0)
    lawful_basis = dict.fromkeys([*LawfulBasis.values, NONE], 0)
    owners: dict[int, int] = {}
    groups = (
        Prospect.objects.order_by()
        .values_list("owner_id", "provenance", "network", "lawful_basis")
        .annotate(n=Count("*"))
    )
    for owner, prov, net, basis, n in groups:
        owners[owner] = owners.get(owner, 0) + n
        provenance[prov] = provenance.get(prov, 0) + n
        network[net or NONE] = network.get(net or NONE, 0) + n
        lawful_basis[basis or NONE] = lawful_basis.get(basis or NONE, 0) + n
    return {
        "total": sum(owners.values()),
        "owners": owners,
        "provenance": provenance,
        "network": network,
        "lawful_basis": lawful_basis,
    }


def _by_owner(owners: dict[int, int]) -> list[dict]:
    """Prospects per owning employee (id and username only), most first."""
    usernames = dict(
        Employee.objects.filter(pk__in=list(owners)).values_list("pk", "user__username")
    )
    rows = [
        {"employee": pk, "username": usernames.get(pk, ""), "count": n} for pk, n in owners.items()
    ]
    return sorted(rows, key=lambda row: (-row["count"], row["username"]))


# The DPO's tiles link to the prospect list filtered by these same conditions
# (``/prospects/?notice=overdue``, ``?notice=due``, ``?retention=due``): the list's filters
# call these functions, so a tile's count is the length of the list behind it.


def notice_overdue_q(*, now: datetime.datetime) -> Q:
    """The art. 14 notice is not sent and its one-month deadline has passed (the list's
    ``?notice=overdue``: one definition, ``prospects.selectors``)."""
    return prospect_selectors.notice_overdue(now)


def notice_due_q(*, now: datetime.datetime) -> Q:
    """The art. 14 notice is not sent yet and its deadline is still ahead (``?notice=due``)."""
    return prospect_selectors.notice_due(now)


def retention_due_q(*, today: datetime.date) -> Q:
    """The retention period ends within ``RETENTION_WARNING_DAYS``, or is already over."""
    return prospect_selectors.retention_due(today)


def _record_deadlines(*, now: datetime.datetime, today: datetime.date) -> dict:
    """Art. 14 notices overdue and due, retention running out and flagged notes, in one query.

    Each condition reads its own small index (the flagged notes a partial one, RULES 25):
    the notes themselves stay encrypted, the services set ``notes_flagged`` when they
    are written.
    """
    warn_until = today + datetime.timedelta(days=RETENTION_WARNING_DAYS)
    notice_overdue = notice_overdue_q(now=now)
    notice_due = notice_due_q(now=now)
    retention_due = retention_due_q(today=today)
    notes_flagged = Q(notes_flagged=True)
    counts = Prospect.objects.filter(
        Q(notice_sent_at__isnull=True, notice_due_at__isnull=False) | retention_due | notes_flagged
    ).aggregate(
        notice_overdue=Count("pk", filter=notice_overdue),
        notice_due=Count("pk", filter=notice_due),
        retention_due=Count("pk", filter=retention_due),
        retention_expiring=Count("pk", filter=Q(retention_until__range=(today, warn_until))),
        retention_expired=Count("pk", filter=Q(retention_until__lt=today)),
        flagged_notes=Count("pk", filter=notes_flagged),
    )
    return {key: value or 0 for key, value in counts.items()}


# A sealed empty value (core.crypto: ``v1$<key id>$<nonce>$<ciphertext>``) has a
# ciphertext of the 16-byte AES-GCM tag alone: 22 base64url characters after the last "$".
# Any text makes that part longer, so SQL tells an empty ``wording_shown`` without keys.
# The same literal is the predicate of the partial index dashboard_consent_grant_no_wording.
EMPTY_SEALED_LIKE = "%$" + "_" * 22


def _registry_sql() -> str:
    """The suppression list's size and the grants without proof of wording, one round trip."""
    oppositions = Opposition._meta.db_table
    events = ConsentEvent._meta.db_table
    # Both conditions are literals, as in the partial index's predicate, so the planner can
    # prove the index applies; "%%" because the cursor formats the statement.
    empty = EMPTY_SEALED_LIKE.replace("%", "%%")
    return f"""
        SELECT (SELECT COUNT(*) FROM {oppositions}),
               (SELECT COUNT(*) FROM {events}
                WHERE action = '{ConsentAction.GRANT.value}' AND wording_shown LIKE '{empty}')
    """  # noqa: S608 - names from the models and constants; nothing comes from a request


def _registry_counts() -> dict:
    """Since rules 2026.12 the gate treats a grant without its wording as no grant (RULES 6)."""
    with connection.cursor() as cursor:
        cursor.execute(_registry_sql(), [])
        oppositions, grants_without_wording = cursor.fetchone()
    return {
        "suppression_list_size": int(oppositions or 0),
        "consent_grants_without_wording": int(grants_without_wording or 0),
    }


# Four slices of the (random, version 4) prospect ids: on PostgreSQL each slice's DISTINCT ON
# is one branch of a Parallel Append, so the workers share the one scan the figure needs.
_UUID_SLICES = (
    "40000000-0000-0000-0000-000000000000",
    "80000000-0000-0000-0000-000000000000",
    "c0000000-0000-0000-0000-000000000000",
)


def _consent_sql() -> tuple[str, list]:
    """Per channel, how many (prospect, channel) pairs are currently opted in and out.

    The current status is the latest event, opt-out first on a tie (RULES 2,
    ``consent.rules.current_status``), read in the order of the consent_latest_first
    index. PostgreSQL keeps the first row of each pair with DISTINCT ON over an
    index-only scan (at 1M events: window function 3.8 s, DISTINCT ON 1.2 s, the same
    in four parallel slices 0.9 s on the loaded bench machine); elsewhere a window
    function ranks them.
    """
    table = ConsentEvent._meta.db_table
    params: list = []
    if database.postgresql():
        bounds = [None, *_UUID_SLICES, None]
        slices = []
        for low, high in zip(bounds, bounds[1:], strict=False):
            conditions = []
            if low is not None:
                conditions.append("prospect_id >= %s::uuid")
                params.append(low)
            if high is not None:
                conditions.append("prospect_id < %s::uuid")
                params.append(high)
            slices.append(
                f"(SELECT DISTINCT ON (prospect_id, channel) channel, action FROM {table} "  # noqa: S608 - the table name comes from the model
                f"WHERE {' AND '.join(conditions)} "
                "ORDER BY prospect_id, channel, occurred_at DESC, action DESC)"
            )
        latest = " UNION ALL ".join(slices)
    else:
        latest = f"""
            SELECT channel, action FROM (
                SELECT channel, action, ROW_NUMBER() OVER (
                    PARTITION BY prospect_id, channel ORDER BY occurred_at DESC, action DESC
                ) AS position
                FROM {table} WHERE prospect_id IS NOT NULL
            ) ranked WHERE position = 1
        """  # noqa: S608 - the table name comes from the model
    sql = f"""
        SELECT channel,
               SUM(CASE WHEN action = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN action = %s THEN 1 ELSE 0 END)
        FROM ({latest}) latest
        GROUP BY channel
    """  # noqa: S608 - built from the constants above; values are bound
    return sql, [ConsentAction.GRANT, ConsentAction.WITHDRAW, *params]


def _consent_by_channel() -> dict:
    """Per channel: prospects whose current status is opt-in, and opt-out."""
    coverage = {channel: {"opt_in": 0, "opt_out": 0} for channel in Channel.values}
    with connection.cursor() as cursor:
        cursor.execute(*_consent_sql())
        for channel, opt_in, opt_out in cursor.fetchall():
            coverage[channel] = {"opt_in": int(opt_in or 0), "opt_out": int(opt_out or 0)}
    return coverage


def _outreach(*, since: datetime.datetime) -> dict:
    counts = OutreachAttempt.objects.filter(created_at__gte=since).aggregate(
        # Counting a column of dashboard_outreach_recent_decision (not the id) lets
        # PostgreSQL answer from the index alone.
        allowed=Count("decision", filter=Q(decision=Decision.ALLOW)),
        denied=Count("decision", filter=Q(decision=Decision.DENY)),
    )
    return {key: value or 0 for key, value in counts.items()}


def _reasons_sql() -> str:
    """Blocking reasons of denied attempts since a date, most frequent first (JSON per vendor)."""
    table = OutreachAttempt._meta.db_table
    if database.postgresql():
        elements = "jsonb_array_elements(o.reasons) AS r(value)"
        code, severity = "r.value ->> 'code'", "r.value ->> 'severity'"
    else:
        elements = "json_each(o.reasons) AS r"
        code, severity = "json_extract(r.value, '$.code')", "json_extract(r.value, '$.severity')"
    return f"""
        SELECT {code} AS code, COUNT(DISTINCT o.id) AS n
        FROM {table} o CROSS JOIN {elements}
        WHERE o.decision = %s AND o.created_at >= %s AND {severity} = 'block'
        GROUP BY {code}
        ORDER BY n DESC, code
        LIMIT %s
    """  # noqa: S608 - names from the model and constants; values are bound


def _top_denial_reasons(*, since: datetime.datetime) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(_reasons_sql(), [Decision.DENY, since, TOP_REASONS])
        return [{"code": code, "count": n} for code, n in cursor.fetchall()]


def provenance_dashboard(*, now: datetime.datetime | None = None) -> dict:
    """Every figure of the DPO dashboard, in a constant number of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = now - datetime.timedelta(days=OUTREACH_WINDOW_DAYS)
    counts = _prospect_counts()
    deadlines = _record_deadlines(now=now, today=today)
    outreach = _outreach(since=since)
    return {
        "generated_at": now,
        "total_prospects": counts["total"],
        "by_provenance": counts["provenance"],
        "by_network": counts["network"],
        "by_owner": _by_owner(counts["owners"]),
        "by_lawful_basis": counts["lawful_basis"],
        "consent_by_channel": _consent_by_channel(),
        "notice_overdue": deadlines["notice_overdue"],
        "notice_due": deadlines["notice_due"],
        "retention": {
            "due": deadlines["retention_due"],
            "expiring_30_days": deadlines["retention_expiring"],
            "expired": deadlines["retention_expired"],
            "retention_days": settings.PROSPECT_RETENTION_DAYS,
        },
        **_registry_counts(),
        "flagged_notes": deadlines["flagged_notes"],
        "outreach_last_30_days": {
            **outreach,
            "top_denial_reasons": _top_denial_reasons(since=since),
        },
        # One query each, provided by the DSAR and offboarding apps.
        "dsar": dsar_deadline_counts(),
        "offboardings_in_progress": offboardings_in_progress_count(),
    }
