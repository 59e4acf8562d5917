"""Stored XSS through a URL: the attacker types a ``javascript:`` profile URL, the DPO clicks it.

Every way a URL comes in (the API, the pages, a LinkedIn import, the social
accounts, data-subject requests) refuses anything but ``http(s)://host/…``,
naming the field and storing nothing. A profile URL must be on its network's own
domain. A row stored before these rules (written straight to the database) is
shown as text on every page that shows it, never as a link.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.urls import is_http_url, is_on_network
from dsar.models import DataSubjectRequest
from people.models import SocialAccount
from prospects.models import Prospect
from tests.factories import EmployeeFactory, ProspectFactory, SocialAccountFactory
from tests.imports.conftest import connections_csv

pytestmark = pytest.mark.django_db

# What a browser would run, or read as something else than the http(s) page shown.
HOSTILE_URLS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "javascript://www.linkedin.com/in/x%0Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "https://www.linkedin.com/in/x\u200b",
    "https:\\\\www.linkedin.com\\in\\x",
    "https://www.linkedin.com@evil.example/in/x",
    "ftp://www.linkedin.com/in/x",
]
# A LinkedIn profile seen elsewhere: the link would lead to a site of the attacker's choosing.
WRONG_DOMAIN_URLS = [
    "https://evil.example/in/jane",
    "https://linkedin.com.evil.example/in/jane",
    "https://evil-linkedin.com/in/jane",
    "https://www.facebook.com/jane",
]


@pytest.fixture(autouse=True)
def imports_in_process(settings, tmp_path):
    from socialcrm.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    previous = app.conf.task_always_eager
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous


def _form(**values) -> dict:
    data = {
        "full_name": "Jane Attacker",
        "kind": "b2b",
        "network": "linkedin",
        "source": "manual",
        "collected_at": timezone.localdate().isoformat(),
        "lawful_basis": "legitimate_interest",
        "profile_visibility_at_collection": "public",
        "language": "fr",
    }
    return data | values


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_the_check_refuses_a_hostile_url(url):
    assert not is_http_url(url)


@pytest.mark.parametrize(
    ("url", "network"),
    [
        ("https://www.linkedin.com/in/jane", "linkedin"),
        ("https://fr.linkedin.com/in/jane", "linkedin"),
        ("HTTPS://LINKEDIN.COM/in/jane", "linkedin"),
        ("http://x.com/jane", "x"),
        ("https://mobile.twitter.com/jane", "x"),
        ("https://www.facebook.com/jane", "facebook"),
        ("https://www.instagram.com/jane/", "instagram"),
        ("https://mastodon.example/@jane", "other"),
    ],
)
def test_the_check_accepts_a_profile_on_its_network(url, network):
    assert is_http_url(url)
    assert is_on_network(url, network)


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_the_api_refuses_a_hostile_profile_url_and_stores_nothing(api_as, rep, url):
    answer = api_as(rep).post("/api/prospects/", {"full_name": "Jane", "profile_url": url})
    assert answer.status_code == 400, answer.content
    assert "profile_url" in answer.json()
    assert not Prospect.objects.exists()


@pytest.mark.parametrize("url", HOSTILE_URLS[:5])
def test_the_api_refuses_a_hostile_url_in_an_edit(api_as, rep, url):
    prospect = ProspectFactory(owner=rep, profile_url="https://www.linkedin.com/in/jane")
    answer = api_as(rep).patch(f"/api/prospects/{prospect.pk}/", {"profile_url": url})
    assert answer.status_code == 400, answer.content
    assert "profile_url" in answer.json()
    prospect.refresh_from_db()
    assert prospect.profile_url == "https://www.linkedin.com/in/jane"


@pytest.mark.parametrize("url", WRONG_DOMAIN_URLS)
def test_a_linkedin_profile_url_off_linkedin_is_a_400_naming_it(api_as, rep, url):
    answer = api_as(rep).post(
        "/api/prospects/", {"full_name": "Jane", "network": "linkedin", "profile_url": url}
    )
    assert answer.status_code == 400, answer.content
    assert "profile_url" in answer.json()
    assert not Prospect.objects.exists()


def test_the_network_of_the_social_account_decides_the_domain(api_as, rep):
    account = SocialAccountFactory(employee=rep, network="x")
    client = api_as(rep)
    refused = client.post(
        "/api/prospects/",
        {
            "full_name": "Jane",
            "social_account": account.pk,
            "profile_url": "https://www.linkedin.com/in/jane",
        },
    )
    assert refused.status_code == 400
    assert "profile_url" in refused.json()
    accepted = client.post(
        "/api/prospects/",
        {"full_name": "Jane", "social_account": account.pk, "profile_url": "https://x.com/jane"},
    )
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["network"] == "x"


def test_a_url_typed_without_a_scheme_is_stored_as_https(api_as, rep):
    answer = api_as(rep).post(
        "/api/prospects/", {"full_name": "Jane", "profile_url": "linkedin.com/in/jane"}
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["profile_url"] == "https://linkedin.com/in/jane"


@pytest.mark.parametrize("url", [*HOSTILE_URLS[:5], WRONG_DOMAIN_URLS[0]])
def test_the_page_form_refuses_a_hostile_profile_url(client, rep, url):
    client.force_login(rep.user)
    answer = client.post(reverse("prospect-new"), _form(profile_url=url))
    assert answer.status_code == 400
    assert "profile_url" in answer.context["form"].errors
    assert not Prospect.objects.exists()


@pytest.mark.parametrize("url", HOSTILE_URLS[:5] + WRONG_DOMAIN_URLS[:1])
def test_an_imported_row_with_a_hostile_url_is_rejected_naming_it(
    api_as, rep, url, django_capture_on_commit_callbacks
):
    quoted = url.replace('"', '""')
    lines = [
        f'Jane,Attacker,"{quoted}",,Acme,CFO,15 Jan 2024',
        "John,Fine,https://www.linkedin.com/in/john-fine,,Acme,CEO,15 Jan 2024",
    ]
    upload = SimpleUploadedFile("Connections.csv", connections_csv(lines), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_as(rep).post("/api/imports/linkedin/", {"file": upload}, format="multipart")
    assert answer.status_code == 202, answer.content
    job = api_as(rep).get(answer.json()["status_url"]).json()
    assert job["status"] == "done"
    assert job["created"] == 1
    assert [list(rejected["errors"]) for rejected in job["rejected"]] == [["profile_url"]]
    assert [p.profile_url for p in Prospect.objects.all()] == [
        "https://www.linkedin.com/in/john-fine"
    ]


@pytest.mark.parametrize("url", HOSTILE_URLS + WRONG_DOMAIN_URLS[:1])
def test_a_social_account_with_a_hostile_url_is_a_400_naming_it(api_as, rep, url):
    answer = api_as(rep).post(
        "/api/social-accounts/", {"network": "linkedin", "handle": "jane", "profile_url": url}
    )
    assert answer.status_code == 400, answer.content
    assert "profile_url" in answer.json()
    assert not SocialAccount.objects.filter(employee=rep).exists()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://x.com/jane", "https://evil.example/"]
)
def test_the_social_accounts_page_refuses_a_hostile_url(client, rep, url):
    client.force_login(rep.user)
    answer = client.post(
        reverse("social-accounts"), {"network": "x", "handle": "jane", "profile_url": url}
    )
    assert answer.status_code in (200, 400)
    assert "profile_url" in answer.context["form"].errors
    assert not SocialAccount.objects.filter(employee=rep).exists()


@pytest.mark.parametrize("url", HOSTILE_URLS[:9])
def test_a_data_request_with_a_hostile_url_is_a_400_naming_it(api_as, dpo, client, url):
    recorded = api_as(dpo).post(
        "/api/dsar/", {"type": "access", "profile_url": url, "received_via": "email"}
    )
    assert recorded.status_code == 400, recorded.content
    assert "profile_url" in recorded.json()
    public = client.post(
        "/api/dsar/public/",
        {"type": "access", "email": "jane@example.com", "full_name": "Jane", "profile_url": url},
        content_type="application/json",
    )
    assert public.status_code == 400, public.content
    assert "profile_url" in public.json()
    assert not DataSubjectRequest.objects.exists()


def test_a_rectification_to_a_hostile_url_is_refused_when_recorded(api_as, dpo):
    answer = api_as(dpo).post(
        "/api/dsar/",
        {
            "type": "rectification",
            "email": "jane@example.com",
            "received_via": "email",
            "corrections": {"profile_url": "javascript:alert(1)"},
        },
    )
    assert answer.status_code == 400, answer.content
    assert "corrections" in answer.json()
    assert not DataSubjectRequest.objects.exists()


# What was stored before the rules: shown, never linked.

STORED = "javascript:alert(document.domain)//https://www.linkedin.com/in/jane"


def _as_text_not_link(html: str) -> None:
    assert STORED in html
    assert 'href="javascript' not in html.lower()


@pytest.mark.parametrize("viewer", ["owner", "dpo"])
def test_a_stored_hostile_profile_url_shows_as_text_on_the_prospect_page(client, rep, viewer):
    prospect = ProspectFactory(owner=rep)
    # Saved straight to the database, around every check (the field encrypts on its way in).
    prospect.profile_url = STORED
    prospect.email = '"><script>alert(1)</script>@example.com'
    prospect.save(update_fields=["profile_url", "email"])
    person = rep if viewer == "owner" else EmployeeFactory(role="dpo")
    client.force_login(person.user)
    page = client.get(reverse("prospect", args=[prospect.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    _as_text_not_link(html)
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.com" in html
    assert 'href="mailto:' not in html


def test_a_stored_hostile_social_account_url_shows_as_text(client, rep):
    account = SocialAccountFactory(employee=rep, handle="jane-sells")
    SocialAccount.objects.filter(pk=account.pk).update(profile_url=STORED)
    client.force_login(rep.user)
    for name in ("home", "social-accounts"):
        page = client.get(reverse(name))
        assert page.status_code == 200
        html = page.content.decode()
        assert 'href="javascript' not in html.lower(), name
    assert STORED in client.get(reverse("social-accounts")).content.decode()


def test_a_good_url_is_still_a_link_that_opens_nothing_of_ours(client, rep):
    prospect = ProspectFactory(
        owner=rep, profile_url="https://www.linkedin.com/in/jane", email="jane@example.com"
    )
    client.force_login(rep.user)
    html = client.get(reverse("prospect", args=[prospect.pk])).content.decode()
    assert '<a href="mailto:jane@example.com">jane@example.com</a>' in html
    assert (
        '<a href="https://www.linkedin.com/in/jane" rel="noopener noreferrer nofollow">'
        "https://www.linkedin.com/in/jane</a>"
    ) in html
