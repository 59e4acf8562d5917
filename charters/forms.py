from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import Employee


class TrainingForm(forms.Form):
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=Employee.objects.none())
    completed_at = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the default validity (twelve months)."),
    )

    def __init__(self, *args, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees
