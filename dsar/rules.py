"""Pure rules of data-subject requests: deadlines (no database access)."""

from django.utils.translation import gettext_lazy as _

from socialcrm.lib.dates import add_months

# GDPR art. 12(3): one month from receipt, extendable once by up to two further months.
ANSWER_MONTHS = 1
MAX_EXTENSION_MONTHS = 2


def due_at_for(received_at, *, extension_months: int = 0):
    """The answer's deadline: same day of the next calendar month (clamped to its last day).

    An extension counts from receipt too (one month + the extension), so 31 January
    extended by two months is 30 April, not 28 April.
    """
    return add_months(received_at, ANSWER_MONTHS + extension_months)


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
