"""Browser pages: the deals list, the deal form, and the deal page with the consumer checklist."""

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from deals import selectors, services
from deals.forms import DealForm
from deals.models import DealStage, DealStatus, PipelineColumn, Supply
from people.models import Role
from people.selectors import employee_of, has_role
from prospects.selectors import prospect_get

READERS = (Role.REP, Role.MANAGER, Role.DPO, Role.ADMIN)
SELLERS = (Role.REP, Role.MANAGER)
FORM_FIELDS = list(DealForm.base_fields)


def _reader_or_403(request):
    if not has_role(request.user, *READERS):
        raise PermissionDenied


def _seller_or_403(request):
    if not has_role(request.user, *SELLERS):
        raise PermissionDenied
    return employee_of(request.user)


def _changeable_deal(request, pk):
    """The deal if the caller sees it (else 404), sells (else 403) and may change it (else 403)."""
    deal = selectors.deal_get(user=request.user, pk=pk)
    _seller_or_403(request)
    if not selectors.may_change(request.user, deal):
        raise PermissionDenied
    return deal


@login_required
def deal_list(request):
    _reader_or_403(request)
    deals = selectors.deals_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in DealStatus.values:
        deals = deals.filter(status=status)
    else:
        status = ""
    # The pipeline's and the team page's links narrow further: an open stage, an owner,
    # deals concluded since a day.
    stage = request.GET.get("stage", "")
    if stage in DealStage.values:
        deals = deals.filter(status=DealStatus.OPEN, stage=stage)
    else:
        stage = ""
    owner = request.GET.get("owner", "")
    if owner:
        deals = deals.filter(owner_id=int(owner) if owner.isdigit() and len(owner) < 10 else None)
    concluded_from = _date_or_none(request.GET.get("concluded_from", ""))
    if concluded_from:
        deals = deals.filter(concluded_on__gte=concluded_from)
    prospect_pk = request.GET.get("prospect", "")
    if prospect_pk:
        deals = deals.filter(prospect_id=_uuid_or_none(prospect_pk))
    page = Paginator(deals, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "deals/list.html",
        {
            "page": page,
            "status": status,
            "stage": DealStage(stage).label if stage else "",
            "concluded_from": concluded_from,
            "statuses": DealStatus.choices,
            "filtered": bool(status or stage or owner or concluded_from or prospect_pk),
        },
    )


def _date_or_none(value: str):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
def pipeline(request):
    _reader_or_403(request)
    columns = selectors.pipeline_for(request.user)
    for column in columns:
        for deal in column["deals"]:
            deal.movable = selectors.may_change(request.user, deal)
    return render(
        request,
        "deals/pipeline.html",
        {
            "columns": columns,
            "show_owner": not has_role(request.user, Role.REP),
            "cards_shown": selectors.PIPELINE_CARDS,
        },
    )


@login_required
@require_POST
def deal_move(request, pk):
    """A card's button (or a drop on a column): to another open stage, or lost."""
    deal = _changeable_deal(request, pk)
    to = request.POST.get("to", "")
    if to == PipelineColumn.WON:
        return redirect("deal", pk)
    try:
        services.deal_move(actor=request.user, deal=deal, to=to)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("“%(product)s” moved to %(column)s.")
            % {"product": deal.product, "column": PipelineColumn(to).label},
        )
    return redirect(
        reverse("pipeline") + f"#column-{to if to in PipelineColumn.values else 'open'}"
    )


def _uuid_or_none(value: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@login_required
def deal_new(request, prospect_pk):
    owner = _seller_or_403(request)
    prospect = prospect_get(user=request.user, pk=prospect_pk)
    form = DealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.deal_create(
                actor=request.user, owner=owner, prospect=prospect, data=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Deal recorded."))
            return redirect("deal", deal.pk)
    return render(
        request,
        "deals/form.html",
        {"form": form, "prospect": prospect, "deal": None, "consumer": prospect.kind == "b2c"},
    )


@login_required
def deal_edit(request, pk):
    deal = _changeable_deal(request, pk)
    initial = {name: getattr(deal, name) for name in FORM_FIELDS}
    form = DealForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.deal_update(actor=request.user, deal=deal, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Deal saved."))
            return redirect("deal", deal.pk)
    return render(
        request,
        "deals/form.html",
        {
            "form": form,
            "prospect": deal.prospect,
            "deal": deal,
            "consumer": selectors.is_consumer_deal(deal),
        },
    )


@login_required
def deal_detail(request, pk):
    _reader_or_403(request)
    deal = selectors.deal_get(user=request.user, pk=pk)
    consumer = selectors.is_consumer_deal(deal)
    checklist = [
        (_("Pre-contractual information given"), deal.precontractual_info_on, "precontractual"),
        (_("Withdrawal right information given"), deal.withdrawal_info_on, "withdrawal"),
        (_("Confirmation sent on a durable medium"), deal.durable_medium_on, "durable_medium"),
    ]
    if deal.supply == Supply.GOODS:
        checklist.append((_("Delivery date"), deal.delivery_on, "delivery"))
    return render(
        request,
        "deals/detail.html",
        {
            "deal": deal,
            "consumer": consumer,
            "checklist": checklist if consumer else [],
            "missing": selectors.missing_for_win(deal),
            "withdrawal": selectors.withdrawal_of(deal),
            "can_edit": selectors.may_change(request.user, deal),
        },
    )


@login_required
@require_POST
def deal_win(request, pk):
    deal = _changeable_deal(request, pk)
    try:
        services.deal_win(actor=request.user, deal=deal)
    except services.DealIncomplete as exc:
        for message in exc.messages:
            messages.error(request, message)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Deal marked as won."))
    return redirect("deal", pk)
