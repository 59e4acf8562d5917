"""Codes a page shows as words in the reader's language: ``{% load labels %}``, then
``{{ code|network_label }}`` or ``{{ code|holder_reason_label }}``.

A code without a label (a value stored before its list grew) shows as it is rather than
as nothing, so a missing label is noticed and added here.
"""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Why an employee holds, or held, a person's data (dsar.selectors._holders).
HOLDER_REASONS = {
    "owner": _("owns the record"),
    "outreach": _("contacted them"),
    "shared": _("had the record shared with them"),
    "recorded": _("recorded a value"),
    "consent": _("recorded a consent"),
}


@register.filter
def network_label(code):
    """``linkedin`` → "LinkedIn": the networks of people.models.Network."""
    from people.models import Network  # the lowest app that knows the networks

    try:
        return Network(code).label
    except ValueError:
        return code


@register.filter
def holder_reason_label(code):
    return HOLDER_REASONS.get(code, code)


@register.filter
def holder_reason_labels(codes):
    """The reasons of one holder, as words joined by commas."""
    return ", ".join(str(holder_reason_label(code)) for code in codes)
