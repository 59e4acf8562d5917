"""RULES 18: a customer (open or won deal) is no stale prospect: kept while the deal is open
and CUSTOMER_RETENTION_DAYS after its last event, by the purge, the re-permission request,
the dry run and the gate alike."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from deals import services as deal_services
from deals.models import Deal
from prospects.models import Prospect
from retention import selectors, services
from retention.models import RepermissionRequest

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
EXPIRED = datetime.date(2020, 1, 1)


def today():
    return timezone.localdate()


def consumer(make_prospect):
    """A consumer the company collected four years ago: their prospect clock ran out."""
    prospect = make_prospect()
    Prospect.objects.filter(pk=prospect.pk).update(kind="b2c")
    prospect.refresh_from_db()
    assert prospect.retention_until < today()
    return prospect


def sale(prospect, *, signed: datetime.date, status="won", **dates):
    data = {"product": "Coaching", "amount": "250.00", "status": status}
    if status == "won":
        data |= {
            "concluded_on": signed,
            "precontractual_info_on": signed,
            "withdrawal_info_on": signed,
            "durable_medium_on": signed,
        }
    return deal_services.deal_create(
        actor=prospect.owner.user,
        owner=prospect.owner,
        prospect=prospect,
        data={**data, **dates},
    )


def stale(prospect):
    """A date written before customers were kept (or by a bug): the purge must not trust it."""
    Prospect.objects.filter(pk=prospect.pk).update(retention_until=EXPIRED)


def purge():
    return services.expired_prospects_batch(run_id="night", today=today(), batch_size=100)


def gate_codes(api_as, prospect):
    response = api_as(prospect.owner).post(
        "/api/outreach/check/", {"prospect": str(prospect.pk), "channel": "phone"}, format="json"
    )
    assert response.status_code == 200
    return [reason["code"] for reason in response.json()["reasons"]]


def exists(prospect):
    return Prospect.objects.filter(pk=prospect.pk).exists()


@pytest.mark.parametrize("stale_date", [False, True], ids=["pushed date", "stale date"])
def test_a_consumer_who_signed_last_week_is_kept_and_contactable(api_as, make_prospect, stale_date):
    customer = consumer(make_prospect)
    sale(customer, signed=today() - 7 * DAY)
    if stale_date:
        stale(customer)

    purge()

    assert exists(customer)
    customer.refresh_from_db()
    assert customer.retention_until == today() - 7 * DAY + datetime.timedelta(days=1095)
    assert "retention_expired" not in gate_codes(api_as, customer)


@pytest.mark.parametrize(
    ("signed_days_ago", "kept"),
    [
        (1094, True),
        (1095, True),  # the last day of the customer period
        (1096, False),
    ],
)
def test_a_customer_is_kept_three_years_after_the_sale_then_purged(
    make_prospect, signed_days_ago, kept
):
    customer = consumer(make_prospect)
    sale(customer, signed=today() - signed_days_ago * DAY)
    stale(customer)

    purge()

    assert exists(customer) is kept


def test_the_last_event_is_the_delivery_when_later_than_the_sale(make_prospect):
    customer = consumer(make_prospect)
    sale(
        customer,
        signed=today() - 1200 * DAY,
        supply="goods",
        delivery_on=today() - 1000 * DAY,
    )
    stale(customer)
    purge()
    assert exists(customer)
    customer.refresh_from_db()
    assert customer.retention_until == today() + 95 * DAY


def test_an_open_deal_keeps_its_customer_however_long_it_stays_open(api_as, make_prospect):
    customer = consumer(make_prospect)
    deal = sale(customer, signed=None, status="open")
    # Three years later, nobody touched the deal: the date it pushed then has passed.
    Deal.objects.filter(pk=deal.pk).update(updated_at=timezone.now() - 1200 * DAY)
    stale(customer)

    purge()

    assert exists(customer)
    customer.refresh_from_db()
    assert customer.retention_until == today() + datetime.timedelta(days=1095)
    assert "retention_expired" not in gate_codes(api_as, customer)


def test_a_lost_deal_makes_no_customer(make_prospect):
    customer = consumer(make_prospect)
    deal = sale(customer, signed=None, status="open")
    Deal.objects.filter(pk=deal.pk).update(status="lost")
    stale(customer)
    purge()
    assert not exists(customer)


def test_a_deal_lost_today_was_open_until_today(make_prospect):
    customer = consumer(make_prospect)
    deal = sale(customer, signed=None, status="open")
    stale(customer)
    deal_services.deal_update(actor=customer.owner.user, deal=deal, data={"status": "lost"})
    customer.refresh_from_db()
    assert customer.retention_until == today() + datetime.timedelta(days=1095)


def test_a_deal_never_moves_the_clock_backward(make_prospect):
    customer = consumer(make_prospect)
    later = today() + 2000 * DAY
    Prospect.objects.filter(pk=customer.pk).update(retention_until=later)
    sale(customer, signed=today() - 7 * DAY)
    customer.refresh_from_db()
    assert customer.retention_until == later


def test_an_erased_prospects_deal_keeps_no_one(make_prospect):
    customer = consumer(make_prospect)
    deal = sale(customer, signed=today() - 7 * DAY)
    Prospect.objects.filter(pk=customer.pk).delete()
    deal.refresh_from_db()
    assert deal.prospect_id is None
    assert purge().counts.get("prospects", 0) == 0


def test_the_dry_run_counts_follow_the_same_selection(make_prospect):
    customer = consumer(make_prospect)
    sale(customer, signed=today() - 7 * DAY)
    stale(customer)
    make_prospect()  # a stale prospect, no deal

    counts = selectors.prospects_due_counts(today=today())
    out = StringIO()
    call_command("purge_expired_prospects", "--dry-run", stdout=out)

    assert counts["prospects"] == 1
    assert "prospects: 1 would be" in out.getvalue()
    assert exists(customer)


def test_a_kept_customer_is_not_asked_to_re_permission(settings, make_prospect):
    settings.RETENTION_REPERMISSION = True
    settings.RETENTION_REPERMISSION_DAYS = 30
    open_customer = consumer(make_prospect)
    sale(open_customer, signed=None, status="open")
    ending = consumer(make_prospect)
    sale(ending, signed=today() - 1085 * DAY)  # customer period ends in 10 days
    soon = today() + 10 * DAY
    Prospect.objects.filter(pk__in=[open_customer.pk, ending.pk]).update(retention_until=soon)

    assert list(selectors.repermission_due(today=today())) == [ending]
    purge()

    assert list(RepermissionRequest.objects.values_list("prospect_id", flat=True)) == [ending.pk]
    assert exists(open_customer) and exists(ending)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_nightly_job_on_a_real_worker_keeps_a_customer_who_signed_last_week(
    api_as, celery_worker, make_prospect
):
    from retention import tasks
    from tests.retention.test_tasks import counted, wait_for

    customer = consumer(make_prospect)
    sale(customer, signed=today() - 7 * DAY)
    stale(customer)
    stale_prospect = make_prospect()

    tasks.purge_expired_prospects.delay()

    wait_for(lambda: counted("retention.prospects_purged", "prospects") == 1)
    assert not exists(stale_prospect)
    assert exists(customer)
    assert counted("retention.dates_kept", "customers_kept") == 1
    customer.refresh_from_db()
    assert customer.retention_until == today() - 7 * DAY + datetime.timedelta(days=1095)
    assert "retention_expired" not in gate_codes(api_as, customer)


@pytest.mark.parametrize(
    ("entered_days_ago", "kept"),
    [
        (30, True),  # a 2019 connection imported last month, dated from 2019 before 2026.12
        (1094, True),
        (1095, True),
        (1096, False),
    ],
)
def test_a_date_computed_from_an_old_collection_date_is_re_derived_from_the_entry(
    api_as, rep, entered_days_ago, kept
):
    from prospects import services as prospect_services

    prospect = prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Paul Ancien",
            "profile_url": "https://www.linkedin.com/in/paul-ancien",
            "lawful_basis": "legitimate_interest",
            "collected_at": timezone.now().replace(year=2019),
        },
    )
    entered = timezone.now() - entered_days_ago * DAY
    Prospect.objects.filter(pk=prospect.pk).update(
        created_at=entered, retention_until=datetime.date(2022, 3, 14)
    )

    purge()

    assert exists(prospect) is kept
    if kept:
        prospect.refresh_from_db()
        expected = timezone.localdate(entered) + datetime.timedelta(days=1095)
        assert prospect.retention_until == expected
        assert "retention_expired" not in gate_codes(api_as, prospect)
