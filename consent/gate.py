"""The outreach gate: a pure decision over a small, immutable set of facts.

``decide(facts)`` applies RULES.md 1–18 and returns a ``Decision``: ``allow``
or ``deny``, the reasons (stable codes, ``block`` or ``warn``, a message in
the active language and what would make the outreach pass), and the rules
version. It reads no database and no clock: the selector that gathers the facts
does that, so every rule can be table-tested, date edges included. Any
exception inside the rules is a ``deny`` with ``gate_error``: the gate fails
closed.
"""

import datetime
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from consent import wording
from socialcrm.lib.holidays import is_french_public_holiday

logger = logging.getLogger(__name__)

RULES_VERSION = "2026.11-2"
PARIS = ZoneInfo("Europe/Paris")

ELECTRONIC_CHANNELS = frozenset({"email", "sms", "social_message", "connection_request"})
MESSAGE_CHANNELS = frozenset({"email", "sms", "social_message"})
# C. consom. L223-1 as rewritten by loi 2025-594: prior consent for consumer calls from this day.
PHONE_CONSENT_REQUIRED_FROM = datetime.date(2026, 8, 11)
# Décret 2022-1313: consumer calls on weekdays, 10:00–13:00 and 14:00–20:00, never on holidays.
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
    processing_restricted: bool = False  # GDPR art. 18, set by a DSAR restriction request
    suppression_scopes: frozenset[str] = frozenset()
    consent: str | None = None  # latest event on this channel: "grant", "withdraw" or None
    existing_customer: bool = False
    analogous_products: bool = False
    contract_in_progress: bool = False
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


def _soft_opt_in(f: Facts, opt_out_offered: bool) -> bool:
    return f.existing_customer and f.analogous_products and opt_out_offered


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
    if not f.lawful_basis:
        reasons.append(
            _reason(
                "no_lawful_basis",
                BLOCK,
                _("No lawful basis is recorded for this prospect."),
                _("Record the lawful basis on the prospect first."),
            )
        )
    if f.channel in ELECTRONIC_CHANNELS and f.consent != "withdraw":
        treated_as_consumer = f.kind == "b2c" or not f.relates_to_profession
        bare_invitation = f.channel == "connection_request" and not f.content.strip()
        if f.kind == "b2b" and bare_invitation:
            treated_as_consumer = False
        opt_out_offered = f.append_notice or wording.has_opt_out(f.content)
        if treated_as_consumer and not _opted_in(f) and not _soft_opt_in(f, opt_out_offered):
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
    if f.channel == "phone" and f.kind == "b2c":
        if (
            now.date() >= PHONE_CONSENT_REQUIRED_FROM
            and not _opted_in(f)
            and not f.contract_in_progress
        ):
            reasons.append(
                _reason(
                    "no_opt_in",
                    BLOCK,
                    _("Since 11 August 2026, calling a consumer needs their prior consent."),
                    _(
                        "Record a consent with its proof, or call only about a contract in progress."
                    ),
                )
            )
        if not _in_phone_hours(now):
            reasons.append(
                _reason(
                    "phone_hours",
                    BLOCK,
                    _(
                        "Consumers may be called only Monday to Friday, 10:00–13:00 and 14:00–20:00, never on public holidays."
                    ),
                    _("Wait until %(when)s (Paris time) to call.")
                    % {"when": formats.date_format(_next_phone_slot(now), "DATETIME_FORMAT")},
                )
            )
    return reasons


def _next_phone_slot(now: datetime.datetime) -> datetime.datetime:
    """The start of the next allowed calling window after ``now`` (Paris time)."""
    day = now.date()
    for _offset in range(15):
        if day.isoweekday() <= 5 and not is_french_public_holiday(day):
            for start, _end in PHONE_WINDOWS:
                candidate = datetime.datetime.combine(day, start, tzinfo=PARIS)
                if candidate > now:
                    return candidate
        day += datetime.timedelta(days=1)
    raise ValueError("no calling window in the next two weeks")


def _in_phone_hours(now: datetime.datetime) -> bool:
    if now.isoweekday() > 5 or is_french_public_holiday(now.date()):
        return False
    moment = now.time()
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
    in_hours = str(now.isoweekday()) in f.work_days and f.work_start <= now.time() < f.work_end
    if not in_hours:
        reasons.append(
            _reason(
                "outside_working_hours",
                WARN,
                _("This is outside your working hours (right to disconnect)."),
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


def _what_is_said(f: Facts) -> list[Reason]:
    reasons = []
    needs_notice = not f.notice_sent
    if needs_notice and not f.append_notice:
        reasons.append(
            _reason(
                "information_notice_required",
                BLOCK,
                _("The first message must carry the information notice (GDPR art. 14)."),
                _("Let the app append the notice to your message."),
            )
        )
    final_has_opt_out = f.append_notice or wording.has_opt_out(f.content)
    if f.channel in MESSAGE_CHANNELS and f.kind == "b2c" and not final_has_opt_out:
        reasons.append(
            _reason(
                "missing_opt_out",
                BLOCK,
                _("A message to a consumer must offer a simple way to opt out."),
                _("Let the app append the opt-out text, or add one."),
            )
        )
    company = f.company_name.lower()
    if (
        f.channel in MESSAGE_CHANNELS
        and not f.append_notice
        and company
        and company not in f.content.lower()
    ):
        reasons.append(
            _reason(
                "missing_sender_identification",
                WARN,
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
