"""Pure rules of data-subject requests: deadlines, which matches need the DPO (no database)."""

from django.utils.translation import gettext_lazy as _

from core.dates import add_months

# GDPR art. 12(3): one month from receipt, extendable once by up to two further months.
ANSWER_MONTHS = 1
MAX_EXTENSION_MONTHS = 2


def due_at_for(received_at, *, extension_months: int = 0):
    """RULES 20: the same day of the next calendar month (clamped to its last day), on the
    Paris wall clock.

    An extension runs from that first deadline: 31 January → 28 February → 28 April
    (two months), not 30 April.
    """
    first = add_months(received_at, ANSWER_MONTHS)
    return add_months(first, extension_months) if extension_months else first


# --- RULES 22: which matched records the DPO must confirm ------------------------------------

UNVERIFIED = "unverified"
SHARED = "shared"


def same_name(tokens_a: str, tokens_b: str) -> bool:
    """Two records name the same person when their names have the same words (keyed hashes,
    accents and case folded, any order). A record without a name names no one we can tell."""
    a, b = set(tokens_a.split()), set(tokens_b.split())
    return bool(a) and a == b


def shared_identifiers(holders: dict[str, list[str]]) -> set[str]:
    """``{identifier key: [name tokens of each record holding it]}`` → the keys held on
    records with different names (a switchboard number, a shared address)."""
    shared = set()
    for key, names in holders.items():
        first = names[0]
        if any(not same_name(first, other) for other in names[1:]):
            shared.add(key)
    return shared


def confirmation_reasons(*, verified: bool, shared: bool) -> list[str]:
    """Why a match waits for the DPO: matched on no verified identifier, or on a shared one."""
    return [reason for reason, applies in ((UNVERIFIED, not verified), (SHARED, shared)) if applies]


# The e-mailed verification link stays valid this long.
VERIFY_LINK_DAYS = 7

# --- What an access export tells the person besides their data (art. 15(1)(a)-(h)) -----------

EXPORTED_VALUES = ("full_name", "company", "job_title", "email", "phone", "profile_url", "notes")

PURPOSES = (
    _("Business prospecting (social selling) through our employees' professional networks"),
    _("Keeping the list of people who objected to being contacted"),
    _("Handling your requests about your personal data"),
)
RECIPIENTS = (
    _("Our sales staff and their managers"),
    _("Our data protection officer"),
    _("Our hosting provider (processor, within the EU)"),
)
RETENTION_STATEMENT = _(
    "Prospect data is kept %(years)s years from the last contact coming from you; records of "
    "consents and of messages are kept %(evidence_years)s years as evidence; an objection is "
    "kept as a keyed hash for as long as it applies."
)
RIGHTS_STATEMENT = _(
    "You may ask for access, rectification, erasure, restriction, portability, and object at "
    "any time. You may also lodge a complaint with the CNIL (3 place de Fontenoy, TSA 80715, "
    "75334 Paris Cedex 07, www.cnil.fr/plaintes)."
)
