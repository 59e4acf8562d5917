from django import forms
from django.utils.translation import gettext_lazy as _

from consent.models import (
    SCOPE_CHOICES,
    Channel,
    ConsentAction,
    Evidence,
    IdentifierType,
    OppositionSource,
)


class ContactForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.SOCIAL_MESSAGE
    )
    social_account = forms.ModelChoiceField(
        label=_("Account used"), queryset=None, required=False, empty_label=_("— none —")
    )
    content = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Write freely: the check below tells you at once what would block or warn."),
    )
    relates_to_profession = forms.BooleanField(
        label=_("The message is about the person's job"), required=False, initial=True
    )
    append_notice = forms.BooleanField(
        label=_("Append the information notice and opt-out text"), required=False, initial=True
    )

    def __init__(self, *args, employee=None, **kwargs):
        super().__init__(*args, **kwargs)
        accounts = employee.social_accounts.all() if employee is not None else []
        self.fields["social_account"].queryset = accounts

    def clean(self):
        data = super().clean()
        if (
            data.get("channel") in {"email", "sms", "social_message"}
            and not (data.get("content") or "").strip()
        ):
            self.add_error("content", _("Write the message first."))
        return data


class ConsentForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    action = forms.ChoiceField(label=_("What the person said"), choices=ConsentAction.choices)
    evidence = forms.ChoiceField(
        label=_("How"),
        choices=Evidence.choices,
        help_text=_("A like, a follow or an accepted connection is never consent."),
    )
    proof = forms.CharField(
        label=_("Proof"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What they did and where, e.g. “answered yes to my message of 3 May”."),
    )
    wording_shown = forms.CharField(label=_("Wording shown to them"), required=False)


class OppositionForm(forms.Form):
    identifier_type = forms.ChoiceField(label=_("Identifier"), choices=IdentifierType.choices)
    value = forms.CharField(label=_("Value"), help_text=_("Stored only as a keyed hash."))
    scope = forms.ChoiceField(label=_("Scope"), choices=SCOPE_CHOICES, initial="all")
    source = forms.ChoiceField(label=_("Source"), choices=OppositionSource.choices)


class OppositionListForm(forms.Form):
    file = forms.FileField(
        label=_("Opposition list file"),
        help_text=_("One phone number per line (e.g. a Bloctel-style list). Blocks phone calls."),
    )
