from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content.models import ContentKind, ContentLanguage
from core.dates import in_range
from people.models import Network
from suppression.models import Channel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Reps use it word for word; once approved, it passes the content check."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=ContentLanguage.choices)
    channels = forms.MultipleChoiceField(
        label=_("Channels (messages)"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Where a message may be sent."),
    )
    networks = forms.MultipleChoiceField(
        label=_("Networks"),
        choices=Network.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Where a post may be shared; none ticked means any network."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=DATE, initial=timezone.localdate, validators=[in_range]
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE,
        validators=[in_range],
        help_text=_("After this day it is no longer offered to reps."),
    )

    def __init__(self, *args, revising=False, **kwargs):
        super().__init__(*args, **kwargs)
        if revising:
            # The kind of an item does not change between versions.
            del self.fields["kind"]


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("pending", _("Waiting for approval")),
            ("approved", _("Approved, offered today")),
            ("expired", _("Expired")),
            ("withdrawn", _("Withdrawn")),
        ],
    )
