"""The pipeline board (/deals/pipeline/): columns by stage with counts and totals, moves by
button, the win kept behind its checklist, scope like the deal list."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from deals import selectors, services
from deals.models import Deal
from tests.factories import EmployeeFactory, ProspectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(db):
    return EmployeeFactory(role="manager", user__username="boss")


@pytest.fixture
def rita(boss):
    """A rep of ``boss``'s team."""
    return EmployeeFactory(role="rep", user__username="rita", manager=boss)


@pytest.fixture
def other_manager(db):
    return EmployeeFactory(role="manager", user__username="other-boss")


def make_deal(owner, *, prospect=None, **data):
    prospect = prospect or ProspectFactory(owner=owner, kind="b2b")
    return services.deal_create(
        actor=owner.user,
        owner=owner,
        prospect=prospect,
        data={"product": "Abonnement", "amount": "100.00", **data},
    )


def column_html(page: str, column: str) -> str:
    match = re.search(
        rf'<section class="pipeline-column" id="column-{column}".*?</section>', page, re.S
    )
    assert match, column
    return match.group(0)


def board(client):
    response = client.get("/deals/pipeline/")
    assert response.status_code == 200
    return response.content.decode()


def test_each_column_shows_its_count_and_its_total_per_currency(client, rita):
    make_deal(rita, product="Audit", amount="1200.50")
    make_deal(rita, product="Coaching", amount="800")
    make_deal(rita, product="Licence", amount="99.99", currency="usd")
    proposal = make_deal(rita, product="Conseil", amount="2500")
    services.deal_move(actor=rita.user, deal=proposal, to="proposal")
    make_deal(rita, product="Formation", amount="300", status="won")
    client.force_login(rita.user)
    page = board(client)
    open_column = column_html(page, "open")
    assert ">3 deals</a>" in open_column
    # Grouped through the locale: 1,200.50 + 800 = 2,000.50 EUR; dollars apart.
    assert "2,000.50 EUR" in open_column and "99.99 USD" in open_column
    assert "Audit" in open_column and "Conseil" not in open_column
    assert ">1 deal</a>" in column_html(page, "proposal")
    assert "2,500.00 EUR" in column_html(page, "proposal")
    assert "300.00 EUR" in column_html(page, "won")
    assert "No deal at this stage." in column_html(page, "lost")


def test_amounts_follow_the_french_locale(client, rita):
    make_deal(rita, amount="1234.5")
    client.force_login(rita.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = board(client)
    # French groups thousands with a (non-breaking) space and uses a decimal comma.
    assert re.search(r"1\s234,50 EUR", column_html(page, "open"))


def test_every_column_has_an_empty_state(client, rita):
    client.force_login(rita.user)
    page = board(client)
    for column in ("open", "proposal", "won", "lost"):
        assert "No deal at this stage." in column_html(page, column)
        assert ">0 deals</a>" in column_html(page, column)


def test_a_rep_sees_their_deals_and_a_manager_the_teams_with_the_owner(
    client, boss, rita, other_manager
):
    make_deal(rita, product="Rita’s deal")
    outsider = EmployeeFactory(role="rep", user__username="outsider", manager=other_manager)
    make_deal(outsider, product="Another team’s deal")
    client.force_login(rita.user)
    page = board(client)
    assert "Rita’s deal" in page and "Another team’s deal" not in page
    assert "Owner: rita" not in page
    client.force_login(boss.user)
    page = board(client)
    assert "Rita’s deal" in page and "Owner: rita" in page
    assert "Another team’s deal" not in page
    client.force_login(other_manager.user)
    assert "Rita’s deal" not in board(client)


def test_the_board_reads_a_fixed_number_of_queries_whatever_the_deals(
    client, boss, rita, django_assert_num_queries
):
    for column in ("open", "proposal", "won", "lost"):
        deal = make_deal(rita, status="won" if column == "won" else "open")
        if column in ("proposal", "lost"):
            services.deal_move(actor=rita.user, deal=deal, to=column)
    client.force_login(boss.user)
    # Session, user, employee (x2 for the role and the scope), the totals, one page of
    # cards per column, and the layout's context.
    with CaptureQueriesContext(connection) as few:
        board(client)
    for _ in range(5):
        for column in ("open", "proposal", "won", "lost"):
            deal = make_deal(
                EmployeeFactory(role="rep", manager=boss),
                status="won" if column == "won" else "open",
            )
            if column in ("proposal", "lost"):
                services.deal_move(actor=boss.user, deal=deal, to=column)
    with django_assert_num_queries(len(few.captured_queries)):
        page = board(client)
    assert ">6 deals</a>" in column_html(page, "lost")


def test_a_column_shows_its_newest_cards_and_links_to_all_of_them(client, rita, monkeypatch):
    monkeypatch.setattr(selectors, "PIPELINE_CARDS", 2)
    for n in range(3):
        make_deal(rita, product=f"Produit {n}")
    client.force_login(rita.user)
    page = board(client)
    open_column = column_html(page, "open")
    assert "Produit 2" in open_column and "Produit 1" in open_column
    assert "Produit 0" not in open_column
    assert 'href="/deals/?status=open&amp;stage=open">Show all 3 in the list' in open_column


def test_move_to_proposal_keeps_the_deal_open_for_the_api_and_the_customer_period(
    client, rita, api_as
):
    deal = make_deal(rita)
    deal.prospect.refresh_from_db()
    # Open, the customer is kept (RULES 18): a proposal is as open as any other open deal.
    retention_before = deal.prospect.retention_until
    assert retention_before is not None
    client.force_login(rita.user)
    response = client.post(f"/deals/{deal.pk}/move/", {"to": "proposal"}, follow=True)
    assert response.redirect_chain[-1][0] == "/deals/pipeline/#column-proposal"
    assert "moved to Proposal" in response.content.decode()
    deal.refresh_from_db()
    assert (deal.status, deal.stage, deal.column) == ("open", "proposal", "proposal")
    assert AuditEvent.objects.filter(
        action="changed", object_type="deals.deal", object_id=str(deal.pk)
    ).exists()
    deal.prospect.refresh_from_db()
    assert deal.prospect.retention_until == retention_before
    # The API's status stays one of open|won|lost; the stage is an extra field.
    body = api_as(rita).get(f"/api/deals/{deal.pk}/").json()
    assert body["status"] == "open" and body["stage"] == "proposal"
    response = client.post(f"/deals/{deal.pk}/move/", {"to": "open"})
    deal.refresh_from_db()
    assert deal.stage == "open"


def test_mark_lost_asks_first_then_closes_the_deal(client, rita):
    deal = make_deal(rita)
    client.force_login(rita.user)
    card = column_html(board(client), "open")
    # The confirmation sits behind a disclosure: the first click only asks.
    assert "<summary>Mark lost</summary>" in card and "Confirm: mark lost" in card
    client.post(f"/deals/{deal.pk}/move/", {"to": "lost"})
    deal.refresh_from_db()
    assert deal.status == "lost"
    # Lost today: the relationship ran until today, and the customer period counts from it.
    deal.prospect.refresh_from_db()
    assert deal.prospect.retention_until == timezone.localdate() + datetime.timedelta(
        days=settings.CUSTOMER_RETENTION_DAYS
    )


def test_won_goes_through_the_deal_page_and_its_checklist(client, rita):
    consumer = ProspectFactory(owner=rita, kind="b2c")
    deal = make_deal(rita, prospect=consumer)
    client.force_login(rita.user)
    assert f'href="/deals/{deal.pk}/#win"' in column_html(board(client), "open")
    response = client.post(f"/deals/{deal.pk}/move/", {"to": "won"})
    assert response.status_code == 302 and response["Location"] == f"/deals/{deal.pk}/"
    deal.refresh_from_db()
    assert deal.status == "open"
    # The service refuses a win outright: only deal_win checks RULES 23.
    with pytest.raises(services.DealNotMovable):
        services.deal_move(actor=rita.user, deal=deal, to="won")
    # The deal page's win still names what is missing for a consumer.
    response = client.post(f"/deals/{deal.pk}/win/", follow=True)
    assert "durable medium" in response.content.decode()
    assert Deal.objects.get(pk=deal.pk).status == "open"


@pytest.mark.parametrize("status", ["won", "lost"])
def test_a_closed_deal_does_not_move_on_the_board(client, rita, status):
    deal = make_deal(rita, status="won") if status == "won" else make_deal(rita)
    if status == "lost":
        services.deal_move(actor=rita.user, deal=deal, to="lost")
    client.force_login(rita.user)
    assert "Move to proposal" not in column_html(board(client), status)
    response = client.post(f"/deals/{deal.pk}/move/", {"to": "proposal"}, follow=True)
    assert "Only an open deal moves on the board" in response.content.decode()
    deal.refresh_from_db()
    assert (deal.status, deal.stage) == (status, "open")


@pytest.mark.parametrize("to", ["", "closed", "<script>", "OPEN"])
def test_an_unknown_stage_is_refused_with_a_message(client, rita, to):
    deal = make_deal(rita)
    client.force_login(rita.user)
    response = client.post(f"/deals/{deal.pk}/move/", {"to": to}, follow=True)
    assert response.status_code == 200
    assert "Choose a stage of the pipeline." in response.content.decode()
    deal.refresh_from_db()
    assert (deal.status, deal.stage) == ("open", "open")


def test_moves_belong_to_the_owner_and_their_manager(client, boss, rita, other_manager):
    deal = make_deal(rita)
    client.force_login(boss.user)
    client.post(f"/deals/{deal.pk}/move/", {"to": "proposal"})
    deal.refresh_from_db()
    assert deal.stage == "proposal"
    # Another team's manager: the deal does not exist for them.
    client.force_login(other_manager.user)
    assert client.post(f"/deals/{deal.pk}/move/", {"to": "open"}).status_code == 404
    # A colleague the prospect is shared with reads the deal but moves nothing.
    from prospects.services import prospect_share

    colleague = EmployeeFactory(role="rep", manager=boss)
    prospect_share(actor=rita.user, prospect=deal.prospect, with_employee=colleague)
    client.force_login(colleague.user)
    page = board(client)
    assert "Abonnement" in page and "Move to proposal" not in page
    assert "Back to open" not in page
    assert client.post(f"/deals/{deal.pk}/move/", {"to": "open"}).status_code == 403
    assert client.get(f"/deals/{deal.pk}/move/").status_code == 405
    deal.refresh_from_db()
    assert deal.stage == "proposal"


def test_the_board_is_for_the_roles_that_read_deals(client, hr):
    client.force_login(hr.user)
    assert client.get("/deals/pipeline/").status_code == 403
    client.logout()
    assert client.get("/deals/pipeline/").status_code == 302


def test_the_deal_list_narrows_by_stage_owner_and_conclusion_date(client, boss, rita):
    other = EmployeeFactory(role="rep", user__username="olga", manager=boss)
    proposal = make_deal(rita, product="En proposition")
    services.deal_move(actor=rita.user, deal=proposal, to="proposal")
    make_deal(rita, product="Ouvert")
    make_deal(rita, product="Gagne ancien", status="won", concluded_on="2026-01-05")
    make_deal(rita, product="Gagne recent", status="won", concluded_on="2026-06-05")
    make_deal(other, product="Affaire d’Olga", status="won", concluded_on="2026-06-05")
    client.force_login(boss.user)

    def products(query):
        page = client.get(f"/deals/?{query}").content.decode()
        return set(re.findall(r'href="/deals/\d+/">([^<]+)</a>', page))

    assert products("status=open&stage=proposal") == {"En proposition"}
    assert products("status=open&stage=open") == {"Ouvert"}
    assert products(f"status=won&owner={rita.pk}") == {"Gagne ancien", "Gagne recent"}
    assert products(f"status=won&owner={rita.pk}&concluded_from=2026-06-01") == {"Gagne recent"}
    # Nonsense narrows to nothing or is ignored; never an error.
    assert products("owner=abc") == set()
    assert products("owner=99999999999999999999") == set()
    assert len(products("concluded_from=not-a-date")) == 5
    assert products("stage=closed&status=won") == {
        "Gagne ancien",
        "Gagne recent",
        "Affaire d’Olga",
    }
