"""Small helpers shared by the browser forms."""

from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form: under its field, or above the form."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
