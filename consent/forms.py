from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from consent.gate import SOCIAL_CHANNELS
from consent.models import GRANTING, NOT_CONSENT, CallOutcome, ConsentAction, Evidence
from content import selectors as content_selectors
from content.models import ContentKind
from suppression.models import SCOPE_CHOICES, Channel, IdentifierType, OppositionSource


class ContactForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.SOCIAL_MESSAGE
    )
    social_account = forms.ModelChoiceField(
        label=_("Account used"), queryset=None, required=False, empty_label=_("— none —")
    )
    content_version = forms.ModelChoiceField(
        label=_("Approved message"),
        queryset=None,
        required=False,
        empty_label=_("— write my own —"),
        help_text=_(
            "Library content approved by marketing and compliance: it passes the content check as long as you keep it word for word."
        ),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        required=False,
        help_text=_("For an e-mail the app sends (Send button)."),
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
    analogous_products = forms.BooleanField(
        label=_("A customer, about products like those they bought"),
        required=False,
        help_text=_(
            "Soft opt-in: no prior opt-in is needed for a customer (a won deal) written to "
            "about similar products, with the opt-out text."
        ),
    )
    about_contract = forms.BooleanField(
        label=_("A call about their contract in progress"),
        required=False,
        help_text=_("A customer (a won deal) may be called about their contract without consent."),
    )
    outcome = forms.ChoiceField(
        label=_("How the call went"),
        choices=[("", _("— not a call —")), *CallOutcome.choices],
        required=False,
        help_text=_("A consumer who refused a call is not called again for a while."),
    )

    def __init__(self, *args, employee=None, pick_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not settings.OUTREACH_EMAIL_SENDING:
            # The app sends nothing itself: no subject to write.
            del self.fields["subject"]
        accounts = employee.social_accounts.all() if employee is not None else []
        self.fields["social_account"].queryset = accounts
        offered = content_selectors.offered_versions(kind=ContentKind.MESSAGE)
        if not self.is_bound and not offered.exists():
            # No approved message today: the panel looks as it always did.
            del self.fields["content_version"]
            return
        self.fields["content_version"].queryset = offered
        if pick_url:
            # Picking fills the message box (htmx swaps it) and re-runs the check at once.
            self.fields["content_version"].widget.attrs.update(
                {
                    "hx-post": pick_url,
                    "hx-trigger": "change consume",
                    "hx-target": "#gate-decision",
                    "hx-swap": "outerHTML",
                    "hx-include": "#contact-form",
                }
            )

    def clean(self):
        data = super().clean()
        if (
            data.get("channel") in {"email", "sms", "social_message"}
            and not (data.get("content") or "").strip()
        ):
            self.add_error("content", _("Write the message first."))
        if data.get("channel") in SOCIAL_CHANNELS and data.get("social_account") is None:
            self.add_error("social_account", _("Choose the account this message goes through."))
        if data.get("outcome") and data.get("channel") != Channel.PHONE:
            self.add_error("outcome", _("Only a phone call has an outcome."))
        version = data.get("content_version")
        if version is not None and data.get("channel") and data["channel"] not in version.channels:
            self.add_error(
                "content_version",
                _("This message is approved for other channels: %(channels)s.")
                % {"channels": ", ".join(str(Channel(c).label) for c in version.channels)},
            )
        return data


class ConsentForm(forms.Form):
    # Its own names and ids: the Contact panel posts the draft (``channel``…) along with it.
    prefix = "consent"

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    action = forms.ChoiceField(label=_("What the person said"), choices=ConsentAction.choices)
    evidence = forms.ChoiceField(
        label=_("How"),
        choices=Evidence.choices,
        help_text=_(
            "Only an opt-in act grants consent: a form, a reply in writing, a signature, a "
            "recorded call, a sale. A like, a follow or an accepted connection never does."
        ),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        required=False,
        help_text=_(
            "What they agreed to, e.g. “our product news by e-mail”. Required for an opt-in."
        ),
    )
    proof = forms.CharField(
        label=_("Proof"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What they did and where, e.g. “answered yes to my message of 3 May”."),
    )
    wording_shown = forms.CharField(
        label=_("Wording shown to them"),
        required=False,
        help_text=_("The exact question they said yes to. Required for an opt-in."),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") != ConsentAction.GRANT:
            return data
        evidence = data.get("evidence")
        if evidence in NOT_CONSENT:
            self.add_error(
                "evidence", _("A like, a follow or an accepted connection is not consent.")
            )
        elif evidence and evidence not in GRANTING:
            self.add_error(
                "evidence", _("An opt-out or a request not to be contacted cannot grant consent.")
            )
        for field in ("purpose", "wording_shown"):
            if field in data and not data[field].strip():
                self.add_error(field, _("Required for an opt-in: the company must prove it."))
        return data


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
