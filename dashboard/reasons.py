"""Short names for the gate's reason codes, as the DPO's chart shows them.

The gate explains each denial in a sentence that depends on the case; a chart row
needs one short name per code (API.md's stable list), in the reader's language.
"""

from django.utils.translation import gettext_lazy as _

REASON_LABELS = {
    "opposition": _("Objection (suppression list)"),
    "consent_withdrawn": _("Consent withdrawn"),
    "no_opt_in": _("No prior opt-in"),
    "no_lawful_basis": _("Lawful basis missing or not applicable"),
    "employee_inactive": _("Employee no longer active"),
    "charter_missing": _("Charter not accepted"),
    "training_expired": _("Training out of date"),
    "repeated_connection_request": _("Connection request repeated"),
    "frequency_cap": _("Too many unanswered messages"),
    "network_limit": _("Network's daily limit reached"),
    "retention_expired": _("Retention period over"),
    "content_misleading": _("Misleading message"),
    "content_comparative": _("Comparative message"),
    "content_aggressive": _("Aggressive message"),
    "content_disparaging": _("Disparaging message"),
    "missing_opt_out": _("No way to opt out"),
    "missing_sender_identification": _("Sender not identified"),
    "information_notice_required": _("Information notice required"),
    "outside_working_hours": _("Outside working hours"),
    "phone_hours": _("Outside the hours for calls"),
    "phone_frequency": _("Too many calls"),
    "processing_restricted": _("Processing restricted"),
    "restricted_profile": _("E-mail visible to connections only"),
    "gate_error": _("Compliance check failed"),
}


def reason_label(code: str) -> str:
    """The code's name in the active language; a code unknown here reads as a sentence."""
    label = REASON_LABELS.get(code)
    if label is not None:
        return str(label)
    return (code or "").replace("_", " ").capitalize()
