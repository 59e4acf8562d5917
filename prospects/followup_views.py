"""Follow-ups from the browser: plan one on a prospect, mark one done.

POST only. The prospect is read as everywhere else (404 out of scope, 403 when only shared
for reading); a follow-up outside the caller's day (their own, their team's for a manager)
is a 404. An htmx request gets the prospect's follow-up list back (the Contact panel swaps
it in place, the draft above untouched); a plain form post goes back to the page it came from.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from people.models import Role
from people.selectors import has_role
from prospects import followups
from prospects.followup_forms import FollowUpForm
from prospects.selectors import prospect_editable_by, prospect_get


def _plannable(request, pk):
    """A prospect the rep or manager may change: 404 out of scope, 403 read-only or other roles."""
    if not has_role(request.user, Role.REP, Role.MANAGER):
        raise PermissionDenied
    prospect = prospect_get(user=request.user, pk=pk)
    if not prospect_editable_by(user=request.user, prospect=prospect):
        raise PermissionDenied
    return prospect


def _list(request, prospect, *, form=None, status=200):
    if request.headers.get("HX-Request"):
        # htmx swaps only 2xx answers: the errors must reach the form.
        status = 200
    return render(
        request,
        "prospects/_follow_ups.html",
        {
            "prospect": prospect,
            "can_follow_up": True,
            "follow_ups": list(followups.follow_ups_of(prospect).filter(done_at__isnull=True)),
            "follow_up_form": form or FollowUpForm(),
            "today": timezone.localdate(),
        },
        status=status,
    )


def _back(request, prospect):
    """Back where the form was: the ``next`` page of this site, else the prospect."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("prospect", prospect.pk)


@login_required
@require_POST
def follow_up_add(request, pk):
    prospect = _plannable(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            follow_up = followups.follow_up_add(
                actor=request.user,
                prospect=prospect,
                due_on=form.cleaned_data["due_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if request.headers.get("HX-Request"):
                return _list(request, prospect)
            messages.success(
                request,
                _("Follow-up planned for %(date)s.")
                % {"date": formats.date_format(follow_up.due_on, "SHORT_DATE_FORMAT")},
            )
            return _back(request, prospect)
    # The form again with its errors under the fields, what was typed kept.
    return _list(request, prospect, form=form, status=400)


@login_required
@require_POST
def follow_up_done(request, pk, follow_up_pk):
    prospect = _plannable(request, pk)
    follow_up = followups.follow_up_get(user=request.user, pk=follow_up_pk)
    if follow_up.prospect_id != prospect.pk:
        raise Http404
    followups.follow_up_done(actor=request.user, follow_up=follow_up)
    if request.headers.get("HX-Request"):
        return _list(request, prospect)
    messages.success(request, _("Follow-up done."))
    return _back(request, prospect)
