"""The role matrix: every API operation × every role → the status the caller gets.

Read from the URL configuration like ``test_matrix``: an operation closed to
anonymous callers without a row here fails the suite. Each detail route points
at a real object of the company built in ``conftest`` (the owner rep's prospect,
consent, outreach, import, deal, employee record; a content item; a DSAR; another
employee's offboarding), so 404 means "out of scope", never "no such id".

What the numbers say: 200/201/202/204 allowed; 400 allowed but the (minimal)
body is invalid; 409 allowed but the object's state refuses it; 403 the role may
not do this; 404 the object is outside the caller's scope.
"""

import pytest

from tests.security.conftest import ROLES
from tests.security.test_matrix import MATRIX, api_operations

pytestmark = pytest.mark.django_db

ANONYMOUS_OPEN = {operation for operation, (anonymous, _) in MATRIX.items() if anonymous != 401}

# (route, method): (owner, teammate, other_manager, dpo, hr, admin)
ROLE_MATRIX = {
    # Each caller revokes the token they present, and only that one (test_tokens.py).
    ("api/auth/token/", "DELETE"): (204, 204, 204, 204, 204, 204),
    # Employees: everyone lists (scoped: themselves, a manager's team, all for HR/DPO/admin).
    ("api/employees/", "GET"): (200, 200, 200, 200, 200, 200),
    ("api/employees/", "POST"): (403, 403, 403, 403, 201, 201),
    ("api/employees/<int:pk>/", "GET"): (200, 404, 404, 200, 200, 200),
    ("api/employees/<int:pk>/compliance/", "GET"): (200, 404, 404, 200, 200, 200),
    ("api/employees/<int:pk>/onboarding/", "GET"): (200, 404, 404, 404, 200, 200),
    ("api/social-accounts/", "GET"): (200, 200, 200, 200, 200, 200),
    ("api/social-accounts/", "POST"): (201, 201, 201, 201, 201, 201),
    ("api/audit/", "GET"): (403, 403, 403, 200, 403, 200),
    # Prospects: rep → own, manager → team, DPO and admin → all, HR → none (404).
    ("api/prospects/", "GET"): (200, 200, 200, 200, 200, 200),
    ("api/prospects/", "POST"): (201, 201, 201, 201, 403, 201),
    ("api/prospects/<uuid:pk>/", "GET"): (200, 404, 404, 200, 404, 200),
    ("api/prospects/<uuid:pk>/", "PATCH"): (200, 404, 404, 200, 404, 200),
    ("api/prospects/<uuid:pk>/", "DELETE"): (204, 404, 404, 204, 404, 204),
    ("api/prospects/<uuid:pk>/history/", "GET"): (200, 404, 404, 200, 404, 200),
    # Only the owner shares; the DPO and admin see the prospect but may not share it.
    ("api/prospects/<uuid:pk>/shares/", "GET"): (200, 404, 404, 403, 403, 403),
    ("api/prospects/<uuid:pk>/shares/", "POST"): (201, 404, 404, 403, 403, 403),
    ("api/prospects/<uuid:pk>/shares/", "DELETE"): (204, 404, 404, 403, 403, 403),
    ("api/prospects/<uuid:pk>/consents/", "GET"): (200, 404, 404, 200, 404, 200),
    ("api/prospects/contribution/", "GET"): (200, 200, 200, 200, 200, 200),
    ("api/prospects/contribution/", "POST"): (200, 200, 200, 200, 200, 200),
    # Consent and the suppression list: sales and privacy roles; HR never.
    ("api/consents/", "GET"): (200, 200, 200, 200, 403, 200),
    ("api/consents/", "POST"): (201, 404, 404, 201, 403, 201),
    ("api/consents/<uuid:pk>/", "GET"): (200, 404, 404, 200, 403, 200),
    ("api/oppositions/", "GET"): (403, 403, 403, 200, 403, 200),
    ("api/oppositions/", "POST"): (201, 201, 201, 201, 403, 201),
    ("api/oppositions/check/", "POST"): (200, 200, 200, 200, 403, 200),
    # The gate: sales employees only, on prospects they see.
    ("api/outreach/", "GET"): (200, 200, 200, 200, 200, 200),
    ("api/outreach/", "POST"): (201, 404, 404, 403, 403, 403),
    ("api/outreach/check/", "POST"): (200, 404, 404, 403, 403, 403),
    ("api/outreach/<uuid:pk>/reply/", "POST"): (200, 404, 404, 403, 404, 403),
    # Imports: sales employees import for themselves; a job is its owner's and the DPO's.
    ("api/imports/linkedin/", "POST"): (400, 400, 400, 403, 403, 403),
    ("api/imports/<uuid:pk>/", "GET"): (200, 404, 404, 200, 404, 404),
    # Charters: everyone reads and acknowledges; HR and the DPO publish.
    ("api/charters/", "GET"): (200, 200, 200, 200, 200, 200),
    ("api/charters/<int:pk>/acknowledge/", "POST"): (201, 201, 201, 201, 201, 201),
    ("api/charters/<str:kind>/versions/", "GET"): (200, 200, 200, 200, 200, 200),
    ("api/charters/<str:kind>/versions/", "POST"): (403, 403, 403, 400, 400, 403),
    ("api/trainings/", "POST"): (403, 403, 403, 403, 201, 403),
    # Content: reps read what is offered; authors (managers, DPO, admin) write; HR nothing.
    ("api/content/", "GET"): (200, 200, 200, 200, 403, 200),
    ("api/content/", "POST"): (403, 403, 400, 400, 403, 400),
    ("api/content/pending/", "GET"): (403, 403, 200, 200, 403, 200),
    ("api/content/<int:pk>/", "GET"): (200, 200, 200, 200, 403, 200),
    ("api/content/<int:pk>/versions/", "POST"): (403, 403, 400, 400, 403, 400),
    ("api/content/<int:pk>/approve/", "POST"): (403, 403, 400, 400, 403, 400),  # approved already
    ("api/content/<int:pk>/withdraw/", "POST"): (403, 403, 200, 200, 403, 200),
    # Deals: scoped like their prospect; sales employees write, the DPO and admin read.
    ("api/deals/", "GET"): (200, 200, 200, 200, 403, 200),
    ("api/deals/", "POST"): (201, 404, 404, 403, 403, 403),
    ("api/deals/<int:pk>/", "GET"): (200, 404, 404, 200, 403, 200),
    ("api/deals/<int:pk>/", "PATCH"): (200, 404, 404, 403, 403, 403),
    ("api/deals/<int:pk>/win/", "POST"): (200, 404, 404, 403, 403, 403),
    # The DPO's own pages (admins read the register and the trail, not the dashboard).
    ("api/register/", "GET"): (403, 403, 403, 200, 403, 200),
    ("api/register/export/", "GET"): (403, 403, 403, 200, 403, 200),
    ("api/dashboard/provenance/", "GET"): (403, 403, 403, 200, 403, 403),
    # DSARs: the DPO (and admins) act; a request received by e-mail is nobody else's.
    ("api/dsar/", "GET"): (403, 403, 403, 200, 403, 200),
    ("api/dsar/", "POST"): (403, 403, 403, 201, 403, 201),
    ("api/dsar/<uuid:pk>/", "GET"): (404, 404, 404, 200, 404, 200),
    ("api/dsar/<uuid:pk>/extend/", "POST"): (404, 404, 404, 202, 404, 202),
    ("api/dsar/<uuid:pk>/verify/", "POST"): (404, 404, 404, 202, 404, 202),
    ("api/dsar/<uuid:pk>/identifiers/verify/", "POST"): (404, 404, 404, 202, 404, 202),
    ("api/dsar/<uuid:pk>/matches/", "GET"): (404, 404, 404, 200, 404, 200),
    ("api/dsar/<uuid:pk>/matches/confirm/", "POST"): (404, 404, 404, 200, 404, 200),
    ("api/dsar/<uuid:pk>/execute/", "POST"): (404, 404, 404, 409, 404, 409),  # not verified yet
    ("api/dsar/<uuid:pk>/reject/", "POST"): (404, 404, 404, 202, 404, 202),
    ("api/dsar/<uuid:pk>/export/", "GET"): (404, 404, 404, 409, 404, 409),  # not executed yet
    # Offboarding of another employee: HR runs it, the DPO signs it off, the leaver attests.
    ("api/offboardings/", "POST"): (403, 403, 403, 403, 201, 403),
    ("api/offboardings/<int:pk>/", "GET"): (404, 404, 404, 200, 200, 200),
    ("api/offboardings/<int:pk>/start/", "POST"): (403, 403, 403, 403, 202, 403),
    ("api/offboardings/<int:pk>/attestation/", "GET"): (404, 404, 404, 403, 200, 403),
    ("api/offboardings/<int:pk>/attestation/", "POST"): (404, 404, 404, 403, 400, 403),
    ("api/offboardings/<int:pk>/sign-off/", "POST"): (403, 403, 403, 409, 403, 403),  # not done
    # The leaver's own network is theirs alone (API.md v2): HR 403 like the others.
    ("api/offboardings/<int:pk>/export/", "GET"): (404, 404, 404, 403, 403, 403),
    # Webhooks: the DPO and administrators; to anyone else a subscription does not exist.
    ("api/webhooks/", "GET"): (403, 403, 403, 200, 403, 200),
    ("api/webhooks/", "POST"): (403, 403, 403, 201, 403, 201),
    ("api/webhooks/<uuid:pk>/", "GET"): (404, 404, 404, 200, 404, 200),
    ("api/webhooks/<uuid:pk>/", "PATCH"): (404, 404, 404, 200, 404, 200),
    ("api/webhooks/<uuid:pk>/", "DELETE"): (404, 404, 404, 204, 404, 204),
    ("api/webhooks/<uuid:pk>/deliveries/", "GET"): (404, 404, 404, 200, 404, 200),
    ("api/webhooks/<uuid:pk>/ping/", "POST"): (404, 404, 404, 202, 404, 202),
}


# Which object of the company each detail route names (see conftest.build_company).
ROUTE_TARGETS = {
    "api/employees/<int:pk>/": lambda c: c.people["owner"],
    "api/prospects/<uuid:pk>/": lambda c: c.objects["prospects"]["owner"],
    "api/consents/<uuid:pk>/": lambda c: c.objects["consents"]["owner"],
    "api/outreach/<uuid:pk>/": lambda c: c.objects["outreach"]["owner"],
    "api/imports/<uuid:pk>/": lambda c: c.objects["imports"]["owner"],
    "api/charters/<int:pk>/": lambda c: c.objects["charter_version"],
    "api/content/<int:pk>/": lambda c: c.objects["content"],
    "api/deals/<int:pk>/": lambda c: c.objects["deals"]["owner"],
    "api/dsar/<uuid:pk>/": lambda c: c.objects["dsar"],
    "api/offboardings/<int:pk>/": lambda c: c.objects["offboarding"],
    "api/webhooks/<uuid:pk>/": lambda c: c.objects["webhook"],
}


def _owner_prospect(c):
    return str(c.objects["prospects"]["owner"].pk)


# Smallest bodies that a permitted caller gets through, so the status is the authorization
# answer; the rest send {} (a permitted caller then gets 400). GET "bodies" are query strings.
BODIES = {
    ("api/employees/", "POST"): lambda c: {"username": "new.hire", "role": "rep"},
    ("api/social-accounts/", "POST"): lambda c: {"network": "x", "handle": "matrix-handle"},
    ("api/prospects/", "POST"): lambda c: {"full_name": "Matrix Newcomer"},
    ("api/prospects/<uuid:pk>/", "PATCH"): lambda c: {"company": "Renamed Ltd"},
    ("api/prospects/<uuid:pk>/shares/", "POST"): lambda c: {"employee": c.people["teammate"].pk},
    ("api/prospects/<uuid:pk>/shares/", "DELETE"): lambda c: {"employee": c.people["teammate"].pk},
    ("api/prospects/contribution/", "POST"): lambda c: {"all": True, "contribute": False},
    ("api/consents/", "POST"): lambda c: {
        "prospect": _owner_prospect(c),
        "channel": "email",
        "action": "withdraw",
        "evidence": "request",
    },
    ("api/oppositions/", "POST"): lambda c: {
        "identifier_type": "email",
        "value": "opposed.matrix@example.com",
    },
    ("api/oppositions/check/", "POST"): lambda c: {
        "identifier_type": "email",
        "value": "opposed.matrix@example.com",
    },
    ("api/outreach/", "POST"): lambda c: {
        "prospect": _owner_prospect(c),
        "channel": "phone",
    },
    ("api/outreach/check/", "POST"): lambda c: {
        "prospect": _owner_prospect(c),
        "channel": "phone",
    },
    ("api/trainings/", "POST"): lambda c: {
        "employee": c.people["owner"].pk,
        "completed_at": "2025-01-15",
    },
    ("api/deals/", "POST"): lambda c: {
        "prospect": _owner_prospect(c),
        "product": "Licence",
        "amount": "10.00",
    },
    ("api/deals/<int:pk>/", "PATCH"): lambda c: {"notes": "called back"},
    ("api/register/export/", "GET"): lambda c: {"format": "json"},
    ("api/webhooks/", "POST"): lambda c: {
        "url": "https://crm.example.net/hooks",
        "secret": "another-secret-0123456789",
        "events": ["dsar.completed"],
    },
    ("api/webhooks/<uuid:pk>/", "PATCH"): lambda c: {"active": False},
    ("api/dsar/", "POST"): lambda c: {
        "type": "access",
        "email": "asked.by.mail@example.com",
        "received_via": "email",
    },
    ("api/dsar/<uuid:pk>/extend/", "POST"): lambda c: {"reason": "many systems to search"},
    ("api/dsar/<uuid:pk>/reject/", "POST"): lambda c: {"reason": "manifestly unfounded"},
    ("api/dsar/<uuid:pk>/identifiers/verify/", "POST"): lambda c: {"identifiers": ["email"]},
    ("api/dsar/<uuid:pk>/matches/confirm/", "POST"): lambda c: {"prospect_ids": []},
    ("api/offboardings/", "POST"): lambda c: {
        "employee": c.people["teammate"].pk,
        "departure_date": c.objects["offboarding"].departure_date.isoformat(),
        "successor": c.people["owner"].pk,
    },
}
MULTIPART = {("api/imports/linkedin/", "POST")}


def url_for(company, route: str) -> str:
    for prefix, target in ROUTE_TARGETS.items():
        if route.startswith(prefix):
            placeholder = prefix.rsplit("/", 2)[-2]
            route = route.replace(placeholder, str(target(company).pk), 1)
            break
    route = route.replace("<str:kind>", "social_selling")
    assert "<" not in route, f"name the object {route} points at in ROUTE_TARGETS"
    return "/" + route


def call(company, role: str, route: str, method: str):
    body = BODIES.get((route, method), lambda c: {})(company)
    send = getattr(company.client(role), method.lower())
    form = "multipart" if (route, method) in MULTIPART else "json"
    return send(url_for(company, route), body, format=form)


def test_every_operation_closed_to_anonymous_has_a_role_row():
    needed = {operation for operation in api_operations() if operation not in ANONYMOUS_OPEN}
    assert sorted(needed - ROLE_MATRIX.keys()) == [], "write down what each role gets"
    assert sorted(ROLE_MATRIX.keys() - needed) == [], "these rows name no served operation"


def _cases():
    for route, method in sorted(ROLE_MATRIX):
        for index, role in enumerate(ROLES):
            yield route, method, role, ROLE_MATRIX[(route, method)][index]


@pytest.mark.parametrize(("route", "method", "role", "expected"), _cases())
def test_each_role_gets_what_the_matrix_says(company, route, method, role, expected):
    answer = call(company, role, route, method)
    assert answer.status_code == expected, (
        f"{role}: {method} {route} → {answer.status_code} {answer.content[:300]!r}"
    )
    if answer.status_code in (403, 404):
        # A refusal carries none of the data it guards (the company's names all start so).
        assert b"Scoped " not in answer.content
        assert b"@example.com" not in answer.content


# Beyond the six roles: a colleague the owner shared the prospect with (read only), and HR
# choosing the role of a new account.


def test_a_read_only_share_gives_no_hand_on_the_owners_deal(company):
    from prospects.services import prospect_share

    owner, teammate = company.people["owner"], company.people["teammate"]
    prospect, deal = company.objects["prospects"]["owner"], company.objects["deals"]["owner"]
    prospect_share(actor=owner.user, prospect=prospect, with_employee=teammate)
    reader = company.client("teammate")
    assert reader.get(f"/api/deals/{deal.pk}/").status_code == 200  # reading is the point
    changed = reader.patch(f"/api/deals/{deal.pk}/", {"amount": "0.00"}, format="json")
    won = reader.post(f"/api/deals/{deal.pk}/win/", {}, format="json")
    assert (changed.status_code, won.status_code) == (403, 403)
    deal.refresh_from_db()
    assert (str(deal.amount), deal.status) == ("100.00", "open")


def test_hr_cannot_mint_an_administrator(company):
    from django.contrib.auth import get_user_model

    answer = company.client("hr").post(
        "/api/employees/",
        {"username": "minted.admin", "role": "admin", "password": "chosen-by-hr-123"},
        format="json",
    )
    assert answer.status_code in (400, 403), answer.content
    assert not get_user_model().objects.filter(username="minted.admin").exists()
