"""The rules sharpened in 2026.12, table-driven, edges as rows (pure: no database)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from consent.gate import RULES_VERSION, decide, is_personal_address
from core.holidays import is_public_holiday, zone_of_phone
from tests.consent.test_gate_rules import at, with_

UTC = datetime.UTC
PARIS = ZoneInfo("Europe/Paris")
HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)


def utc(year, month, day, hour=0, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


def check(facts, decision, codes, absent=()):
    result = decide(facts)
    assert result.decision == decision, result.codes()
    assert set(codes) <= set(result.codes()), result.codes()
    assert not set(absent) & set(result.codes()), result.codes()
    if not codes and decision == "allow":
        assert [r for r in result.reasons if r.severity == "block"] == []


def test_the_rules_version_is_2026_12():
    assert RULES_VERSION.startswith("2026.12")
    assert decide(with_()).rules_version == RULES_VERSION


# --- RULES 3: soft opt-in --------------------------------------------------------------------

SALE = datetime.date(2026, 3, 31)  # 31 March 2026 + 1095 days = 30 March 2029
LEAP_SALE = datetime.date(2024, 2, 29)  # 29 February 2024 + 1095 days = 28 February 2027
CUSTOMER = dict(kind="b2c", existing_customer=True, deal_in_progress=True, analogous_products=True)

SOFT_OPT_IN = [
    ("day before the end", dict(soft_opt_in_sale_on=SALE, now=at(2029, 3, 29)), "allow", []),
    ("the last day", dict(soft_opt_in_sale_on=SALE, now=at(2029, 3, 30)), "allow", []),
    ("the day after", dict(soft_opt_in_sale_on=SALE, now=at(2029, 3, 31)), "deny", ["no_opt_in"]),
    (
        "the last day, late evening in Paris",
        dict(soft_opt_in_sale_on=SALE, now=at(2029, 3, 30, 23, 59)),
        "allow",
        [],
    ),
    (
        "leap-day sale, last day",
        dict(soft_opt_in_sale_on=LEAP_SALE, now=at(2027, 2, 26)),
        "allow",
        [],
    ),
    (
        "leap-day sale, the day after",
        dict(soft_opt_in_sale_on=LEAP_SALE, now=at(2027, 3, 1)),
        "deny",
        ["no_opt_in"],
    ),
    ("the sale day itself", dict(soft_opt_in_sale_on=SALE, now=at(2026, 3, 31)), "allow", []),
    (
        "no sale with the opt-out offered",
        dict(soft_opt_in_sale_on=None),
        "deny",
        ["no_opt_in"],
    ),
    (
        "other products",
        dict(soft_opt_in_sale_on=SALE, analogous_products=False, now=at(2026, 12, 1)),
        "deny",
        ["no_opt_in"],
    ),
    (
        "the message offers no opt-out",
        dict(
            soft_opt_in_sale_on=SALE,
            append_notice=False,
            content="Bonjour de SocialCRM Demo SAS, notre nouvelle gamme.",
        ),
        "deny",
        ["no_opt_in", "missing_opt_out"],
    ),
    (
        "the message carries its own opt-out",
        dict(
            soft_opt_in_sale_on=SALE,
            append_notice=False,
            content="Bonjour de SocialCRM Demo SAS. STOP pour ne plus recevoir.",
        ),
        "allow",
        [],
    ),
    ("by SMS too", dict(soft_opt_in_sale_on=SALE, channel="sms"), "allow", []),
    (
        "a withdrawal beats the soft opt-in",
        dict(soft_opt_in_sale_on=SALE, consent="withdraw"),
        "deny",
        ["consent_withdrawn"],
    ),
]


@pytest.mark.parametrize(
    ("changes", "decision", "codes"),
    [row[1:] for row in SOFT_OPT_IN],
    ids=[row[0] for row in SOFT_OPT_IN],
)
def test_soft_opt_in(changes, decision, codes):
    # 2026-12-01 unless the row says otherwise; 2027-02-26 is a Friday, the others weekdays too.
    check(with_(**{**CUSTOMER, **changes}), decision, codes)


def test_the_soft_opt_in_window_is_a_setting(settings):
    settings.SOFT_OPT_IN_DAYS = 30
    facts = with_(**CUSTOMER, soft_opt_in_sale_on=datetime.date(2026, 11, 1))
    assert decide(facts).decision == "allow"  # 30 days later: the last day
    assert "no_opt_in" in decide(with_(**{**facts.__dict__, "now": at(2026, 12, 2)})).codes()


# --- RULES 4: personal addresses of professionals ----------------------------------------------

ADDRESSES = [
    ("jean.dupont@gmail.com", True),
    ("Jean.Dupont@GMAIL.COM", True),
    ("  jean@orange.fr  ", True),
    ("jean@free.fr.", True),  # the trailing dot of a fully qualified name
    ("jean@mail.gmail.com", True),  # a subdomain of a free-mail domain
    ("jean@outlook.fr", True),
    ("contact@acme.fr", False),  # a generic company address stays B2B
    ("info@acme.fr", False),
    ("j.dupont@acme.fr", False),
    ("jean@gmail.com.acme.fr", False),  # a company's domain that merely starts like one
    ("jean@notgmail.com", False),
    ("jean@gmail.co", False),
    ("", True),  # no address: nothing shows it is professional
    (None, True),
    ("jean.dupont", True),
    ("@acme.fr", True),
    ("jean@localhost", True),
    ('"a@b"@gmail.com', True),  # the last @ decides
]


@pytest.mark.parametrize(("email", "personal"), ADDRESSES)
def test_free_mail_addresses(email, personal):
    assert is_personal_address(email) is personal


def test_the_free_mail_list_is_a_setting(settings):
    settings.PERSONAL_EMAIL_DOMAINS = ["Example-Mail.FR"]
    assert is_personal_address("x@example-mail.fr") is True
    assert is_personal_address("x@gmail.com") is False


PERSONAL = [
    ("b2b at a personal address, e-mail", dict(email_address_personal=True), "deny", ["no_opt_in"]),
    (
        "b2b at a personal address with an opt-in",
        dict(email_address_personal=True, consent="grant"),
        "allow",
        [],
    ),
    ("b2b at a company address", dict(email_address_personal=False), "allow", []),
    (
        "the rule is about e-mail only",
        dict(email_address_personal=True, channel="sms"),
        "allow",
        [],
    ),
]


@pytest.mark.parametrize(
    ("changes", "decision", "codes"), [r[1:] for r in PERSONAL], ids=[r[0] for r in PERSONAL]
)
def test_personal_addresses_of_professionals(changes, decision, codes):
    check(with_(**changes), decision, codes)


# --- RULES 8: the lawful basis must hold -------------------------------------------------------

BASIS = [
    ("none recorded", dict(lawful_basis=""), "deny", ["no_lawful_basis"]),
    ("consent without a grant", dict(lawful_basis="consent"), "deny", ["no_lawful_basis"]),
    ("consent with a grant", dict(lawful_basis="consent", consent="grant"), "allow", []),
    (
        "consent withdrawn",
        dict(lawful_basis="consent", consent="withdraw"),
        "deny",
        ["no_lawful_basis", "consent_withdrawn"],
    ),
    (
        "contract without a deal",
        dict(lawful_basis="contract", about_contract=True),
        "deny",
        ["no_lawful_basis"],
    ),
    (
        "contract with an open deal, about it",
        dict(lawful_basis="contract", deal_in_progress=True, about_contract=True),
        "allow",
        [],
    ),
    (
        "contract with a deal, about something else",
        dict(lawful_basis="contract", deal_in_progress=True, about_contract=False),
        "deny",
        ["no_lawful_basis"],
    ),
    ("legitimate interest", dict(lawful_basis="legitimate_interest"), "allow", []),
]


@pytest.mark.parametrize(
    ("changes", "decision", "codes"), [r[1:] for r in BASIS], ids=[r[0] for r in BASIS]
)
def test_lawful_basis(changes, decision, codes):
    check(with_(**changes), decision, codes)


def test_each_lawful_basis_failure_says_what_is_missing():
    messages = {
        decide(with_(**changes)).reasons[0].message
        for changes in (
            dict(lawful_basis=""),
            dict(lawful_basis="consent"),
            dict(lawful_basis="contract"),
            dict(lawful_basis="contract", deal_in_progress=True),
        )
    }
    assert len(messages) == 4


# --- RULES 24: restricted e-mail addresses -----------------------------------------------------

RESTRICTED = [
    ("restricted e-mail", dict(email_restricted=True), "deny", ["restricted_profile"]),
    (
        "restricted e-mail after they consented",
        dict(email_restricted=True, consent="grant"),
        "allow",
        [],
    ),
    (
        "restricted e-mail after they wrote to us",
        dict(email_restricted=True, has_written_to_us=True),
        "allow",
        [],
    ),
    (
        "the network's own messages stay open",
        dict(email_restricted=True, channel="social_message"),
        "allow",
        [],
    ),
    (
        "under consent the consent rule decides",
        dict(email_restricted=True, lawful_basis="consent", consent="grant"),
        "allow",
        [],
    ),
]


@pytest.mark.parametrize(
    ("changes", "decision", "codes"), [r[1:] for r in RESTRICTED], ids=[r[0] for r in RESTRICTED]
)
def test_restricted_profiles(changes, decision, codes):
    check(with_(**changes), decision, codes)


# --- RULES 15–16: what every written message says -----------------------------------------------

WITHOUT_NOTICE = dict(append_notice=False)
SAYS_ALL = "Bonjour, SocialCRM Demo SAS vous écrit. Répondez STOP pour ne plus recevoir."

WRITTEN = [
    (
        "b2b e-mail without opt-out",
        dict(content="Bonjour de SocialCRM Demo SAS."),
        "deny",
        ["missing_opt_out"],
    ),
    (
        "b2b e-mail without company",
        dict(content="Bonjour. STOP"),
        "deny",
        ["missing_sender_identification"],
    ),
    ("b2b e-mail saying both", dict(content=SAYS_ALL), "allow", []),
    (
        "company named in other case and spacing",
        dict(content="socialcrm\u00a0demo  SAS ici. Répondez STOP."),
        "allow",
        [],
    ),
    (
        "b2b SMS without either",
        dict(channel="sms", content="Bonjour"),
        "deny",
        ["missing_opt_out", "missing_sender_identification"],
    ),
    (
        "b2b DM without either",
        dict(channel="social_message", content="Bonjour"),
        "deny",
        ["missing_opt_out", "missing_sender_identification"],
    ),
    (
        "connection request with a note",
        dict(channel="connection_request", content="Ravi d'échanger"),
        "deny",
        ["missing_opt_out", "missing_sender_identification"],
    ),
    ("bare connection request", dict(channel="connection_request", content=""), "allow", []),
    ("a phone call has no text to check", dict(channel="phone", content=""), "allow", []),
    (
        "no company configured",
        dict(content=SAYS_ALL, company_name=""),
        "deny",
        ["missing_sender_identification"],
    ),
]


@pytest.mark.parametrize(
    ("changes", "decision", "codes"), [r[1:] for r in WRITTEN], ids=[r[0] for r in WRITTEN]
)
def test_every_written_message_names_the_company_and_offers_the_opt_out(changes, decision, codes):
    result = decide(with_(**{**WITHOUT_NOTICE, **changes}))
    assert result.decision == decision, result.codes()
    assert set(codes) <= set(result.codes())
    for reason in result.reasons:
        if reason.code in ("missing_opt_out", "missing_sender_identification"):
            assert reason.severity == "block"


NOTICE = [
    (
        "first e-mail without the notice",
        dict(channel="email", content=SAYS_ALL),
        ["information_notice_required"],
    ),
    (
        "first note with an invitation",
        dict(channel="connection_request", content=SAYS_ALL),
        ["information_notice_required"],
    ),
    ("a bare invitation carries no notice", dict(channel="connection_request", content=""), []),
    ("a phone call never counts as the notice", dict(channel="phone", content=""), []),
]


@pytest.mark.parametrize(("changes", "codes"), [r[1:] for r in NOTICE], ids=[r[0] for r in NOTICE])
def test_the_notice_is_due_on_written_channels_only(changes, codes):
    result = decide(with_(notice_sent=False, append_notice=False, **changes))
    assert ("information_notice_required" in result.codes()) is bool(codes), result.codes()


# --- RULES 14: public holidays are outside working hours --------------------------------------


@pytest.mark.parametrize(
    ("now", "warned"),
    [
        (at(2026, 11, 10, 11), False),  # Tuesday
        (at(2026, 11, 11, 11), True),  # Armistice, a Wednesday
        (at(2026, 11, 12, 11), False),
        (at(2026, 12, 25, 11), True),  # Christmas, a Friday
        (at(2026, 12, 31, 11), False),  # month and year end
        (at(2027, 1, 1, 11), True),
        (at(2028, 2, 29, 11), False),  # leap day, a Tuesday
        (at(2027, 3, 29, 11), True),  # Easter Monday 2027
    ],
)
def test_public_holidays_are_outside_working_hours(now, warned):
    result = decide(with_(now=now))
    assert result.decision == "allow"
    assert ("outside_working_hours" in result.codes()) is warned


# --- RULES 7: consumer calls -------------------------------------------------------------------

CALL = dict(channel="phone", content="", kind="b2c", consent="grant")

HOURS = [
    # (name, zone, moment, allowed)
    ("Paris 09:59", "", at(2026, 12, 1, 9, 59), False),
    ("Paris 10:00", "", at(2026, 12, 1, 10, 0), True),
    ("Paris 12:59", "", at(2026, 12, 1, 12, 59), True),
    ("Paris 13:00", "", at(2026, 12, 1, 13, 0), False),
    ("Paris 14:00", "", at(2026, 12, 1, 14, 0), True),
    ("Paris 19:59", "", at(2026, 12, 1, 19, 59), True),
    ("Paris 20:00", "", at(2026, 12, 1, 20, 0), False),
    # Paris across its change of clocks (29 March 2026, 25 October 2026), read from UTC.
    ("Paris 08:00 UTC before summer time", "", utc(2026, 3, 27, 8), False),  # 09:00 CET
    ("Paris 08:00 UTC after summer time", "", utc(2026, 3, 30, 8), True),  # 10:00 CEST
    ("Paris 18:30 UTC before winter time", "", utc(2026, 10, 23, 18, 30), False),  # 20:30 CEST
    ("Paris 18:30 UTC after winter time", "", utc(2026, 10, 26, 18, 30), True),  # 19:30 CET
    ("leap day", "", at(2028, 2, 29, 11), True),
    ("month end", "", at(2026, 12, 31, 11), True),
    ("New Year's Day", "", at(2027, 1, 1, 11), False),
    # Guadeloupe (UTC-4, no summer time): Paris 15:30 is 09:30 there in summer, 10:30 in winter.
    ("Guadeloupe before Paris summer time", "971", at(2027, 3, 25, 15, 30), True),
    ("Guadeloupe after Paris summer time", "971", at(2027, 3, 30, 15, 30), False),
    ("Guadeloupe before Paris winter time", "971", at(2026, 10, 23, 15, 30), False),
    ("Guadeloupe after Paris winter time", "971", at(2026, 10, 26, 15, 30), True),
    ("Guadeloupe evening while Paris sleeps", "971", at(2026, 12, 2, 0, 30), True),  # 19:30 there
    ("Guadeloupe, abolition of slavery 27 May", "971", at(2026, 5, 27, 17), False),
    ("Guadeloupe, the day after", "971", at(2026, 5, 28, 17), True),
    ("Martinique, abolition of slavery 22 May", "972", at(2026, 5, 22, 17), False),
    ("Guyane, abolition of slavery 10 June", "973", at(2026, 6, 10, 17), False),
    ("Réunion, 20 December", "974", at(2027, 12, 20, 8), False),  # 11:00 there, a Monday
    ("Réunion, 21 December", "974", at(2027, 12, 21, 8), True),
    ("Réunion at 07:00 Paris is 10:00 there", "974", at(2026, 12, 1, 7), True),
    ("Réunion at 17:00 Paris is 20:00 there", "974", at(2026, 12, 1, 17), False),
    ("Mayotte, abolition of slavery 27 April", "976", at(2027, 4, 27, 9), False),
    ("New Caledonia, 24 September", "NC", at(2026, 9, 24, 2), False),  # 11:00 there
    ("New Caledonia, 25 September", "NC", at(2026, 9, 25, 2), True),
    ("New Caledonia, Paris office hours are night there", "NC", at(2026, 12, 1, 11), False),
    # Saint-Pierre-et-Miquelon keeps North American summer time (from 14 March 2027).
    ("Saint-Pierre before its summer time", "PM", at(2027, 3, 9, 13), False),  # 09:00 there
    ("Saint-Pierre after its summer time", "PM", at(2027, 3, 16, 13), True),  # 10:00 there
    # Alsace-Moselle: Good Friday and 26 December.
    ("Moselle, Good Friday", "57", at(2027, 3, 26, 11), False),
    ("Alsace, Good Friday", "6AE", at(2027, 3, 26, 11), False),
    ("elsewhere, Good Friday", "", at(2027, 3, 26, 11), True),
    ("Alsace, 26 December", "6AE", at(2030, 12, 26, 11), False),
    ("elsewhere, 26 December", "", at(2030, 12, 26, 11), True),
]


@pytest.mark.parametrize(
    ("zone", "now", "allowed"), [r[1:] for r in HOURS], ids=[r[0] for r in HOURS]
)
def test_consumer_calling_hours_in_the_consumer_zone(zone, now, allowed):
    result = decide(with_(**CALL, phone_zone=zone, now=now))
    assert ("phone_hours" in result.codes()) is not allowed, result.codes()


def test_an_overseas_denial_gives_the_next_slot_in_the_person_time():
    # Tuesday 1 December 2026 11:00 in Paris is 06:00 in Guadeloupe: 10:00 there, same day.
    facts = with_(**CALL, phone_zone="971", now=at(2026, 12, 1, 11))
    reason = next(r for r in decide(facts).reasons if r.code == "phone_hours")
    assert reason.hint == "Wait until 1 Dec 2026, 10:00 (the person's local time) to call."


def test_a_month_end_denial_skips_the_holiday_and_the_weekend():
    facts = with_(**CALL, now=at(2026, 12, 31, 20))
    reason = next(r for r in decide(facts).reasons if r.code == "phone_hours")
    assert reason.hint == "Wait until 4 Jan 2027, 10:00 (Paris time) to call."


CONSENT_DATE = [
    ("10 August in Paris", "", at(2026, 8, 10, 11), False),
    ("11 August in Paris", "", at(2026, 8, 11, 11), True),
    # 10 August 23:30 in Paris is already 11 August in Réunion: the later date decides.
    ("11 August already in Réunion", "974", at(2026, 8, 10, 23, 30), True),
    ("11 August not yet in Guadeloupe", "971", at(2026, 8, 11, 3), True),
]


@pytest.mark.parametrize(
    ("zone", "now", "required"), [r[1:] for r in CONSENT_DATE], ids=[r[0] for r in CONSENT_DATE]
)
def test_consumer_calls_need_consent_from_11_august_2026(zone, now, required):
    result = decide(with_(channel="phone", content="", kind="b2c", phone_zone=zone, now=now))
    assert ("no_opt_in" in result.codes()) is required, result.codes()


NOW = at(2026, 12, 1, 11).astimezone(UTC)  # a Tuesday, in calling hours; deltas in UTC
# Tuesday 10 November 2026, 11:00 in Paris: 30 days before is across the clock change of
# 25 October, when 11:00 in Paris was 09:00 UTC, not 10:00.
AFTER_CLOCK_CHANGE = at(2026, 11, 10, 11)
FREQUENCY = [
    ("fewer than four calls", dict(nth_latest_call_at=None), False),
    (
        "fourth call 30 days minus a second ago",
        dict(nth_latest_call_at=NOW - datetime.timedelta(days=30) + SECOND),
        True,
    ),
    (
        "fourth call exactly 30 days ago",
        dict(nth_latest_call_at=NOW - datetime.timedelta(days=30)),
        False,
    ),
    ("fourth call 31 days ago", dict(nth_latest_call_at=NOW - datetime.timedelta(days=31)), False),
    ("refused 59 days ago", dict(call_refused_at=NOW - datetime.timedelta(days=59)), True),
    (
        "refused 60 days minus a second ago",
        dict(call_refused_at=NOW - datetime.timedelta(days=60) + SECOND),
        True,
    ),
    ("refused exactly 60 days ago", dict(call_refused_at=NOW - datetime.timedelta(days=60)), False),
    # Over the change of clocks: 30 days are 720 hours, not 30 wall-clock days.
    (
        "fourth call 720 hours before, across the clock change",
        dict(
            now=AFTER_CLOCK_CHANGE,
            nth_latest_call_at=AFTER_CLOCK_CHANGE.astimezone(UTC) - 720 * HOUR,
        ),
        False,
    ),
    (
        "fourth call 719 hours before, across the clock change",
        dict(
            now=AFTER_CLOCK_CHANGE,
            nth_latest_call_at=AFTER_CLOCK_CHANGE.astimezone(UTC) - 719 * HOUR,
        ),
        True,
    ),
    (
        "fourth call at the same Paris time 30 days before (721 hours)",
        dict(now=AFTER_CLOCK_CHANGE, nth_latest_call_at=at(2026, 10, 11, 11)),
        False,
    ),
]


@pytest.mark.parametrize(
    ("changes", "blocked"), [r[1:] for r in FREQUENCY], ids=[r[0] for r in FREQUENCY]
)
def test_consumer_call_frequency(changes, blocked):
    result = decide(with_(**{**CALL, "now": NOW, **changes}))
    assert ("phone_frequency" in result.codes()) is blocked, result.codes()
    assert result.allowed is not blocked


def test_call_frequency_binds_consumers_only_and_its_limits_are_settings(settings):
    recent = dict(nth_latest_call_at=NOW - datetime.timedelta(days=1))
    assert decide(with_(channel="phone", content="", now=NOW, **recent)).allowed  # b2b
    settings.PHONE_CALLS_WINDOW_DAYS = 1
    assert decide(with_(**CALL, now=NOW, **recent)).allowed
    settings.PHONE_REFUSAL_PAUSE_DAYS = 90
    refused = dict(call_refused_at=NOW - datetime.timedelta(days=80))
    assert "phone_frequency" in decide(with_(**CALL, now=NOW, **refused)).codes()


def test_a_frequency_denial_says_when_calling_is_possible_again():
    refused = NOW - datetime.timedelta(days=10)
    reason = next(
        r
        for r in decide(with_(**CALL, now=NOW, call_refused_at=refused)).reasons
        if r.code == "phone_frequency"
    )
    assert reason.severity == "block"
    assert "21 Dec 2026" not in reason.hint
    assert "20 Jan 2027" in reason.hint  # 10 days ago + 60 days


def test_a_call_about_a_contract_needs_a_won_deal():
    about = dict(channel="phone", content="", kind="b2c", about_contract=True)
    assert "no_opt_in" in decide(with_(**about)).codes()
    assert "no_opt_in" not in decide(with_(**about, existing_customer=True)).codes()


# --- the zone of a number, the calendars -----------------------------------------------------

PHONES = [
    ("+33612345678", ""),
    ("+33142123456", ""),
    ("+33387123456", "57"),  # Moselle landline
    ("+33388123456", "6AE"),  # Bas-Rhin
    ("+33389123456", "6AE"),  # Haut-Rhin
    ("03 88 12 34 56", "6AE"),
    ("+590590123456", "971"),
    ("+590690123456", "971"),
    ("+590590271234", "BL"),  # Saint-Barthélemy
    ("+590590871234", "MF"),  # Saint-Martin
    ("0590 12 34 56", "971"),  # written in the national format
    ("+594594123456", "973"),
    ("+596596123456", "972"),
    ("+262262123456", "974"),
    ("+262692123456", "974"),
    ("+262269611234", "976"),
    ("+262639123456", "976"),
    ("+2697731234", "976"),
    ("+508411234", "PM"),
    ("+687123456", "NC"),
    ("+68940123456", "PF"),
    ("+681721234", "WF"),
    ("+442079460958", ""),  # abroad: Paris time and national holidays
    ("call me maybe", ""),
    ("", ""),
    (None, ""),
    ("+", ""),
    ("+33 3 87", "57"),
]


@pytest.mark.parametrize(("number", "zone"), PHONES)
def test_the_zone_of_a_phone_number(number, zone):
    assert zone_of_phone(number) == zone


@pytest.mark.parametrize(
    ("day", "zone", "holiday"),
    [
        (datetime.date(2026, 4, 3), "", False),  # Good Friday
        (datetime.date(2026, 4, 3), "57", True),
        (datetime.date(2026, 4, 3), "6AE", True),
        (datetime.date(2026, 12, 26), "6AE", True),
        (datetime.date(2026, 12, 26), "", False),
        (datetime.date(2026, 4, 6), "", True),  # Easter Monday
        (datetime.date(2026, 5, 25), "", True),  # Whit Monday
        (datetime.date(2026, 5, 27), "971", True),
        (datetime.date(2026, 5, 27), "", False),
        (datetime.date(2026, 12, 20), "974", True),
        (datetime.date(2026, 12, 20), "976", False),
        (datetime.date(2026, 4, 27), "976", True),
        (datetime.date(2026, 7, 14), "PF", True),
        (datetime.date(2028, 2, 29), "", False),
        (datetime.date(2026, 12, 31), "", False),
        (datetime.date(2027, 1, 1), "NC", True),
    ],
)
def test_public_holidays_by_zone(day, zone, holiday):
    assert is_public_holiday(day, zone) is holiday


def test_new_reasons_speak_french():
    facts = [
        with_(**CALL, now=NOW, call_refused_at=NOW - datetime.timedelta(days=1)),
        with_(email_restricted=True),
        with_(lawful_basis="consent"),
        with_(append_notice=False, content="Bonjour"),
    ]
    with translation.override("fr"):
        texts = [r.message + r.hint for f in facts for r in decide(f).reasons]
    assert texts
    for english in ("called", "connections only", "basis is", "way to object", "you write"):
        assert not any(english in text for text in texts), texts
