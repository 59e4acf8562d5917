"""Deals through the API: the consumer checklist (RULES 23), scoping, the deadline."""

import pytest

from audit.models import AuditEvent
from deals.models import Deal

pytestmark = pytest.mark.django_db


def create(client, prospect, **fields):
    return client.post(
        "/api/deals/",
        {
            "prospect": str(prospect.pk),
            "product": "Abonnement Pro",
            "amount": "490.00",
            "network": "linkedin",
            "channel": "social_message",
            **fields,
        },
        format="json",
    )


def test_a_rep_records_a_deal_on_their_prospect(api_as, rep, consumer):
    response = create(api_as(rep), consumer, currency="eur")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "open" and body["currency"] == "EUR"
    assert body["owner"] == rep.pk and body["network"] == "linkedin"
    # RULES 23 (2026.12): the durable medium too; the delivery date for goods only.
    assert body["missing_for_win"] == [
        "precontractual_info_on",
        "withdrawal_info_on",
        "durable_medium_on",
    ]
    assert body["durable_medium_on"] is None
    assert body["opt_out_offered_at_sale"] is False
    assert AuditEvent.objects.filter(action="created", object_type="deals.deal").exists()


def test_a_consumer_deal_cannot_be_won_without_the_three_items(api_as, rep, consumer):
    client = api_as(rep)
    deal_id = create(client, consumer).json()["id"]
    refused = client.post(f"/api/deals/{deal_id}/win/", {}, format="json")
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "deal_incomplete"
    assert body["missing"] == ["precontractual_info_on", "withdrawal_info_on", "durable_medium_on"]
    assert set(body) >= set(body["missing"]), "each missing item has its message"
    assert Deal.objects.get().status == "open"

    client.patch(
        f"/api/deals/{deal_id}/",
        {"precontractual_info_on": "2026-03-01", "durable_medium_on": "2026-03-02"},
        format="json",
    )
    still = client.post(f"/api/deals/{deal_id}/win/", {}, format="json")
    assert still.status_code == 400 and still.json()["missing"] == ["withdrawal_info_on"]

    client.patch(f"/api/deals/{deal_id}/", {"withdrawal_info_on": "2026-03-01"}, format="json")
    won = client.post(f"/api/deals/{deal_id}/win/", {"concluded_on": "2026-03-02"}, format="json")
    assert won.status_code == 200, won.json()
    assert won.json()["status"] == "won"
    # Services: 14 days from the conclusion (Monday 2 March → Monday 16 March).
    assert won.json()["withdrawal_deadline"] == "2026-03-16"
    assert won.json()["withdrawal_extended"] is False


def test_a_patch_to_won_goes_through_the_same_checklist(api_as, rep, consumer):
    client = api_as(rep)
    deal_id = create(client, consumer).json()["id"]
    response = client.patch(f"/api/deals/{deal_id}/", {"status": "won"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "deal_incomplete"
    created_won = create(client, consumer, status="won")
    assert created_won.status_code == 400


def test_a_won_consumer_deal_cannot_lose_a_checklist_date(api_as, rep, consumer):
    client = api_as(rep)
    deal_id = create(
        client,
        consumer,
        supply="goods",
        precontractual_info_on="2026-03-01",
        withdrawal_info_on="2026-03-01",
        durable_medium_on="2026-03-01",
        delivery_on="2026-03-05",
        status="won",
    ).json()["id"]
    response = client.patch(f"/api/deals/{deal_id}/", {"delivery_on": None}, format="json")
    assert response.status_code == 400 and response.json()["missing"] == ["delivery_on"]


def test_a_professional_deal_is_won_without_the_consumer_checklist(api_as, rep, company_buyer):
    client = api_as(rep)
    deal_id = create(client, company_buyer).json()["id"]
    won = client.post(f"/api/deals/{deal_id}/win/", {}, format="json")
    assert won.status_code == 200
    assert won.json()["concluded_on"] is not None
    assert won.json()["withdrawal_deadline"] is None


def test_missing_withdrawal_information_extends_the_deadline_by_twelve_months(
    api_as, rep, consumer
):
    response = create(
        api_as(rep), consumer, supply="goods", concluded_on="2026-03-02", delivery_on="2026-03-10"
    )
    assert response.json()["withdrawal_deadline"] == "2027-03-24"
    assert response.json()["withdrawal_extended"] is True


def test_another_reps_deal_is_not_found(api_as, rep, outsider, consumer):
    deal_id = create(api_as(rep), consumer).json()["id"]
    client = api_as(outsider)
    assert client.get(f"/api/deals/{deal_id}/").status_code == 404
    assert client.patch(f"/api/deals/{deal_id}/", {"amount": "1"}, format="json").status_code == 404
    assert client.post(f"/api/deals/{deal_id}/win/", {}, format="json").status_code == 404
    assert client.get("/api/deals/").json()["results"] == []
    assert create(client, consumer).status_code == 404, "a prospect they cannot see"


def test_the_manager_sees_the_team_deals_and_hr_none(api_as, rep, consumer, hr):
    from tests.factories import EmployeeFactory

    boss = EmployeeFactory(role="manager")
    rep.manager = boss
    rep.save()
    create(api_as(rep), consumer)
    assert len(api_as(boss).get("/api/deals/").json()["results"]) == 1
    assert api_as(hr).get("/api/deals/").status_code == 403


def test_the_deal_list_costs_a_fixed_number_of_queries(
    api_as, rep, consumer, django_assert_num_queries
):
    client = api_as(rep)
    for n in range(6):
        create(client, consumer, product=f"Produit {n}")
    client.get("/api/deals/")
    # Token with user and employee, count, page (prospect and owner joined): not one per deal.
    with django_assert_num_queries(3):
        response = client.get("/api/deals/")
    assert len(response.json()["results"]) == 6
