"""Browser forms for prospects: shapes and plain-words help; the rules live in the services."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import dates, wording
from core.forms import HttpUrlField
from people.models import Network, SocialAccount
from prospects.models import Kind, Language, LawfulBasis, Provenance, Visibility
from prospects.selectors import DEFAULT_SORT, LIST_SORTS

# A collection date is a calendar day; noon keeps it on that day in any European zone.
COLLECTION_TIME = datetime.time(12, 0)


ANY = _("Any")
# Fields of the notes warning (RULES 25): answers to the form, not values of the prospect.
_NOT_ON_THE_RECORD = ("confirm_notes", "notes_warned")
# The categories of core.wording.special_categories (RULES 25), as the rep reads them.
SPECIAL_CATEGORY_LABELS = {
    "health": _("health"),
    "religion": _("religious or philosophical beliefs"),
    "politics": _("political opinions"),
    "trade_union": _("trade union membership"),
    "sex_life": _("sex life or sexual orientation"),
    "ethnic_origin": _("racial or ethnic origin"),
    "convictions": _("criminal convictions or offences"),
}


def _blank_choice(choices, label=ANY):
    return [("", label), *choices]


class ProspectFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=500,
        help_text=_(
            "The first letters of words of the name (2 or more) or of the company (3 or "
            "more), or an exact e-mail, phone or URL."
        ),
    )
    provenance = forms.ChoiceField(
        label=_("Provenance"), required=False, choices=_blank_choice(Provenance.choices)
    )
    network = forms.ChoiceField(
        label=_("Network"), required=False, choices=_blank_choice(Network.choices)
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank_choice(Kind.choices))
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis"), required=False, choices=_blank_choice(LawfulBasis.choices)
    )

    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=None, empty_label=ANY)
    notice = forms.ChoiceField(
        label=pgettext_lazy("prospect list", "Information notice"),
        required=False,
        choices=_blank_choice(
            [("due", _("Due, not sent yet")), ("overdue", _("Overdue (not sent in time)"))]
        ),
    )
    retention = forms.ChoiceField(
        label=_("Retention"),
        required=False,
        choices=_blank_choice([("due", _("Ends within 30 days, or ended"))]),
    )
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in LIST_SORTS])

    def __init__(self, data=None, *, owners=None):
        """``owners``: those the caller may filter by; None for a rep (the only owner)."""
        super().__init__(data)
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners.select_related("user").order_by("user__username")
            self.fields["owner"].label_from_instance = lambda employee: employee.username

    def filters(self) -> dict:
        """The valid filters only: a tampered value is dropped, not turned into an error page.

        The sort is not a filter: see ``sort_key``. An owner out of the caller's reach is
        not dropped (that would list everyone): ``owner_refused`` says so.
        """
        self.is_valid()
        return {
            name: value for name, value in self.cleaned_data.items() if value and name != "sort"
        }

    @property
    def owner_refused(self) -> bool:
        return "owner" in self.errors

    @property
    def sort_key(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("sort") or DEFAULT_SORT


class ProspectForm(forms.Form):
    """What a rep writes about a prospect; provenance is derived from the dates by the service."""

    full_name = forms.CharField(label=_("Full name"), max_length=300)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Kind.choices,
        initial=Kind.B2B,
        help_text=_("A consumer (B2C) can only be prospected by e-mail with their consent."),
    )
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=64, required=False)
    profile_url = HttpUrlField(label=_("Profile URL"), max_length=500, required=False)
    network = forms.ChoiceField(
        label=_("Network"), choices=_blank_choice(Network.choices, "—"), required=False
    )
    social_account = forms.ModelChoiceField(
        label=_("Social account"),
        queryset=SocialAccount.objects.none(),
        empty_label="—",
        required=False,
        help_text=_("Your own account through which you know this person, if any."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=32,
        required=False,
        initial="manual",
        help_text=_("Where the data came from: manual, a business card, an event…"),
    )
    collected_at = forms.DateField(
        label=_("Collected on"),
        validators=[dates.in_past],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Collected before your hire date? It stays yours: pre-hire network, which you "
            "may contribute to the company or take with you. On or after it: gathered during "
            "your employment, it belongs to the company."
        ),
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis"),
        choices=_blank_choice(LawfulBasis.choices, "—"),
        required=False,
        help_text=_(
            "Why we may keep and contact this person: their consent, our legitimate interest "
            "in a professional offer, or a contract with them."
        ),
    )
    profile_visibility_at_collection = forms.ChoiceField(
        label=_("Profile visibility at collection"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        help_text=_(
            "If the person showed their contact details to their connections only, their "
            "e-mail is not used under legitimate interest until they consent or write to us."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=Language.choices,
        initial=Language.FR,
        required=False,
        help_text=_("The information notice added to your messages is written in it."),
    )
    contributed = forms.BooleanField(
        label=_("Contributed to the company"),
        required=False,
        help_text=_("Only a contact from your pre-hire network can be contributed."),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea
    )
    # RULES 25: shown once the notes were found to hold special categories of data.
    confirm_notes = forms.BooleanField(
        label=_("Save these notes anyway"),
        required=False,
        help_text=_(
            "Only if this information is necessary for the relationship and the person "
            "gave it to you; otherwise remove it from the notes."
        ),
    )
    # The categories the rep was shown: confirming covers those, not ones added since.
    notes_warned = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, owner, prospect=None, **kwargs):
        self.prospect = prospect
        if prospect is not None:
            kwargs["initial"] = {
                **{
                    name: getattr(prospect, name)
                    for name in self.base_fields
                    if name not in _NOT_ON_THE_RECORD
                },
                "social_account": prospect.social_account_id,
                "collected_at": timezone.localdate(prospect.collected_at),
            }
        else:
            kwargs.setdefault("initial", {"collected_at": timezone.localdate()})
        super().__init__(*args, **kwargs)
        # Only the owner's own accounts: a prospect is never tied to a colleague's network.
        # Those in use, and the one the prospect already names even if since removed.
        current = prospect.social_account_id if prospect is not None else None
        self.fields["social_account"].queryset = SocialAccount.all_objects.filter(
            Q(removed_at__isnull=True) | Q(pk=current), employee=owner
        )

    def clean_collected_at(self):
        day = self.cleaned_data["collected_at"]
        if self.prospect is not None and day == timezone.localdate(self.prospect.collected_at):
            return self.prospect.collected_at
        if day == timezone.localdate():
            # Today at noon may still be ahead of us: today means now.
            return timezone.now()
        return timezone.make_aware(datetime.datetime.combine(day, COLLECTION_TIME))

    def clean_language(self):
        # Left out of the posted form: the prospect's own language, or French.
        current = self.prospect.language if self.prospect is not None else Language.FR
        return self.cleaned_data["language"] or current

    def clean(self):
        """RULES 25: notes suggesting special categories of data are saved only once confirmed.

        Checked when the notes are new or changed; ``notes_warning`` names the categories
        for the page. The check is a warning: a confirmed save goes through.
        """
        cleaned = super().clean()
        notes = cleaned.get("notes") or ""
        self.notes_warning = []
        if self.prospect is None or "notes" in self.changed_data:
            self.notes_warning = wording.special_categories(notes)
        warned = set((cleaned.get("notes_warned") or "").split(","))
        confirmed = cleaned.get("confirm_notes") and warned.issuperset(self.notes_warning)
        if self.notes_warning and not confirmed:
            self.add_error(
                "confirm_notes",
                forms.ValidationError(
                    _("Confirm to save notes that may hold special categories of data."),
                    code="notes_special_categories",
                ),
            )
        return cleaned

    def notes_warning_labels(self) -> list[str]:
        return [str(SPECIAL_CATEGORY_LABELS.get(key, key)) for key in self.notes_warning]

    def service_data(self) -> dict:
        """What to hand to the service: everything when adding, the changed fields when editing."""
        if self.prospect is None:
            data = dict(self.cleaned_data)
            for name in _NOT_ON_THE_RECORD:
                data.pop(name, None)
            data["source"] = data["source"] or "manual"
            return data
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name not in _NOT_ON_THE_RECORD
        }


class ShareForm(forms.Form):
    """The owner gives one active sales colleague read access to a prospect."""

    employee = forms.ModelChoiceField(
        label=_("Colleague"),
        queryset=None,
        help_text=_("They will see this prospect and its history, without changing it."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = candidates
        self.fields["employee"].label_from_instance = lambda employee: employee.username


class BulkActionForm(forms.Form):
    """What to do with the prospects ticked in the list; the ids are read by the view."""

    SHARE, CONTRIBUTE, FOLLOW_UP, EXPORT = "share", "contribute", "follow_up", "export"
    action = forms.ChoiceField(
        label=_("With the selected prospects"),
        choices=[
            (SHARE, _("Share with a colleague")),
            (CONTRIBUTE, _("Contribute to the company (own pre-hire contacts)")),
            (FOLLOW_UP, pgettext_lazy("prospect list", "Add a follow-up")),
            (EXPORT, _("Export as CSV (your own prospects)")),
        ],
    )


class BulkShareForm(forms.Form):
    employee = forms.ModelChoiceField(
        label=_("Colleague"),
        queryset=None,
        help_text=_("They will see these prospects and their history, without changing them."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = candidates
        self.fields["employee"].label_from_instance = lambda employee: employee.username


class BulkFollowUpForm(forms.Form):
    due_on = forms.DateField(
        label=pgettext_lazy("prospect list", "Follow up on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=pgettext_lazy("prospect list", "Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
