"""The prospect services: history on enrichment, the retention clock, contributions, duplicates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consent import services as consent_services
from prospects import rules, services
from prospects.models import Prospect, ProspectUserObjectPermission, ValueHistory
from tests.factories import OppositionFactory
from tests.prospects.conftest import BEFORE_HIRE, ON_HIRE_DATE

pytestmark = pytest.mark.django_db


def latest_provenance(prospect, field):
    return ValueHistory.objects.filter(prospect=prospect, field=field).last().provenance


def test_creating_records_one_history_entry_per_stored_value(rep, create_prospect):
    prospect = create_prospect(
        rep, email="a@example.com", company="Acme", collected_at=BEFORE_HIRE, notes=""
    )
    entries = list(prospect.history.all())
    assert {entry.field for entry in entries} == {"full_name", "email", "company"}
    assert {entry.provenance for entry in entries} == {"pre_hire"}
    assert {entry.recorded_at for entry in entries} == {BEFORE_HIRE}
    assert {entry.recorded_by for entry in entries} == {rep}
    assert {entry.source for entry in entries} == {"manual"}


def test_enriching_a_pre_hire_contact_during_employment_records_employment_values(
    rep, create_prospect
):
    prospect = create_prospect(rep, email="a@example.com", collected_at=BEFORE_HIRE)

    services.prospect_update(
        actor=rep.user,
        prospect=prospect,
        data={"phone": "0612345678", "job_title": "CFO", "email": "a@example.com"},
    )

    prospect.refresh_from_db()
    assert prospect.provenance == "pre_hire"
    assert latest_provenance(prospect, "email") == "pre_hire"
    assert latest_provenance(prospect, "phone") == "employment"
    assert latest_provenance(prospect, "job_title") == "employment"
    assert prospect.history.filter(field="email").count() == 1


def test_values_added_by_the_dpo_are_company_data(rep, dpo, create_prospect):
    prospect = create_prospect(rep, collected_at=BEFORE_HIRE)
    services.prospect_update(actor=dpo.user, prospect=prospect, data={"company": "Acme"})
    assert latest_provenance(prospect, "company") == "company"


def test_our_edits_never_restart_the_retention_clock(rep, create_prospect):
    prospect = create_prospect(rep, collected_at=ON_HIRE_DATE)
    entered_today = timezone.localdate() + datetime.timedelta(days=1095)
    assert prospect.retention_until == entered_today, "from the day it entered the CRM"
    Prospect.objects.filter(pk=prospect.pk).update(retention_until=datetime.date(2027, 3, 1))
    prospect.refresh_from_db()
    services.prospect_update(
        actor=rep.user, prospect=prospect, data={"notes": "Sent a brochure", "job_title": "CEO"}
    )
    prospect.refresh_from_db()
    assert prospect.retention_until == datetime.date(2027, 3, 1)


def test_a_corrected_collection_date_moves_the_notice_forward_never_the_retention(
    rep, create_prospect
):
    prospect = create_prospect(rep, collected_at=timezone.now() - datetime.timedelta(days=10))
    retention, notice = prospect.retention_until, prospect.notice_due_at

    services.prospect_update(
        actor=rep.user, prospect=prospect, data={"collected_at": timezone.now()}
    )
    assert (prospect.retention_until, prospect.notice_due_at) == (retention, notice)

    services.prospect_update(actor=rep.user, prospect=prospect, data={"collected_at": ON_HIRE_DATE})
    assert prospect.retention_until == retention, "the clock runs from the entry into the CRM"
    assert prospect.notice_due_at == rules.notice_due_at(ON_HIRE_DATE)


def test_the_art_14_notice_is_due_one_calendar_month_after_collection(rep, create_prospect):
    prospect = create_prospect(rep, collected_at=ON_HIRE_DATE)
    # 1 March 2024, 10:00 in Paris → 1 April 2024, 10:00 in Paris (summer time by then).
    assert prospect.notice_due_at == datetime.datetime(2024, 4, 1, 8, 0, tzinfo=datetime.UTC)


def test_the_name_is_searchable_only_through_its_tokens(rep, create_prospect):
    prospect = create_prospect(rep, full_name="Élodie Durand")
    services.prospect_update(actor=rep.user, prospect=prospect, data={"full_name": "Élodie Martin"})
    stored = Prospect.objects.get(pk=prospect.pk)
    assert stored.name_tokens
    assert "Martin" not in stored.name_tokens


def test_only_a_pre_hire_contact_can_be_contributed(rep, create_prospect):
    mine = create_prospect(rep, collected_at=BEFORE_HIRE)
    services.prospect_update(actor=rep.user, prospect=mine, data={"contributed": True})
    assert mine.contributed_at is not None

    work = create_prospect(rep, full_name="Jean Martin", collected_at=ON_HIRE_DATE)
    with pytest.raises(ValidationError) as exc:
        services.prospect_update(actor=rep.user, prospect=work, data={"contributed": True})
    assert "contributed" in exc.value.message_dict


def test_a_shared_phone_is_no_duplicate_but_an_email_is(rep, create_prospect):
    # API.md: one prospect per e-mail or profile URL; a switchboard number serves many people.
    first = create_prospect(rep, phone="+33 1 23 45 67 89", email="a@example.com")
    second = create_prospect(rep, full_name="Other", phone="01 23 45 67 89")
    assert second.phone_index == first.phone_index
    with pytest.raises(services.ProspectRejected) as exc:
        create_prospect(rep, full_name="Third", phone="0123456789", email="A@example.com")
    assert exc.value.code == "duplicate"
    assert exc.value.existing == first


def test_opposition_wins_over_duplicate_and_stores_nothing(rep, create_prospect):
    create_prospect(rep, email="a@example.com")
    OppositionFactory(value="a@example.com", scope="sms")
    with pytest.raises(services.ProspectRejected) as exc:
        create_prospect(rep, full_name="Other", email="A@example.com")
    assert exc.value.code == "opposition"
    assert exc.value.existing is None
    assert Prospect.objects.count() == 1


def test_unreadable_identifiers_name_each_field(rep, create_prospect):
    with pytest.raises(ValidationError) as exc:
        create_prospect(rep, email="nope", phone="12", profile_url="x")
    assert set(exc.value.message_dict) == {"email", "phone", "profile_url"}


def test_clearing_an_identifier_clears_its_index(rep, create_prospect):
    prospect = create_prospect(rep, email="a@example.com")
    services.prospect_update(actor=rep.user, prospect=prospect, data={"email": ""})
    stored = Prospect.objects.get(pk=prospect.pk)
    assert stored.email is None
    assert stored.email_index is None


def test_deleting_takes_history_and_shares_along(rep, teammate, create_prospect):
    prospect = create_prospect(rep, email="a@example.com")
    services.prospect_share(actor=rep.user, prospect=prospect, with_employee=teammate)
    consent_services.prospect_delete(actor=rep.user, prospect=prospect)
    assert not Prospect.objects.exists()
    assert not ValueHistory.objects.exists()
    assert not ProspectUserObjectPermission.objects.exists()


def test_a_duplicate_inserted_concurrently_is_still_a_duplicate(rep, create_prospect, monkeypatch):
    first = create_prospect(rep, email="a@example.com")
    # As if another request stored the same e-mail between the check and the insert.
    monkeypatch.setattr(services, "_check_suppression_and_duplicates", lambda *args: None)
    with pytest.raises(services.ProspectRejected) as exc:
        create_prospect(rep, full_name="Other", email="A@example.com")
    assert exc.value.code == "duplicate"
    assert exc.value.existing == first
    assert Prospect.objects.count() == 1


def test_a_new_collection_date_re_derives_the_provenance(rep, create_prospect):
    prospect = create_prospect(rep, collected_at=ON_HIRE_DATE)
    services.prospect_update(actor=rep.user, prospect=prospect, data={"collected_at": BEFORE_HIRE})
    assert prospect.provenance == "pre_hire"


def test_a_transferred_prospect_keeps_its_provenance(rep, manager, teammate, create_prospect):
    prospect = create_prospect(rep, collected_at=BEFORE_HIRE)
    teammate.hire_date = datetime.date(2020, 1, 1)
    teammate.save()
    services.prospect_update(actor=manager.user, prospect=prospect, data={"owner": teammate})
    prospect.refresh_from_db()
    assert prospect.owner == teammate
    assert prospect.provenance == "pre_hire"
