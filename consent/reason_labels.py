"""What each stable reason code of the gate is called on screen, in the user's language.

Lists and filters name a reason by its label, never by its code (``no_opt_in`` is for
the API and the logs). A code without a label (a future rule met in an old row) shows
as "Other reason", still not raw.
"""

from django.utils.translation import gettext_lazy as _

REASON_LABELS = {
    "opposition": _("Objected to contact"),
    "consent_withdrawn": _("Consent withdrawn"),
    "no_opt_in": _("No prior consent"),
    "no_lawful_basis": _("No lawful basis"),
    "employee_inactive": _("Employee not active"),
    "charter_missing": _("Charter not acknowledged"),
    "training_expired": _("Training expired"),
    "repeated_connection_request": _("Connection request repeated"),
    "frequency_cap": _("Too many messages"),
    "network_limit": _("Network’s daily limit reached"),
    "retention_expired": _("Retention period over"),
    "content_misleading": _("Misleading content"),
    "content_comparative": _("Comparative content"),
    "content_aggressive": _("Aggressive content"),
    "content_disparaging": _("Disparaging content"),
    "missing_opt_out": _("No way to opt out"),
    "missing_sender_identification": _("Sender not identified"),
    "information_notice_required": _("Information notice required"),
    "outside_working_hours": _("Outside working hours"),
    "phone_hours": _("Outside the hours for calls"),
    "phone_frequency": _("Too many calls"),
    "restricted_profile": _("E-mail visible to connections only"),
    "processing_restricted": _("Processing restricted"),
    "gate_error": _("Check failed"),
}


def reason_label(code: str) -> str:
    return str(REASON_LABELS.get(code, _("Other reason")))


def reason_choices() -> list[tuple[str, str]]:
    """The codes with their labels, sorted by label in the active language."""
    return sorted(((code, str(label)) for code, label in REASON_LABELS.items()), key=lambda c: c[1])
