"""Small helpers shared by the browser forms."""

from django import forms
from django.core.exceptions import ValidationError

from core import urls


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form: under its field, or above the form."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class HttpUrlField(forms.CharField):
    """An ``http(s)://`` address (core.urls); typed without a scheme, https is assumed."""

    default_validators = [urls.validate_http_url]

    def to_python(self, value):
        return urls.with_assumed_scheme(super().to_python(value))
