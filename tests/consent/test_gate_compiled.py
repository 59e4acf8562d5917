"""The gate's query compiled once (prepared statement) answers exactly as the ORM built per call."""

import dataclasses
import datetime

import pytest
from django.db import connection
from django.utils import timezone

from consent import facts as gate_facts
from consent.facts import ProspectNotVisible, gather_facts
from consent.models import ConsentEvent, OutreachAttempt
from deals.models import Deal
from prospects import services as prospect_services
from prospects.selectors import prospects_visible_to
from tests.factories import EmployeeFactory, SocialAccountFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled on PostgreSQL only"),
]

DM = "Bonjour, je vous contacte au sujet de votre projet de CRM."


def _gather(settings, *, prepared, employee, viewer, prospect, channel, account=None):
    settings.GATE_PREPARED_QUERY = prepared
    facts, row = gather_facts(
        employee=employee,
        prospects=prospects_visible_to(viewer.user),
        prospect_id=prospect.pk,
        channel=channel,
        content=DM,
        social_account=account,
        now=timezone.now(),
    )
    return dataclasses.replace(facts, now=None), row


@pytest.fixture
def history(rep, prospect):
    now = timezone.now()
    account = SocialAccountFactory(employee=rep, network="linkedin")
    OutreachAttempt.objects.bulk_create(
        OutreachAttempt(
            prospect=prospect,
            employee=rep,
            social_account=account if i % 2 else None,
            channel=channel,
            decision="allow",
            rules_version="t",
            created_at=now - datetime.timedelta(hours=i),
        )
        for i in range(6)
        for channel in ("social_message", "connection_request", "phone")
    )
    OutreachAttempt.objects.filter(channel="phone", created_at__lt=now).update(outcome="refused")
    ConsentEvent.objects.create(
        prospect=prospect,
        channel="social_message",
        action="grant",
        evidence="written_reply",
        wording_shown="Puis-je vous écrire ?",
        occurred_at=now,
    )
    Deal.objects.create(
        prospect=prospect,
        owner=rep,
        product="CRM",
        amount=100,
        status="won",
        concluded_on=timezone.localdate(),
        opt_out_offered_at_sale=True,
    )
    return account


@pytest.mark.parametrize(
    "channel", ["email", "sms", "phone", "social_message", "connection_request"]
)
def test_compiled_and_per_call_facts_are_the_same(settings, rep, prospect, history, channel):
    compiled, row = _gather(
        settings,
        prepared=True,
        employee=rep,
        viewer=rep,
        prospect=prospect,
        channel=channel,
        account=history,
    )
    per_call, _ = _gather(
        settings,
        prepared=False,
        employee=rep,
        viewer=rep,
        prospect=prospect,
        channel=channel,
        account=history,
    )
    assert compiled == per_call
    assert compiled.consent == ("grant" if channel == "social_message" else None)
    assert compiled.soft_opt_in_sale_on == timezone.localdate()
    if channel == "phone":
        assert compiled.nth_latest_call_at is not None and compiled.call_refused_at is not None
    assert row.pk == prospect.pk
    assert any(key[2] == channel for key, value in gate_facts._compiled.items() if value)


def test_each_visibility_shape_is_bound_to_the_caller(settings, rep, manager, prospect):
    rep.manager = manager
    rep.save()
    colleague = EmployeeFactory(role="rep", compliant=True)
    stranger = EmployeeFactory(role="rep", compliant=True)
    other_manager = EmployeeFactory(role="manager", compliant=True)
    prospect_services.prospect_share(actor=rep.user, prospect=prospect, with_employee=colleague)
    for prepared in (True, False):
        for viewer in (rep, manager, colleague):
            facts, _ = _gather(
                settings,
                prepared=prepared,
                employee=viewer,
                viewer=viewer,
                prospect=prospect,
                channel="phone",
            )
            assert facts.kind == "b2c"
        for viewer in (stranger, other_manager):
            with pytest.raises(ProspectNotVisible):
                _gather(
                    settings,
                    prepared=prepared,
                    employee=viewer,
                    viewer=viewer,
                    prospect=prospect,
                    channel="phone",
                )


def test_the_statement_is_prepared_once_and_reused(settings, rep, prospect):
    for _ in range(3):
        _gather(settings, prepared=True, employee=rep, viewer=rep, prospect=prospect, channel="sms")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), sum(generic_plans + custom_plans) FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ['%"consent_opposition"%'],
        )
        statements, runs = cursor.fetchone()
    assert statements == 1
    assert runs >= 3
