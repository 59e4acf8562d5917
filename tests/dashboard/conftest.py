"""A small, hand-built world whose every dashboard figure is known in advance."""

import datetime
import uuid

import pytest
from django.utils import timezone

from consent.models import ConsentEvent, OutreachAttempt
from dsar.models import DataSubjectRequest
from offboarding.models import Offboarding
from tests.factories import EmployeeFactory, OppositionFactory, ProspectFactory


def block(code):
    return {"code": code, "severity": "block", "message": code}


def warn(code):
    return {"code": code, "severity": "warn", "message": code}


def attempt(employee, *, decision, reasons=(), days_ago=1, prospect=None):
    return OutreachAttempt.objects.create(
        employee=employee,
        prospect=prospect,
        channel="email",
        decision=decision,
        reasons=list(reasons),
        rules_version="test",
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def consent(prospect, channel, action, at):
    evidence = "web_form" if action == "grant" else "request"
    return ConsentEvent.objects.create(
        prospect=prospect, channel=channel, action=action, evidence=evidence, occurred_at=at
    )


def dsar(*, status, due_in_days):
    now = timezone.now()
    return DataSubjectRequest.objects.create(
        type="access",
        status=status,
        email_index=uuid.uuid4().hex,
        received_via="email",
        received_at=now - datetime.timedelta(days=10),
        due_at=now + datetime.timedelta(days=due_in_days),
    )


@pytest.fixture
def alice(db):
    return EmployeeFactory(role="rep", user__username="alice")


@pytest.fixture
def bruno(db):
    return EmployeeFactory(role="rep", user__username="bruno")


@pytest.fixture
def world(alice, bruno):
    """Five prospects, consents, three objections, outreach, DSARs and offboardings.

    Expected figures are written next to each thing that produces them.
    """
    now = timezone.now()
    today = timezone.localdate()
    day = datetime.timedelta(days=1)

    def prospect(owner, provenance, network, basis, **extra):
        return ProspectFactory(
            owner=owner, provenance=provenance, network=network, lawful_basis=basis, **extra
        )

    # Notice overdue: p1 only (p2's was sent, p3's is not due yet).
    # Retention: p1 and p2 end within 30 days (p2 on the 30th), p3 after, p4 already over.
    p1 = prospect(
        alice,
        "pre_hire",
        "linkedin",
        "legitimate_interest",
        full_name="Camille Secret",
        email="camille.secret@example.fr",
        notice_due_at=now - day,
        retention_until=today + 10 * day,
    )
    p2 = prospect(
        alice,
        "employment",
        "linkedin",
        "consent",
        notice_due_at=now - day,
        notice_sent_at=now - 2 * day,
        retention_until=today + 30 * day,
    )
    p3 = prospect(
        alice,
        "employment",
        "x",
        "",
        notice_due_at=now + 10 * day,
        retention_until=today + 31 * day,
    )
    p4 = prospect(bruno, "company", "", "contract", retention_until=today - day)
    p5 = prospect(bruno, "employment", "facebook", "legitimate_interest")

    earlier, later = now - 10 * day, now - 5 * day
    consent(p1, "email", "grant", earlier)  # email: opt-in
    consent(p2, "email", "grant", earlier)
    consent(p2, "email", "withdraw", later)  # email: opt-out (latest wins)
    consent(p3, "email", "grant", later)
    consent(p3, "email", "withdraw", later)  # email: opt-out (a tie goes to the opt-out)
    consent(p4, "sms", "withdraw", earlier)
    consent(p4, "sms", "grant", later)  # sms: opt-in again
    consent(p1, "social_message", "grant", later)  # social message: opt-in

    OppositionFactory.create_batch(3)

    # Last 30 days: 3 allowed (one with a warning only), 3 denied; an older denial is ignored.
    attempt(alice, decision="allow", prospect=p1)
    attempt(alice, decision="allow", prospect=p2)
    attempt(bruno, decision="allow", reasons=[warn("outside_working_hours")], prospect=p5)
    attempt(alice, decision="deny", reasons=[block("opposition")], prospect=p1)
    attempt(alice, decision="deny", reasons=[block("no_opt_in"), warn("outside_working_hours")])
    attempt(bruno, decision="deny", reasons=[block("no_opt_in")], prospect=p4)
    attempt(bruno, decision="deny", reasons=[block("charter_missing")], days_ago=40)

    # DSARs: 3 open (1 overdue, 1 due within the week), and a closed one past its date.
    dsar(status="received", due_in_days=-1)
    dsar(status="verifying", due_in_days=3)
    dsar(status="in_progress", due_in_days=20)
    dsar(status="completed", due_in_days=-5)

    # Offboardings: one running, one done.
    leaver, done_leaver, successor = (
        EmployeeFactory(role="rep"),
        EmployeeFactory(role="rep"),
        EmployeeFactory(role="rep"),
    )
    Offboarding.objects.create(
        employee=leaver, successor=successor, departure_date=today, status="running"
    )
    Offboarding.objects.create(
        employee=done_leaver, successor=successor, departure_date=today, status="done"
    )
    return {"prospects": [p1, p2, p3, p4, p5]}
