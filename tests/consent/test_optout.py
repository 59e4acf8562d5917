"""The personal one-click objection link's token (RULES 15): short, opaque, unforgeable."""

import base64

import pytest

from consent import optout
from consent.models import ObjectionLink
from tests.factories import ProspectFactory

pytestmark = pytest.mark.django_db


def test_one_token_per_person_and_channel_every_time():
    prospect = ProspectFactory()
    first = optout.token_for(prospect=prospect, channel="email")
    assert optout.token_for(prospect=prospect, channel="email") == first
    assert optout.token_for(prospect=prospect, channel="sms") != first
    assert ObjectionLink.objects.filter(prospect=prospect).count() == 2


def test_the_token_is_short_and_names_nobody():
    prospect = ProspectFactory(email="jeanne.martin@exemple.fr")
    token = optout.token_for(prospect=prospect, channel="email")
    assert len(token) == optout.TOKEN_LENGTH == 24
    raw = base64.urlsafe_b64decode(token)
    for clue in (str(prospect.pk), prospect.pk.hex, "email", "jeanne"):
        assert clue not in token
        assert clue.encode() not in raw
    # Only the digest of the token's tag is stored, never the token.
    assert not ObjectionLink.objects.filter(digest__contains=token).exists()


def test_the_url_opens_the_link_of_its_person_and_channel(settings):
    settings.SITE_URL = "https://crm.exemple.fr"
    prospect = ProspectFactory()
    url = optout.objection_url(prospect=prospect, channel="social_message")
    assert url.startswith("https://crm.exemple.fr/o/") and url.endswith("/")
    link = optout.link_for(url.removeprefix("https://crm.exemple.fr/o/").rstrip("/"))
    assert (link.prospect, link.channel) == (prospect, "social_message")


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t[:-1],  # cut
        lambda t: t + "A",  # lengthened
        lambda t: ("B" if t[0] != "B" else "C") + t[1:],  # tag altered
        lambda t: t[:-1] + ("B" if t[-1] != "B" else "C"),  # signature altered
        lambda t: t.upper(),
        lambda t: "",
        lambda t: "é" * 24,
        lambda t: "=" * 24,
        lambda t: None,
    ],
)
def test_a_damaged_or_forged_token_opens_nothing(damage):
    token = optout.token_for(prospect=ProspectFactory(), channel="email")
    assert optout.link_for(damage(token)) is None


def test_a_token_signed_with_another_key_opens_nothing(settings):
    prospect = ProspectFactory()
    settings.BLIND_INDEX_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
    foreign = optout.token_for(prospect=prospect, channel="email")
    settings.BLIND_INDEX_KEY = base64.urlsafe_b64encode(b"j" * 32).decode()
    assert optout.link_for(foreign) is None


def test_the_link_outlives_its_record_naming_nobody():
    prospect = ProspectFactory()
    token = optout.token_for(prospect=prospect, channel="email")
    prospect.delete()
    link = optout.link_for(token)
    assert link is not None and link.prospect is None
