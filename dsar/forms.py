from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import in_past
from core.forms import HttpUrlField
from dsar.api import PUBLIC_LIMITS
from dsar.models import ReceivedVia, RequestType
from prospects.models import Language


class _IdentifiersForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(key) for key in ("email", "phone", "profile_url")):
            raise forms.ValidationError(_("Give at least one of: e-mail, phone, profile URL."))
        return cleaned


class PublicRequestForm(_IdentifiersForm):
    type = forms.ChoiceField(label=_("What do you ask for?"), choices=RequestType.choices)
    full_name = forms.CharField(label=_("Your name"), max_length=PUBLIC_LIMITS["full_name"])
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=PUBLIC_LIMITS["email"],
        help_text=_("We send a link to this address to confirm the request comes from you."),
    )
    phone = forms.CharField(
        label=_("Your phone number"), max_length=PUBLIC_LIMITS["phone"], required=False
    )
    profile_url = HttpUrlField(
        label=_("Your profile URL on a social network"),
        max_length=PUBLIC_LIMITS["profile_url"],
        required=False,
    )
    message = forms.CharField(
        label=_("Anything we should know"),
        max_length=PUBLIC_LIMITS["message"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DsarForm(_IdentifiersForm):
    """A request the DPO records, or an employee forwards from their personal account."""

    type = forms.ChoiceField(label=_("Type"), choices=RequestType.choices)
    received_via = forms.ChoiceField(
        label=_("Received via"),
        choices=[c for c in ReceivedVia.choices if c[0] != ReceivedVia.PUBLIC_FORM],
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        validators=[in_past],
        help_text=_("Leave empty for now. The deadline counts from this date."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language of our answers"),
        choices=Language.choices,
        initial="fr",
        required=False,
    )
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=64, required=False)
    profile_url = HttpUrlField(label=_("Profile URL"), max_length=500, required=False)
    message = forms.CharField(
        label=_("What the person wrote"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, dpo: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not dpo:
            self.fields["received_via"].choices = [
                (ReceivedVia.EMPLOYEE_ACCOUNT, ReceivedVia.EMPLOYEE_ACCOUNT.label)
            ]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("What you checked"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VerifyIdentifiersForm(forms.Form):
    """The DPO verified some of the request's identifiers (RULES 22)."""

    # On the same page as the identity form, whose note must keep its id.
    prefix = "identifiers"

    identifiers = forms.MultipleChoiceField(
        label=_("Identifiers you verified"),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("How"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    LABELS = {"email": _("E-mail"), "phone": _("Phone"), "profile_url": _("Profile URL")}

    def __init__(self, *args, unverified: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identifiers"].choices = [(key, self.LABELS[key]) for key in unverified]


class ConfirmMatchesForm(forms.Form):
    """The DPO ticks the matched records that are the person's (RULES 22)."""

    prospect_ids = forms.MultipleChoiceField(
        label=_("Records that are this person's"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, matches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prospect_ids"].choices = [(str(m.prospect.pk), "") for m in matches]
        if not self.is_bound:
            self.initial["prospect_ids"] = [str(m.prospect.pk) for m in matches if m.acted_on]


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Extension"),
        coerce=int,
        choices=[(1, _("One month")), (2, _("Two months"))],
        initial=2,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExecuteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm: carry out this request now"),
        required=True,
    )
    full_name = forms.CharField(label=_("Corrected name"), max_length=300, required=False)
    company = forms.CharField(label=_("Corrected company"), max_length=200, required=False)
    job_title = forms.CharField(label=_("Corrected job title"), max_length=200, required=False)
    email = forms.CharField(label=_("Corrected e-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Corrected phone"), max_length=64, required=False)
    profile_url = HttpUrlField(label=_("Corrected profile URL"), max_length=500, required=False)

    CORRECTION_FIELDS = ("full_name", "company", "job_title", "email", "phone", "profile_url")

    def __init__(self, *args, rectification: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not rectification:
            for name in self.CORRECTION_FIELDS:
                del self.fields[name]

    def corrections(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in self.CORRECTION_FIELDS
            if self.cleaned_data.get(name)
        }
