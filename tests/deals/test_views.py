"""The deal pages: list (pagination, empty state), form, and the page with checklist and deadline."""

import pytest

from deals import services
from deals.models import Deal

pytestmark = pytest.mark.django_db


def make_deal(rep, prospect, **data):
    return services.deal_create(
        actor=rep.user,
        owner=rep,
        prospect=prospect,
        data={"product": "Abonnement", "amount": "100.00", **data},
    )


def test_the_list_shows_an_empty_state_then_the_deals_paginated(client, rep, consumer):
    client.force_login(rep.user)
    assert "No deals yet" in client.get("/deals/").content.decode()
    for n in range(27):
        make_deal(rep, consumer, product=f"Produit {n:02d}")
    first = client.get("/deals/").content.decode()
    assert "Produit 26" in first and "Produit 01" not in first
    assert "Page 1 of 2" in first
    assert "Produit 01" in client.get("/deals/?page=2").content.decode()


def test_the_prospect_page_links_to_a_new_deal_and_the_form_records_it(client, rep, consumer):
    client.force_login(rep.user)
    page = client.get(f"/prospects/{consumer.pk}/").content.decode()
    assert f"/prospects/{consumer.pk}/deals/new/" in page
    response = client.post(
        f"/prospects/{consumer.pk}/deals/new/",
        {
            "product": "Coaching",
            "supply": "services",
            "amount": "250",
            "currency": "EUR",
            "network": "linkedin",
            "channel": "social_message",
            "status": "open",
        },
    )
    deal = Deal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/deals/{deal.pk}/"
    assert deal.owner == rep and deal.prospect == consumer


def test_the_deal_page_names_what_is_missing_and_refuses_the_win(client, rep, consumer):
    deal = make_deal(rep, consumer, supply="goods", precontractual_info_on="2026-03-01")
    client.force_login(rep.user)
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert 'data-item="withdrawal" ' not in page
    # RULES 23 (2026.12): the confirmation on a durable medium is an item too.
    assert page.count('class="missing"') == 3
    assert 'data-item="durable_medium"' in page
    response = client.post(f"/deals/{deal.pk}/win/", follow=True)
    text = response.content.decode()
    assert "Record when the 14-day withdrawal right was explained" in text
    assert "Record when the contract was confirmed on a durable medium" in text
    assert "Record the delivery date" in text
    deal.refresh_from_db()
    assert deal.status == "open"


def test_the_deal_page_shows_the_extended_deadline(client, rep, consumer):
    deal = make_deal(rep, consumer, supply="services", concluded_on="2026-03-02")
    client.force_login(rep.user)
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert 'data-deadline="2027-03-16"' in page
    assert "extended by 12 months" in page


def test_another_reps_deal_page_is_not_found(client, rep, consumer, outsider):
    deal = make_deal(rep, consumer)
    client.force_login(outsider.user)
    assert client.get(f"/deals/{deal.pk}/").status_code == 404
    assert client.post(f"/deals/{deal.pk}/win/").status_code == 404
    assert client.get(f"/prospects/{consumer.pk}/deals/new/").status_code == 404


def test_the_deal_list_page_costs_a_fixed_number_of_queries(
    client, rep, consumer, django_assert_num_queries
):
    make_deal(rep, consumer, product="P")
    client.force_login(rep.user)
    client.get("/deals/")
    # Session, user and role lookups, the count, the page: the same for one deal or ten.
    with django_assert_num_queries(7):
        client.get("/deals/")
    for n in range(9):
        make_deal(rep, consumer, product=f"P{n}")
    with django_assert_num_queries(7):
        client.get("/deals/")


def test_the_form_pages_render_and_a_won_status_without_the_checklist_is_named(
    client, rep, consumer
):
    deal = make_deal(rep, consumer)
    client.force_login(rep.user)
    assert (
        "This is a consumer" in client.get(f"/prospects/{consumer.pk}/deals/new/").content.decode()
    )
    edit = client.get(f"/deals/{deal.pk}/edit/").content.decode()
    assert 'value="Abonnement"' in edit
    response = client.post(
        f"/deals/{deal.pk}/edit/",
        {
            "product": "Abonnement",
            "supply": "goods",
            "amount": "100",
            "currency": "EUR",
            "status": "won",
            "delivery_on": "2026-03-10",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Record when the pre-contractual information was given" in page
    assert "Record the delivery date" not in page
    deal.refresh_from_db()
    assert deal.status == "open"
