"""Pure rules about prospects' data: provenance and retention (no database access)."""

import datetime
import re
import unicodedata

from django.utils import timezone

from core import crypto
from core.dates import add_months
from prospects.models import Provenance, Visibility

IDENTIFIER_FIELDS = ("email", "phone", "profile_url")
# One prospect per e-mail and per profile URL (API.md: 409 duplicate); a phone number may be
# shared (a switchboard, a family line), so it finds people and blocks opposed ones only.
UNIQUE_IDENTIFIER_FIELDS = ("email", "profile_url")
# The person's own values: each one written gets a ValueHistory entry, DSAR exports and
# the DPO's read audit name them.
VALUE_FIELDS = ("full_name", "company", "job_title", *IDENTIFIER_FIELDS, "notes")


def derive_provenance(*, collected_at: datetime.datetime, hire_date: datetime.date) -> str:
    """Collected before the owner's hire date: their own network; otherwise employment data."""
    collected_on = (
        timezone.localdate(collected_at) if timezone.is_aware(collected_at) else collected_at.date()
    )
    return Provenance.PRE_HIRE if collected_on < hire_date else Provenance.EMPLOYMENT


def provenance_contradicts_dates(
    provenance: str, *, collected_at: datetime.datetime, hire_date: datetime.date
) -> bool:
    """``company`` data may come at any date; the other two must match the dates."""
    if provenance == Provenance.COMPANY:
        return False
    return provenance != derive_provenance(collected_at=collected_at, hire_date=hire_date)


def notice_due_at(collected_at: datetime.datetime) -> datetime.datetime:
    """GDPR art. 14(3)(a): the information is due within one month of collection."""
    return add_months(collected_at, 1)


def retention_until(
    last_contact_from_prospect_at: datetime.datetime | None,
    entered_crm_at: datetime.datetime,
    retention_days: int,
) -> datetime.date:
    """RULES 18: counted from the last contact coming from the prospect, else from the day the
    record entered the CRM (imports included).

    Not from ``collected_at``: the day an employee met the person (a LinkedIn connection
    from 2019) is not the day the company collected the record, so an old connection
    imported today is not born expired.
    """
    start = max(filter(None, (last_contact_from_prospect_at, entered_crm_at)))
    return retention_restarted(None, start, retention_days)


def retention_restarted(
    current: datetime.date | None, contact_at: datetime.datetime, retention_days: int
) -> datetime.date:
    """The retention date after a contact coming from the person at ``contact_at``.

    The clock only moves forward: a reply logged late, or a consent dated in the past,
    never shortens a period another contact already gave.
    """
    day = timezone.localdate(contact_at) if timezone.is_aware(contact_at) else contact_at.date()
    try:
        restarted = day + datetime.timedelta(days=retention_days)
    except OverflowError:
        restarted = datetime.date.max
    return restarted if current is None else max(current, restarted)


def identifier_indexes(values: dict[str, str | None]) -> tuple[dict[str, str], dict[str, str]]:
    """Blind indexes of the identifiers given, and a per-field error for unreadable ones."""
    indexes, errors = {}, {}
    for field in IDENTIFIER_FIELDS:
        value = values.get(field)
        if value in (None, ""):
            continue
        try:
            indexes[field] = crypto.blind_index(field, value)
        except ValueError as exc:
            errors[field] = str(exc)
    return indexes, errors


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    """The words of a name or a company, accents and case folded ("Jean-Marc" is two)."""
    return set(_WORD.findall(_fold(text)))


# Name search finds a word from its first letters ("mor" finds "Morel"): the tokens hold each
# word's beginnings from this length (and the whole word when it is shorter). One letter
# would match a large share of any list, so it finds only one-letter words.
NAME_PREFIX_MIN = 2


def name_tokens(full_name: str) -> str:
    """Space-separated keyed hashes (16 hex) of a name's words and of their beginnings, sorted.

    Searching "durand" or "dur" finds "Élodie Durand" without the name ever being stored in
    clear: search with ``name_tokens__contains`` each of ``name_search_tokens(q)``. A whole
    word's token and a beginning's token are keyed apart, so two names with the same words
    hold the same tokens and only they (the DSAR's ``same_name``).
    """
    words = {_fold(w) for w in full_name.replace("-", " ").split() if w.strip()}
    tokens = {name_token_of_folded(w) for w in words}
    for word in _words(full_name):
        shortest = min(NAME_PREFIX_MIN, len(word))
        tokens.update(_name_prefix_token(word[:end]) for end in range(shortest, len(word) + 1))
    return " ".join(sorted(tokens))


def name_search_tokens(q: str) -> list[str]:
    """One token per word of ``q``; a name matches when it holds them all."""
    return sorted({_name_prefix_token(word) for word in _words(q)})


def _name_prefix_token(folded: str) -> str:
    return crypto.blind_index_of_normalised("name prefix", folded)[:16]


def name_token_of_folded(folded_word: str) -> str:
    return crypto.blind_index_of_normalised("name", folded_word)[:16]


def name_token(word: str) -> str:
    return name_token_of_folded(_fold(word.strip()))


# Company search finds a word from its first letters ("acm" finds "Acme"): the tokens hold
# each word's prefixes from this length, and the whole word when it is shorter.
COMPANY_PREFIX_MIN = 3


def company_tokens(company: str) -> str:
    """Keyed hashes (16 hex) of the company's words and of their prefixes, sorted.

    Searching "acm" finds "Acme SA" without the company being stored in clear: search
    with ``company_tokens__contains`` each of ``company_search_tokens(q)``. Sorted, so
    the column does not tell which token is a prefix of which.
    """
    tokens = set()
    for word in _words(company):
        shortest = min(COMPANY_PREFIX_MIN, len(word))
        tokens.update(_company_token(word[:end]) for end in range(shortest, len(word) + 1))
    return " ".join(sorted(tokens))


def company_search_tokens(q: str) -> list[str]:
    """One token per word of ``q``; a company matches when it holds them all."""
    return sorted(_company_token(word) for word in _words(q))


def _company_token(folded: str) -> str:
    return crypto.blind_index_of_normalised("company", folded)[:16]


def restricted_values(*, email: str | None, email_restricted: bool) -> list[str]:
    """RULES 24: the values held that the person showed to their connections only."""
    return ["email"] if email and email_restricted else []


def email_restricted(*, visibility: str, new_address: bool, was_restricted: bool) -> bool:
    """RULES 24: an e-mail the person hid from prospectors stays restricted.

    Contact details recorded as restricted at collection restrict the e-mail; a new
    address entered by the rep follows the visibility recorded for it; otherwise the
    restriction already known (an imported address) is kept.
    """
    if visibility == Visibility.RESTRICTED:
        return True
    return False if new_address else was_restricted
