"""The manager's team pages: per-rep figures, each rep's page, the team's outreach log and a
rep's overdue follow-ups. Personas: ``boss`` manages ``rita`` and ``remi``; ``other_boss``
manages ``olga``."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consent.models import OutreachAttempt
from deals import services as deal_services
from prospects.models import FollowUp
from tests.dashboard.conftest import block, warn
from tests.factories import EmployeeFactory, ProspectFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def boss(db):
    return EmployeeFactory(role="manager", user__username="boss")


@pytest.fixture
def rita(boss):
    return EmployeeFactory(role="rep", user__username="rita", manager=boss)


@pytest.fixture
def remi(boss):
    return EmployeeFactory(role="rep", user__username="remi", manager=boss)


@pytest.fixture
def other_boss(db):
    return EmployeeFactory(role="manager", user__username="other-boss")


@pytest.fixture
def olga(other_boss):
    return EmployeeFactory(role="rep", user__username="olga", manager=other_boss)


def attempt(employee, *, decision="allow", days_ago=1, prospect=None, reasons=(), **extra):
    return OutreachAttempt.objects.create(
        employee=employee,
        prospect=prospect,
        channel=extra.pop("channel", "email"),
        decision=decision,
        reasons=list(reasons),
        rules_version="test",
        created_at=timezone.now() - days_ago * DAY,
        **extra,
    )


def won_deal(owner, *, amount, currency="EUR", concluded_days_ago=1):
    return deal_services.deal_create(
        actor=owner.user,
        owner=owner,
        prospect=ProspectFactory(owner=owner, kind="b2b"),
        data={
            "product": "Vente",
            "amount": amount,
            "currency": currency,
            "status": "won",
            "concluded_on": timezone.localdate() - concluded_days_ago * DAY,
        },
    )


def follow_up(owner, *, due_in_days, done=False):
    return FollowUp.objects.create(
        prospect=ProspectFactory(owner=owner),
        owner=owner,
        due_on=timezone.localdate() + due_in_days * DAY,
        done_at=timezone.now() if done else None,
    )


@pytest.fixture
def rita_history(rita):
    """Rita's known figures.

    Last 30 days: 2 allowed (1 replied), 1 denied; all time: 3 allowed (2 replied), 2 denied.
    Won: 2 in 30 days (1,000 EUR and 50 USD), 3 all time (+ 200 EUR 40 days ago).
    Follow-ups overdue: 2 (yesterday and a week ago), not today's, not a done one.
    """
    now = timezone.now()
    attempt(rita, replied_at=now)
    attempt(rita, days_ago=29)
    attempt(rita, decision="deny", reasons=[block("no_opt_in")])
    attempt(rita, days_ago=45, replied_at=now - 40 * DAY)
    attempt(rita, decision="deny", days_ago=60, reasons=[block("opposition")])
    won_deal(rita, amount="1000")
    won_deal(rita, amount="50", currency="USD", concluded_days_ago=29)
    won_deal(rita, amount="200", concluded_days_ago=40)
    follow_up(rita, due_in_days=-1)
    follow_up(rita, due_in_days=-7)
    follow_up(rita, due_in_days=0)
    follow_up(rita, due_in_days=-3, done=True)


def figure(page: str, rep, name: str) -> tuple[str, str]:
    """The (href, count) of one figure in ``rep``'s card or window."""
    match = re.search(rf'<a href="([^"]*)" data-figure="{name}">(\d+)</a>', page)
    assert match, name
    return match.group(1).replace("&amp;", "&"), match.group(2)


def rep_card(page: str, rep) -> str:
    match = re.search(
        rf'<li class="card team-card">\s*<h2><a href="/team/{rep.pk}/">.*?</li>', page, re.S
    )
    assert match, rep
    return match.group(0)


# Access


@pytest.mark.parametrize("url", ["/team/", "/team/outreach/"])
@pytest.mark.parametrize("role", ["rep", "dpo", "hr", "admin"])
def test_the_team_pages_are_the_managers(client, url, role):
    client.force_login(EmployeeFactory(role=role).user)
    assert client.get(url).status_code == 403


def test_another_managers_rep_does_not_exist_here(client, boss, rita, olga):
    client.force_login(boss.user)
    assert client.get(f"/team/{rita.pk}/").status_code == 200
    for url in (f"/team/{olga.pk}/", f"/team/{olga.pk}/follow-ups/", f"/team/{boss.pk}/"):
        assert client.get(url).status_code == 404, url
    client.force_login(EmployeeFactory(role="dpo").user)
    assert client.get(f"/team/{rita.pk}/").status_code == 403


def test_the_team_list_names_only_the_reports(client, boss, rita, remi, olga):
    client.force_login(boss.user)
    page = client.get("/team/").content.decode()
    assert "rita" in page and "remi" in page and "olga" not in page


def test_a_manager_without_reports_sees_an_empty_state(client, boss):
    client.force_login(boss.user)
    assert "No one reports to you yet." in client.get("/team/").content.decode()


# Figures


def test_the_reps_page_shows_the_last_30_days_and_all_time(client, boss, rita, rita_history):
    client.force_login(boss.user)
    page = client.get(f"/team/{rita.pk}/").content.decode()
    recent, all_time = page.split('id="window-2"')
    assert [figure(recent, rita, n)[1] for n in ("allowed", "denied", "replies", "won")] == [
        "2",
        "1",
        "1",
        "2",
    ]
    assert "1,000.00 EUR" in recent and "50.00 USD" in recent and "200.00" not in recent
    assert [figure(all_time, rita, n)[1] for n in ("allowed", "denied", "replies", "won")] == [
        "3",
        "2",
        "2",
        "3",
    ]
    assert "1,200.00 EUR" in all_time
    assert figure(page, rita, "overdue")[1] == "2"


def test_the_team_list_has_a_period_filter(client, boss, rita, remi, rita_history):
    client.force_login(boss.user)
    recent = rep_card(client.get("/team/").content.decode(), rita)
    assert figure(recent, rita, "allowed")[1] == "2"
    all_time = rep_card(client.get("/team/?period=all").content.decode(), rita)
    assert figure(all_time, rita, "allowed")[1] == "3"
    assert "date_from" not in figure(all_time, rita, "allowed")[0]
    # Nonsense falls back to the last 30 days.
    odd = rep_card(client.get("/team/?period=<x>").content.decode(), rita)
    assert figure(odd, rita, "allowed")[1] == "2"
    empty = rep_card(client.get("/team/").content.decode(), remi)
    assert figure(empty, remi, "allowed")[1] == "0"


def test_every_count_links_to_the_list_of_exactly_those_rows(client, boss, rita, rita_history):
    client.force_login(boss.user)
    for url in (f"/team/{rita.pk}/", "/team/", "/team/?period=all"):
        page = client.get(url).content.decode()
        for name in ("allowed", "denied", "replies", "won", "overdue"):
            for href, count in re.findall(
                rf'<a href="([^"]*)" data-figure="{name}">(\d+)</a>', page
            ):
                listed = client.get(href.replace("&amp;", "&"))
                assert listed.status_code == 200, href
                body = listed.content.decode()
                if name == "overdue":
                    rows = body.count('<li class="card">')
                elif name == "won":
                    rows = len(re.findall(r'<a href="/deals/\d+/">', body))
                else:
                    rows = body.count('<td data-label="When">')
                assert rows == int(count), (url, name, href)


def test_the_figures_take_a_fixed_number_of_queries_whatever_the_team(
    client, boss, rita, rita_history, django_assert_num_queries
):
    client.force_login(boss.user)
    with CaptureQueriesContext(connection) as small:
        client.get("/team/")
    for _ in range(4):
        rep = EmployeeFactory(role="rep", manager=boss)
        attempt(rep)
        won_deal(rep, amount="10")
        follow_up(rep, due_in_days=-1)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get("/team/").content.decode()
    assert page.count('<li class="card team-card">') == 5


# The team's outreach log


def log(client, query=""):
    response = client.get(f"/team/outreach/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def rows(page):
    return page.count('<td data-label="When">')


def test_the_log_lists_the_teams_attempts_newest_first_and_paginates(
    client, boss, rita, remi, olga
):
    for n in range(26):
        attempt(rita if n % 2 else remi, days_ago=n + 1)
    attempt(olga, days_ago=0)
    client.force_login(boss.user)
    first = log(client)
    assert rows(first) == 25 and "olga" not in first
    assert "26 attempts" in first and "Page 1 of 2" in first
    dates = re.findall(r'<td data-label="When">([^<]+)</td>', first)
    assert dates[0] != dates[-1]
    assert rows(log(client, "page=2")) == 1


def test_the_log_has_an_empty_state(client, boss, rita):
    client.force_login(boss.user)
    assert "Your team has logged no outreach yet." in log(client)
    assert "No attempt matches these filters." in log(client, f"rep={rita.pk}")


def test_the_log_filters_by_rep_channel_decision_and_reason(client, boss, rita, remi):
    attempt(rita, channel="sms", decision="deny", reasons=[block("no_opt_in")])
    attempt(rita, decision="deny", reasons=[block("opposition"), warn("outside_working_hours")])
    attempt(remi, decision="allow", reasons=[warn("outside_working_hours")])
    attempt(remi, channel="sms")
    client.force_login(boss.user)
    assert rows(log(client, f"rep={rita.pk}")) == 2
    assert rows(log(client, "channel=sms")) == 2
    assert rows(log(client, "decision=deny")) == 2
    assert rows(log(client, f"rep={remi.pk}&decision=allow&channel=email")) == 1
    assert rows(log(client, "reason=no_opt_in")) == 1
    assert rows(log(client, "reason=outside_working_hours")) == 2
    assert rows(log(client, "reason=opposition&rep=" + str(remi.pk))) == 0


def test_reasons_show_by_their_label_in_both_languages(client, boss, rita):
    attempt(rita, decision="deny", reasons=[block("no_opt_in"), {"code": "future_rule"}])
    client.force_login(boss.user)
    page = log(client)
    assert "No prior consent" in page and "Other reason" in page
    assert '<option value="no_opt_in">No prior consent</option>' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = log(client)
    assert "Pas de consentement préalable" in page and "Autre motif" in page
    visible = re.sub(r"<[^>]+>", " ", page.split("<tbody>")[1])
    assert "no_opt_in" not in visible and "future_rule" not in visible


def test_the_log_filters_by_date_range_and_names_a_bad_date(client, boss, rita):
    today = timezone.localdate()
    attempt(rita, days_ago=0)
    attempt(rita, days_ago=10)
    attempt(rita, days_ago=40)
    client.force_login(boss.user)
    since = (today - 15 * DAY).isoformat()
    assert rows(log(client, f"date_from={since}")) == 2
    assert rows(log(client, f"date_to={(today - DAY).isoformat()}")) == 2
    assert rows(log(client, f"date_from={since}&date_to={(today - DAY).isoformat()}")) == 1
    assert rows(log(client, f"date_from={today.isoformat()}&date_to={today.isoformat()}")) == 1
    page = log(client, f"date_from=31/02/2026&rep={rita.pk}")
    assert "From: Enter a valid date." in page
    # The other filters still apply, nothing is lost.
    assert rows(page) == 3 and f'<option value="{rita.pk}" selected>' in page
    page = log(client, "date_from=2026-03-10&date_to=2026-03-01")
    assert "To: The end date comes on or after the start date." in page
    page = log(client, "date_from=1066-10-14")
    assert "From:" in page and rows(page) == 3


def test_a_filter_naming_someone_outside_the_team_shows_nothing_of_theirs(client, boss, rita, olga):
    attempt(olga)
    attempt(rita)
    client.force_login(boss.user)
    page = log(client, f"rep={olga.pk}")
    assert "Rep: Select a valid choice." in page
    assert "olga" not in page.split("<tbody>")[1]
    assert rows(log(client, "reason=<script>&channel=fax")) == 1


def test_a_prospect_is_linked_when_the_manager_may_see_it(client, boss, rita, olga):
    teams = ProspectFactory(owner=rita, full_name="Camille Equipe")
    outside = ProspectFactory(owner=olga, full_name="Dominique Dehors")
    attempt(rita, prospect=teams)
    # Rita wrote to a prospect another team shared with her: the manager does not see it.
    attempt(rita, prospect=outside)
    attempt(rita, prospect=None)
    client.force_login(boss.user)
    page = log(client)
    assert f'<a href="/prospects/{teams.pk}/">Camille Equipe</a>' in page
    assert "Dominique Dehors" not in page and "outside your team" in page
    assert "erased" in page


def test_the_overdue_follow_ups_of_a_rep(client, boss, rita, remi):
    late = follow_up(rita, due_in_days=-2)
    follow_up(rita, due_in_days=0)
    client.force_login(boss.user)
    page = client.get(f"/team/{rita.pk}/follow-ups/").content.decode()
    assert page.count('<li class="card">') == 1
    assert f"/prospects/{late.prospect.pk}/" in page
    page = client.get(f"/team/{remi.pk}/follow-ups/").content.decode()
    assert "remi has no overdue follow-up." in page


def test_the_nav_links_the_pipeline_and_the_team(client, boss, rita):
    client.force_login(boss.user)
    nav = client.get("/team/").content.decode().split("</nav>")[0]
    assert 'href="/deals/pipeline/"' in nav and 'href="/team/" aria-current="page"' in nav
    client.force_login(rita.user)
    nav = client.get("/deals/pipeline/").content.decode().split("</nav>")[0]
    assert 'href="/deals/pipeline/" aria-current="page"' in nav and 'href="/team/"' not in nav


@pytest.mark.parametrize(
    "url", ["/team/outreach/", "/team/outreach/?reason=no_opt_in&decision=deny", "follow-ups"]
)
def test_the_lists_read_a_fixed_number_of_queries_whatever_their_length(
    client, boss, rita, remi, url, django_assert_num_queries
):
    url = f"/team/{rita.pk}/follow-ups/" if url == "follow-ups" else url

    def add_rows():
        for owner in (rita, remi):
            prospect = ProspectFactory(owner=owner)
            attempt(owner, prospect=prospect, decision="deny", reasons=[block("no_opt_in")])
            follow_up(rita, due_in_days=-1)

    add_rows()
    client.force_login(boss.user)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        add_rows()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
