"""The manager's pages about their team: figures per rep, and the team's outreach log.

A manager's team is the employees they manage (``Employee.manager``). Every figure is
aggregated in the database, grouped by rep: a fixed number of queries whatever the size
of the team or of its history. Each figure has a filtered list behind it, and the
figures use the same conditions as those lists, so a count and its list agree.
"""

import datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from consent.models import Decision, OutreachAttempt
from core import database
from deals.models import DealStatus
from deals.selectors import deals_visible_to
from people.models import Employee
from people.selectors import employee_of
from prospects.models import FollowUp

WINDOW_DAYS = 30


def team_of(user) -> QuerySet[Employee]:
    """The employees ``user`` manages, by username."""
    me = employee_of(user)
    if me is None:
        return Employee.objects.none()
    return Employee.objects.filter(manager=me).select_related("user").order_by("user__username")


def report_get(*, user, pk) -> Employee:
    """One of ``user``'s reports, else 404 (another manager's rep does not exist here)."""
    try:
        return team_of(user).get(pk=pk)
    except (Employee.DoesNotExist, ValueError):
        raise Http404 from None


def window_start(now: datetime.datetime | None = None) -> datetime.date:
    """The first day of the "last 30 days" window (a local date, today included)."""
    return timezone.localdate(now) - datetime.timedelta(days=WINDOW_DAYS - 1)


def _since_datetime(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _empty_window() -> dict:
    return {"allowed": 0, "denied": 0, "replies": 0, "won": 0, "won_amounts": []}


def _empty_figures() -> dict:
    return {"recent": _empty_window(), "all_time": _empty_window(), "overdue": 0}


def team_figures(*, user, reports: list[Employee], now: datetime.datetime | None = None) -> dict:
    """Per report id: outreach allowed, denied and replied, deals won (count and amount
    per currency), in the last 30 days and all time, and follow-ups overdue.

    Three grouped queries, whatever the number of reps.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    since_day = window_start(now)
    since = _since_datetime(since_day)
    ids = [employee.pk for employee in reports]
    figures = {pk: _empty_figures() for pk in ids}
    if not ids:
        return figures

    recent = Q(created_at__gte=since)
    allowed, denied = Q(decision=Decision.ALLOW), Q(decision=Decision.DENY)
    replied = Q(replied_at__isnull=False)
    outreach = (
        OutreachAttempt.objects.filter(employee_id__in=ids)
        .order_by()
        .values_list("employee_id")
        .annotate(
            allowed_recent=Count("pk", filter=allowed & recent),
            allowed_all=Count("pk", filter=allowed),
            denied_recent=Count("pk", filter=denied & recent),
            denied_all=Count("pk", filter=denied),
            replies_recent=Count("pk", filter=replied & recent),
            replies_all=Count("pk", filter=replied),
        )
    )
    for (
        pk,
        allowed_recent,
        allowed_all,
        denied_recent,
        denied_all,
        replies_recent,
        replies_all,
    ) in outreach:
        figures[pk]["recent"].update(
            allowed=allowed_recent, denied=denied_recent, replies=replies_recent
        )
        figures[pk]["all_time"].update(allowed=allowed_all, denied=denied_all, replies=replies_all)

    # The deals the manager may open from the list the count links to.
    won_recent = Q(concluded_on__gte=since_day)
    won = (
        deals_visible_to(user)
        .filter(owner_id__in=ids, status=DealStatus.WON)
        .order_by()
        .values_list("owner_id", "currency")
        .annotate(
            n_recent=Count("pk", filter=won_recent),
            amount_recent=Sum("amount", filter=won_recent),
            n_all=Count("pk"),
            amount_all=Sum("amount"),
        )
        .order_by("owner_id", "currency")
    )
    for pk, currency, n_recent, amount_recent, n_all, amount_all in won:
        figures[pk]["all_time"]["won"] += n_all
        figures[pk]["all_time"]["won_amounts"].append((currency, amount_all))
        if n_recent:
            figures[pk]["recent"]["won"] += n_recent
            figures[pk]["recent"]["won_amounts"].append((currency, amount_recent))

    overdue = (
        FollowUp.objects.filter(owner_id__in=ids, done_at__isnull=True, due_on__lt=today)
        .order_by()
        .values_list("owner_id")
        .annotate(n=Count("pk"))
    )
    for pk, n in overdue:
        figures[pk]["overdue"] = n
    return figures


def follow_ups_overdue_of(
    report: Employee, *, today: datetime.date | None = None
) -> QuerySet[FollowUp]:
    """The rep's open follow-ups whose day has passed, oldest first (the count's list)."""
    return (
        FollowUp.objects.filter(
            owner=report, done_at__isnull=True, due_on__lt=today or timezone.localdate()
        )
        .select_related("prospect")
        .order_by("due_on", "created_at", "id")
    )


def team_outreach(
    *,
    team_ids: list[int],
    rep: int | None = None,
    channel: str = "",
    decision: str = "",
    reason: str = "",
    replied: bool = False,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[OutreachAttempt]:
    """The team's logged attempts, newest first, narrowed by the log's filters.

    ``reason`` is a stable reason code (block or warning) among the attempt's reasons.
    """
    attempts = OutreachAttempt.objects.filter(employee_id__in=team_ids)
    if rep is not None:
        attempts = attempts.filter(employee_id=rep)
    if channel:
        attempts = attempts.filter(channel=channel)
    if decision:
        attempts = attempts.filter(decision=decision)
    if replied:
        attempts = attempts.filter(replied_at__isnull=False)
    if date_from:
        attempts = attempts.filter(created_at__gte=_since_datetime(date_from))
    if date_to:
        attempts = attempts.filter(
            created_at__lt=_since_datetime(date_to + datetime.timedelta(days=1))
        )
    if reason:
        attempts = attempts.filter(_has_reason(reason))
    return attempts.select_related("employee__user", "prospect").order_by("-created_at", "-id")


def _has_reason(code: str) -> Q:
    if database.postgresql():
        # jsonb containment: an element of the array with this code.
        return Q(reasons__contains=[{"code": code}])
    # SQLite stores the list as json.dumps wrote it; ``code`` is one of the known codes
    # (the form's choices), so the quoted pair matches that element and nothing else.
    return Q(reasons__icontains=f'"code": "{code}"')
