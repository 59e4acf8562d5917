from django import forms

from register.models import ProcessingActivity

FORM_FIELDS = [
    "slug",
    "name_en",
    "name_fr",
    "controller",
    "dpo_contact",
    "purposes_en",
    "purposes_fr",
    "lawful_basis_en",
    "lawful_basis_fr",
    "data_subjects_en",
    "data_subjects_fr",
    "data_categories_en",
    "data_categories_fr",
    "sources_en",
    "sources_fr",
    "recipients_en",
    "recipients_fr",
    "transfers_en",
    "transfers_fr",
    "retention_en",
    "retention_fr",
    "security_measures_en",
    "security_measures_fr",
]


class ProcessingActivityForm(forms.ModelForm):
    """Validates the DPO's input; the service saves it (and writes the audit entry)."""

    class Meta:
        model = ProcessingActivity
        fields = FORM_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in FORM_FIELDS
            if name not in ("slug", "name_en", "name_fr")
        }
