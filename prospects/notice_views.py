"""The art. 14 notice's actions on a prospect: append it to the next message, or mark it
sent by another way with its evidence (``prospects.notices``)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from prospects import notices, selectors
from prospects.models import NoticeMethod, Prospect
from prospects.views import reader_or_403


class NoticeSentForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("Sent by"), choices=NoticeMethod.choices, widget=forms.RadioSelect
    )
    sent_on = forms.DateField(
        label=gettext_lazy("Sent on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        max_length=notices.EVIDENCE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "What proves it: a sent-mail reference, a registered-letter number."
        ),
    )


def _prospect(request, pk) -> Prospect:
    # Who reads prospects at all (HR never does); editing is then checked per prospect.
    reader_or_403(request)
    return selectors.prospect_get(user=request.user, pk=pk)


def _page(request, prospect, form, *, status=200):
    return render(
        request,
        "prospects/notice.html",
        {
            "prospect": prospect,
            "can_edit": selectors.prospect_editable_by(user=request.user, prospect=prospect),
            "notice_form": form,
        },
        status=status,
    )


@login_required
def notice_action(request, pk):
    """The notice's state and its actions on a page of their own."""
    prospect = _prospect(request, pk)
    return _page(request, prospect, NoticeSentForm(prefix="notice"))


@login_required
@require_POST
def notice_mark_sent(request, pk):
    prospect = _prospect(request, pk)
    if not selectors.prospect_editable_by(user=request.user, prospect=prospect):
        raise PermissionDenied
    form = NoticeSentForm(request.POST, prefix="notice")
    if form.is_valid():
        try:
            delivery = notices.notice_mark_sent(
                actor=request.user, prospect=prospect, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if delivery is None:
                messages.info(
                    request, _("The notice was already recorded as sent: nothing changed.")
                )
            else:
                messages.success(
                    request,
                    _("The notice is recorded as sent on %(date)s.")
                    % {"date": formats.date_format(delivery.sent_on, "DATE_FORMAT")},
                )
            return redirect("prospect", pk=prospect.pk)
    return _page(request, prospect, form, status=400)
