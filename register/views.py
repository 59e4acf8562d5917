"""Browser pages: the printable register (DPO, administrators) and the DPO's edit form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.forms import add_service_errors
from people.models import Role
from people.selectors import has_role
from register import selectors, services
from register.forms import ProcessingActivityForm
from register.models import PROSE_FIELDS


def _require(request, *roles):
    if not has_role(request.user, *roles):
        raise PermissionDenied


@login_required
def register_page(request):
    _require(request, Role.DPO, Role.ADMIN)
    language = get_language()
    activities = [
        {
            "activity": activity,
            **{field: activity.text_in(field, language) for field in PROSE_FIELDS},
        }
        for activity in selectors.processing_activities()
    ]
    return render(
        request,
        "register/register.html",
        {"activities": activities, "can_edit": has_role(request.user, Role.DPO)},
    )


def _save(request, form, *, save):
    """Run the service on a valid form; map its validation errors back onto the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


@login_required
def activity_new(request):
    _require(request, Role.DPO)
    form = ProcessingActivityForm(request.POST or None)
    activity = _save(
        request,
        form,
        save=lambda data: services.processing_activity_create(actor=request.user, data=data),
    )
    if activity is not None:
        messages.success(request, _("Processing activity added to the register."))
        return redirect("register")
    return render(request, "register/form.html", {"form": form, "activity": None})


@login_required
def activity_edit(request, pk):
    _require(request, Role.DPO)
    # The form validates on its own copy: ModelForm writes the input onto its instance, and
    # the service compares against the stored values to audit only what changed.
    form = ProcessingActivityForm(
        request.POST or None, instance=selectors.processing_activity_get(pk=pk)
    )
    activity = _save(
        request,
        form,
        save=lambda data: services.processing_activity_update(
            actor=request.user, activity=selectors.processing_activity_get(pk=pk), data=data
        ),
    )
    if activity is not None:
        messages.success(request, _("Processing activity saved."))
        return redirect("register")
    return render(request, "register/form.html", {"form": form, "activity": form.instance})
