from django import forms
from django.utils.translation import gettext_lazy as _

from charters.models import CharterKind
from core.dates import in_past, in_range
from people.models import Employee


class TrainingForm(forms.Form):
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=Employee.objects.none())
    completed_at = forms.DateField(
        label=_("Completed on"),
        validators=[in_past],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        validators=[in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the default validity (twelve months)."),
    )

    def __init__(self, *args, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees


class CharterVersionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Charter"), choices=CharterKind.choices)
    title_en = forms.CharField(label=_("Title in English"), max_length=200)
    title_fr = forms.CharField(label=_("Title in French"), max_length=200)
    text_en = forms.CharField(label=_("Text in English"), widget=forms.Textarea(attrs={"rows": 8}))
    text_fr = forms.CharField(label=_("Text in French"), widget=forms.Textarea(attrs={"rows": 8}))
    effective_date = forms.DateField(
        label=_("Effective date"),
        validators=[in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Until this date, the current version stays in force."),
    )
    # RULES 13: the four charters are required by default.
    required_for_prospecting = forms.BooleanField(
        label=_("Required for prospecting"), required=False, initial=True
    )
    staff_consulted_on = forms.DateField(
        label=_("Staff representatives consulted on"),
        required=False,
        validators=[in_past],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Required for a charter that binds employees (labour law)."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that every employee must acknowledge a required charter again, and "
            "cannot prospect until they do"
        ),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("required_for_prospecting") and not cleaned.get("confirm"):
            self.add_error(
                "confirm", _("Confirm that every employee will have to acknowledge it again.")
            )
        return cleaned
