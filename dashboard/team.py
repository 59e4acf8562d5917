"""The manager's pages about their team (/team/): figures per rep, each rep's page, the
team's outreach log and a rep's overdue follow-ups.

Only managers, for their own reports: another manager's rep answers 404. The DPO and
admins are not given these pages: they are figures about each employee's work, which
the DPO's oversight does not need (the DPO dashboard and the audit trail serve it).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models import Decision
from consent.reason_labels import reason_choices, reason_label
from core.dates import in_range
from dashboard import team_selectors
from people.models import Role
from people.selectors import employee_of, has_role
from suppression.models import Channel

PAGE_SIZE = 25
PERIODS = {"30": _("Last 30 days"), "all": _("All time")}


def _manager_or_403(request):
    if not has_role(request.user, Role.MANAGER):
        raise PermissionDenied
    return employee_of(request.user)


@login_required
def team(request):
    _manager_or_403(request)
    period = request.GET.get("period", "30")
    if period not in PERIODS:
        period = "30"
    reports = list(team_selectors.team_of(request.user))
    figures = team_selectors.team_figures(user=request.user, reports=reports)
    key = "recent" if period == "30" else "all_time"
    rows = [
        {"rep": rep, "figures": figures[rep.pk][key], "overdue": figures[rep.pk]["overdue"]}
        for rep in reports
    ]
    return render(
        request,
        "dashboard/team_list.html",
        {
            "rows": rows,
            "period": period,
            "periods": PERIODS.items(),
            "since": team_selectors.window_start() if period == "30" else None,
        },
    )


@login_required
def team_member(request, pk):
    _manager_or_403(request)
    rep = team_selectors.report_get(user=request.user, pk=pk)
    figures = team_selectors.team_figures(user=request.user, reports=[rep])[rep.pk]
    since = team_selectors.window_start()
    windows = [
        {"label": PERIODS["30"], "figures": figures["recent"], "since": since},
        {"label": PERIODS["all"], "figures": figures["all_time"], "since": None},
    ]
    return render(
        request,
        "dashboard/team_member.html",
        {"rep": rep, "windows": windows, "overdue": figures["overdue"]},
    )


@login_required
def team_member_follow_ups(request, pk):
    _manager_or_403(request)
    rep = team_selectors.report_get(user=request.user, pk=pk)
    follow_ups = team_selectors.follow_ups_overdue_of(rep)
    page = Paginator(follow_ups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboard/team_follow_ups.html",
        {"rep": rep, "page": page, "today": timezone.localdate()},
    )


class TeamLogFilter(forms.Form):
    """The log's filters; a bad value is named on its field and the others still apply."""

    rep = forms.TypedChoiceField(label=_("Rep"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    decision = forms.ChoiceField(label=_("Decision"), required=False)
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    replied = forms.BooleanField(label=_("Replied only"), required=False)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        validators=[in_range],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        validators=[in_range],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, auto_id="log-%s", **kwargs)
        everyone = [("", _("All"))]
        self.fields["rep"].choices = everyone + [(rep.pk, rep.username) for rep in reports]
        self.fields["channel"].choices = everyone + list(Channel.choices)
        self.fields["decision"].choices = everyone + list(Decision.choices)
        self.fields["reason"].choices = everyone + reason_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date comes on or after the start date."))
        return data


@login_required
def team_outreach_log(request):
    me = _manager_or_403(request)
    reports = list(team_selectors.team_of(request.user))
    team_ids = [rep.pk for rep in reports]
    form = TeamLogFilter(request.GET or None, reports=reports)
    filters = {}
    if form.is_bound:
        form.is_valid()
        filters = {name: value for name, value in form.cleaned_data.items() if value}
    attempts = team_selectors.team_outreach(team_ids=team_ids, **filters)
    page = Paginator(attempts, PAGE_SIZE).get_page(request.GET.get("page"))
    # The manager sees their own prospects and their team's: those are linked and named.
    visible_owners = {me.pk, *team_ids}
    for attempt in page.object_list:
        attempt.prospect_visible = (
            attempt.prospect is not None and attempt.prospect.owner_id in visible_owners
        )
        attempt.reason_rows = [
            {"label": reason_label(reason.get("code", "")), "severity": reason.get("severity")}
            for reason in attempt.reasons
            if isinstance(reason, dict)
        ]
    return render(
        request,
        "dashboard/team_outreach.html",
        {"form": form, "page": page, "filtered": bool(filters)},
    )
