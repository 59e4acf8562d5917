"""The French UI: chosen by cookie or browser, and a catalogue with nothing left in English."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"


def test_the_language_cookie_turns_the_login_page_french(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="fr">' in page
    assert "Nom d’utilisateur" in page
    assert "Mot de passe" in page
    assert "Se connecter" in page


def test_a_french_browser_gets_the_french_login_page(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    assert "Connexion" in page.content.decode()


def test_english_stays_the_default(client):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page
    assert "Password" in page


@pytest.mark.django_db
def test_the_home_page_is_french_for_a_rep(client, rep):
    client.force_login(rep.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("home")).content.decode()
    assert "Accueil" in page
    assert "Mes comptes sociaux" in page
    assert "Commercial" in page
    assert "Se déconnecter" in page


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: flags, msgctxt, msgid, msgid_plural and each msgstr.

    Enough of the format for a catalogue written by makemessages: obsolete
    entries (``#~``) are skipped, strings are C-quoted and may span lines.
    """
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += value
            else:
                entry[key[0]] += value
        else:
            keyword, _, value = line.partition(" ")
            text = ast.literal_eval(value)
            if keyword.startswith("msgstr"):
                index = keyword[len("msgstr[") : -1] if "[" in keyword else "0"
                key = ("msgstr", index)
                entry["msgstr"][index] = text
            else:
                key = (keyword, None)
                entry[keyword] = text
    return entries


def test_every_french_message_is_translated_and_none_is_fuzzy():
    entries = po_entries(CATALOGUE / "django.po")
    assert len(entries) > 1, "the French catalogue is empty"
    # A fuzzy header too: msgfmt would drop it, and the charset with it.
    fuzzy = [e["msgid"] or "(header)" for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries if e["msgid"] and not all(e["msgstr"].values())]
    assert not untranslated, f"translate these in django.po: {untranslated}"
    assert not fuzzy, f"review these fuzzy entries in django.po: {fuzzy}"


def compiled_translation(catalogue: gettext.GNUTranslations, entry: dict, index: str) -> str:
    if "msgid_plural" in entry:
        # French plural forms: index 0 for 0 and 1, index 1 from 2 on.
        count = 1 if index == "0" else 2
        if "msgctxt" in entry:
            return catalogue.npgettext(
                entry["msgctxt"], entry["msgid"], entry["msgid_plural"], count
            )
        return catalogue.ngettext(entry["msgid"], entry["msgid_plural"], count)
    if "msgctxt" in entry:
        return catalogue.pgettext(entry["msgctxt"], entry["msgid"])
    return catalogue.gettext(entry["msgid"])


def test_the_compiled_catalogue_matches_the_po_file():
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        entry["msgid"]
        for entry in po_entries(CATALOGUE / "django.po")
        if entry["msgid"]
        for index, msgstr in entry["msgstr"].items()
        if compiled_translation(compiled, entry, index) != msgstr
    ]
    assert not stale, f"run `make messages` (compilemessages) after editing django.po: {stale}"
