from django.db.models import Q


def outreach_visible_to(user):
    """Reps see their own log, managers their team's, the DPO and admins all; HR none.

    Attempts on a removed record (``prospect`` null) are the DPO's and admins' only.
    """
    from consent.models import OutreachAttempt
    from people.models import Role
    from people.selectors import employee_of, role_of

    attempts = OutreachAttempt.objects.all()
    role = role_of(user)
    if role in (Role.DPO, Role.ADMIN):
        return attempts
    me = employee_of(user)
    if me is None or role not in (Role.REP, Role.MANAGER):
        return attempts.none()
    # A removed record's log is evidence for the DPO alone (RULES 19).
    attempts = attempts.filter(prospect__isnull=False)
    if role == Role.MANAGER:
        return attempts.filter(Q(employee=me) | Q(employee__manager=me))
    return attempts.filter(employee=me)


def consent_status_by_channel(events) -> dict[str, str | None]:
    """Per channel, the status the gate decides on: grants without proof do not count."""
    from consent.rules import counts_for_the_gate, current_status
    from suppression.models import Channel

    counted = [
        e
        for e in events
        if counts_for_the_gate(action=e.action, evidence=e.evidence, wording_shown=e.wording_shown)
    ]
    return {
        channel: current_status((e.occurred_at, e.action) for e in counted if e.channel == channel)
        for channel in Channel.values
    }
