"""Labels for prospect values stored as codes: ``{{ prospect.source|source_label }}``."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The sources the app itself writes (forms, the LinkedIn import, the API, bulk imports),
# and the usual ones people type. Any other text is what a person typed: shown as given.
SOURCE_LABELS = {
    "manual": _("Entered by hand"),
    "linkedin_import": _("LinkedIn import"),
    "api": _("API"),
    "import": _("File import"),
    "csv_import": _("File import"),
    "referral": _("Referral"),
    "event": _("Event"),
    "business_card": _("Business card"),
    "website": _("Website"),
}


@register.filter
def source_label(value):
    """The translated label of a known source code, else the source as it was given."""
    return SOURCE_LABELS.get((value or "").strip().lower(), value)
