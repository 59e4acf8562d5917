"""The one way a template turns a stored value into a link: ``{% external_link url label %}``,
and ``{% email_link address %}`` for an e-mail address.

The value is checked again here, at the output: a row stored before the input
rules (or written around them) renders as plain text, never as a link.
"""

from django import template
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.html import format_html

from core.urls import is_http_url

register = template.Library()


@register.simple_tag
def external_link(url, label=None):
    """A link to ``url`` that opens nothing of ours, or ``label`` (else ``url``) as text."""
    text = url if label in (None, "") else label
    if not is_http_url(url):
        return format_html("{}", text or "")
    return format_html('<a href="{}" rel="noopener noreferrer nofollow">{}</a>', url, text)


@register.simple_tag
def email_link(address):
    """A ``mailto:`` link to a well-formed address, or the value as text."""
    try:
        validate_email(address)
    except ValidationError:
        return format_html("{}", address or "")
    return format_html('<a href="mailto:{}">{}</a>', address, address)
