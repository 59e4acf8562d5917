"""The list's owner, notice and retention filters, its sorts and its columns."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentEvent
from dashboard.selectors import RETENTION_WARNING_DAYS, provenance_dashboard
from prospects import selectors
from prospects.models import Prospect
from tests.factories import ProspectFactory
from tests.imports import conftest as imports
from tests.imports.conftest import connection_line, connections_csv

# The import's fixtures: its tasks run in-process here too.
start_import, tasks_in_process = imports.start_import, imports.tasks_in_process

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    page = response.content.decode()
    listed = [p for p in Prospect.objects.all() if f">{p.full_name}</a>" in page]
    return sorted((p.full_name for p in listed), key=lambda n: page.index(f">{n}</a>"))


def listing(client, employee, **params):
    client.force_login(employee.user)
    response = client.get(reverse("prospects"), params)
    assert response.status_code == 200
    return response


# The owner filter


def test_a_manager_narrows_the_team_list_to_one_rep(client, manager, team, outsider):
    ProspectFactory(owner=team["rep"], full_name="Rep Contact")
    ProspectFactory(owner=team["teammate"], full_name="Teammate Contact")
    response = listing(client, manager, owner=team["teammate"].pk)
    assert names(response) == ["Teammate Contact"]
    assert "Filtered by:" in response.content.decode()


def test_a_manager_cannot_list_another_teams_rep_through_the_owner_filter(
    client, manager, team, outsider
):
    ProspectFactory(owner=team["rep"], full_name="Rep Contact")
    ProspectFactory(owner=outsider, full_name="Outsider Contact")
    response = listing(client, manager, owner=outsider.pk)
    page = response.content.decode()
    # Nobody, not the whole team list, and the field says why.
    assert names(response) == []
    assert "Outsider Contact" not in page and "Rep Contact" not in page
    assert "No prospect matches this search." in page


def test_a_rep_gets_no_owner_filter_and_cannot_use_it_to_see_others(client, team, outsider):
    ProspectFactory(owner=team["rep"], full_name="Mine")
    ProspectFactory(owner=outsider, full_name="Not Mine")
    response = listing(client, team["rep"], owner=outsider.pk)
    assert names(response) == ["Mine"]
    assert 'name="owner"' not in response.content.decode()


def test_the_dpo_narrows_the_list_to_any_owner(client, dpo, rep, outsider):
    ProspectFactory(owner=rep, full_name="Rep Contact")
    ProspectFactory(owner=outsider, full_name="Outsider Contact")
    assert names(listing(client, dpo, owner=outsider.pk)) == ["Outsider Contact"]


@pytest.mark.parametrize(
    ("who", "owner", "status"),
    [("manager", "teammate", 200), ("manager", "outsider", 400), ("rep", "outsider", 400)],
)
def test_the_api_owner_filter_is_limited_to_the_callers_reach(
    api_as, manager, team, outsider, who, owner, status
):
    people = {
        "manager": manager,
        "rep": team["rep"],
        "teammate": team["teammate"],
        "outsider": outsider,
    }
    ProspectFactory(owner=team["teammate"])
    ProspectFactory(owner=outsider)
    response = api_as(people[who]).get("/api/prospects/", {"owner": people[owner].pk})
    assert response.status_code == status
    if status == 400:
        assert "owner" in response.json()
    else:
        assert [row["owner"] for row in response.json()["results"]] == [team["teammate"].pk]


# Notice and retention filters: the dashboard's tiles count the same rows


@pytest.fixture
def now():
    return timezone.now()


def test_the_notice_filters_split_at_the_due_instant_like_the_dashboard(dpo, rep, now):
    second = datetime.timedelta(seconds=1)
    ProspectFactory(owner=rep, full_name="Overdue", notice_due_at=now - second)
    ProspectFactory(owner=rep, full_name="Due now", notice_due_at=now)
    ProspectFactory(owner=rep, full_name="Due later", notice_due_at=now + second)
    ProspectFactory(owner=rep, full_name="Sent", notice_due_at=now - second, notice_sent_at=now)

    def found(notice):
        rows = selectors.prospect_search(Prospect.objects.all(), notice=notice, now=now)
        return sorted(p.full_name for p in rows)

    assert found("overdue") == ["Overdue"]
    assert found("due") == ["Due later", "Due now"]
    assert provenance_dashboard(now=now)["notice_overdue"] == len(found("overdue"))


def test_the_retention_filter_counts_what_the_dashboard_counts(rep, now):
    today = timezone.localdate(now)
    assert selectors.RETENTION_DUE_DAYS == RETENTION_WARNING_DAYS
    for name, days in [("Ended", -1), ("Today", 0), ("In 30 days", 30), ("In 31 days", 31)]:
        ProspectFactory(
            owner=rep, full_name=name, retention_until=today + datetime.timedelta(days=days)
        )
    rows = selectors.prospect_search(Prospect.objects.all(), retention="due", now=now)
    assert sorted(p.full_name for p in rows) == ["Ended", "In 30 days", "Today"]
    retention = provenance_dashboard(now=now)["retention"]
    assert retention["expiring_30_days"] + retention["expired"] == 3


def test_the_dpo_tiles_links_filter_the_list(client, dpo, rep, now):
    ProspectFactory(owner=rep, full_name="Overdue", notice_due_at=now - datetime.timedelta(days=1))
    ProspectFactory(owner=rep, full_name="Fine", notice_due_at=now + datetime.timedelta(days=9))
    response = listing(client, dpo, notice="overdue")
    assert names(response) == ["Overdue"]
    assert "Overdue (not sent in time)" in response.content.decode()


# Sorting


def test_each_sort_orders_the_list_and_marks_its_column(client, rep):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    ProspectFactory(
        owner=rep, full_name="Old", collected_at=now - 3 * day, last_outreach_at=now - day
    )
    ProspectFactory(
        owner=rep,
        full_name="Mid",
        collected_at=now - 2 * day,
        next_follow_up_on=timezone.localdate() + day,
    )
    ProspectFactory(owner=rep, full_name="New", collected_at=now - day, last_outreach_at=now)
    assert names(listing(client, rep, sort="collected_at")) == ["Old", "Mid", "New"]
    response = listing(client, rep, sort="-collected_at")
    assert names(response) == ["New", "Mid", "Old"]
    assert 'aria-sort="descending"' in response.content.decode()
    # Never contacted comes last when the most recent contact comes first.
    assert names(listing(client, rep, sort="-last_outreach_at")) == ["New", "Old", "Mid"]
    assert names(listing(client, rep, sort="last_outreach_at")) == ["Mid", "Old", "New"]
    assert names(listing(client, rep, sort="next_follow_up_on"))[0] == "Mid"


@pytest.mark.parametrize("sort", ["full_name", "-email", "id); DROP TABLE x", ""])
def test_an_unknown_sort_falls_back_to_newest_first(client, rep, sort):
    ProspectFactory(owner=rep, full_name="First")
    ProspectFactory(owner=rep, full_name="Second")
    assert names(listing(client, rep, sort=sort)) == ["Second", "First"]


def test_the_api_refuses_an_unknown_sort_naming_it(api_as, rep):
    response = api_as(rep).get("/api/prospects/", {"sort": "full_name"})
    assert response.status_code == 400
    assert "sort" in response.json()


def test_rows_added_at_the_same_instant_keep_a_stable_order(client, rep):
    same = timezone.now()
    made = [ProspectFactory(owner=rep, full_name=f"Same {n}") for n in range(4)]
    Prospect.objects.update(created_at=same)
    first = names(listing(client, rep))
    assert first == names(listing(client, rep)) and len(first) == len(made)


# Columns


def test_the_columns_show_last_contact_consent_and_next_follow_up(client, rep):
    prospect = ProspectFactory(
        owner=rep,
        full_name="Anne Morel",
        last_outreach_at=timezone.now(),
        next_follow_up_on=timezone.localdate(),
    )
    ConsentEvent.objects.create(
        prospect=prospect,
        channel="email",
        action="withdraw",
        evidence="request",
        occurred_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    page = listing(client, rep).content.decode()
    assert "E-mail: Opt-out" in page
    assert "Never" not in page
    assert 'data-label="Next follow-up"' in page


@pytest.mark.parametrize("count", [2, 30])
def test_the_list_with_every_column_costs_the_same_queries(
    client, manager, team, django_assert_num_queries, count
):
    for n in range(count):
        prospect = ProspectFactory(owner=team["rep"] if n % 2 else team["teammate"])
        ConsentEvent.objects.create(
            prospect=prospect,
            channel="sms",
            action="withdraw",
            evidence="request",
            occurred_at=timezone.now() - datetime.timedelta(minutes=1),
        )
    client.force_login(manager.user)
    # Session, user, employee, shares, team, count, page, the page's consents, the owner
    # filter's team, saved filters.
    with django_assert_num_queries(10):
        response = client.get(reverse("prospects"), {"sort": "-collected_at"})
    assert response.content.decode().count('name="ids"') == min(count, 25)


def test_an_import_lists_its_rows_in_the_files_order(start_import, rep):  # noqa: F811 - fixture
    # LinkedIn's export lists the newest connection first: newest first, the list keeps it.
    start_import(rep, connections_csv([connection_line(n) for n in (3, 1, 2)]))
    listed = selectors.prospect_search(Prospect.objects.all())
    assert [p.full_name for p in listed] == ["First3 Last3", "First1 Last1", "First2 Last2"]
    assert len({p.created_at for p in listed}) == 3
