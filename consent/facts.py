"""Gathering the gate's facts: one annotated query on the prospect, whatever its history.

Everything the rules need about the prospect's past (suppression hits, the
latest consent on the channel, outreach counts in their windows, the account's
volume today) and about the employee's compliance (required charters not
acknowledged in their current version, training validity) comes back as
annotations on the single row that also proves the caller may see the prospect.
The row carries the e-mail and phone still sealed; ``gather_facts`` opens the one
value a rule needs (the e-mail's domain for an e-mail to a professional, the phone's
zone for a call to a consumer), and a value that does not open is a ``gate_error``.
On PostgreSQL a transaction-local ``statement_timeout`` bounds it, so a slow database
turns into a ``gate_error`` denial, not a hang.

The ORM expression below (``_annotated``) is the single source of that query. Building
and compiling it costs far more than running it (make bench: ~4 of ~5.5 ms), so on
PostgreSQL it is compiled once per process and shape (the caller's role, the channel,
the thresholds) with stand-in values, and then run as a server-side prepared statement
with the call's own values in their places: no ORM work and no planning per decision
(make bench at 1M prospects and 5M events: 5.5 ms → 1.0 ms, 8–10× a bare SELECT 1).
A shape whose compiled text does not vary with the stand-ins exactly as expected is
never cached; it is built per call as before.
"""

import dataclasses
import datetime
import json
import logging
import uuid
from contextlib import nullcontext
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import (
    CharField,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, JSONArray, Length, Substr

from charters.models import Acknowledgement
from charters.selectors import current_versions, training_valid_until_of
from consent.gate import (
    ELECTRONIC_CHANNELS,
    MESSAGE_CHANNELS,
    SOCIAL_CHANNELS,
    Facts,
    is_personal_address,
)
from consent.models import (
    CallOutcome,
    ConsentAction,
    ConsentEvent,
    Decision,
    Evidence,
    OutreachAttempt,
)
from core import crypto, database
from core.fields import Sealed
from core.holidays import zone_of_phone
from deals.models import Deal, DealStatus
from prospects.models import Prospect
from suppression.models import SCOPE_ALL, Opposition

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
_BEFORE_ANY_OUTREACH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# What the rules read from the prospect row itself; the rest of the row is left deferred
# (no decryption, no bytes the gate does not need).
ROW_FIELDS = (
    "id",
    "owner_id",
    "social_account_id",
    "kind",
    "email",
    "phone",
    "email_restricted",
    "lawful_basis",
    "source",
    "retention_until",
    "notice_due_at",
    "notice_sent_at",
    "processing_restricted_at",
    "last_contact_from_prospect_at",
)

# ``Model.from_db`` takes the loaded values in the model's field order.
_LOADED = tuple(f.attname for f in Prospect._meta.concrete_fields if f.attname in ROW_FIELDS)
_SEALED = ("email", "phone")
# A sealed token is ``v1$<key id>$<nonce>$<ciphertext>``; the ciphertext of an empty text is
# the bare 16-byte tag, 22 characters: the character just before them is then the last "$".
_SEALED_EMPTY_TAG = 22


class ProspectNotVisible(Exception):
    """The prospect does not exist or the caller may not see it (the API answers 404)."""


def _capped_count(queryset: QuerySet, cap: int | None) -> Func:
    """How many rows, counted up to ``cap``: the rules only compare the count with a limit,
    so a prospect with 10,000 past messages costs no more than one with ``cap``."""
    rows = queryset.order_by().values("pk")
    rows = Subquery(rows[:cap] if cap is not None else rows)
    return Func(
        rows,
        template="(SELECT COUNT(*) FROM %(expressions)s AS capped)",
        output_field=IntegerField(),
    )


class _JSONAgg(Func):
    """The rows of a subquery as one JSON array (json_agg / json_group_array)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)


def _charters_missing(*, employee_id, today: datetime.date) -> Subquery:
    """The required current charters the employee has not acknowledged: [[kind, en, fr], …]."""
    acknowledged = Acknowledgement.objects.filter(employee_id=employee_id, version=OuterRef("pk"))
    missing = (
        current_versions(today=today)
        .filter(required_for_prospecting=True)
        .exclude(Exists(acknowledged))
        .order_by()
        .annotate(rows=_JSONAgg(JSONArray(F("charter__kind"), F("title_en"), F("title_fr"))))
        .values("rows")
    )
    return Subquery(missing, output_field=JSONField())


@dataclasses.dataclass(frozen=True)
class _Caps:
    """The limits the counting rules compare with (part of the compiled SQL: LIMIT n)."""

    requests: int | None  # connection requests to this person in the window
    unanswered: int | None  # our unanswered messages on the channel
    account: int | None  # the account's allowed attempts today on this network and channel
    calls: int | None  # consumer calls allowed in a window (the n-th latest is read)


def _caps(channel: str, network: str) -> _Caps:
    return _Caps(
        requests=settings.CONNECTION_REQUEST_MAX if channel == "connection_request" else None,
        unanswered=settings.UNANSWERED_MAX if channel in MESSAGE_CHANNELS else None,
        account=settings.NETWORK_DAILY_LIMIT.get(network, {}).get(channel) if network else None,
        calls=settings.PHONE_CALLS_MAX if channel == "phone" else None,
    )


def _counted_consent(events: QuerySet) -> QuerySet:
    """The events that count for the gate: withdrawals, and grants that prove an opt-in.

    A grant counts with the wording shown to the person (RULES 6; older grants without it
    stay as history) and not when it records a sale (a soft opt-in basis, not an opt-in,
    RULES 3). The wording is tested on the sealed column: an empty text seals to a token
    whose ciphertext is the bare tag (``_SEALED_EMPTY_TAG``).
    """
    return events.alias(
        wording_char_before_tag=Substr(
            "wording_shown",
            Length("wording_shown") - _SEALED_EMPTY_TAG,
            1,
            output_field=CharField(),
        )
    ).filter(
        Q(action=ConsentAction.WITHDRAW)
        | (
            Q(action=ConsentAction.GRANT)
            & ~Q(evidence=Evidence.SALE)
            & ~Q(wording_shown=Sealed(""))
            & ~Q(wording_char_before_tag="$")
        )
    )


def _annotated(
    prospects: QuerySet,
    *,
    channel: str,
    caps: _Caps,
    social_account_id,
    employee_id,
    window_start: datetime.datetime,
    day_start: datetime.datetime,
    today: datetime.date,
):
    identifier_hit = (
        Q(identifier_type="email", identifier_index=OuterRef("email_index"))
        | Q(identifier_type="phone", identifier_index=OuterRef("phone_index"))
        | Q(identifier_type="profile_url", identifier_index=OuterRef("profile_url_index"))
    )
    suppression = Opposition.objects.filter(identifier_hit, scope__in=[SCOPE_ALL, channel])
    # Latest event first; on a tie "withdraw" sorts before "grant": opt-out wins (RULES 2).
    latest_consent = (
        _counted_consent(ConsentEvent.objects.filter(prospect=OuterRef("pk"), channel=channel))
        .order_by("-occurred_at", "-action")
        .values("action")[:1]
    )
    allowed_here = OutreachAttempt.objects.filter(
        prospect=OuterRef("pk"), channel=channel, decision=Decision.ALLOW
    )
    zero = Value(0, output_field=IntegerField())
    requests_in_window = requests_pending = unanswered = account_today = zero
    if caps.requests is not None:
        in_window = allowed_here.filter(created_at__gte=window_start)
        requests_in_window = _capped_count(in_window, caps.requests)
        requests_pending = _capped_count(in_window.filter(replied_at__isnull=True), 1)
    if caps.unanswered is not None:
        # Our messages since the prospect last wrote to us. Compared with the outer row's
        # value, not through a join back to the prospect, which PostgreSQL repeats for
        # every outreach row (make bench: 5.2 → 1.2 ms).
        unanswered = _capped_count(
            allowed_here.filter(
                created_at__gt=Coalesce(
                    OuterRef("last_contact_from_prospect_at"), Value(_BEFORE_ANY_OUTREACH)
                )
            ),
            caps.unanswered,
        )
    if caps.account is not None and social_account_id is not None:
        # Not capped: allowed attempts stop at the limit anyway, and a LIMIT here makes the
        # generic plan prefer the bare social_account index over outreach_account_day.
        account_today = _capped_count(
            OutreachAttempt.objects.filter(
                social_account_id=social_account_id,
                channel=channel,
                decision=Decision.ALLOW,
                created_at__gte=day_start,
            ),
            None,
        )
    no_time = Value(None, output_field=DateTimeField())
    nth_latest_call = call_refused = no_time
    if caps.calls is not None:
        # RULES 7: the n-th latest call tells whether n fell in the window; the latest refusal
        # starts the pause. The gate compares both with the clock.
        calls = allowed_here.order_by("-created_at").values("created_at")
        nth_latest_call = Subquery(calls[caps.calls - 1 : caps.calls])
        call_refused = Subquery(calls.filter(outcome=CallOutcome.REFUSED)[:1])
    deals = Deal.objects.filter(prospect=OuterRef("pk"))
    annotations = {
        "opposed": Exists(suppression),
        # RULES 3 and 7: a won deal makes the person a customer, with a contract in progress.
        "customer": Exists(deals.filter(status=DealStatus.WON)),
        # RULES 8: a contract basis needs a deal in progress or concluded.
        "deal_in_progress": Exists(deals.filter(status__in=[DealStatus.OPEN, DealStatus.WON])),
        # RULES 3: the latest sale where the opt-out was offered with the details collected.
        "soft_opt_in_sale_on": Subquery(
            deals.filter(status=DealStatus.WON, opt_out_offered_at_sale=True)
            .exclude(concluded_on=None)
            .order_by("-concluded_on")
            .values("concluded_on")[:1]
        ),
        "nth_latest_call_at": nth_latest_call,
        "call_refused_at": call_refused,
        "latest_consent": Subquery(latest_consent),
        "requests_in_window": requests_in_window,
        "requests_pending": requests_pending,
        "unanswered": unanswered,
        "account_today": account_today,
        # RULES 13, read on the same row: the employee's charters and training cost no query.
        "charters_missing": _charters_missing(employee_id=employee_id, today=today),
        "training_valid_until": training_valid_until_of(employee_id=employee_id),
    }
    return prospects.order_by().annotate(**annotations).values(*ROW_FIELDS, *annotations)


# --- compiled once per process --------------------------------------------------------------

# Stand-ins for the values that vary between calls. None of them can occur as one of the
# query's constants; a compiled shape is checked against a second set before it is cached.
_STAND_INS = (
    {
        "prospect_id": uuid.UUID("6a7e0000-0000-4000-8000-00000000a001"),
        "employee_id": -917_000_001,
        "viewer_user_id": -917_000_002,
        "viewer_employee_id": -917_000_003,
        "social_account_id": -917_000_004,
        "window_start": datetime.datetime(1901, 1, 1, 0, 0, 1, tzinfo=datetime.UTC),
        "day_start": datetime.datetime(1901, 1, 1, 0, 0, 2, tzinfo=datetime.UTC),
        "today": datetime.date(1901, 1, 3),
    },
    {
        "prospect_id": uuid.UUID("6a7e0000-0000-4000-8000-00000000b002"),
        "employee_id": -918_000_001,
        "viewer_user_id": -918_000_002,
        "viewer_employee_id": -918_000_003,
        "social_account_id": -918_000_004,
        "window_start": datetime.datetime(1902, 2, 1, 0, 0, 1, tzinfo=datetime.UTC),
        "day_start": datetime.datetime(1902, 2, 1, 0, 0, 2, tzinfo=datetime.UTC),
        "today": datetime.date(1902, 2, 3),
    },
)


@dataclasses.dataclass(frozen=True)
class _Compiled:
    sql: str
    # Per parameter: ("slot", name) for a per-call value, ("const", value) otherwise.
    params: tuple[tuple[str, object], ...]
    names: tuple[str, ...]


_compiled: dict[tuple, _Compiled | None] = {}


def _stand_in_viewer(shape: str, values: dict):
    from people.models import Employee, Role

    user = get_user_model()(pk=values["viewer_user_id"], username="gate-stand-in")
    role = Role.DPO if shape == "all" else shape
    Employee(pk=values["viewer_employee_id"], user=user, role=role)  # caches user.employee
    return user


def _compile(key: tuple, *, shape: str, channel: str, caps: _Caps, with_account: bool):
    from prospects.selectors import prospects_visible_to, visibility_shape

    versions = []
    for values in _STAND_INS:
        viewer = _stand_in_viewer(shape, values)
        if visibility_shape(viewer) != shape:
            raise ValueError(f"no stand-in viewer for the visibility shape {shape!r}")
        query = _annotated(
            prospects_visible_to(viewer).filter(pk=values["prospect_id"]),
            channel=channel,
            caps=caps,
            social_account_id=values["social_account_id"] if with_account else None,
            employee_id=values["employee_id"],
            window_start=values["window_start"],
            day_start=values["day_start"],
            today=values["today"],
        ).query
        sql, params = query.sql_with_params()
        versions.append((sql, params, tuple(query.selected)))
    (sql, first, names), (sql_again, second, _names) = versions
    compiled = None
    if sql == sql_again and len(first) == len(second):
        slots = []
        for one, other in zip(first, second, strict=True):
            slot = next(
                (
                    name
                    for name, stand_in in _STAND_INS[0].items()
                    if isinstance(one, type(stand_in)) and one == stand_in
                ),
                None,
            )
            if slot is not None and other == _STAND_INS[1][slot]:
                slots.append(("slot", slot))
            elif slot is None and one == other:
                slots.append(("const", one))
            else:
                break
        else:
            if ("slot", "prospect_id") in slots and "%%" not in sql:
                compiled = _inline_constants(sql, slots, names)
    if compiled is None:
        logger.warning("gate: the facts query for %s cannot be compiled once", key)
    _compiled[key] = compiled
    return compiled


# Per-call values written into the statement's text rather than bound: the start of the
# day changes once a day (one more prepared statement a day), and as a literal it lets the
# plan see how few rows it selects (outreach_account_day, not the bare account index).
_WRITTEN_IN = {"day_start": "\x00day_start\x00"}


def _written_in(sql: str, values: dict) -> str:
    for slot, marker in _WRITTEN_IN.items():
        if marker in sql:
            literal = connection.ops.compose_sql("%s", [values[slot]]).replace("%", "%%")
            sql = sql.replace(marker, literal)
    return sql


def _inline_constants(sql: str, slots: list, names: tuple) -> _Compiled:
    """The constants written into the statement, only the per-call values left as parameters.

    A prepared statement is planned once for any parameters: ``decision = $1`` could not use
    the partial indexes on ``decision = 'allow'``, ``decision = 'allow'`` does.
    """
    pieces = sql.split("%s")
    text = [pieces[0]]
    params = []
    for (kind, value), piece in zip(slots, pieces[1:], strict=True):
        if kind == "slot" and value in _WRITTEN_IN:
            text.append(_WRITTEN_IN[value])
        elif kind == "slot":
            text.append("%s")
            params.append((kind, value))
        else:
            text.append(connection.ops.compose_sql("%s", [value]).replace("%", "%%"))
        text.append(piece)
    return _Compiled(sql="".join(text), params=tuple(params), names=names)


_prepared_cursor_class = None


@dataclasses.dataclass(frozen=True)
class _QueryText:
    query: bytes


def _prepared_cursor(raw_connection):
    """A psycopg cursor binding server-side and preparing every statement it runs."""
    global _prepared_cursor_class  # noqa: PLW0603 - defined once, on first use
    if _prepared_cursor_class is None:
        from django.db.backends.postgresql.base import ServerBindingCursor

        class PreparedCursor(ServerBindingCursor):
            def execute(self, query, params=None, *, prepare=True, binary=None):
                result = super().execute(query, params, prepare=prepare, binary=binary)
                if self._query is None:
                    # Running a prepared statement leaves it unset; Django's query log
                    # (DEBUG, assertNumQueries) reads the text from it.
                    self._query = _QueryText(query.encode())
                return result

        _prepared_cursor_class = PreparedCursor
    return _prepared_cursor_class(raw_connection)


def _statement_timeout_ms() -> int:
    """The gate's time limit in milliseconds; an unusable setting fails closed on any database."""
    timeout = settings.GATE_STATEMENT_TIMEOUT_MS
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 1:
        raise ValueError("GATE_STATEMENT_TIMEOUT_MS must be a positive number of milliseconds")
    return timeout


def _bound() -> None:
    """The transaction's time limit: a slow database is a denial (gate_error), not a hang.

    The setting is checked on every database; only PostgreSQL can enforce it.
    """
    database.bound_transaction(_statement_timeout_ms())


def _run_compiled(compiled: _Compiled, values: dict) -> list[tuple]:
    params = [values[v] if kind == "slot" else v for kind, v in compiled.params]
    connection.ensure_connection()
    raw_connection = connection.connection
    _bound()
    # Bound server-side and prepared on first use on this connection (Django's own cursors
    # bind client-side, so PostgreSQL would plan the query again on every call); wrapped as
    # Django wraps its cursors: counted, logged, its errors translated. (A psycopg pipeline
    # saves two local round trips but costs more than them: make bench, 1.15 vs 1.03 ms.)
    with connection._prepare_cursor(_prepared_cursor(raw_connection)) as cursor:
        cursor.execute(_written_in(compiled.sql, values), params)
        return cursor.fetchall()


def _fetch(
    prospects: QuerySet,
    *,
    prospect_id,
    channel: str,
    caps: _Caps,
    social_account_id,
    employee_id,
    window_start,
    day_start,
    today,
) -> dict | None:
    """The prospect's row and its annotations, or None when the caller may not see it."""
    from people.selectors import employee_of
    from prospects.selectors import visibility_shape

    # Only the very queryset ``prospects_visible_to`` returned names its viewer; anything
    # derived from it (filtered further) takes the per-call path below.
    viewer = getattr(prospects, "gate_viewer", None)
    if viewer is not None and database.postgresql() and settings.GATE_PREPARED_QUERY:
        shape = visibility_shape(viewer)
        if shape is None:
            return None
        with_account = social_account_id is not None and caps.account is not None
        key = (_annotated, shape, channel, caps, with_account)
        compiled = _compiled[key] if key in _compiled else None
        if key not in _compiled:
            compiled = _compile(
                key, shape=shape, channel=channel, caps=caps, with_account=with_account
            )
        if compiled is not None:
            rows = _run_compiled(
                compiled,
                {
                    "prospect_id": uuid.UUID(str(prospect_id)),
                    "employee_id": employee_id,
                    "viewer_user_id": viewer.pk,
                    "viewer_employee_id": getattr(employee_of(viewer), "pk", None),
                    "social_account_id": social_account_id,
                    "window_start": window_start,
                    "day_start": day_start,
                    "today": today,
                },
            )
            if not rows:
                return None
            row = dict(zip(compiled.names, rows[0], strict=True))
            # Read as Django would: still sealed, opened by the model with the row's own key.
            for name in _SEALED:
                if row[name] is not None:
                    row[name] = Sealed(row[name])
            if isinstance(row["charters_missing"], str):
                row["charters_missing"] = json.loads(row["charters_missing"])
            return row
    if prospects.query.is_empty():
        return None
    _bound()
    rows = list(
        _annotated(
            prospects.filter(pk=prospect_id),
            channel=channel,
            caps=caps,
            social_account_id=social_account_id,
            employee_id=employee_id,
            window_start=window_start,
            day_start=day_start,
            today=today,
        )
    )
    return rows[0] if rows else None


def _check_keys() -> None:
    """The suppression list is matched on keyed hashes: without usable keys, no decision."""
    for identifier_type in ("email", "phone", "profile_url"):
        crypto.blind_index_of_normalised(identifier_type, "")
    crypto.active_keyring()


def gather_facts(
    *,
    employee,
    prospects: QuerySet,
    prospect_id,
    channel: str,
    content: str = "",
    social_account=None,
    relates_to_profession: bool = True,
    append_notice: bool = True,
    analogous_products: bool = False,
    about_contract: bool = False,
    now: datetime.datetime,
) -> tuple[Facts, object]:
    """The facts for one decision, and the prospect row they were read from.

    The prospect comes back with the gate's fields only (the others deferred).
    ``analogous_products`` and ``about_contract`` are the rep's statements about the
    message (RULES 3) or the outreach (RULES 7, 8); the gate weighs them against the deals.
    ``social_message`` and ``connection_request`` need the ``social_account`` used
    (RULES 11): without one there is no decision (``gate_error``).
    """
    if channel in SOCIAL_CHANNELS and social_account is None:
        raise ValueError("a message on a network names the social account used")
    _check_keys()
    _statement_timeout_ms()  # checked on every database; applied where it exists (PostgreSQL)
    network = getattr(social_account, "network", "") or ""
    # SET LOCAL lasts until the end of the transaction: the caller's, or this one.
    atomic = nullcontext() if connection.in_atomic_block else transaction.atomic()
    with atomic:
        row = _fetch(
            prospects,
            prospect_id=prospect_id,
            channel=channel,
            caps=_caps(channel, network),
            social_account_id=getattr(social_account, "pk", None),
            employee_id=employee.pk,
            window_start=now - datetime.timedelta(days=settings.CONNECTION_REQUEST_WINDOW_DAYS),
            day_start=now.astimezone(PARIS).replace(hour=0, minute=0, second=0, microsecond=0),
            today=now.astimezone(PARIS).date(),
        )
    if row is None:
        raise ProspectNotVisible
    prospect = Prospect.from_db(connection.alias, _LOADED, [row[f] for f in _LOADED])
    missing = sorted(row["charters_missing"] or ())
    # The one personal value a rule reads, opened here (a few µs); a value that does not
    # open raises, and the caller denies (fail closed).
    personal_address = (
        is_personal_address(prospect.email)
        if channel == "email" and row["kind"] == "b2b"
        else False
    )
    phone_zone = (
        zone_of_phone(prospect.phone) if channel == "phone" and row["kind"] == "b2c" else ""
    )
    facts = Facts(
        now=now,
        channel=channel,
        kind=row["kind"],
        lawful_basis=row["lawful_basis"],
        relates_to_profession=relates_to_profession,
        email_address_personal=personal_address,
        email_restricted=row["email_restricted"],
        has_written_to_us=row["last_contact_from_prospect_at"] is not None,
        existing_customer=row["customer"],
        deal_in_progress=row["deal_in_progress"],
        soft_opt_in_sale_on=row["soft_opt_in_sale_on"],
        analogous_products=analogous_products,
        about_contract=about_contract,
        phone_zone=phone_zone,
        nth_latest_call_at=row["nth_latest_call_at"],
        call_refused_at=row["call_refused_at"],
        processing_restricted=row["processing_restricted_at"] is not None,
        suppression_scopes=frozenset({channel}) if row["opposed"] else frozenset(),
        consent=row["latest_consent"],
        employee_active=employee.is_active_employee,
        charters_missing=tuple(kind for kind, _en, _fr in missing),
        charters_missing_titles=tuple((en, fr) for _kind, en, fr in missing),
        training_required=settings.TRAINING_REQUIRED,
        training_valid_until=row["training_valid_until"],
        work_days=employee.work_days,
        work_start=employee.work_start,
        work_end=employee.work_end,
        connection_requests_in_window=row["requests_in_window"],
        connection_request_pending=row["requests_pending"] > 0,
        unanswered_on_channel=row["unanswered"] if channel in ELECTRONIC_CHANNELS else 0,
        network=network,
        account_count_today=row["account_today"],
        retention_until=row["retention_until"],
        notice_sent=row["notice_sent_at"] is not None or row["source"] == "inbound",
        notice_due_at=row["notice_due_at"],
        append_notice=append_notice,
        content=content,
        company_name=settings.COMPANY_NAME,
    )
    return facts, prospect
