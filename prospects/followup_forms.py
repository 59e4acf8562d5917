"""The quick "Follow up on…" form of the Contact panel: a date and a note."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prospects.followups import NOTE_MAX_LENGTH

# "Follow up on…" opens a week ahead: the usual wait before writing again.
DEFAULT_DAYS_AHEAD = 7


def default_due_on() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS_AHEAD)


class FollowUpForm(forms.Form):
    # A prefix: the prospect page holds other forms, and every id on it must be unique.
    prefix = "follow_up"

    due_on = forms.DateField(
        label=_("Follow up on"),
        initial=default_due_on,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "What to do then, e.g. “send the case study”. Only you and your manager see it."
        ),
    )
