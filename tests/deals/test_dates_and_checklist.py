"""RULES 23 inputs: dates validated everywhere, the durable medium, the soft opt-in flag,
and legacy rows that hold impossible dates."""

import datetime

import pytest
from django.utils import timezone

from deals import services
from deals.models import Deal

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def create(client, prospect, **fields):
    return client.post(
        "/api/deals/",
        {"prospect": str(prospect.pk), "product": "Coaching", "amount": "250.00", **fields},
        format="json",
    )


def make_deal(rep, prospect, **data):
    return services.deal_create(
        actor=rep.user,
        owner=rep,
        prospect=prospect,
        data={"product": "Abonnement", "amount": "100.00", **data},
    )


def today():
    return timezone.localdate()


PAST_FIELDS = ("concluded_on", "precontractual_info_on", "withdrawal_info_on", "durable_medium_on")


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        *[(name, lambda: today() + DAY, False) for name in PAST_FIELDS],
        *[(name, lambda: today(), True) for name in PAST_FIELDS],
        *[(name, lambda: datetime.date(1969, 12, 31), False) for name in PAST_FIELDS],
        *[(name, lambda: datetime.date(1970, 1, 1), True) for name in PAST_FIELDS],
        ("delivery_on", lambda: today() + 30 * DAY, True),  # a planned delivery
        ("delivery_on", lambda: datetime.date(today().year + 11, 1, 1), False),
        ("delivery_on", lambda: datetime.date(9999, 12, 31), False),
        ("delivery_on", lambda: datetime.date(1969, 12, 31), False),
    ],
)
def test_every_deal_date_is_bounded_and_a_bad_one_is_a_400_naming_it(
    api_as, rep, consumer, field, value, accepted
):
    client = api_as(rep)
    day = value().isoformat()
    created = create(client, consumer, **{field: day})
    assert created.status_code == (201 if accepted else 400), created.json()
    if not accepted:
        assert field in created.json()
        assert not Deal.objects.exists()
        deal = make_deal(rep, consumer)
        patched = client.patch(f"/api/deals/{deal.pk}/", {field: day}, format="json")
        assert patched.status_code == 400 and field in patched.json()
        deal.refresh_from_db()
        assert getattr(deal, field) is None


@pytest.mark.parametrize(
    ("informed", "concluded", "accepted"),
    [
        ("2026-03-01", "2026-03-02", True),
        ("2026-03-02", "2026-03-02", True),  # the same day is "before" enough
        ("2026-03-03", "2026-03-02", False),
    ],
)
def test_the_precontractual_information_comes_on_or_before_the_conclusion(
    api_as, rep, consumer, informed, concluded, accepted
):
    response = create(
        api_as(rep), consumer, precontractual_info_on=informed, concluded_on=concluded
    )
    assert response.status_code == (201 if accepted else 400)
    if not accepted:
        assert "precontractual_info_on" in response.json()
        assert not Deal.objects.exists()


def test_a_win_today_after_information_given_today_is_accepted_but_a_back_dated_win_is_not(
    api_as, rep, consumer
):
    client = api_as(rep)
    deal_id = create(
        client,
        consumer,
        precontractual_info_on=today().isoformat(),
        withdrawal_info_on=today().isoformat(),
        durable_medium_on=today().isoformat(),
    ).json()["id"]
    yesterday = (today() - DAY).isoformat()
    refused = client.post(f"/api/deals/{deal_id}/win/", {"concluded_on": yesterday}, format="json")
    assert refused.status_code == 400 and "precontractual_info_on" in refused.json()
    assert Deal.objects.get().status == "open"
    won = client.post(f"/api/deals/{deal_id}/win/", {}, format="json")
    assert won.status_code == 200 and won.json()["concluded_on"] == today().isoformat()


def test_a_consumer_deal_is_not_won_without_the_durable_medium(api_as, rep, consumer):
    client = api_as(rep)
    deal_id = create(
        client,
        consumer,
        supply="goods",
        precontractual_info_on="2026-03-01",
        withdrawal_info_on="2026-03-01",
        delivery_on="2026-03-10",
    ).json()["id"]
    refused = client.post(f"/api/deals/{deal_id}/win/", {"concluded_on": "2026-03-02"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "deal_incomplete"
    assert refused.json()["missing"] == ["durable_medium_on"]
    assert "L221-13" in refused.json()["durable_medium_on"][0]

    client.patch(f"/api/deals/{deal_id}/", {"durable_medium_on": "2026-03-03"}, format="json")
    won = client.post(f"/api/deals/{deal_id}/win/", {"concluded_on": "2026-03-02"})
    assert won.status_code == 200 and won.json()["durable_medium_on"] == "2026-03-03"


def test_goods_need_the_delivery_date_services_do_not(api_as, rep, consumer):
    items = {
        "precontractual_info_on": "2026-03-01",
        "withdrawal_info_on": "2026-03-01",
        "durable_medium_on": "2026-03-02",
        "concluded_on": "2026-03-02",
        "status": "won",
    }
    client = api_as(rep)
    goods = create(client, consumer, supply="goods", **items)
    assert goods.status_code == 400 and goods.json()["missing"] == ["delivery_on"]
    assert create(client, consumer, supply="services", **items).status_code == 201


def test_the_opt_out_offered_at_the_sale_is_read_and_written(api_as, rep, consumer):
    client = api_as(rep)
    created = create(client, consumer, opt_out_offered_at_sale=True)
    assert created.status_code == 201 and created.json()["opt_out_offered_at_sale"] is True
    deal_id = created.json()["id"]
    patched = client.patch(
        f"/api/deals/{deal_id}/", {"opt_out_offered_at_sale": False}, format="json"
    )
    assert patched.json()["opt_out_offered_at_sale"] is False
    assert Deal.objects.get().opt_out_offered_at_sale is False
    bad = client.patch(
        f"/api/deals/{deal_id}/", {"opt_out_offered_at_sale": "maybe"}, format="json"
    )
    assert bad.status_code == 400 and "opt_out_offered_at_sale" in bad.json()


def test_the_deal_form_records_the_durable_medium_and_the_opt_out(client, rep, consumer):
    client.force_login(rep.user)
    form = {
        "product": "Coaching",
        "supply": "services",
        "amount": "250",
        "currency": "EUR",
        "status": "open",
        "durable_medium_on": "2026-03-03",
        "opt_out_offered_at_sale": "on",
    }
    page = client.get(f"/prospects/{consumer.pk}/deals/new/").content.decode()
    assert 'name="durable_medium_on"' in page and 'name="opt_out_offered_at_sale"' in page
    response = client.post(f"/prospects/{consumer.pk}/deals/new/", form)
    deal = Deal.objects.get()
    assert response.status_code == 302
    assert deal.durable_medium_on == datetime.date(2026, 3, 3)
    assert deal.opt_out_offered_at_sale is True
    detail = client.get(f"/deals/{deal.pk}/").content.decode()
    assert 'data-item="durable_medium"' in detail
    assert 'data-field="opt_out_offered_at_sale">Yes<' in detail


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("durable_medium_on", lambda: today() + DAY),
        ("delivery_on", lambda: datetime.date(9999, 12, 31)),
        ("concluded_on", lambda: today() + DAY),
    ],
)
def test_the_deal_form_refuses_a_bad_date_naming_the_field(client, rep, consumer, field, value):
    client.force_login(rep.user)
    form = {
        "product": "Coaching",
        "supply": "services",
        "amount": "250",
        "currency": "EUR",
        "status": "open",
        field: value().isoformat(),
    }
    response = client.post(f"/prospects/{consumer.pk}/deals/new/", form)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Deal.objects.exists()


def test_the_form_refuses_information_given_after_the_conclusion(client, rep, consumer):
    client.force_login(rep.user)
    form = {
        "product": "Coaching",
        "supply": "services",
        "amount": "250",
        "currency": "EUR",
        "status": "open",
        "concluded_on": "2026-03-02",
        "precontractual_info_on": "2026-03-05",
    }
    response = client.post(f"/prospects/{consumer.pk}/deals/new/", form)
    assert response.status_code == 200
    assert "precontractual_info_on" in response.context["form"].errors
    assert not Deal.objects.exists()


@pytest.mark.parametrize(
    "legacy",
    [
        {"concluded_on": datetime.date(9999, 12, 31), "status": "won"},
        {
            "delivery_on": datetime.date(9999, 12, 31),
            "supply": "goods",
            "concluded_on": datetime.date(2026, 3, 2),
        },
        {
            "withdrawal_info_on": datetime.date(9999, 12, 31),
            "concluded_on": datetime.date(2026, 3, 2),
        },
        {"concluded_on": datetime.date(9999, 12, 20), "withdrawal_info_on": None},
        {
            "durable_medium_on": datetime.date(9999, 12, 31),
            "precontractual_info_on": datetime.date(9999, 12, 31),
        },
        {"concluded_on": datetime.date(1, 1, 1), "delivery_on": datetime.date(1, 1, 1)},
    ],
)
def test_a_legacy_row_with_an_impossible_date_never_makes_a_5xx(
    api_as, client, rep, dpo, consumer, legacy
):
    deal = make_deal(rep, consumer)
    make_deal(rep, consumer, product="A sane deal")
    Deal.objects.filter(pk=deal.pk).update(**legacy)

    for who in (rep, dpo):
        listed = api_as(who).get("/api/deals/")
        assert listed.status_code == 200
        assert len(listed.json()["results"]) == 2
        assert api_as(who).get(f"/api/deals/{deal.pk}/").status_code == 200
        client.force_login(who.user)
        assert client.get("/deals/").status_code == 200
        assert client.get(f"/deals/{deal.pk}/").status_code == 200
    client.force_login(rep.user)
    assert client.get(f"/deals/{deal.pk}/edit/").status_code == 200
    # Saving it again asks for a sane date, naming the field: a 400, not a 500.
    rewritten = api_as(rep).patch(f"/api/deals/{deal.pk}/", {"notes": "checked"}, format="json")
    assert rewritten.status_code in (200, 400)
