"""The DSAR deadline banner, on every page a DPO sees."""

from people.models import Role
from people.selectors import role_of


def dsar_deadlines(request):
    user = getattr(request, "user", None)
    if user is None or role_of(user) != Role.DPO:
        return {}
    from dsar.selectors import dsar_deadline_counts

    counts = dsar_deadline_counts()
    if not (counts["overdue"] or counts["due_soon"]):
        return {}
    return {"dsar_deadlines": counts}
