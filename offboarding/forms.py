from django import forms
from django.utils.translation import gettext_lazy as _


class OffboardingStartForm(forms.Form):
    departure_date = forms.DateField(
        label=_("Departure date"), widget=forms.DateInput(attrs={"type": "date"})
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
    statement = forms.CharField(
        label=_("Statement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=_(
            "I have removed these people's data, obtained for the company, from my personal "
            "social accounts."
        ),
    )


class HrAttestationForm(EmployeeAttestationForm):
    signed_document = forms.CharField(
        label=_("Signed document"),
        max_length=200,
        help_text=_("The reference of the attestation the employee signed on paper."),
    )
