"""The final report is stored as JSON: its times come back as ISO strings."""

from django import template
from django.utils.dateparse import parse_datetime

register = template.Library()


@register.filter
def as_datetime(value):
    """An ISO 8601 string from the stored report as a datetime, for the `date` filter."""
    return parse_datetime(value) if isinstance(value, str) else value
