"""Charter versions, acknowledgements and training: the rules behind RULES 13."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from charters import selectors, services
from charters.models import Acknowledgement, AppendOnlyError, Charter, CharterVersion, Training
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

# RULES 13 (2026.12): the four charters are required by default.
REQUIRED = ["disconnection", "gdpr_code_of_conduct", "information_systems", "social_selling"]


def publish(kind: str, *, effective_date=None, required=True) -> CharterVersion:
    charter = Charter.objects.get(kind=kind)
    latest = charter.versions.order_by("-version").first()
    return CharterVersion.objects.create(
        charter=charter,
        version=latest.version + 1,
        title_en=f"{latest.title_en} (revised)",
        title_fr=f"{latest.title_fr} (révisée)",
        text_en=latest.text_en,
        text_fr=latest.text_fr,
        effective_date=effective_date or timezone.localdate(),
        required_for_prospecting=required,
    )


def test_the_migration_creates_the_four_charters_in_both_languages():
    versions = selectors.current_versions()
    assert sorted(v.charter.kind for v in versions) == [
        "disconnection",
        "gdpr_code_of_conduct",
        "information_systems",
        "social_selling",
    ]
    assert sorted(v.charter.kind for v in versions if v.required_for_prospecting) == REQUIRED
    for version in versions:
        assert version.version == 1
        assert version.title_en and version.title_fr and version.title_en != version.title_fr
        assert len(version.text_en) > 200 and len(version.text_fr) > 200
    social = versions.get(charter__kind="social_selling")
    assert "automate" in social.text_en and "automatise" in social.text_fr
    assert "personal network" in social.text_en


def test_the_current_version_is_the_highest_one_already_in_force():
    today = timezone.localdate()
    v2 = publish("social_selling", effective_date=today)
    v3 = publish("social_selling", effective_date=today + datetime.timedelta(days=1))
    current = selectors.current_versions(today=today).get(charter__kind="social_selling")
    assert current == v2
    tomorrow = today + datetime.timedelta(days=1)
    assert selectors.current_versions(today=tomorrow).get(charter__kind="social_selling") == v3


def test_a_new_version_makes_the_acknowledgement_stale_until_acknowledged_again():
    rep = EmployeeFactory(role="rep", compliant=True)
    assert selectors.compliance_of(rep)["charters_missing"] == []
    v2 = publish("gdpr_code_of_conduct")
    assert selectors.compliance_of(rep)["charters_missing"] == ["gdpr_code_of_conduct"]
    assert selectors.compliance_of(rep)["can_prospect"] is False
    services.charter_acknowledge(employee=rep, version=v2, via="browser")
    assert selectors.compliance_of(rep)["can_prospect"] is True


def test_a_new_optional_version_blocks_nobody():
    rep = EmployeeFactory(role="rep", compliant=True)
    publish("disconnection", required=False)
    assert selectors.compliance_of(rep)["can_prospect"] is True


def test_acknowledging_a_superseded_version_is_refused():
    rep = EmployeeFactory(role="rep")
    v1 = CharterVersion.objects.get(charter__kind="social_selling", version=1)
    publish("social_selling")
    with pytest.raises(ValidationError):
        services.charter_acknowledge(employee=rep, version=v1, via="api")
    assert not Acknowledgement.objects.filter(employee=rep).exists()


def test_acknowledging_twice_keeps_the_first_acknowledgement():
    rep = EmployeeFactory(role="rep")
    version = CharterVersion.objects.get(charter__kind="social_selling", version=1)
    first, created = services.charter_acknowledge(employee=rep, version=version, via="api")
    again, created_again = services.charter_acknowledge(employee=rep, version=version, via="api")
    assert created and not created_again and first == again


def test_acknowledgements_are_append_only():
    rep = EmployeeFactory(role="rep")
    version = CharterVersion.objects.get(charter__kind="social_selling", version=1)
    ack, _ = services.charter_acknowledge(employee=rep, version=version, via="api")
    with pytest.raises(AppendOnlyError):
        Acknowledgement.objects.filter(pk=ack.pk).update(via="browser")
    with pytest.raises(AppendOnlyError):
        Acknowledgement.objects.filter(pk=ack.pk).delete()
    with pytest.raises(AppendOnlyError):
        ack.save()
    with pytest.raises(AppendOnlyError):
        ack.delete()


def test_training_is_valid_through_its_last_day_and_not_after():
    hr = EmployeeFactory(role="hr")
    rep = EmployeeFactory(role="rep")
    today = timezone.localdate()
    for version in selectors.current_versions().filter(required_for_prospecting=True):
        services.charter_acknowledge(employee=rep, version=version, via="api")
    services.training_record(
        actor=hr.user,
        employee=rep,
        completed_at=today - datetime.timedelta(days=365),
        valid_until=today,
    )
    assert selectors.compliance_of(rep, today=today)["can_prospect"] is True
    tomorrow = today + datetime.timedelta(days=1)
    assert selectors.compliance_of(rep, today=tomorrow)["can_prospect"] is False


def test_training_validity_defaults_to_the_setting(settings):
    settings.TRAINING_VALIDITY_DAYS = 365
    hr = EmployeeFactory(role="hr")
    rep = EmployeeFactory(role="rep")
    training = services.training_record(
        actor=hr.user, employee=rep, completed_at=datetime.date(2026, 1, 10)
    )
    assert training.valid_until == datetime.date(2027, 1, 10)
    assert training.recorded_by == hr.user


def test_a_validity_ending_before_completion_is_refused_by_the_service_and_the_database():
    hr = EmployeeFactory(role="hr")
    rep = EmployeeFactory(role="rep")
    with pytest.raises(ValidationError):
        services.training_record(
            actor=hr.user,
            employee=rep,
            completed_at=datetime.date(2026, 5, 2),
            valid_until=datetime.date(2026, 5, 1),
        )
    with pytest.raises(IntegrityError):
        Training.objects.create(
            employee=rep,
            completed_at=datetime.date(2026, 5, 2),
            valid_until=datetime.date(2026, 5, 1),
        )


def test_training_is_not_needed_when_the_setting_says_so(settings):
    settings.TRAINING_REQUIRED = False
    rep = EmployeeFactory(role="rep")
    for version in selectors.current_versions().filter(required_for_prospecting=True):
        services.charter_acknowledge(employee=rep, version=version, via="api")
    assert selectors.compliance_of(rep)["can_prospect"] is True


def test_an_inactive_employee_cannot_prospect_even_when_compliant():
    rep = EmployeeFactory(role="rep", compliant=True, status="offboarding")
    assert selectors.compliance_of(rep)["can_prospect"] is False


def test_the_gate_reads_charters_and_training_on_its_one_prospect_query(
    django_assert_num_queries,
):
    from django.db import connection

    from consent.facts import gather_facts
    from people.models import Employee
    from prospects.selectors import prospects_visible_to
    from tests.factories import ProspectFactory

    now = timezone.now()
    expected = 2 if connection.vendor == "postgresql" else 1
    # SQLite probes its JSON support once per connection: not the gate's query, so done here.
    assert connection.features.supports_json_field
    for compliant, missing, valid_until in [
        (False, 4, None),
        (True, 0, datetime.date(2099, 12, 31)),
    ]:
        employee = EmployeeFactory(role="rep", compliant=compliant)
        employee = Employee.objects.select_related("user").get(pk=employee.pk)
        prospect = ProspectFactory(owner=employee)
        with django_assert_num_queries(expected):
            facts, _ = gather_facts(
                employee=employee,
                prospects=prospects_visible_to(employee.user),
                prospect_id=prospect.pk,
                channel="phone",
                now=now,
            )
        assert len(facts.charters_missing) == missing
        assert facts.training_required is True
        assert facts.training_valid_until == valid_until
