"""The rep's prospect pages: the list, adding and editing, one prospect, deleting, importing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from imports.models import ImportJob
from prospects import services
from prospects.models import Prospect, ValueHistory
from tests.factories import EmployeeFactory, OppositionFactory, SocialAccountFactory
from tests.imports.conftest import connection_line, connections_csv
from tests.prospects.conftest import BEFORE_HIRE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_in_process():
    """Imports run in-process even with a broker configured: the job is done when we look."""
    from socialcrm.celery import app

    previous = app.conf.task_always_eager
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def as_(client, employee) -> Client:
    client.force_login(employee.user)
    return client


def form_data(**values) -> dict:
    data = {
        "full_name": "Élodie Durand",
        "company": "Durand SA",
        "job_title": "CFO",
        "kind": "b2b",
        "email": "elodie.durand@example.com",
        "phone": "",
        "profile_url": "",
        "network": "linkedin",
        "social_account": "",
        "source": "business card",
        "collected_at": timezone.localdate().isoformat(),
        "lawful_basis": "legitimate_interest",
        "profile_visibility_at_collection": "public",
        "notes": "Met at the Lyon fair",
    }
    data.update(values)
    return data


def rows(response) -> int:
    return response.content.decode().count('<td class="name"><a href="/prospects/')


# The list


def test_the_list_needs_a_login(client):
    response = client.get(reverse("prospects"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_rep_sees_their_own_prospects_only_without_an_owner_column(
    client, team, outsider, create_prospect
):
    create_prospect(team["rep"], full_name="Élodie Durand", company="Durand SA")
    create_prospect(team["teammate"], full_name="Teammate Contact")
    create_prospect(outsider, full_name="Outsider Contact")

    page = as_(client, team["rep"]).get(reverse("prospects")).content.decode()

    assert "Élodie Durand" in page
    assert "Durand SA" in page
    assert "Teammate Contact" not in page
    assert "Outsider Contact" not in page
    assert ">Owner<" not in page
    assert '<span class="badge employment">Gathered during employment</span>' in page


def test_a_manager_sees_the_team_with_an_owner_column(
    client, manager, team, outsider, create_prospect
):
    create_prospect(team["rep"], full_name="Élodie Durand")
    create_prospect(team["teammate"], full_name="Teammate Contact")
    create_prospect(outsider, full_name="Outsider Contact")

    page = as_(client, manager).get(reverse("prospects")).content.decode()

    assert "Team prospects" in page
    assert ">Owner<" in page
    assert "Élodie Durand" in page
    assert team["teammate"].username in page
    assert "Teammate Contact" in page
    assert "Outsider Contact" not in page


def test_the_dpo_sees_every_prospect_and_cannot_add_from_the_list(
    client, dpo, rep, outsider, create_prospect
):
    create_prospect(rep, full_name="Élodie Durand")
    create_prospect(outsider, full_name="Outsider Contact")

    page = as_(client, dpo).get(reverse("prospects")).content.decode()

    assert "Élodie Durand" in page
    assert "Outsider Contact" in page
    assert reverse("prospect-new") not in page


def test_an_empty_list_invites_to_add_or_import(client, rep):
    page = as_(client, rep).get(reverse("prospects")).content.decode()
    assert "No prospects yet — " in page
    assert f'<a href="{reverse("prospect-new")}">add one</a>' in page
    assert f'<a href="{reverse("prospect-import")}">import your LinkedIn connections</a>' in page


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("durand", "Élodie Durand"),
        ("ELODIE", "Élodie Durand"),
        ("Acme", "Jean Martin"),
        ("Jean.Martin@Example.com", "Jean Martin"),
        ("06 12 34 56 78", "Élodie Durand"),
    ],
)
def test_the_search_finds_names_companies_and_exact_identifiers(
    client, rep, create_prospect, q, found
):
    create_prospect(rep, full_name="Élodie Durand", phone="+33 6 12 34 56 78")
    create_prospect(rep, full_name="Jean Martin", company="Acme", email="jean.martin@example.com")

    response = as_(client, rep).get(reverse("prospects"), {"q": q})

    assert rows(response) == 1
    assert found in response.content.decode()


def test_a_search_without_results_says_so_and_offers_the_whole_list(client, rep, create_prospect):
    create_prospect(rep, full_name="Élodie Durand")
    page = as_(client, rep).get(reverse("prospects"), {"q": "nobody"}).content.decode()
    assert "No prospect matches this search." in page
    assert "No prospects yet" not in page


def test_the_filters_narrow_the_list(client, rep, create_prospect):
    create_prospect(rep, full_name="Old Friend", collected_at=BEFORE_HIRE, network="linkedin")
    create_prospect(rep, full_name="New Lead", network="x", lawful_basis="consent", kind="b2c")
    client = as_(client, rep)

    def names(**filters):
        page = client.get(reverse("prospects"), filters).content.decode()
        return [name for name in ("Old Friend", "New Lead") if name in page]

    assert names(provenance="pre_hire") == ["Old Friend"]
    assert names(provenance="employment") == ["New Lead"]
    assert names(network="x") == ["New Lead"]
    assert names(kind="b2c") == ["New Lead"]
    assert names(lawful_basis="consent") == ["New Lead"]
    # A tampered value is ignored rather than failing the page.
    assert names(network="myspace") == ["Old Friend", "New Lead"]


def test_the_list_pages_by_25_and_the_page_links_keep_the_filters(client, rep, create_prospect):
    for n in range(30):
        create_prospect(rep, full_name=f"Person Number{n}", company="Acme")
    client = as_(client, rep)

    first = client.get(reverse("prospects"), {"q": "Acme", "network": ""})
    second = client.get(reverse("prospects"), {"q": "Acme", "page": 2})

    assert rows(first) == 25
    assert "?q=Acme&amp;network=&amp;page=2" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    assert rows(second) == 5
    assert "?q=Acme&amp;page=1" in second.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_for_3_or_30_prospects(
    client, manager, team, create_prospect, django_assert_num_queries, count
):
    for n in range(count):
        owner = team["rep"] if n % 2 else team["teammate"]
        create_prospect(owner, full_name=f"Person Number{n}", company="Acme")
    client.force_login(manager.user)
    # Session, user, employee, shares, team, count, page, the page's consents, the owner
    # filter's team, saved filters: the same whatever the number of prospects.
    with django_assert_num_queries(10):
        response = client.get(reverse("prospects"), {"q": "Acme"})
    assert rows(response) == min(count, 25)


@pytest.mark.parametrize("name", ["prospects", "prospect-new", "prospect-import"])
def test_hr_never_reaches_the_prospect_pages(client, hr, name):
    assert as_(client, hr).get(reverse(name)).status_code == 403


def test_hr_gets_a_404_on_a_prospect(client, hr, prospect):
    client = as_(client, hr)
    for name in ("prospect", "prospect-edit", "prospect-delete"):
        assert client.get(reverse(name, args=[prospect.pk])).status_code in (403, 404)


# Adding


def test_the_add_form_offers_only_the_reps_own_accounts_and_today_by_default(client, rep):
    mine = SocialAccountFactory(employee=rep, handle="alice-sells")
    SocialAccountFactory(handle="someone-elses")

    page = as_(client, rep).get(reverse("prospect-new")).content.decode()

    assert f'value="{mine.pk}"' in page
    assert "alice-sells" in page
    assert "someone-elses" not in page
    assert f'value="{timezone.localdate().isoformat()}"' in page
    assert "Collected before your hire date? It stays yours: pre-hire network" in page


def test_a_rep_adds_a_prospect_and_lands_on_its_page(client, rep):
    account = SocialAccountFactory(employee=rep, network="linkedin")
    response = as_(client, rep).post(
        reverse("prospect-new"), form_data(social_account=account.pk, contributed="")
    )

    prospect = Prospect.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("prospect", args=[prospect.pk])
    assert prospect.owner == rep
    assert prospect.email == "elodie.durand@example.com"
    assert prospect.social_account == account
    assert prospect.source == "business card"
    assert prospect.provenance == "employment"
    assert timezone.localdate(prospect.collected_at) == timezone.localdate()
    assert set(prospect.history.values_list("field", flat=True)) == {
        "full_name",
        "company",
        "job_title",
        "email",
        "notes",
    }


def test_a_contact_from_before_the_hire_is_pre_hire_and_can_be_contributed(client, rep):
    as_(client, rep).post(
        reverse("prospect-new"), form_data(collected_at="2024-02-29", contributed="on")
    )
    prospect = Prospect.objects.get()
    assert prospect.provenance == "pre_hire"
    assert prospect.contributed
    assert timezone.localdate(prospect.collected_at) == datetime.date(2024, 2, 29)


def test_missing_fields_are_named_and_what_was_typed_is_kept(client, rep):
    response = as_(client, rep).post(
        reverse("prospect-new"), form_data(full_name="", collected_at="")
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert not Prospect.objects.exists()
    assert 'id="id_full_name_error"' in page
    assert 'id="id_collected_at_error"' in page
    assert 'value="elodie.durand@example.com"' in page
    assert "Nothing was stored: correct the fields marked below." in page


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"collected_at": "2999-01-01"}, "collected_at"),
        ({"email": "not an address"}, "email"),
        ({"collected_at": "1969-12-31"}, "collected_at"),
        ({"collected_at": "9999-12-31"}, "collected_at"),
        ({"language": "de"}, "language"),
        ({"contributed": "on"}, "contributed"),
    ],
)
def test_the_services_refusals_are_shown_next_to_their_field(client, rep, values, field):
    response = as_(client, rep).post(reverse("prospect-new"), form_data(**values))
    page = response.content.decode()

    assert response.status_code == 400
    assert not Prospect.objects.exists()
    assert f'id="id_{field}_error"' in page
    assert 'value="Élodie Durand"' in page


def test_a_colleagues_social_account_is_refused(client, rep, teammate):
    theirs = SocialAccountFactory(employee=teammate)
    response = as_(client, rep).post(reverse("prospect-new"), form_data(social_account=theirs.pk))
    assert response.status_code == 400
    assert 'id="id_social_account_error"' in response.content.decode()
    assert not Prospect.objects.exists()


def test_a_person_who_objected_is_not_stored_and_the_rep_is_told(client, rep):
    OppositionFactory(value="elodie.durand@example.com")
    response = as_(client, rep).post(reverse("prospect-new"), form_data())
    page = response.content.decode()

    assert response.status_code == 400
    assert not Prospect.objects.exists()
    assert "This person has objected to being prospected." in page
    assert "Nothing was stored" in page
    assert 'value="Élodie Durand"' in page


def test_a_duplicate_links_to_the_existing_prospect_when_visible(client, rep, create_prospect):
    existing = create_prospect(rep, email="elodie.durand@example.com")
    response = as_(client, rep).post(
        reverse("prospect-new"), form_data(email="Elodie.Durand@Example.com")
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert Prospect.objects.count() == 1
    assert "This person is already in the CRM." in page
    assert f'href="{reverse("prospect", args=[existing.pk])}"' in page


def test_a_duplicate_does_not_name_a_prospect_the_rep_cannot_see(
    client, rep, outsider, create_prospect
):
    hidden = create_prospect(outsider, email="elodie.durand@example.com")
    page = as_(client, rep).post(reverse("prospect-new"), form_data()).content.decode()

    assert "This person is already in the CRM." in page
    assert str(hidden.pk) not in page


def test_the_add_form_refuses_a_post_without_csrf_token(rep):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep.user)
    assert client.post(reverse("prospect-new"), form_data()).status_code == 403
    assert not Prospect.objects.exists()


# Editing


def test_the_edit_form_shows_the_decrypted_values(client, rep, prospect):
    page = as_(client, rep).get(reverse("prospect-edit", args=[prospect.pk])).content.decode()
    assert 'value="elodie.durand@example.com"' in page
    assert 'value="Élodie Durand"' in page
    assert 'value="2024-03-01"' in page


def test_an_edit_changes_only_what_was_changed(client, rep, prospect):
    before = prospect.history.count()
    data = form_data(
        full_name="Élodie Durand",
        company="Durand & Fils",
        job_title="",
        notes="",
        source="manual",
        collected_at="2024-03-01",
        network="",
        lawful_basis="",
    )
    response = as_(client, rep).post(reverse("prospect-edit", args=[prospect.pk]), data)

    assert response.status_code == 302
    prospect.refresh_from_db()
    assert prospect.company == "Durand & Fils"
    assert prospect.provenance == "employment"
    assert list(prospect.history.values_list("field", flat=True)[before:]) == ["company"]


def test_an_edit_to_another_prospects_email_is_a_duplicate(client, rep, prospect, create_prospect):
    other = create_prospect(rep, full_name="Jean Martin", email="jean.martin@example.com")
    data = form_data(email="jean.martin@example.com", collected_at="2024-03-01")
    response = as_(client, rep).post(reverse("prospect-edit", args=[prospect.pk]), data)

    assert response.status_code == 400
    assert f'href="{reverse("prospect", args=[other.pk])}"' in response.content.decode()
    prospect.refresh_from_db()
    assert prospect.email == "elodie.durand@example.com"


def test_an_edit_to_an_opposed_email_stores_nothing(client, rep, prospect):
    OppositionFactory(value="opposed@example.com")
    data = form_data(email="opposed@example.com", collected_at="2024-03-01")
    response = as_(client, rep).post(reverse("prospect-edit", args=[prospect.pk]), data)

    assert response.status_code == 400
    assert "This person has objected to being prospected." in response.content.decode()
    prospect.refresh_from_db()
    assert prospect.email == "elodie.durand@example.com"


def test_a_manager_edits_the_teams_prospects(client, manager, prospect):
    data = form_data(company="Managed", collected_at="2024-03-01")
    response = as_(client, manager).post(reverse("prospect-edit", args=[prospect.pk]), data)
    assert response.status_code == 302
    prospect.refresh_from_db()
    assert prospect.company == "Managed"


def test_a_prospect_shared_for_reading_cannot_be_edited_or_deleted(client, rep, outsider, prospect):
    services.prospect_share(actor=rep.user, prospect=prospect, with_employee=outsider)
    client = as_(client, outsider)

    page = client.get(reverse("prospect", args=[prospect.pk]))
    assert page.status_code == 200
    assert reverse("prospect-edit", args=[prospect.pk]) not in page.content.decode()
    assert client.get(reverse("prospect-edit", args=[prospect.pk])).status_code == 403
    assert client.post(reverse("prospect-delete", args=[prospect.pk])).status_code == 403
    assert Prospect.objects.filter(pk=prospect.pk).exists()


@pytest.mark.parametrize("name", ["prospect", "prospect-edit", "prospect-delete"])
def test_outsiders_get_a_404(client, outsider, prospect, name):
    response = as_(client, outsider).get(reverse(name, args=[prospect.pk]))
    assert response.status_code == 404


# One prospect


def test_the_prospect_page_shows_values_provenance_deadlines_and_the_timeline(
    client, rep, prospect
):
    services.prospect_update(actor=rep.user, prospect=prospect, data={"phone": "+33612345678"})

    page = as_(client, rep).get(reverse("prospect", args=[prospect.pk])).content.decode()

    assert "elodie.durand@example.com" in page
    assert "+33612345678" in page
    assert '<span class="badge employment">Gathered during employment</span>' in page
    assert "Kept until" in page
    assert "due by" in page
    timeline = page[page.index('<ol class="timeline">') :]
    # Newest first: the phone added today comes before the values of the collection.
    assert timeline.index("Phone") < timeline.index("Full name")
    assert rep.username in timeline


def test_the_contact_panel_is_loaded_only_where_it_exists(client, rep, prospect):
    page = as_(client, rep).get(reverse("prospect", args=[prospect.pk])).content.decode()
    try:
        url = reverse("contact-panel", args=[prospect.pk])
    except NoReverseMatch:
        assert 'id="contact-panel"' not in page
    else:
        assert f'<section id="contact-panel" hx-get="{url}" hx-trigger="load">' in page


def test_the_dpo_reads_a_prospect_and_the_read_is_audited(client, dpo, prospect):
    from audit.models import AuditEvent

    response = as_(client, dpo).get(reverse("prospect", args=[prospect.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(actor=dpo.user, object_id=str(prospect.pk)).exists()


# Deleting


def test_delete_asks_for_confirmation_then_deletes_on_post(client, rep, prospect):
    client = as_(client, rep)
    confirm = client.get(reverse("prospect-delete", args=[prospect.pk]))
    assert confirm.status_code == 200
    assert "Delete Élodie Durand?" in confirm.content.decode()
    assert Prospect.objects.filter(pk=prospect.pk).exists()

    response = client.post(reverse("prospect-delete", args=[prospect.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("prospects")
    assert not Prospect.objects.filter(pk=prospect.pk).exists()
    assert not ValueHistory.objects.filter(prospect_id=prospect.pk).exists()


def test_delete_refuses_a_post_without_csrf_token(rep, prospect):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep.user)
    assert client.post(reverse("prospect-delete", args=[prospect.pk])).status_code == 403
    assert Prospect.objects.filter(pk=prospect.pk).exists()


# Importing


def upload(content: bytes) -> dict:
    return {"file": SimpleUploadedFile("Connections.csv", content, content_type="text/csv")}


def test_an_upload_redirects_to_its_job_which_shows_the_final_counts(
    client, rep, create_prospect, django_capture_on_commit_callbacks
):
    create_prospect(rep, profile_url="https://www.linkedin.com/in/person-2")
    lines = [
        connection_line(1),
        connection_line(2),
        connection_line(3, connected_on="31 Feb 2024"),
        connection_line(4, connected_on="15 Jan 2023"),
    ]
    client = as_(client, rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("prospect-import"), upload(connections_csv(lines)))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import-job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert '<progress max="4" value="4">' in page
    assert 'data-counter="created">2<' in page
    assert 'data-counter="duplicates">1<' in page
    assert 'data-counter="rejected">1<' in page
    assert "<td>8</td>" in page  # the bad date's line, after LinkedIn's notes and the header
    assert "every 1s" not in page
    assert reverse("prospects") in page


def test_a_running_import_polls_its_progress_until_it_ends(client, rep):
    job = ImportJob.objects.create(owner=rep, status="running", total=10, processed=4, cursor=4)
    client = as_(client, rep)

    running = client.get(reverse("import-job-progress", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("import-job-progress", args=[job.pk])}"' in running
    assert 'hx-trigger="every 1s"' in running
    assert '<progress max="10" value="4">' in running

    ImportJob.objects.filter(pk=job.pk).update(status="done", processed=10, cursor=10)
    done = client.get(reverse("import-job-progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in done
    assert "Done: 0 prospects added." in done


def test_an_upload_without_a_file_is_named_next_to_the_field(client, rep):
    response = as_(client, rep).post(reverse("prospect-import"), {})
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_import_refuses_a_post_without_csrf_token(rep):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep.user)
    response = client.post(reverse("prospect-import"), upload(connections_csv([])))
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_an_import_job_is_its_owners_and_the_dpos_only(client, rep, outsider, dpo):
    job = ImportJob.objects.create(owner=rep)
    url = reverse("import-job", args=[job.pk])
    assert as_(Client(), outsider).get(url).status_code == 404
    assert as_(Client(), dpo).get(url).status_code == 200
    assert as_(client, rep).get(url).status_code == 200


def test_the_dpo_cannot_import(client, dpo):
    assert as_(client, dpo).get(reverse("prospect-import")).status_code == 403


def test_an_offboarding_rep_cannot_import(client):
    leaving = EmployeeFactory(role="rep", status="offboarding")
    assert as_(client, leaving).get(reverse("prospect-import")).status_code == 403


@pytest.mark.parametrize(("role", "has_panel"), [("rep", True), ("dpo", False), ("admin", False)])
def test_the_contact_panel_loads_for_those_who_contact_people_only(client, role, has_panel):
    from tests.factories import EmployeeFactory, ProspectFactory

    viewer = EmployeeFactory(role=role)
    prospect = ProspectFactory(owner=viewer if role == "rep" else EmployeeFactory(role="rep"))
    client.force_login(viewer.user)
    page = client.get(f"/prospects/{prospect.pk}/").content.decode()
    # The DPO's page must not wait for a panel that refuses them (403).
    assert ('id="contact-panel"' in page) is has_panel
