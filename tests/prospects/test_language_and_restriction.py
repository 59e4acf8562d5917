"""A prospect's notice language (RULES 15), its restricted values (RULES 24), its dates."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from prospects import services
from prospects.models import Prospect
from tests.prospects.conftest import ON_HIRE_DATE

pytestmark = pytest.mark.django_db


def post(client, **body):
    body.setdefault("full_name", "Élodie Durand")
    return client.post("/api/prospects/", body)


# Language


def test_the_language_is_french_unless_said_otherwise(api_as, rep):
    assert post(api_as(rep)).json()["language"] == "fr"
    english = post(api_as(rep), language="en", email="john@example.com")
    assert english.status_code == 201
    assert english.json()["language"] == "en"
    assert Prospect.objects.get(pk=english.json()["id"]).language == "en"


@pytest.mark.parametrize("value", ["de", "", None, "FR", "english", 1, ["fr"], "fr\u200b"])
def test_another_language_is_a_400_naming_it_and_nothing_is_stored(api_as, rep, value):
    response = post(api_as(rep), language=value)
    assert response.status_code == 400
    assert "language" in response.json()
    assert not Prospect.objects.exists()


def test_the_language_is_changed_by_a_patch_and_a_bad_one_changes_nothing(api_as, rep):
    created = post(api_as(rep)).json()
    url = f"/api/prospects/{created['id']}/"
    assert api_as(rep).patch(url, {"language": "en"}).json()["language"] == "en"
    refused = api_as(rep).patch(url, {"language": "es", "company": "Autre SA"})
    assert refused.status_code == 400
    assert "language" in refused.json()
    assert api_as(rep).get(url).json()["language"] == "en"
    assert api_as(rep).get(url).json()["company"] == ""


def test_the_form_sets_the_language_and_the_page_shows_it(client, rep):
    client.force_login(rep.user)
    data = {
        "full_name": "John Smith",
        "kind": "b2b",
        "collected_at": timezone.localdate().isoformat(),
        "profile_visibility_at_collection": "public",
        "language": "en",
    }
    response = client.post(reverse("prospect-new"), data)
    assert response.status_code == 302
    prospect = Prospect.objects.get()
    assert prospect.language == "en"
    page = client.get(reverse("prospect", args=[prospect.pk])).content.decode()
    assert "<dt>Language</dt><dd>English</dd>" in page

    # An edit posted without the field keeps the prospect's language.
    edit = {**data, "full_name": "John R. Smith", "source": "manual"}
    del edit["language"]
    assert client.post(reverse("prospect-edit", args=[prospect.pk]), edit).status_code == 302
    prospect.refresh_from_db()
    assert (prospect.full_name, prospect.language) == ("John R. Smith", "en")
    # A new prospect posted without it is French.
    del data["language"]
    data["full_name"] = "Jean Martin"
    assert client.post(reverse("prospect-new"), data).status_code == 302
    assert sorted(Prospect.objects.values_list("language", flat=True)) == ["en", "fr"]


def test_the_add_form_offers_french_first(client, rep):
    client.force_login(rep.user)
    page = client.get(reverse("prospect-new")).content.decode()
    assert '<option value="fr" selected>' in page


# Restricted values (RULES 24)


@pytest.mark.parametrize(
    ("body", "restricted"),
    [
        ({"email": "a@example.com"}, []),
        ({"email": "a@example.com", "profile_visibility_at_collection": "public"}, []),
        ({"email": "a@example.com", "profile_visibility_at_collection": "restricted"}, ["email"]),
        ({"profile_visibility_at_collection": "restricted"}, []),
        ({"phone": "06 12 34 56 78", "profile_visibility_at_collection": "restricted"}, []),
    ],
)
def test_the_prospect_shows_which_values_are_restricted(api_as, rep, body, restricted):
    response = post(api_as(rep), **body)
    assert response.status_code == 201
    assert response.json()["restricted_values"] == restricted
    listed = api_as(rep).get("/api/prospects/").json()["results"]
    assert listed[0]["restricted_values"] == restricted


def test_restricted_values_cannot_be_written(api_as, rep):
    created = post(
        api_as(rep), email="a@example.com", profile_visibility_at_collection="restricted"
    ).json()
    url = f"/api/prospects/{created['id']}/"
    api_as(rep).patch(url, {"restricted_values": [], "email_restricted": False})
    assert api_as(rep).get(url).json()["restricted_values"] == ["email"]


@pytest.fixture
def imported(rep):
    """A prospect as the LinkedIn import leaves it: a public profile, its e-mail restricted."""
    prospect = services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={"full_name": "Imported Person", "email": "imported@example.com"},
    )
    Prospect.objects.filter(pk=prospect.pk).update(email_restricted=True, source="linkedin_import")
    return prospect


@pytest.mark.parametrize(
    ("change", "restricted"),
    [
        ({"company": "Autre SA"}, ["email"]),
        ({"profile_visibility_at_collection": "public"}, ["email"]),
        ({"profile_visibility_at_collection": "restricted"}, ["email"]),
        ({"email": "IMPORTED@Example.com"}, ["email"]),
        ({"email": "imported.pro@example.com"}, []),
        (
            {"email": "imported.pro@example.com", "profile_visibility_at_collection": "restricted"},
            ["email"],
        ),
        ({"email": ""}, []),
    ],
)
def test_an_edit_keeps_the_restriction_unless_the_rep_enters_another_address(
    api_as, rep, imported, change, restricted
):
    response = api_as(rep).patch(f"/api/prospects/{imported.pk}/", change)
    assert response.status_code == 200, response.json()
    assert response.json()["restricted_values"] == restricted


def test_restricting_the_profile_later_restricts_the_email(api_as, rep):
    created = post(api_as(rep), email="a@example.com").json()
    url = f"/api/prospects/{created['id']}/"
    patched = api_as(rep).patch(url, {"profile_visibility_at_collection": "restricted"})
    assert patched.json()["restricted_values"] == ["email"]


def test_the_page_marks_a_restricted_email(client, rep, imported, create_prospect):
    client.force_login(rep.user)
    page = client.get(reverse("prospect", args=[imported.pk])).content.decode()
    assert 'id="email-restricted"' in page
    assert "visible to connections only" in page
    public = create_prospect(rep, full_name="Public Person", email="public@example.com")
    page = client.get(reverse("prospect", args=[public.pk])).content.decode()
    assert 'id="email-restricted"' not in page


def test_the_page_marks_it_in_french_too(client, rep, imported):
    client.force_login(rep.user)
    page = client.get(
        reverse("prospect", args=[imported.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "visible de ses relations seulement" in page


def test_the_schema_documents_restricted_values_and_language(api_as, rep):
    schema = api_as(rep).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "restricted_values" in schema
    assert "The language of the information notice" in schema


# Dates (API.md v2): collected_at describes the past.


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


@pytest.mark.parametrize(
    ("collected_at", "accepted"),
    [
        ("1969-12-31T23:59:59Z", False),
        ("1970-01-01T00:30:00+01:00", False),  # 23:30 UTC the day before
        ("1970-01-01T00:00:00Z", True),
        ("2024-02-29T12:00:00+01:00", True),  # a leap day
        ("2026-03-29T02:30:00+02:00", True),  # the hour skipped by the DST change in Paris
        ("9999-12-31T12:00:00Z", False),
        ("9999-12-31T23:59:59Z", False),  # past the last date Paris's clock can show
        ("10000-01-01T00:00:00Z", False),
        ("0001-01-01T00:00:00Z", False),
    ],
)
def test_a_collection_date_outside_1970_to_now_is_a_400(api_as, rep, collected_at, accepted):
    response = post(api_as(rep), collected_at=collected_at)
    assert response.status_code == (201 if accepted else 400), response.json()
    if not accepted:
        assert "collected_at" in response.json()
        assert not Prospect.objects.exists()


@pytest.mark.parametrize(("ahead", "accepted"), [(4, True), (6, False), (60 * 24, False)])
def test_a_collection_date_may_run_five_minutes_ahead_of_our_clock(api_as, rep, ahead, accepted):
    moment = timezone.now() + datetime.timedelta(minutes=ahead)
    response = post(api_as(rep), collected_at=_iso(moment))
    assert response.status_code == (201 if accepted else 400)


@pytest.mark.parametrize("collected_at", ["1969-07-20T20:17:00Z", "9999-01-01T00:00:00Z"])
def test_a_patch_with_a_date_out_of_bounds_changes_nothing(api_as, rep, collected_at):
    created = post(api_as(rep), collected_at=_iso(ON_HIRE_DATE)).json()
    url = f"/api/prospects/{created['id']}/"
    response = api_as(rep).patch(url, {"collected_at": collected_at, "company": "Autre SA"})
    assert response.status_code == 400
    assert "collected_at" in response.json()
    after = api_as(rep).get(url).json()
    assert (after["collected_at"], after["company"]) == (created["collected_at"], "")


@pytest.mark.parametrize("collected_at", ["1969-12-31", "9999-12-31"])
def test_the_service_refuses_a_date_out_of_bounds_whoever_calls_it(rep, collected_at):
    moment = timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(collected_at), datetime.time(12))
    )
    with pytest.raises(services.ValidationError) as refused:
        services.prospect_create(
            actor=rep.user, owner=rep, data={"full_name": "X", "collected_at": moment}
        )
    assert "collected_at" in refused.value.message_dict
    assert not Prospect.objects.exists()
