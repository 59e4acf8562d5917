from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import in_range


class OffboardingStartForm(forms.Form):
    departure_date = forms.DateField(
        label=_("Departure date"),
        validators=[in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "The first day the employee no longer works here. From that day they cannot "
            "prospect or sign in, except to their attestation page; it may be in the past."
        ),
    )
    successor = forms.ModelChoiceField(
        label=_("Successor"),
        queryset=None,
        help_text=_("An active sales rep or manager who takes over the company's prospects."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I confirm: outreach stops now, the company's prospects go to the successor, "
            "the employee's own network is returned to them and deleted from the CRM."
        ),
    )

    def __init__(self, *args, successors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = successors
        self.fields["successor"].label_from_instance = lambda e: (
            f"{e.username} ({e.get_role_display()})"
        )


class EmployeeAttestationForm(forms.Form):
    """Tick each person removed: nothing is ticked for the employee, and nothing means all."""

    prospect_ids = forms.MultipleChoiceField(
        label=_("People removed"),
        choices=(),
        error_messages={
            "required": _("Tick each person whose data you have removed from your accounts."),
        },
    )
    statement = forms.CharField(
        label=_("Statement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=_(
            "I have removed these people's data, obtained for the company, from my personal "
            "social accounts."
        ),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prospect_ids"].choices = [
            (str(item["prospect"]), str(item["prospect"])) for item in items
        ]


class HrAttestationForm(EmployeeAttestationForm):
    signed_document = forms.CharField(
        label=_("Signed document"),
        max_length=200,
        help_text=_("The reference of the attestation the employee signed on paper."),
    )
