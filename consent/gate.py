"""The outreach gate: a pure decision over a small, immutable set of facts.

``decide(facts)`` applies RULES.md 1–18 and 24 and returns a ``Decision``: ``allow``
or ``deny``, the reasons (stable codes, ``block`` or ``warn``, a message in
the active language and what would make the outreach pass), and the rules
version. It reads no database and no clock: the selector that gathers the facts
does that, so every rule can be table-tested, date edges included. Any
exception inside the rules is a ``deny`` with ``gate_error``: the gate fails
closed.
"""

import datetime
import logging
import unicodedata
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from core import wording
from core.holidays import is_french_public_holiday, is_public_holiday, timezone_of

logger = logging.getLogger(__name__)

RULES_VERSION = "2026.12-1"
PARIS = ZoneInfo("Europe/Paris")

ELECTRONIC_CHANNELS = frozenset({"email", "sms", "social_message", "connection_request"})
MESSAGE_CHANNELS = frozenset({"email", "sms", "social_message"})
# RULES 11: the network's own channels name the account they go through.
SOCIAL_CHANNELS = frozenset({"social_message", "connection_request"})
# C. consom. L223-1 as rewritten by loi 2025-594: prior consent for consumer calls from this day.
PHONE_CONSENT_REQUIRED_FROM = datetime.date(2026, 8, 11)
# Décret 2022-1313: consumer calls on weekdays, 10:00–13:00 and 14:00–20:00 in the consumer's
# local time, never on a public holiday there.
PHONE_WINDOWS = (
    (datetime.time(10, 0), datetime.time(13, 0)),
    (datetime.time(14, 0), datetime.time(20, 0)),
)

BLOCK, WARN = "block", "warn"


@dataclass(frozen=True)
class Facts:
    """Everything one decision depends on, gathered beforehand by the gate selector."""

    now: datetime.datetime
    channel: str
    kind: str
    lawful_basis: str
    relates_to_profession: bool = True
    # RULES 4: the prospect's e-mail is at a free-mail domain (or unreadable as an address).
    email_address_personal: bool = False
    # RULES 24: the e-mail was visible to the person's connections only, and whether the
    # person ever wrote to us.
    email_restricted: bool = False
    has_written_to_us: bool = False
    processing_restricted: bool = False  # GDPR art. 18, set by a DSAR restriction request
    suppression_scopes: frozenset[str] = frozenset()
    # Latest event on this channel: "grant", "withdraw" or None. A grant without the wording
    # shown, or given at a sale (a soft opt-in basis, not an opt-in), is no grant (RULES 6).
    consent: str | None = None
    existing_customer: bool = False  # a won deal with the person: a contract in progress
    deal_in_progress: bool = False  # an open or won deal: what a ``contract`` basis needs
    # RULES 3: the latest won sale where the opt-out was offered when the details were taken.
    soft_opt_in_sale_on: datetime.date | None = None
    # The rep's statements: the message is about products like those bought (RULES 3); the
    # message or call is about the person's contract (RULES 7, 8).
    analogous_products: bool = False
    about_contract: bool = False
    # RULES 7, consumer calls: the zone the number rings in (``core.holidays``),
    # the PHONE_CALLS_MAX-th latest call we made, the latest call they refused.
    phone_zone: str = ""
    nth_latest_call_at: datetime.datetime | None = None
    call_refused_at: datetime.datetime | None = None
    employee_active: bool = True
    charters_missing: tuple[str, ...] = ()  # the kinds of the required charters not acknowledged
    charters_missing_titles: tuple[tuple[str, str], ...] = ()  # their (English, French) titles
    training_required: bool = False
    training_valid_until: datetime.date | None = None
    work_days: str = "12345"
    work_start: datetime.time = datetime.time(9, 0)
    work_end: datetime.time = datetime.time(19, 0)
    connection_requests_in_window: int = 0
    connection_request_pending: bool = False
    unanswered_on_channel: int = 0
    network: str = ""
    account_count_today: int = 0
    retention_until: datetime.date | None = None
    notice_sent: bool = True
    notice_due_at: datetime.datetime | None = None
    append_notice: bool = True
    content: str = ""
    approved_content: bool = False
    company_name: str = ""


@dataclass(frozen=True)
class Reason:
    code: str
    severity: str
    message: str
    hint: str = ""

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class Decision:
    decision: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    rules_version: str = RULES_VERSION

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"

    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    def as_dict(self) -> dict:
        return {
            "decision": self.decision,
            "reasons": [r.as_dict() for r in self.reasons],
            "rules_version": self.rules_version,
        }


def _reason(code: str, severity: str, message, hint="") -> Reason:
    return Reason(code=code, severity=severity, message=str(message), hint=str(hint))


def gate_error() -> Decision:
    return Decision(
        "deny",
        (
            _reason(
                "gate_error",
                BLOCK,
                _("The compliance check could not complete, so the outreach is refused."),
                _("Try again; if it persists, tell your administrator."),
            ),
        ),
    )


def decide(facts: Facts) -> Decision:
    try:
        reasons = _evaluate(facts)
    except Exception:
        logger.exception("gate: rule evaluation failed; denying")
        return gate_error()
    blocked = any(r.severity == BLOCK for r in reasons)
    return Decision("deny" if blocked else "allow", tuple(reasons))


def _evaluate(f: Facts) -> list[Reason]:
    if f.now.tzinfo is None:
        raise ValueError("the gate needs an aware datetime")
    now = f.now.astimezone(PARIS)
    reasons: list[Reason] = []
    reasons += _who_may_be_contacted(f, now)
    reasons += _how_often(f)
    reasons += _who_may_contact(f, now)
    reasons += _what_is_said(f)
    if f.retention_until is not None and now.date() > f.retention_until:
        reasons.append(
            _reason(
                "retention_expired",
                BLOCK,
                _("No contact has come from this person for longer than the retention period."),
                _("The record is due for deletion; do not contact them again."),
            )
        )
    return reasons


def _opted_in(f: Facts) -> bool:
    return f.consent == "grant"


def _soft_opt_in(f: Facts, today: datetime.date, opt_out_offered: bool) -> bool:
    """L34-5 al. 2: a customer of a recent sale, written to about analogous products."""
    sale = f.soft_opt_in_sale_on
    return (
        sale is not None
        and (today - sale).days <= settings.SOFT_OPT_IN_DAYS
        and f.analogous_products
        and opt_out_offered
    )


def is_personal_address(email: str | None) -> bool:
    """RULES 4: an address at a free-mail domain (``PERSONAL_EMAIL_DOMAINS``) or a subdomain.

    What cannot be read as an address is treated as personal: the B2B tolerance covers
    professional addresses only, so the doubt goes to the stricter rule.
    """
    local, at, domain = (email or "").strip().rpartition("@")
    domain = domain.strip().rstrip(".").lower()
    if not at or not local or not domain or "." not in domain:
        return True
    personal = {d.strip().lower() for d in settings.PERSONAL_EMAIL_DOMAINS}
    return any(domain == d or domain.endswith("." + d) for d in personal if d)


def _written(f: Facts) -> bool:
    """An electronic message with words: a connection request counts only with a note."""
    return f.channel in MESSAGE_CHANNELS or (
        f.channel == "connection_request" and bool(f.content.strip())
    )


def _lawful_basis_reason(f: Facts) -> Reason | None:
    """RULES 8: the recorded basis must hold for this outreach, not be a label."""
    if not f.lawful_basis:
        message = _("No lawful basis is recorded for this prospect.")
        hint = _("Record the lawful basis on the prospect first.")
    elif f.lawful_basis == "consent" and not _opted_in(f):
        message = _(
            "The lawful basis is consent, but no current consent is recorded on this channel."
        )
        hint = _(
            "Record their consent on this channel with its proof, or correct the lawful basis."
        )
    elif f.lawful_basis == "contract" and not f.deal_in_progress:
        message = _(
            "The lawful basis is a contract, but there is no open or won deal with this person."
        )
        hint = _("Record the deal first, or correct the lawful basis.")
    elif f.lawful_basis == "contract" and not f.about_contract:
        message = _("A contract covers only messages about that contract.")
        hint = _("Say that the outreach is about their contract, or rely on another lawful basis.")
    else:
        return None
    return _reason("no_lawful_basis", BLOCK, message, hint)


def _who_may_be_contacted(f: Facts, now: datetime.datetime) -> list[Reason]:
    reasons = []
    if "all" in f.suppression_scopes or f.channel in f.suppression_scopes:
        reasons.append(
            _reason(
                "opposition",
                BLOCK,
                _("This person objected to being contacted (suppression list)."),
                _("An objection is final: do not contact them on this channel."),
            )
        )
    if f.processing_restricted:
        reasons.append(
            _reason(
                "processing_restricted",
                BLOCK,
                _("This person asked for the processing of their data to be restricted."),
                _("While the restriction lasts (GDPR art. 18), do not contact them."),
            )
        )
    if f.consent == "withdraw":
        reasons.append(
            _reason(
                "consent_withdrawn",
                BLOCK,
                _("This person withdrew their consent on this channel."),
                _("Only a new, recorded opt-in from them can lift this."),
            )
        )
    basis = _lawful_basis_reason(f)
    if basis is not None:
        reasons.append(basis)
    if f.channel in ELECTRONIC_CHANNELS and f.consent != "withdraw":
        treated_as_consumer = (
            f.kind == "b2c"
            or not f.relates_to_profession
            or (f.channel == "email" and f.email_address_personal)
        )
        bare_invitation = f.channel == "connection_request" and not f.content.strip()
        if f.kind == "b2b" and bare_invitation:
            treated_as_consumer = False
        opt_out_offered = f.append_notice or wording.has_opt_out(f.content)
        if (
            treated_as_consumer
            and not _opted_in(f)
            and not _soft_opt_in(f, now.date(), opt_out_offered)
        ):
            reasons.append(
                _reason(
                    "no_opt_in",
                    BLOCK,
                    _(
                        "Electronic prospecting of a consumer needs their prior opt-in (CPCE L34-5)."
                    ),
                    _("Record an opt-in with its proof (what they did, the wording shown) first."),
                )
            )
    if (
        f.channel == "email"
        and f.lawful_basis == "legitimate_interest"
        and f.email_restricted
        and not _opted_in(f)
        and not f.has_written_to_us
    ):
        reasons.append(
            _reason(
                "restricted_profile",
                BLOCK,
                _(
                    "This e-mail address was visible to the person's connections only: it is not used for prospecting without their consent."
                ),
                _(
                    "Write to them through the network, or wait until they consent to e-mails or write to you."
                ),
            )
        )
    if f.channel == "phone" and f.kind == "b2c":
        reasons += _consumer_call(f, now)
    return reasons


def _consumer_call(f: Facts, now: datetime.datetime) -> list[Reason]:
    """RULES 7: consent, hours and frequency of a call to a consumer, in their local time."""
    reasons = []
    local = now.astimezone(timezone_of(f.phone_zone))
    # The law applies from that day wherever the person is: the later of the two dates decides.
    today = max(now.date(), local.date())
    contract_in_progress = f.existing_customer and f.about_contract
    if today >= PHONE_CONSENT_REQUIRED_FROM and not _opted_in(f) and not contract_in_progress:
        reasons.append(
            _reason(
                "no_opt_in",
                BLOCK,
                _("Since 11 August 2026, calling a consumer needs their prior consent."),
                _("Record a consent with its proof, or call only about a contract in progress."),
            )
        )
    if not _in_phone_hours(local, f.phone_zone):
        when = formats.date_format(_next_phone_slot(local, f.phone_zone), "DATETIME_FORMAT")
        if str(local.tzinfo) == str(PARIS):
            hint = _("Wait until %(when)s (Paris time) to call.") % {"when": when}
        else:
            hint = _("Wait until %(when)s (the person's local time) to call.") % {"when": when}
        reasons.append(
            _reason(
                "phone_hours",
                BLOCK,
                _(
                    "Consumers may be called only Monday to Friday, 10:00–13:00 and 14:00–20:00 in their local time, never on public holidays."
                ),
                hint,
            )
        )
    free_again = _calls_free_again(f)
    if free_again is not None and now < free_again:
        reasons.append(
            _reason(
                "phone_frequency",
                BLOCK,
                _(
                    "This consumer was called %(max)d times in %(days)d days, or refused a call less than %(pause)d days ago."
                )
                % {
                    "max": settings.PHONE_CALLS_MAX,
                    "days": settings.PHONE_CALLS_WINDOW_DAYS,
                    "pause": settings.PHONE_REFUSAL_PAUSE_DAYS,
                },
                _("Do not call them again before %(when)s (Paris time).")
                % {"when": formats.date_format(free_again.astimezone(PARIS), "DATETIME_FORMAT")},
            )
        )
    return reasons


def _calls_free_again(f: Facts) -> datetime.datetime | None:
    """When a new call stops exceeding the frequency limits (décret 2022-1313), if ever limited."""
    # Counted in elapsed time (UTC): a change of clocks neither shortens nor stretches it.
    ends = []
    if f.nth_latest_call_at is not None:
        window = datetime.timedelta(days=settings.PHONE_CALLS_WINDOW_DAYS)
        ends.append(f.nth_latest_call_at.astimezone(datetime.UTC) + window)
    if f.call_refused_at is not None:
        pause = datetime.timedelta(days=settings.PHONE_REFUSAL_PAUSE_DAYS)
        ends.append(f.call_refused_at.astimezone(datetime.UTC) + pause)
    return max(ends) if ends else None


def _next_phone_slot(local: datetime.datetime, zone: str) -> datetime.datetime:
    """The start of the next allowed calling window after ``local``, in the zone's time."""
    tz = local.tzinfo
    day = local.date()
    for _offset in range(15):
        if day.isoweekday() <= 5 and not is_public_holiday(day, zone):
            for start, _end in PHONE_WINDOWS:
                candidate = datetime.datetime.combine(day, start, tzinfo=tz)
                if candidate > local:
                    return candidate
        day += datetime.timedelta(days=1)
    raise ValueError("no calling window in the next two weeks")


def _in_phone_hours(local: datetime.datetime, zone: str) -> bool:
    if local.isoweekday() > 5 or is_public_holiday(local.date(), zone):
        return False
    moment = local.time()
    return any(start <= moment < end for start, end in PHONE_WINDOWS)


def _how_often(f: Facts) -> list[Reason]:
    reasons = []
    if f.channel == "connection_request" and (
        f.connection_request_pending
        or f.connection_requests_in_window >= settings.CONNECTION_REQUEST_MAX
    ):
        reasons.append(
            _reason(
                "repeated_connection_request",
                BLOCK,
                _(
                    "A connection request is pending, or the limit of requests to this person is reached."
                ),
                _("Wait for an answer; repeated requests are not allowed."),
            )
        )
    if f.channel in MESSAGE_CHANNELS and f.unanswered_on_channel >= settings.UNANSWERED_MAX:
        reasons.append(
            _reason(
                "frequency_cap",
                BLOCK,
                _("Several messages on this channel are already unanswered."),
                _("Wait until the person replies before writing again."),
            )
        )
    limit = settings.NETWORK_DAILY_LIMIT.get(f.network, {}).get(f.channel)
    if limit is not None and f.account_count_today >= limit:
        reasons.append(
            _reason(
                "network_limit",
                BLOCK,
                _("This account reached today's budget for this network."),
                _("Continue tomorrow."),
            )
        )
    return reasons


def _who_may_contact(f: Facts, now: datetime.datetime) -> list[Reason]:
    reasons = []
    if not f.employee_active:
        reasons.append(
            _reason(
                "employee_inactive",
                BLOCK,
                _("Your outreach is frozen (offboarding or departed)."),
                _("Hand the prospect to your successor."),
            )
        )
    if f.charters_missing:
        reasons.append(
            _reason(
                "charter_missing",
                BLOCK,
                _charters_missing_message(f),
                _("Read and acknowledge the charters on your compliance page."),
            )
        )
    if f.training_required and (
        f.training_valid_until is None or f.training_valid_until < now.date()
    ):
        reasons.append(
            _reason(
                "training_expired",
                BLOCK,
                _("Your social selling training is missing or expired."),
                _("Complete the training; HR records it."),
            )
        )
    in_hours = (
        str(now.isoweekday()) in f.work_days
        and f.work_start <= now.time() < f.work_end
        and not is_french_public_holiday(now.date())
    )
    if not in_hours:
        reasons.append(
            _reason(
                "outside_working_hours",
                WARN,
                _("This is outside your working hours, or a public holiday (right to disconnect)."),
                _("Nothing obliges you to prospect now; it can wait."),
            )
        )
    return reasons


def _charters_missing_message(f: Facts) -> str:
    """Names the missing charters, by their titles in the active language."""
    french = (get_language() or "").startswith("fr")
    titles = [fr if french else en for en, fr in f.charters_missing_titles] or list(
        f.charters_missing
    )
    return ngettext(
        "This required charter has not been acknowledged in its current version: %(titles)s.",
        "These required charters have not been acknowledged in their current version: %(titles)s.",
        len(titles),
    ) % {"titles": ", ".join(titles)}


def _folded(text: str) -> str:
    """Text compared as a reader sees it: compatibility forms, case and spacing folded."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _what_is_said(f: Facts) -> list[Reason]:
    reasons = []
    # RULES 15: the notice goes with the first written communication; a call never carries
    # it, and a bare invitation has no words to carry it.
    if _written(f) and not f.notice_sent and not f.append_notice:
        reasons.append(
            _reason(
                "information_notice_required",
                BLOCK,
                _("The first message must carry the information notice (GDPR art. 14)."),
                _("Let the app append the notice to your message."),
            )
        )
    # RULES 16, B2B included ("dans tous les cas"): the appended notice names the company and
    # offers the opt-out; a message sent without it must do both itself.
    if _written(f) and not f.append_notice:
        if not wording.has_opt_out(f.content):
            reasons.append(
                _reason(
                    "missing_opt_out",
                    BLOCK,
                    _("Every electronic prospecting message must offer a simple way to object."),
                    _("Let the app append the opt-out text, or add one."),
                )
            )
        company = _folded(f.company_name)
        if not company or company not in _folded(f.content):
            reasons.append(
                _reason(
                    "missing_sender_identification",
                    BLOCK,
                    _("The message does not say which company you write for."),
                    _("Name the company, or let the app append the notice."),
                )
            )
    if not f.approved_content and f.content.strip():
        reasons += _content_check(f.content)
    return reasons


# What each content code of RULES 17 says, and what would make the text pass.
_CONTENT_REASONS = {
    "content_misleading": (
        _("The message makes an absolute promise that may mislead."),
        _("Say what the offer does, without guarantees or superlatives."),
    ),
    "content_comparative": (
        _("The message compares us with a named competitor."),
        _("Leave competitors out, or use approved comparative content."),
    ),
    "content_aggressive": (
        _("The message puts pressure on the person."),
        _("Remove the urgency; let them decide in their own time."),
    ),
    "content_disparaging": (
        _("The message disparages a competitor."),
        _("Speak about our offer only."),
    ),
}


def _content_check(text: str) -> list[Reason]:
    severity = settings.CONTENT_SEVERITY
    return [
        _reason(code, severity[code], *_CONTENT_REASONS[code]) for code in wording.flagged(text)
    ]
