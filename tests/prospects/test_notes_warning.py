"""RULES 25: notes that seem to hold special categories of data are saved only after a warning.

In the browser the first submit shows the form again with the categories named and a
"save anyway" box; through the API the write is accepted and the answer names them.
Either way ``notes_flagged`` is stored for the DPO's count.
"""

import pytest
import yaml
from django.urls import reverse

from prospects import services
from prospects.models import Prospect
from tests.prospects.test_views import as_, form_data

pytestmark = pytest.mark.django_db

NBSP, NNBSP = "\u00a0", "\u202f"
SICK = f"En arrêt maladie jusqu’en mars{NNBSP}: rappeler en avril."

# (notes as typed, the categories the warning names, as the form says them)
FORM_TABLE = [
    (SICK, ["health"]),
    (f"Délégué syndical CGT{NBSP}; très pratiquant", ["religion", "trade_union"]),
    ("Condamne\u0301 en 2019", ["convictions"]),
]


@pytest.mark.parametrize(("notes", "categories"), FORM_TABLE)
def test_the_add_form_warns_first_and_saves_once_confirmed(client, rep, notes, categories):
    client = as_(client, rep)

    first = client.post(reverse("prospect-new"), form_data(notes=notes))

    assert first.status_code == 400
    assert not Prospect.objects.exists(), "nothing is stored before the rep confirms"
    page = first.content.decode()
    assert 'id="notes-warning"' in page
    assert 'name="confirm_notes"' in page
    assert first.context["form"].notes_warning == categories

    warned = ",".join(categories)
    assert f'name="notes_warned" value="{warned}"' in page
    second = client.post(
        reverse("prospect-new"), form_data(notes=notes, confirm_notes="on", notes_warned=warned)
    )

    assert second.status_code == 302
    stored = Prospect.objects.get()
    assert stored.notes == notes
    assert stored.notes_flagged is True


def test_confirming_covers_the_categories_shown_not_ones_added_since(client, rep):
    client = as_(client, rep)
    shown = client.post(reverse("prospect-new"), form_data(notes=SICK))
    assert shown.context["form"].notes_warning == ["health"]

    more = SICK + " Syndiqué CGT."
    again = client.post(
        reverse("prospect-new"), form_data(notes=more, confirm_notes="on", notes_warned="health")
    )
    assert again.status_code == 400
    assert again.context["form"].notes_warning == ["health", "trade_union"]
    assert not Prospect.objects.exists()

    saved = client.post(
        reverse("prospect-new"),
        form_data(notes=more, confirm_notes="on", notes_warned="health,trade_union"),
    )
    assert saved.status_code == 302
    assert Prospect.objects.get().notes_flagged


def test_the_warning_names_the_categories_in_words(client, rep):
    page = as_(client, rep).post(reverse("prospect-new"), form_data(notes=SICK)).content.decode()
    assert "These notes may hold special categories of data:" in page
    assert "health" in page


@pytest.mark.parametrize(
    "notes",
    [
        "Met at the Lyon fair",
        "",
        "Gère le syndicat de copropriété",
        "Politique tarifaire agressive",
    ],
)
def test_ordinary_notes_are_saved_at_once_without_a_warning(client, rep, notes):
    response = as_(client, rep).post(reverse("prospect-new"), form_data(notes=notes))
    assert response.status_code == 302
    assert Prospect.objects.get().notes_flagged is False


def test_editing_warns_only_when_the_notes_change(client, rep):
    prospect = services.prospect_create(
        actor=rep.user, owner=rep, data={"full_name": "Élodie Durand", "notes": SICK}
    )
    assert prospect.notes_flagged
    client = as_(client, rep)
    url = reverse("prospect-edit", args=[prospect.pk])
    unchanged = form_data(email="", notes=SICK, collected_at=prospect.collected_at.date())

    # Another field edited, the flagged notes as they were: no new warning.
    response = client.post(url, {**unchanged, "company": "Durand & Fils"})
    assert response.status_code == 302

    # New sensitive words: the warning again, and nothing changed.
    changed = {**unchanged, "company": "Autre", "notes": SICK + " Catholique pratiquant."}
    warned = client.post(url, changed)
    assert warned.status_code == 400
    assert warned.context["form"].notes_warning == ["health", "religion"]
    prospect.refresh_from_db()
    assert prospect.company == "Durand & Fils"

    # Notes cleaned up: saved at once, and no longer flagged.
    cleaned = client.post(url, {**unchanged, "notes": "Rappeler en avril."})
    assert cleaned.status_code == 302
    prospect.refresh_from_db()
    assert prospect.notes_flagged is False


# Through the API: accepted, the answer says so.


def test_the_api_accepts_flagged_notes_and_names_the_categories(api_as, rep):
    client = api_as(rep)
    created = client.post(
        "/api/prospects/",
        {"full_name": "Élodie Durand", "notes": f"Syndiquée CGT{NBSP}; enceinte"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["notes_warning"] == ["health", "trade_union"]
    prospect = Prospect.objects.get()
    assert prospect.notes_flagged

    patched = client.patch(
        f"/api/prospects/{prospect.pk}/", {"notes": "Rappeler en avril."}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["notes_warning"] == []
    prospect.refresh_from_db()
    assert not prospect.notes_flagged


def test_a_write_without_notes_keeps_the_flag_and_says_so(api_as, rep):
    client = api_as(rep)
    pk = client.post(
        "/api/prospects/", {"full_name": "Élodie Durand", "notes": SICK}, format="json"
    ).json()["id"]
    patched = client.patch(f"/api/prospects/{pk}/", {"company": "Durand SA"}, format="json")
    assert patched.json()["notes_warning"] == ["health"]
    assert Prospect.objects.get(pk=pk).notes_flagged


def test_ordinary_notes_answer_an_empty_warning(api_as, rep):
    created = api_as(rep).post(
        "/api/prospects/", {"full_name": "Élodie Durand", "notes": "Salon de Lyon"}, format="json"
    )
    assert created.json()["notes_warning"] == []
    assert not Prospect.objects.get().notes_flagged


def test_the_schema_documents_the_warning(api_as, dpo):
    response = api_as(dpo).get("/api/schema/", {"format": "json"})
    schema = yaml.safe_load(response.content)
    components = schema["components"]["schemas"]
    field = components["Prospect"]["properties"]["notes_warning"]
    assert field["readOnly"] is True
    enum = components[field["items"]["$ref"].rsplit("/", 1)[-1]]["enum"]
    assert set(enum) >= {"health", "religion", "trade_union", "convictions"}


def test_the_warning_reads_in_french(client, rep):
    client = as_(client, rep)
    client.cookies["django_language"] = "fr"
    page = client.post(
        reverse("prospect-new"), form_data(notes=SICK), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Ces notes peuvent contenir des catégories particulières de données" in page
    assert "santé" in page
    assert "Enregistrer ces notes malgré tout" in page
