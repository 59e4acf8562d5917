"""Browser pages: the Contact panel on a prospect, deleting a prospect (its evidence stays),
and the DPO's suppression list.

The Contact panel is a small state machine, each state one render of
``consent/contact_panel.html``: a draft (the message box, live check below it), checked
(the gate's decision shown), logged (the final text to copy or open, no Log button: only
"Log another" starts a fresh draft). A person who objected to any contact gets a
"Do not contact" banner instead of the message box; the gate refuses them server-side too.
"""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_email
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from consent import selectors, services
from consent.facts import ProspectNotVisible
from consent.forms import ConsentForm, ContactForm, OppositionForm, OppositionListForm
from consent.gate import SOCIAL_CHANNELS
from consent.models import ConsentAction
from content import selectors as content_selectors
from core.forms import add_service_errors
from core.urls import is_http_url
from people.models import Role
from people.selectors import employee_of, has_role
from prospects import followups
from prospects.followup_forms import FollowUpForm
from prospects.selectors import (
    prospect_editable_by,
    prospect_get,
    prospects_visible_to,
)
from prospects.views import editable_or_403
from suppression.models import SCOPE_ALL, Channel, Opposition
from suppression.selectors import opposed_scopes

SALES = (Role.REP, Role.MANAGER)
# A mailto: link carries the final text as its body up to this length: longer URLs are cut
# by some mail clients, and the rep copies the text instead.
MAILTO_BODY_MAX = 1500


def _sales_prospect(request, pk):
    """The prospect for a rep or manager who may contact it; 404 otherwise (never 403 on data)."""
    if not has_role(request.user, *SALES):
        raise PermissionDenied
    return prospect_get(user=request.user, pk=pk)


def _panel_context(
    request,
    prospect,
    *,
    contact_form=None,
    consent_form=None,
    decision=None,
    logged=None,
):
    employee = employee_of(request.user)
    events = list(prospect.consent_events.order_by("occurred_at", "recorded_at"))
    can_edit = prospect_editable_by(user=request.user, prospect=prospect)
    return {
        "prospect": prospect,
        "contact_form": contact_form
        or ContactForm(employee=employee, pick_url=_pick_url(prospect.pk)),
        "consent_form": consent_form or ConsentForm(),
        "decision": decision,
        "logged": logged,
        "logged_links": _logged_links(prospect, logged) if logged is not None else {},
        "do_not_contact": _objected(prospect, events),
        "phone_opening": _phone_opening(employee),
        "consent_status": [
            (Channel(channel).label, status)
            for channel, status in selectors.consent_status_by_channel(events).items()
        ],
        "outreach": selectors.outreach_visible_to(request.user)
        .filter(prospect=prospect)
        .select_related("mail")[:10],
        "sending": settings.OUTREACH_EMAIL_SENDING,
        # Follow-ups are planned by those who may change the record (a share reads only).
        "can_follow_up": can_edit and employee is not None,
        "follow_ups": list(followups.follow_ups_of(prospect).filter(done_at__isnull=True))
        if can_edit
        else [],
        "follow_up_form": FollowUpForm(),
        "open_follow_up": logged is not None and logged.decision == "allow",
        "today": timezone.localdate(),
    }


def _objected(prospect, events) -> bool:
    """The person objected to any contact: an identifier of theirs is on the suppression list
    for every channel, or (no identifier held) their objection lives on as withdrawals."""
    indexes: dict[str, list[str]] = {}
    for identifier_type in ("email", "phone", "profile_url"):
        index = getattr(prospect, f"{identifier_type}_index", None)
        if index:
            indexes[identifier_type] = [index]
    if any(SCOPE_ALL in scopes for scopes in opposed_scopes(indexes).values()):
        return True
    return any(
        event.action == ConsentAction.WITHDRAW and event.purpose == "objection" for event in events
    )


def _is_email(value) -> bool:
    try:
        validate_email(value or "")
    except ValidationError:
        return False
    return True


def _logged_links(prospect, attempt) -> dict:
    """Where the rep sends the logged text: the prospect's profile, or their mail client."""
    links = {}
    if attempt.decision != "allow":
        return links
    # Checked again at the output, as ``{% external_link %}`` does: a row stored around the
    # input rules gets no link.
    if attempt.channel in SOCIAL_CHANNELS and is_http_url(prospect.profile_url or ""):
        links["profile_url"] = prospect.profile_url
        links["network"] = prospect.get_network_display() or _("their network")
    if attempt.channel == Channel.EMAIL and _is_email(prospect.email) and not attempt.mail_id:
        links["email"] = prospect.email
        if len(attempt.final_content) <= MAILTO_BODY_MAX:
            links["mail_body"] = attempt.final_content
    return links


def _phone_opening(employee) -> str:
    """What a caller says first (C. consom. L221-16): who calls, for whom, and why."""
    user = getattr(employee, "user", None)
    name = (user.get_full_name() or user.get_username()) if user is not None else ""
    return _(
        "Hello, this is %(name)s from %(company)s. I am calling you to present our offer: "
        "this is a sales call."
    ) % {"name": name, "company": settings.COMPANY_NAME}


@login_required
def contact_panel(request, pk):
    prospect = _sales_prospect(request, pk)
    return render(request, "consent/contact_panel.html", _panel_context(request, prospect))


def _pick_url(pk) -> str:
    return reverse("contact-pick", args=[pk])


def _run_gate(request, pk, *, log: bool, data=None):
    employee = employee_of(request.user)
    posted = request.POST if data is None else data
    form = ContactForm(posted, employee=employee, pick_url=_pick_url(pk))
    if not form.is_valid():
        return form, None, None
    data = form.cleaned_data
    arguments = {
        "employee": employee,
        "prospects": prospects_visible_to(request.user),
        "prospect_id": pk,
        "channel": data["channel"],
        "content": data["content"],
        "social_account": data["social_account"],
        "relates_to_profession": data["relates_to_profession"],
        "append_notice": data["append_notice"],
        "analogous_products": data["analogous_products"],
        "about_contract": data["about_contract"],
        "content_version": data.get("content_version"),
    }
    try:
        if log:
            # The Send button (sending on): the app sends the e-mail once the gate allows it.
            send = bool(posted.get("send"))
            attempt = services.outreach_log(
                actor=request.user,
                outcome=data.get("outcome") or "",
                send=send,
                subject=(data.get("subject") or "") if send else "",
                **arguments,
            )
            return form, attempt.decision_detail, attempt
        decision, _prospect = services.outreach_check(**arguments)
    except ProspectNotVisible:
        raise PermissionDenied from None
    except ValidationError as exc:
        # A note too long for the invitation, or an e-mail the app may not send (``send``):
        # nothing was logged.
        add_service_errors(form, exc)
        return form, None, None
    return form, decision, None


@login_required
@require_POST
def contact_check(request, pk):
    """The live decision under the message box (htmx): logs nothing."""
    _sales_prospect(request, pk)
    form, decision, _ = _run_gate(request, pk, log=False)
    return render(request, "consent/_decision.html", {"decision": decision, "form": form})


@login_required
@require_POST
def contact_pick(request, pk):
    """An approved message was picked: fill the message box with it and check it (logs nothing)."""
    _sales_prospect(request, pk)
    data = request.POST.copy()
    picked = data.get("content_version", "")
    version = content_selectors.offered_version_get(pk=picked) if picked.isdigit() else None
    if version is not None:
        data["content"] = version.body
    form, decision, _ = _run_gate(request, pk, log=False, data=data)
    form.fields["content"].widget.attrs["hx-swap-oob"] = "true"
    return render(
        request,
        "content/_picked.html",
        {"decision": decision, "form": form, "picked": version is not None},
    )


@login_required
@require_POST
def contact_log(request, pk):
    prospect = _sales_prospect(request, pk)
    form, decision, attempt = _run_gate(request, pk, log=True)
    prospect.refresh_from_db()
    context = _panel_context(
        request, prospect, contact_form=form, decision=decision, logged=attempt
    )
    return render(request, "consent/contact_panel.html", context, status=200)


@login_required
@require_POST
def contact_reply(request, pk, attempt_pk):
    prospect = _sales_prospect(request, pk)
    attempt = get_object_or_404(
        selectors.outreach_visible_to(request.user), pk=attempt_pk, prospect=prospect
    )
    try:
        services.outreach_reply(actor=request.user, attempt=attempt)
    except services.OutreachNotSent:
        # The panel offers no button on a denied attempt: a forged post changes nothing.
        status = 409
    else:
        status = 200
    prospect.refresh_from_db()
    return render(
        request, "consent/contact_panel.html", _panel_context(request, prospect), status=status
    )


@login_required
@require_POST
def contact_consent(request, pk):
    """Record a consent or an opt-out; the draft posted with it (the message box) is kept."""
    prospect = _sales_prospect(request, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_record(
                actor=request.user,
                captured_by=employee_of(request.user),
                prospect=prospect,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = None
    contact_form, decision = _draft_kept(request, pk)
    return render(
        request,
        "consent/contact_panel.html",
        _panel_context(
            request, prospect, consent_form=form, contact_form=contact_form, decision=decision
        ),
    )


def _draft_kept(request, pk):
    """The message box as the rep left it, checked again against the consent just recorded.

    A draft not complete enough to check is shown as typed, without errors.
    """
    if "channel" not in request.POST:
        return None, None
    form, decision, _attempt = _run_gate(request, pk, log=False)
    if form.is_valid():
        return form, decision
    initial = {name: form[name].value() for name in form.fields}
    return (
        ContactForm(employee=employee_of(request.user), pick_url=_pick_url(pk), initial=initial),
        None,
    )


@login_required
@require_POST
def contact_object(request, pk):
    """The person objects: one click puts every identifier on the suppression list."""
    prospect = _sales_prospect(request, pk)
    services.prospect_object(actor=request.user, prospect=prospect)
    return render(request, "consent/contact_panel.html", _panel_context(request, prospect))


@login_required
def suppression_list(request):
    if not has_role(request.user, Role.DPO, Role.ADMIN):
        raise PermissionDenied
    form = OppositionForm(request.POST or None)
    list_form = OppositionListForm()
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.objection_register(actor=request.user, **form.cleaned_data)
        except ValueError as exc:
            form.add_error("value", str(exc))
        else:
            messages.success(
                request,
                _(
                    "Objection registered: %(count)d identifiers of this person are on the "
                    "suppression list."
                )
                % {"count": objection.identifiers_suppressed}
                if objection.created
                else _("This objection was already registered."),
            )
            return redirect("suppression-list")
    page = Paginator(Opposition.objects.order_by("-created_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "consent/suppression_list.html",
        {"form": form, "list_form": list_form, "page": page},
    )


@login_required
@require_POST
def suppression_list_import(request):
    if not has_role(request.user, Role.DPO, Role.ADMIN):
        raise PermissionDenied
    form = OppositionListForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to import."))
        return redirect("suppression-list")
    try:
        lines = io.TextIOWrapper(form.cleaned_data["file"].file, encoding="utf-8-sig")
        added, errors = services.opposition_list_import(actor=request.user, lines=lines)
    except UnicodeDecodeError:
        messages.error(request, _("The file is not UTF-8 text: nothing was imported."))
        return redirect("suppression-list")
    added_text = ngettext(
        "%(added)d number added to the suppression list.",
        "%(added)d numbers added to the suppression list.",
        added,
    )
    messages.success(request, added_text % {"added": added})
    for line, error in errors[:20]:
        messages.error(request, _("Line %(line)d: %(error)s") % {"line": line, "error": error})
    return redirect("suppression-list")


@login_required
@require_http_methods(["GET", "POST"])
def prospect_delete(request, pk):
    """Asks first; on POST the prospect goes and its consent evidence stays (RULES 19).

    Who may: the owner (or their manager) and the DPO, as for editing; 404 out of scope.
    """
    prospect = editable_or_403(request, pk)
    if request.method == "POST":
        services.prospect_delete(actor=request.user, prospect=prospect)
        messages.success(request, _("Prospect deleted."))
        return redirect("prospects")
    return render(request, "prospects/delete.html", {"prospect": prospect})
