"""Every gate rule, table-driven: one row per case, allow and deny, with the date edges."""

import dataclasses
import datetime
from zoneinfo import ZoneInfo

import pytest

from consent.gate import Facts, decide
from core.holidays import is_french_public_holiday

PARIS = ZoneInfo("Europe/Paris")


def at(year, month, day, hour=11, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


# Tuesday 1 December 2026, 11:00 in Paris: inside working and phone hours.
BASE = Facts(
    now=at(2026, 12, 1),
    channel="email",
    kind="b2b",
    lawful_basis="legitimate_interest",
    relates_to_profession=True,
    content="Bonjour, je vous écris au sujet de votre projet CRM.",
    append_notice=True,
    company_name="SocialCRM Demo SAS",
)


def with_(**changes) -> Facts:
    return dataclasses.replace(BASE, **changes)


CASES = [
    # (name, facts, decision, codes expected among the reasons)
    ("b2b related email allowed", BASE, "allow", []),
    # Rule 1: suppression list, by channel or for all channels.
    (
        "opposition all channels",
        with_(suppression_scopes=frozenset({"all"})),
        "deny",
        ["opposition"],
    ),
    (
        "opposition same channel",
        with_(suppression_scopes=frozenset({"email"})),
        "deny",
        ["opposition"],
    ),
    ("opposition other channel only", with_(suppression_scopes=frozenset({"sms"})), "allow", []),
    # Rule 2: withdrawal wins.
    ("consent withdrawn b2b", with_(consent="withdraw"), "deny", ["consent_withdrawn"]),
    # Art. 18: a restriction of processing (DSAR) blocks every channel, whatever the consent.
    (
        "processing restricted",
        with_(processing_restricted=True, consent="grant"),
        "deny",
        ["processing_restricted"],
    ),
    (
        "processing restricted phone b2b",
        with_(processing_restricted=True, channel="phone", content=""),
        "deny",
        ["processing_restricted"],
    ),
    # Rule 3: b2c electronic needs opt-in; soft opt-in exception.
    ("b2c email without opt-in", with_(kind="b2c"), "deny", ["no_opt_in"]),
    ("b2c email with opt-in", with_(kind="b2c", consent="grant"), "allow", []),
    ("b2c sms without opt-in", with_(kind="b2c", channel="sms"), "deny", ["no_opt_in"]),
    (
        "b2c social DM without opt-in",
        with_(kind="b2c", channel="social_message"),
        "deny",
        ["no_opt_in"],
    ),
    (
        "soft opt-in: customer, analogous products, opt-out offered",
        with_(
            kind="b2c",
            existing_customer=True,
            soft_opt_in_sale_on=datetime.date(2026, 6, 1),
            analogous_products=True,
        ),
        "allow",
        [],
    ),
    (
        "soft opt-in needs analogous products",
        with_(
            kind="b2c",
            existing_customer=True,
            soft_opt_in_sale_on=datetime.date(2026, 6, 1),
            analogous_products=False,
        ),
        "deny",
        ["no_opt_in"],
    ),
    # Rule 4: b2b message unrelated to the profession is treated as b2c.
    ("b2b unrelated without opt-in", with_(relates_to_profession=False), "deny", ["no_opt_in"]),
    ("b2b unrelated with opt-in", with_(relates_to_profession=False, consent="grant"), "allow", []),
    # Rule 5: a bare invitation is fine for b2b, not for b2c.
    ("b2b bare connection request", with_(channel="connection_request", content=""), "allow", []),
    (
        "b2c bare connection request",
        with_(channel="connection_request", content="", kind="b2c"),
        "deny",
        ["no_opt_in"],
    ),
    # Rule 7: consumer phone calls.
    (
        "b2c phone before 11 Aug 2026 without consent",
        with_(channel="phone", content="", kind="b2c", now=at(2026, 8, 10, 11)),
        "allow",
        [],
    ),
    (
        "b2c phone on 11 Aug 2026 without consent",
        with_(channel="phone", content="", kind="b2c", now=at(2026, 8, 11, 11)),
        "deny",
        ["no_opt_in"],
    ),
    (
        "b2c phone after with consent",
        with_(channel="phone", content="", kind="b2c", consent="grant"),
        "allow",
        [],
    ),
    (
        "b2c phone about a contract in progress",
        with_(channel="phone", content="", kind="b2c", existing_customer=True, about_contract=True),
        "allow",
        [],
    ),
    (
        "b2c phone at 09:59",
        with_(channel="phone", content="", kind="b2c", consent="grant", now=at(2026, 12, 1, 9, 59)),
        "deny",
        ["phone_hours"],
    ),
    (
        "b2c phone at 13:30",
        with_(
            channel="phone", content="", kind="b2c", consent="grant", now=at(2026, 12, 1, 13, 30)
        ),
        "deny",
        ["phone_hours"],
    ),
    (
        "b2c phone at 19:59",
        with_(
            channel="phone", content="", kind="b2c", consent="grant", now=at(2026, 12, 1, 19, 59)
        ),
        "allow",
        ["outside_working_hours"],
    ),
    (
        "b2c phone at 20:00",
        with_(channel="phone", content="", kind="b2c", consent="grant", now=at(2026, 12, 1, 20, 0)),
        "deny",
        ["phone_hours"],
    ),
    (
        "b2c phone on Saturday",
        with_(channel="phone", content="", kind="b2c", consent="grant", now=at(2026, 12, 5, 11)),
        "deny",
        ["phone_hours"],
    ),
    (
        "b2c phone on Christmas",
        with_(channel="phone", content="", kind="b2c", consent="grant", now=at(2026, 12, 25, 11)),
        "deny",
        ["phone_hours"],
    ),
    (
        "b2c phone on Easter Monday 2027",
        with_(channel="phone", content="", kind="b2c", consent="grant", now=at(2027, 3, 29, 11)),
        "deny",
        ["phone_hours"],
    ),
    (
        "b2b phone on Saturday (objection only)",
        with_(channel="phone", content="", now=at(2026, 12, 5, 11)),
        "allow",
        ["outside_working_hours"],
    ),
    # Rule 8.
    ("no lawful basis", with_(lawful_basis=""), "deny", ["no_lawful_basis"]),
    # Rule 9: connection requests.
    (
        "second connection request in window",
        with_(channel="connection_request", content="", connection_requests_in_window=1),
        "allow",
        [],
    ),
    (
        "third connection request in window",
        with_(channel="connection_request", content="", connection_requests_in_window=2),
        "deny",
        ["repeated_connection_request"],
    ),
    (
        "connection request while one is pending",
        with_(channel="connection_request", content="", connection_request_pending=True),
        "deny",
        ["repeated_connection_request"],
    ),
    # Rule 10: unanswered messages.
    ("third message without reply", with_(unanswered_on_channel=2), "allow", []),
    ("fourth message without reply", with_(unanswered_on_channel=3), "deny", ["frequency_cap"]),
    # Rule 11: the network's daily budget.
    (
        "20th LinkedIn invitation today",
        with_(channel="connection_request", content="", network="linkedin", account_count_today=19),
        "allow",
        [],
    ),
    (
        "21st LinkedIn invitation today",
        with_(channel="connection_request", content="", network="linkedin", account_count_today=20),
        "deny",
        ["network_limit"],
    ),
    # Rules 12–14: who may contact.
    ("employee offboarding", with_(employee_active=False), "deny", ["employee_inactive"]),
    ("charter missing", with_(charters_missing=("social_selling",)), "deny", ["charter_missing"]),
    (
        "training expired yesterday",
        with_(training_required=True, training_valid_until=datetime.date(2026, 11, 30)),
        "deny",
        ["training_expired"],
    ),
    (
        "training valid today",
        with_(training_required=True, training_valid_until=datetime.date(2026, 12, 1)),
        "allow",
        [],
    ),
    ("training never done", with_(training_required=True), "deny", ["training_expired"]),
    (
        "outside working hours warns only",
        with_(now=at(2026, 12, 1, 21)),
        "allow",
        ["outside_working_hours"],
    ),
    ("Sunday warns only", with_(now=at(2026, 12, 6, 11)), "allow", ["outside_working_hours"]),
    # Rules 15–16: what is said.
    (
        "first message without notice appended",
        with_(notice_sent=False, append_notice=False, content="Bonjour de SocialCRM Demo SAS"),
        "deny",
        ["information_notice_required"],
    ),
    ("first message with notice appended", with_(notice_sent=False), "allow", []),
    (
        "b2c message without opt-out text",
        with_(
            kind="b2c",
            consent="grant",
            append_notice=False,
            content="Bonjour de SocialCRM Demo SAS",
        ),
        "deny",
        ["missing_opt_out"],
    ),
    (
        "b2c message with its own STOP",
        with_(
            kind="b2c",
            consent="grant",
            append_notice=False,
            content="Bonjour de SocialCRM Demo SAS. Répondez STOP pour ne plus recevoir.",
        ),
        "allow",
        [],
    ),
    # RULES 16 (2026.12): blocking for every electronic message, B2B included.
    (
        "message hiding the company",
        with_(append_notice=False, content="Bonjour, un petit mot. STOP pour ne plus recevoir."),
        "deny",
        ["missing_sender_identification"],
    ),
    # Rule 17: content check.
    (
        "misleading promise warns",
        with_(content="Résultat garanti pour votre équipe."),
        "allow",
        ["content_misleading"],
    ),
    (
        "aggressive pressure warns",
        with_(content="Dernière chance : offre expire ce soir !"),
        "allow",
        ["content_aggressive"],
    ),
    (
        "comparative claim blocks",
        with_(content="Nous sommes mieux que RivalSoft."),
        "deny",
        ["content_comparative"],
    ),
    (
        "disparaging blocks",
        with_(content="RivalSoft est une arnaque."),
        "deny",
        ["content_disparaging"],
    ),
    (
        "competitor named neutrally",
        with_(content="Vous utilisez RivalSoft aujourd'hui ?"),
        "allow",
        [],
    ),
    (
        "approved content passes the content check",
        with_(content="Nous sommes mieux que RivalSoft.", approved_content=True),
        "allow",
        [],
    ),
    (
        "english wording is checked too",
        with_(content="Guaranteed results, act now!"),
        "allow",
        ["content_misleading", "content_aggressive"],
    ),
    # Rule 18: retention.
    ("retention ends today", with_(retention_until=datetime.date(2026, 12, 1)), "allow", []),
    (
        "retention ended yesterday",
        with_(retention_until=datetime.date(2026, 11, 30)),
        "deny",
        ["retention_expired"],
    ),
]


@pytest.mark.parametrize(
    ("facts", "decision", "codes"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule(facts, decision, codes):
    result = decide(facts)
    assert result.decision == decision, result.codes()
    assert set(codes) <= set(result.codes()), result.codes()
    if not codes:
        assert result.codes() == []


def test_reasons_carry_severity_message_and_hint():
    result = decide(with_(kind="b2c", now=at(2026, 12, 1, 21)))
    by_code = {r.code: r for r in result.reasons}
    assert by_code["no_opt_in"].severity == "block"
    assert by_code["outside_working_hours"].severity == "warn"
    assert "opt-in" in by_code["no_opt_in"].message
    assert by_code["no_opt_in"].hint
    assert result.as_dict()["rules_version"]


@pytest.mark.parametrize(
    ("now", "next_slot"),
    [
        (at(2026, 12, 1, 9, 0), "1 Dec 2026, 10:00"),  # before the morning window
        (at(2026, 12, 1, 13, 30), "1 Dec 2026, 14:00"),  # lunch break
        (at(2026, 12, 4, 20, 30), "7 Dec 2026, 10:00"),  # Friday evening: Monday
        (at(2026, 12, 24, 20, 0), "28 Dec 2026, 10:00"),  # Christmas, then the weekend
    ],
)
def test_a_phone_hours_denial_says_when_calling_is_allowed_again(now, next_slot):
    facts = with_(channel="phone", content="", kind="b2c", consent="grant", now=now)
    reason = next(r for r in decide(facts).reasons if r.code == "phone_hours")
    assert reason.hint == f"Wait until {next_slot} (Paris time) to call."


def test_any_failure_inside_the_rules_denies_with_gate_error():
    naive_clock = with_(now=datetime.datetime(2026, 12, 1, 11))
    result = decide(naive_clock)
    assert result.decision == "deny"
    assert result.codes() == ["gate_error"]


def test_a_message_channel_without_content_is_decided_on_the_other_rules():
    # content is optional (API.md): no words to check, everything else still applies.
    assert decide(with_(content="  ")).decision == "allow"
    assert decide(with_(content="", consent="withdraw")).codes() == ["consent_withdrawn"]


def test_thresholds_are_settings(settings):
    settings.UNANSWERED_MAX = 5
    assert decide(with_(unanswered_on_channel=3)).decision == "allow"
    settings.CONNECTION_REQUEST_MAX = 1
    assert (
        "repeated_connection_request"
        in decide(
            with_(channel="connection_request", content="", connection_requests_in_window=1)
        ).codes()
    )


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (datetime.date(2026, 4, 6), True),  # Easter Monday 2026
        (datetime.date(2026, 5, 14), True),  # Ascension 2026
        (datetime.date(2026, 5, 25), True),  # Whit Monday 2026
        (datetime.date(2026, 7, 14), True),
        (datetime.date(2026, 11, 11), True),
        (datetime.date(2026, 11, 12), False),
        (datetime.date(2027, 3, 29), True),  # Easter Monday 2027
    ],
)
def test_french_public_holidays(day, holiday):
    assert is_french_public_holiday(day) is holiday
