"""The French words of offboarding: "Départs" for the list, "Départ" for one case, and
"Départ en cours" only for an employee whose departure is under way."""

import pytest

from people.models import EmployeeStatus

pytestmark = pytest.mark.django_db

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def test_hr_reads_departs_for_the_list_and_depart_for_one_case(client, hr, open_case, leaver):
    leaver.status = EmployeeStatus.OFFBOARDING  # as from the day their departure starts
    leaver.save(update_fields=["status"])
    client.force_login(hr.user)

    home = client.get("/", **FRENCH).content.decode()
    listing = client.get("/offboarding/", **FRENCH).content.decode()
    case = client.get(f"/offboarding/{open_case.pk}/", **FRENCH).content.decode()

    assert 'aria-current="page">Accueil</a>' in home
    assert ">Départs</a>" in home  # the navigation
    assert "<h1>Départs</h1>" in listing
    assert "<title>Départ · SocialCRM</title>" in case
    assert '<a href="/offboarding/">Départs</a>' in case  # the way back to the list
    # The leaver's status, in HR's employee list: their departure is under way.
    assert '<span class="badge offboarding">Départ en cours</span>' in home
    assert home.count("Départ en cours") == 1


def test_the_english_words_stay(client, hr, open_case):
    client.force_login(hr.user)

    listing = client.get("/offboarding/").content.decode()

    assert "<h1>Offboarding</h1>" in listing
    assert ">Offboarding</a>" in listing
