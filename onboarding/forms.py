import uuid

from django import forms
from django.utils.translation import gettext_lazy as _


class ProspectIdsField(forms.Field):
    """The ids of the checked contacts; the service checks each against the rep's own."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        ids = []
        for item in value or []:
            try:
                ids.append(uuid.UUID(str(item)))
            except ValueError:
                raise forms.ValidationError(_("Unknown contact."), code="invalid") from None
        return ids


class ContributionForm(forms.Form):
    """What the rep chose on "My pre-hire contacts"; the confirmation step posts it again."""

    prospect_ids = ProspectIdsField(required=False)
    all = forms.BooleanField(required=False)
    contribute = forms.TypedChoiceField(
        choices=[("1", _("Contribute")), ("0", _("Keep"))],
        coerce=lambda value: value == "1",
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all") and not cleaned.get("prospect_ids"):
            raise forms.ValidationError(
                _("Select at least one contact, or decide on all of them."), code="required"
            )
        return cleaned
