"""Every count on the DPO's dashboard links to the list behind it, and the lists agree."""

import datetime
import re

import pytest
from django.db.models import Q
from django.utils import timezone

from dashboard import selectors
from prospects.models import Prospect
from tests.factories import ProspectFactory

pytestmark = pytest.mark.django_db


def tile(page: str, tile_id: str) -> str:
    match = re.search(
        rf'<a class="[^"]*" id="{tile_id}" href="([^"]+)"><span class="figure">(\d+)', page
    )
    assert match, tile_id
    return match.group(1).replace("&amp;", "&"), int(match.group(2))


def test_the_notice_and_retention_tiles_link_to_the_filtered_prospect_list(client, dpo, world):
    client.force_login(dpo.user)

    page = client.get("/dpo/").content.decode()

    assert tile(page, "tile-notice-overdue") == ("/prospects/?notice=overdue", 1)
    assert tile(page, "tile-notice-due") == ("/prospects/?notice=due", 1)
    # Ending within 30 days (two) or already over (one): the list behind holds all three.
    assert tile(page, "tile-retention-due") == ("/prospects/?retention=due", 3)
    assert "2 ending soon · 1 over (awaiting purge)" in page


def test_the_dsar_and_offboarding_counts_are_links(client, dpo, world):
    client.force_login(dpo.user)

    page = client.get("/dpo/").content.decode()

    assert '<a class="figure" href="/dsar/?status=open">3</a>' in page
    assert '<a href="/dsar/?due=soon">1 due soon</a>' in page
    assert '<a href="/dsar/?due=overdue">1 overdue</a>' in page
    assert '<a class="tile tile-link" href="/offboarding/"><span class="figure">1</span>' in page
    assert 'href="/privacy/suppression/"><span class="figure">3</span>' in page


def test_reason_codes_are_named_in_french_too(client, dpo, world):
    client.force_login(dpo.user)
    client.cookies["django_language"] = "fr"

    page = client.get("/dpo/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "no_opt_in" not in page
    assert "charter_missing" not in page
    assert '<th scope="row">Pas de consentement préalable</th><td>2</td>' in page


@pytest.mark.parametrize(
    ("due_in", "sent", "overdue", "due"),
    [
        (-1, False, True, False),  # the deadline passed yesterday
        (0, False, False, True),  # the deadline is this very moment: not yet overdue
        (1, False, False, True),  # due tomorrow
        (-1, True, False, False),  # sent: neither
        (None, False, False, False),  # no deadline recorded
    ],
)
def test_notice_definitions_at_their_edges(due_in, sent, overdue, due):
    now = timezone.now()
    ProspectFactory(
        notice_due_at=None if due_in is None else now + datetime.timedelta(days=due_in),
        notice_sent_at=now if sent else None,
    )

    assert Prospect.objects.filter(selectors.notice_overdue_q(now=now)).exists() is overdue
    assert Prospect.objects.filter(selectors.notice_due_q(now=now)).exists() is due


@pytest.mark.parametrize(("ends_in", "counted"), [(-1, True), (0, True), (30, True), (31, False)])
def test_retention_due_covers_the_warning_window_and_the_past(ends_in, counted):
    today = timezone.localdate()
    ProspectFactory(retention_until=today + datetime.timedelta(days=ends_in))

    found = Prospect.objects.filter(selectors.retention_due_q(today=today))

    assert found.exists() is counted


def test_the_tiles_count_what_their_definitions_select(world):
    now = timezone.now()
    figures = selectors.provenance_dashboard(now=now)
    today = timezone.localdate(now)

    def count(q: Q) -> int:
        return Prospect.objects.filter(q).count()

    assert figures["notice_overdue"] == count(selectors.notice_overdue_q(now=now))
    assert figures["notice_due"] == count(selectors.notice_due_q(now=now))
    assert figures["retention"]["due"] == count(selectors.retention_due_q(today=today))
