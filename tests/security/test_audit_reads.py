"""The attack: the DPO or an administrator pages through everyone's data, and no trace is left.

Each page of personal data they read (list, search, export) is one audit entry naming
the records on it; reps and managers reading their own book leave none.
"""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from dsar import exports
from register.models import ProcessingActivity
from tests.dsar.factories import DsarFactory
from tests.factories import ProspectFactory

pytestmark = pytest.mark.django_db

READS = ("personal_data.listed", "personal_data.searched", "personal_data.exported")


def reads():
    return list(AuditEvent.objects.filter(action__in=READS).order_by("id"))


def ids_on(response) -> set[str]:
    return {row["id"] for row in response.json()["results"]}


def test_the_dpo_paging_through_prospects_leaves_one_entry_per_page_with_its_ids(api_as, dpo, rep):
    ProspectFactory.create_batch(5, owner=rep)
    client = api_as(dpo)

    first = client.get("/api/prospects/?page_size=3")
    second = client.get("/api/prospects/?page_size=3&page=2")

    page_one, page_two = reads()
    assert (page_one.action, page_one.actor_id) == ("personal_data.listed", dpo.user.pk)
    assert page_one.object_type == "prospects.prospect"
    assert set(page_one.record_ids) == ids_on(first)
    assert set(page_two.record_ids) == ids_on(second)
    assert len(page_one.record_ids) == 3 and len(page_two.record_ids) == 2


def test_a_search_names_its_filters_but_never_what_was_searched(api_as, admin_employee, rep):
    ProspectFactory(owner=rep, full_name="Ada Lovelace")
    api_as(admin_employee).get("/api/prospects/", {"q": "Lovelace"})
    [entry] = reads()
    assert entry.action == "personal_data.searched"
    assert entry.fields == ["q"]
    assert "Lovelace" not in str(entry.content())


def test_the_prospect_list_page_is_recorded_too(client, dpo, rep):
    shown = ProspectFactory.create_batch(2, owner=rep)
    client.force_login(dpo.user)
    assert client.get(reverse("prospects")).status_code == 200
    [entry] = reads()
    assert set(entry.record_ids) == {str(p.pk) for p in shown}


@pytest.mark.parametrize("persona", ["rep", "manager"])
def test_sales_reading_their_own_book_leave_no_entry(
    request, api_as, client, persona, rep, manager
):
    rep.manager = manager
    rep.save()
    employee = request.getfixturevalue(persona)
    ProspectFactory.create_batch(2, owner=rep)
    api_as(employee).get("/api/prospects/")
    api_as(employee).get("/api/outreach/")
    client.force_login(employee.user)
    client.get(reverse("prospects"))
    assert reads() == []


def test_the_dpo_reading_the_consent_and_outreach_logs_is_recorded(api_as, dpo):
    client = api_as(dpo)
    client.get("/api/consents/")
    client.get("/api/outreach/")
    assert [(e.action, e.object_type) for e in reads()] == [
        ("personal_data.listed", "consent.consentevent"),
        ("personal_data.listed", "consent.outreachattempt"),
    ]


def test_the_dpo_reading_the_request_queue_is_recorded(api_as, client, dpo):
    queued = DsarFactory.create_batch(2)
    api_as(dpo).get("/api/dsar/")
    client.force_login(dpo.user)
    client.get(reverse("dsar-list"))
    by_api, by_page = reads()
    assert set(by_api.record_ids) == {str(d.pk) for d in queued} == set(by_page.record_ids)


@pytest.mark.parametrize("fmt", ["json", "zip"])
def test_a_dsar_export_download_names_the_records_it_holds(dpo, rep, fmt, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    prospect = ProspectFactory(owner=rep, email="grace.hopper@example.org")
    # Executed: the records it acts on are set.
    dsar = DsarFactory(email="grace.hopper@example.org", prospect_ids=[str(prospect.pk)])
    exports.export_build(dsar=dsar)
    exports.export_read(actor=dpo.user, export=dsar.exports.get(format=fmt))
    entry = AuditEvent.objects.get(action="dsar.export_downloaded")
    assert entry.record_ids == [str(prospect.pk)]
    assert entry.actor_id == dpo.user.pk


def test_the_register_export_is_recorded(api_as, dpo):
    response = api_as(dpo).get("/api/register/export/?format=csv")
    assert response.status_code == 200
    [entry] = reads()
    assert entry.action == "personal_data.exported"
    assert set(entry.record_ids) == {
        str(pk) for pk in ProcessingActivity.objects.values_list("pk", flat=True)
    }


def test_the_read_entries_are_listed_by_the_audit_api_and_keep_the_chain_whole(api_as, dpo, rep):
    from django.core.management import call_command

    ProspectFactory(owner=rep)
    api_as(dpo).get("/api/prospects/")
    listed = api_as(dpo).get("/api/audit/", {"action": "personal_data.listed"}).json()
    [entry] = listed["results"]
    assert len(entry["record_ids"]) == 1
    call_command("verify_audit", "--no-checkpoint")


def test_the_dpo_can_ask_who_was_shown_one_prospect(api_as, dpo, admin_employee, rep):
    seen, other = ProspectFactory(owner=rep), ProspectFactory(owner=rep)
    api_as(admin_employee).get("/api/prospects/", {"q": other.full_name})
    api_as(admin_employee).get(f"/api/prospects/{seen.pk}/")
    api_as(dpo).get("/api/prospects/")
    body = api_as(dpo).get("/api/audit/", {"record": str(seen.pk)}).json()
    assert [(e["action"], e["actor"]) for e in body["results"]] == [
        ("personal_data.listed", dpo.user.pk),
        ("personal_data.read", admin_employee.user.pk),
    ]
