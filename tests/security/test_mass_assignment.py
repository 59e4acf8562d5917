"""Mass assignment: fields a caller may not set are ignored or refused, never stored.

One table. Each row sends one field the caller has no business setting (an owner
they do not manage, a role, a status, a provenance the dates contradict, an id,
our own timestamps and deadlines) next to an otherwise valid body, and says
which answer is right: ``IGNORED`` (the write succeeds and the stored value,
read back from the database, is not what was sent) or ``REFUSED`` (400 naming
the field, and nothing stored or changed).
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from consent.models import ConsentEvent
from deals.models import Deal
from dsar.models import DataSubjectRequest
from offboarding.models import Offboarding
from people.models import Employee, SocialAccount
from prospects.models import Prospect

pytestmark = pytest.mark.django_db

IGNORED, REFUSED = "ignored", "refused"
FOREIGN_ID = str(uuid.UUID(int=99))
LONG_AGO = "2001-01-01T00:00:00Z"
FAR_AHEAD = "2099-12-31"


PROSPECTS, ONE_PROSPECT = "/api/prospects/", "/api/prospects/{prospect}/"
DEALS, ONE_DEAL = "/api/deals/", "/api/deals/{deal}/"
EMPLOYEES, ACCOUNTS, CONSENTS = "/api/employees/", "/api/social-accounts/", "/api/consents/"
OFFBOARDINGS, DSARS = "/api/offboardings/", "/api/dsar/"

# The valid body each creation starts from; "@teammate" is the teammate's employee id,
# "@prospect:owner" the owner's prospect id.
VALID = {
    PROSPECTS: {"full_name": "Mass Assigned", "email": "mass.assigned@example.com"},
    EMPLOYEES: {"username": "mass.employee", "role": "rep"},
    ACCOUNTS: {"network": "x", "handle": "mass-handle"},
    CONSENTS: {
        "prospect": "@prospect:owner",
        "channel": "email",
        "action": "grant",
        "evidence": "web_form",
        "purpose": "offers by e-mail",
        "wording_shown": "May we send you our offers?",
    },
    DEALS: {"prospect": "@prospect:owner", "product": "Licence", "amount": "10.00"},
    OFFBOARDINGS: {"employee": "@teammate", "departure_date": "2030-01-31", "successor": "@owner"},
    DSARS: {"type": "access", "email": "mass.dsar@example.com", "received_via": "email"},
}


@dataclass(frozen=True)
class Attempt:
    caller: str
    method: str
    url: str
    sent: dict  # its first key is the field under test
    outcome: str

    @property
    def field(self) -> str:
        return next(iter(self.sent))


def _resolve(company, value: Any) -> Any:
    if not isinstance(value, str) or not value.startswith("@"):
        return value
    if value.startswith("@prospect:"):
        return str(company.objects["prospects"][value.split(":", 1)[1]].pk)
    return company.people[value[1:]].pk


TABLE = {
    # Prospects, created by a rep.
    "prospect POST owner out of reach": Attempt(
        "owner", "post", PROSPECTS, {"owner": "@outsider"}, REFUSED
    ),
    "prospect POST provenance against dates": Attempt(
        "owner", "post", PROSPECTS, {"provenance": "pre_hire"}, REFUSED
    ),
    "prospect POST id": Attempt("owner", "post", PROSPECTS, {"id": FOREIGN_ID}, IGNORED),
    "prospect POST created_at": Attempt(
        "owner", "post", PROSPECTS, {"created_at": LONG_AGO}, IGNORED
    ),
    "prospect POST retention_until": Attempt(
        "owner", "post", PROSPECTS, {"retention_until": FAR_AHEAD}, IGNORED
    ),
    "prospect POST notice_due_at": Attempt(
        "owner", "post", PROSPECTS, {"notice_due_at": FAR_AHEAD}, IGNORED
    ),
    "prospect POST last_contact_at": Attempt(
        "owner", "post", PROSPECTS, {"last_contact_at": LONG_AGO}, IGNORED
    ),
    # Prospects, changed by their owner or the owner's manager.
    "prospect PATCH owner to a teammate (rep)": Attempt(
        "owner", "patch", ONE_PROSPECT, {"owner": "@teammate"}, REFUSED
    ),
    "prospect PATCH owner to another team (manager)": Attempt(
        "manager", "patch", ONE_PROSPECT, {"owner": "@outsider"}, REFUSED
    ),
    "prospect PATCH provenance against dates": Attempt(
        "owner", "patch", ONE_PROSPECT, {"provenance": "pre_hire"}, REFUSED
    ),
    "prospect PATCH id": Attempt("owner", "patch", ONE_PROSPECT, {"id": FOREIGN_ID}, IGNORED),
    "prospect PATCH created_at": Attempt(
        "owner", "patch", ONE_PROSPECT, {"created_at": LONG_AGO}, IGNORED
    ),
    "prospect PATCH retention_until": Attempt(
        "owner", "patch", ONE_PROSPECT, {"retention_until": FAR_AHEAD}, IGNORED
    ),
    # Employees, created by HR.
    "employee POST unknown role": Attempt("hr", "post", EMPLOYEES, {"role": "superuser"}, REFUSED),
    "employee POST status": Attempt("hr", "post", EMPLOYEES, {"status": "departed"}, IGNORED),
    "employee POST departure_date": Attempt(
        "hr", "post", EMPLOYEES, {"departure_date": "2020-01-01"}, IGNORED
    ),
    "employee POST id": Attempt("hr", "post", EMPLOYEES, {"id": 987654}, IGNORED),
    "employee POST is_superuser": Attempt(
        "hr", "post", EMPLOYEES, {"is_superuser": True, "is_staff": True}, IGNORED
    ),
    # Social accounts: always the caller's.
    "social account POST employee": Attempt(
        "owner", "post", ACCOUNTS, {"employee": "@teammate"}, IGNORED
    ),
    "social account POST id": Attempt("owner", "post", ACCOUNTS, {"id": 987654}, IGNORED),
    # Consent events: captured by the caller, recorded now.
    "consent POST captured_by": Attempt(
        "owner", "post", CONSENTS, {"captured_by": "@teammate"}, IGNORED
    ),
    "consent POST recorded_at": Attempt(
        "owner", "post", CONSENTS, {"recorded_at": LONG_AGO}, IGNORED
    ),
    "consent POST id": Attempt("owner", "post", CONSENTS, {"id": FOREIGN_ID}, IGNORED),
    # Deals: the seller owns them; the prospect is fixed once recorded.
    "deal POST owner": Attempt("owner", "post", DEALS, {"owner": "@teammate"}, IGNORED),
    "deal POST created_at": Attempt("owner", "post", DEALS, {"created_at": LONG_AGO}, IGNORED),
    "deal PATCH prospect": Attempt(
        "owner", "patch", ONE_DEAL, {"prospect": "@prospect:teammate"}, IGNORED
    ),
    "deal PATCH owner": Attempt("owner", "patch", ONE_DEAL, {"owner": "@teammate"}, IGNORED),
    "deal PATCH unknown status": Attempt("owner", "patch", ONE_DEAL, {"status": "paid"}, REFUSED),
    # Offboarding cases, opened by HR: the steps decide the status, the DPO the sign-off.
    "offboarding POST status": Attempt("hr", "post", OFFBOARDINGS, {"status": "done"}, IGNORED),
    "offboarding POST signed_off_at": Attempt(
        "hr", "post", OFFBOARDINGS, {"signed_off_at": LONG_AGO}, IGNORED
    ),
    # Data-subject requests: the deadline and the identity check are not the caller's to set.
    "dsar POST status": Attempt("dpo", "post", DSARS, {"status": "completed"}, IGNORED),
    "dsar POST verified_at": Attempt("dpo", "post", DSARS, {"verified_at": LONG_AGO}, IGNORED),
    "dsar POST due_at": Attempt("dpo", "post", DSARS, {"due_at": "2099-12-31T00:00:00Z"}, IGNORED),
}


def _stored(company, attempt: Attempt, answer):
    """The object the attempt wrote to (or would have), read back from the database."""
    route = attempt.url
    if "{prospect}" in route:
        return Prospect.objects.get(pk=company.objects["prospects"]["owner"].pk)
    if "{deal}" in route:
        return Deal.objects.get(pk=company.objects["deals"]["owner"].pk)
    model = {
        PROSPECTS: Prospect,
        EMPLOYEES: Employee,
        ACCOUNTS: SocialAccount,
        CONSENTS: ConsentEvent,
        DEALS: Deal,
        OFFBOARDINGS: Offboarding,
        DSARS: DataSubjectRequest,
    }[route]
    return model.objects.get(pk=answer.json()["id"])


def _assert_not_taken(company, attempt: Attempt, sent, stored) -> None:
    """The stored value is ours, not the caller's."""
    people = company.people
    field = attempt.field
    today = timezone.localdate()
    if field == "id":
        assert str(stored.pk) != str(sent)
        assert not type(stored).objects.filter(pk=sent).exists()
    elif field in ("created_at", "recorded_at"):
        assert getattr(stored, field).date() >= today - datetime.timedelta(days=1)
    elif field == "last_contact_at":
        assert stored.last_contact_from_prospect_at is None
    elif field in ("retention_until", "notice_due_at"):
        assert getattr(stored, field).isoformat()[:10] != FAR_AHEAD
    elif field == "status":
        assert stored.status in ("active", "pending", "received")
    elif field == "departure_date":
        assert stored.departure_date is None
    elif field == "is_superuser":
        user = get_user_model().objects.get(pk=stored.user_id)
        assert not user.is_superuser and not user.is_staff
    elif field in ("employee", "captured_by", "owner"):
        assert getattr(stored, f"{field}_id") == people[attempt.caller].pk
    elif field == "prospect":
        assert stored.prospect_id == company.objects["prospects"]["owner"].pk
    elif field == "signed_off_at":
        assert stored.signed_off_at is None
    elif field == "verified_at":
        assert stored.verified_at is None
    elif field == "due_at":
        assert stored.due_at < stored.received_at + datetime.timedelta(days=32)
    else:
        raise AssertionError(f"say how to read {field} back")


@pytest.mark.parametrize("name", sorted(TABLE))
def test_a_field_the_caller_may_not_set_is_ignored_or_refused(company, name):
    attempt = TABLE[name]
    base = {} if attempt.method == "patch" else VALID[attempt.url]
    body = {key: _resolve(company, value) for key, value in {**base, **attempt.sent}.items()}
    url = attempt.url.format(
        prospect=company.objects["prospects"]["owner"].pk,
        deal=company.objects["deals"]["owner"].pk,
    )
    model_counts_before = _counts()
    before = _snapshot(company)
    answer = getattr(company.client(attempt.caller), attempt.method)(url, body, format="json")

    if attempt.outcome == REFUSED:
        assert answer.status_code == 400, answer.content
        assert attempt.field in answer.json(), answer.json()
        assert _counts() == model_counts_before, "a refused write stored something"
        assert _snapshot(company) == before, "a refused write changed something"
    else:
        assert answer.status_code in (200, 201), answer.content
        stored = _stored(company, attempt, answer)
        _assert_not_taken(company, attempt, body[attempt.field], stored)


def _counts() -> dict:
    models = (Prospect, Employee, SocialAccount, ConsentEvent, Deal, Offboarding)
    return {model.__name__: model.objects.count() for model in models}


def _snapshot(company) -> tuple:
    prospect = Prospect.objects.get(pk=company.objects["prospects"]["owner"].pk)
    deal = Deal.objects.get(pk=company.objects["deals"]["owner"].pk)
    return (
        prospect.owner_id,
        prospect.provenance,
        prospect.retention_until,
        prospect.updated_at,
        deal.status,
        deal.updated_at,
    )
