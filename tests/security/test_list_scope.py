"""List endpoints hold only what the caller may see: the rows, the count, every page.

The company (``conftest``) gives each sales person their own prospect, consent,
outreach, deal and social account; a caller's list must hold exactly theirs (a
manager: their team's too), and its ``count`` must say so, so nobody learns how
many records others have. Every collection the API serves is named below, as
scoped or as company-wide on purpose.
"""

import uuid

import pytest

from tests.security.conftest import ROLES
from tests.security.test_roles import ROLE_MATRIX

pytestmark = pytest.mark.django_db

LIST_ROLES = ("owner", "teammate", "other_manager", "hr")

# Whose rows each caller sees, by the company's names.
SALES_SCOPE = {
    "owner": {"owner"},
    "teammate": {"teammate"},
    "other_manager": {"other_manager", "outsider"},
    "hr": set(),
}
# route: (kind of object in company.owned, or "employees"; who sees whose).
SCOPED_LISTS = {
    "api/prospects/": ("prospects", SALES_SCOPE),
    "api/consents/": ("consents", SALES_SCOPE),
    "api/outreach/": ("outreach", SALES_SCOPE),
    "api/deals/": ("deals", SALES_SCOPE),
    "api/social-accounts/": (
        "social_accounts",
        {
            "owner": {"owner"},
            "teammate": {"teammate"},
            "other_manager": {"other_manager"},
            "hr": set(),
        },
    ),
    "api/employees/": (
        "employees",
        {
            "owner": {"owner"},
            "teammate": {"teammate"},
            "other_manager": {"other_manager", "outsider", "leaver"},
            "hr": "everyone",
        },
    ),
}
# The same for everyone who may read them (reference data, or a privacy role's own list).
COMPANY_WIDE_LISTS = {
    "api/charters/": "the charters in force",
    "api/content/": "the approved library",
    "api/content/pending/": "the authors' approval queue",
    "api/register/": "the register of processing (DPO, admin)",
    "api/audit/": "the audit trail (DPO, admin)",
    "api/oppositions/": "the suppression list's hashes (DPO, admin)",
    "api/dsar/": "the DPO's queue",
    "api/webhooks/": "the subscriptions of other systems (DPO, admin)",
}
# GET routes without an id that answer one summary or one file, not a list of rows.
NOT_LISTS = {"api/prospects/contribution/", "api/register/export/", "api/dashboard/provenance/"}


def test_every_collection_is_named_scoped_or_company_wide():
    collections = {
        route for route, method in ROLE_MATRIX if method == "GET" and "<" not in route
    } - NOT_LISTS
    named = SCOPED_LISTS.keys() | COMPANY_WIDE_LISTS.keys()
    assert sorted(collections - named) == [], "say whose rows this list holds"
    assert sorted(named - collections) == []


def _expected_ids(company, kind: str, whose) -> set:
    if kind == "employees":
        people = company.people
        names = people if whose == "everyone" else whose
        return {people[name].pk for name in names}
    return {pk for name in whose for pk in company.owned[kind].get(name, set())}


def _all_pages(client, url: str) -> tuple[int, set]:
    """Walk the list one row per page; every page must state the same total."""
    page = client.get(url, {"page_size": 1})
    assert page.status_code == 200, page.content
    page = page.json()
    total, ids = page["count"], []
    while True:
        assert page["count"] == total, f"{url}: a page states another total"
        ids += [str(row["id"]) for row in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert len(ids) == len(set(ids)), f"{url}: a row is on two pages"
    return total, set(ids)


def _cases():
    for route, (kind, _whose) in SCOPED_LISTS.items():
        for role in LIST_ROLES:
            # Where the role may not read the list at all, the role matrix says 403.
            if ROLE_MATRIX[(route, "GET")][ROLES.index(role)] == 200:
                yield pytest.param(route, kind, role, id=f"{route}-{role}")


@pytest.mark.parametrize(("route", "kind", "role"), _cases())
def test_a_list_holds_the_callers_rows_and_counts_only_them(company, route, kind, role):
    expected = {str(pk) for pk in _expected_ids(company, kind, SCOPED_LISTS[route][1][role])}
    total, ids = _all_pages(company.client(role), "/" + route)
    assert ids == expected
    assert total == len(expected)


@pytest.mark.parametrize("role", LIST_ROLES)
def test_searching_for_someone_elses_prospect_counts_nothing(company, role):
    theirs = {"owner": "teammate", "teammate": "owner", "other_manager": "owner", "hr": "owner"}
    other = company.objects["prospects"][theirs[role]]
    client = company.client(role)
    for query in ({"q": other.email}, {"q": other.full_name}, {"q": "Scoped"}):
        answer = client.get("/api/prospects/", query)
        assert answer.status_code == 200
        found = {row["id"] for row in answer.json()["results"]}
        assert str(other.pk) not in found, query
        assert answer.json()["count"] == len(found), query


@pytest.mark.parametrize("route", ["/api/outreach/", "/api/deals/"])
def test_filtering_by_an_out_of_scope_prospect_answers_like_an_unknown_one(company, route):
    """Not "select a valid choice" for an unknown id and an empty list for a real one."""
    client = company.client("owner")
    theirs = company.objects["prospects"]["teammate"].pk
    unknown = uuid.UUID(int=7)
    answers = [client.get(route, {"prospect": str(pk)}) for pk in (theirs, unknown)]
    assert [a.status_code for a in answers] == [200, 200]
    assert (
        answers[0].json()
        == answers[1].json()
        == {
            "count": 0,
            "next": None,
            "previous": None,
            "results": [],
        }
    )
    mine = company.objects["prospects"]["owner"].pk
    assert client.get(route, {"prospect": str(mine)}).json()["count"] == 1
