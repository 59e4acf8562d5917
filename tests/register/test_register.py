"""The register of processing (art. 30): seeded activities, API, exports, pages."""

import csv
import io
import json

import pytest

from audit.models import AuditEvent
from register.models import ProcessingActivity
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

SEEDED = ["social-selling", "dsar-handling", "charters-training", "offboarding-transfers"]


def test_the_register_starts_with_the_four_activities_the_app_carries_out(api_as, dpo):
    response = api_as(dpo).get("/api/register/")

    assert response.status_code == 200
    activities = response.json()
    assert [a["slug"] for a in activities] == SEEDED
    selling = activities[0]
    assert selling["name_en"] == "Social selling prospecting"
    assert selling["name_fr"] == "Prospection par social selling"
    assert "Legitimate interest" in selling["lawful_basis_en"]
    assert "3 years" in selling["retention_en"]
    for activity in activities:
        for field in (
            "controller",
            "dpo_contact",
            "purposes_en",
            "purposes_fr",
            "data_subjects_en",
            "data_categories_fr",
            "recipients_en",
            "transfers_fr",
            "security_measures_en",
            "created_at",
            "updated_at",
        ):
            assert activity[field], (activity["slug"], field)


@pytest.mark.parametrize("role", ["dpo", "admin"])
def test_the_dpo_and_administrators_read_the_register(api_as, role):
    assert api_as(EmployeeFactory(role=role)).get("/api/register/").status_code == 200


@pytest.mark.parametrize("role", ["rep", "manager", "hr"])
@pytest.mark.parametrize("path", ["/api/register/", "/api/register/export/?format=json"])
def test_other_roles_are_refused(api_as, role, path):
    response = api_as(EmployeeFactory(role=role)).get(path)

    assert response.status_code == 403
    assert "social-selling" not in response.content.decode()


def test_the_csv_export_has_one_row_per_activity_in_both_languages(api_as, dpo):
    response = api_as(dpo).get("/api/register/export/?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="register-of-processing-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["slug"] for row in rows] == SEEDED
    assert rows[0]["purposes_fr"].startswith("Identifier et contacter des prospects")
    assert {"controller", "dpo_contact", "transfers_en", "retention_fr"} <= set(rows[0])


def test_the_json_export_is_the_register_as_a_file(api_as, dpo):
    response = api_as(dpo).get("/api/register/export/?format=json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].endswith('.json"')
    activities = json.loads(response.content)
    assert [a["slug"] for a in activities] == SEEDED
    assert activities[1]["name_fr"] == "Traitement des demandes d’exercice de droits"


@pytest.mark.parametrize("query", ["?format=xml", "?format=", ""])
def test_an_unknown_or_missing_format_is_a_400_naming_format(api_as, dpo, query):
    response = api_as(dpo).get(f"/api/register/export/{query}")

    assert response.status_code == 400
    assert "format" in response.json()


def test_a_spreadsheet_formula_is_exported_as_text(api_as, dpo):
    ProcessingActivity.objects.filter(slug="social-selling").update(
        recipients_en='=HYPERLINK("http://evil.example")'
    )

    response = api_as(dpo).get("/api/register/export/?format=csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["recipients_en"].startswith("'=HYPERLINK")


def test_the_printable_page_shows_every_activity_in_the_readers_language(client, dpo):
    client.force_login(dpo.user)

    english = client.get("/register/").content.decode()
    client.cookies["django_language"] = "fr"
    french = client.get("/register/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Social selling prospecting" in english
    assert "Offboarding transfers" in english
    assert "dashboard/print.css" in english
    assert "Prospection par social selling" in french
    assert "Transferts au départ d’un collaborateur" in french


@pytest.mark.parametrize("role", ["rep", "manager", "hr"])
def test_other_roles_cannot_open_the_register_page(client, role):
    client.force_login(EmployeeFactory(role=role).user)

    assert client.get("/register/").status_code == 403


def test_the_dpo_edits_an_activity_and_the_change_is_audited(client, dpo):
    activity = ProcessingActivity.objects.get(slug="social-selling")
    client.force_login(dpo.user)
    form = client.get(f"/register/{activity.pk}/edit/").context["form"]
    data = {name: value or "" for name, value in form.initial.items() if name in form.fields}
    data["recipients_en"] = "The sales rep, their manager and the DPO; the CRM host (processor)."

    response = client.post(f"/register/{activity.pk}/edit/", data)

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.recipients_en.endswith("the CRM host (processor).")
    event = AuditEvent.objects.filter(object_type="register.processingactivity").latest("id")
    assert event.action == "changed"
    assert event.fields == ["recipients_en"]
    assert event.actor == dpo.user


def test_a_required_field_left_empty_saves_nothing(client, dpo):
    activity = ProcessingActivity.objects.get(slug="dsar-handling")
    client.force_login(dpo.user)
    form = client.get(f"/register/{activity.pk}/edit/").context["form"]
    data = {name: value or "" for name, value in form.initial.items() if name in form.fields}
    data["purposes_en"] = ""

    response = client.post(f"/register/{activity.pk}/edit/", data)

    assert response.status_code == 200
    assert "purposes_en" in response.context["form"].errors
    activity.refresh_from_db()
    assert activity.purposes_en


def test_the_dpo_adds_an_activity(client, dpo):
    client.force_login(dpo.user)
    data = {
        name: f"{name} text"
        for name in client.get("/register/new/").context["form"].fields
        if name != "slug"
    }
    data["slug"] = "newsletter"

    response = client.post("/register/new/", data)

    assert response.status_code == 302
    assert ProcessingActivity.objects.filter(slug="newsletter").exists()
    assert AuditEvent.objects.filter(
        object_type="register.processingactivity", action="created"
    ).exists()


@pytest.mark.parametrize("role", ["admin", "rep", "hr"])
def test_only_the_dpo_edits_the_register(client, role):
    activity = ProcessingActivity.objects.get(slug="social-selling")
    client.force_login(EmployeeFactory(role=role).user)

    assert client.get(f"/register/{activity.pk}/edit/").status_code == 403
    assert client.post("/register/new/", {"slug": "x"}).status_code == 403


def test_the_register_list_costs_the_same_queries_whatever_its_length(
    api_as, dpo, django_assert_num_queries
):
    client = api_as(dpo)
    client.get("/api/register/")
    with django_assert_num_queries(2) as first:
        client.get("/api/register/")
    ProcessingActivity.objects.create(
        **{
            field.name: "x"
            for field in ProcessingActivity._meta.concrete_fields
            if field.name not in ("id", "created_at", "updated_at")
        }
        | {"slug": "another"}
    )
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(client.get("/api/register/").json()) == 5
