"""A rep's social accounts: edited, removed with its history kept, and the profile URL on
the account's own network, in the page and in the API."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from consent.forms import ContactForm
from people.models import SocialAccount
from tests.factories import EmployeeFactory, ProspectFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(rep):
    return SocialAccountFactory(
        employee=rep,
        network="linkedin",
        handle="alice",
        profile_url="https://www.linkedin.com/in/alice",
    )


def edit(client, account, **data):
    form = {"network": account.network, "handle": account.handle, "profile_url": "", **data}
    return client.post(reverse("social-account-edit", args=[account.pk]), form)


def test_the_owner_edits_an_account(client, rep, account):
    client.force_login(rep.user)

    response = edit(client, account, handle="alice.martin", profile_url="linkedin.com/in/alice-m")

    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.handle, account.profile_url) == (
        "alice.martin",
        "https://linkedin.com/in/alice-m",
    )
    event = AuditEvent.objects.get(action="changed", object_type="people.socialaccount")
    assert event.fields == ["handle", "profile_url"]


@pytest.mark.parametrize(
    ("network", "url", "accepted"),
    [
        ("facebook", "https://www.linkedin.com/in/alice", False),
        ("facebook", "https://www.facebook.com/alice", True),
        ("facebook", "https://fb.com/alice", True),
        ("linkedin", "https://www.facebook.com/alice", False),
        ("linkedin", "https://fr.linkedin.com/in/alice", True),
        ("linkedin", "https://linkedin.com.evil.example/in/alice", False),
        ("x", "https://twitter.com/alice", True),
        ("x", "https://x.com/alice", True),
        ("instagram", "https://instagram.com/alice", True),
        ("instagram", "https://x.com/alice", False),
        ("other", "https://mastodon.social/@alice", True),
        ("other", "javascript:alert(1)", False),
    ],
)
def test_the_url_must_be_on_the_accounts_network(client, rep, account, network, url, accepted):
    client.force_login(rep.user)

    response = edit(client, account, network=network, profile_url=url)

    account.refresh_from_db()
    if accepted:
        assert response.status_code == 302
        assert account.profile_url == url
    else:
        assert response.status_code == 400
        assert "profile_url" in response.context["form"].errors
        assert 'id="id_profile_url_error"' in response.content.decode()
        assert account.profile_url == "https://www.linkedin.com/in/alice"


def test_registering_checks_the_url_against_the_network_too(client, rep):
    client.force_login(rep.user)

    response = client.post(
        reverse("social-accounts"),
        {"network": "facebook", "handle": "alice", "profile_url": "https://linkedin.com/in/alice"},
    )

    assert response.status_code == 200
    assert "profile_url" in response.context["form"].errors
    assert not SocialAccount.objects.exists()


def test_the_api_refuses_a_url_off_the_network_with_400_on_profile_url(api_as, rep):
    response = api_as(rep).post(
        "/api/social-accounts/",
        {"network": "facebook", "handle": "alice", "profile_url": "https://www.linkedin.com/in/a"},
        format="json",
    )

    assert response.status_code == 400
    assert "profile_url" in str(response.json())
    assert not SocialAccount.objects.exists()


def test_editing_into_an_account_already_registered_names_the_handle(client, rep, account):
    SocialAccountFactory(employee=rep, network="linkedin", handle="bob")
    client.force_login(rep.user)

    response = edit(client, account, handle="bob")

    assert response.status_code == 400
    assert "handle" in response.context["form"].errors


def test_removal_asks_first_then_keeps_the_history(client, rep, account):
    prospect = ProspectFactory(owner=rep, social_account=account)
    client.force_login(rep.user)

    confirm = client.get(reverse("social-account-remove", args=[account.pk]))
    assert confirm.status_code == 200
    assert "Remove the account" in confirm.content.decode()
    assert SocialAccount.objects.filter(pk=account.pk).exists()

    response = client.post(reverse("social-account-remove", args=[account.pk]))

    assert response.status_code == 302
    assert not SocialAccount.objects.filter(pk=account.pk).exists()
    assert SocialAccount.all_objects.get(pk=account.pk).removed_at is not None
    prospect.refresh_from_db()
    assert prospect.social_account.handle == "alice"
    assert AuditEvent.objects.filter(action="social_account.removed").count() == 1
    page = client.get(reverse("social-accounts")).content.decode()
    listed, removed = page.split('id="removed-accounts"')
    assert "alice" not in listed.split('aria-labelledby="accounts-title"')[1]
    assert "LinkedIn · alice" in removed


def test_a_removed_account_leaves_the_pickers(rep, account):
    kept = SocialAccountFactory(employee=rep, network="x", handle="kept")
    from people import services

    services.social_account_remove(actor=rep.user, account=account)

    assert list(rep.social_accounts.all()) == [kept]
    # The Contact panel's account picker.
    assert list(ContactForm(employee=rep).fields["social_account"].queryset) == [kept]


def test_the_prospect_edit_form_keeps_a_removed_account_it_already_names(rep, account):
    from people import services
    from prospects.forms import ProspectForm

    prospect = ProspectFactory(owner=rep, social_account=account)
    services.social_account_remove(actor=rep.user, account=account)

    new_form = ProspectForm(owner=rep)
    edit_form = ProspectForm(owner=rep, prospect=prospect)

    assert account not in new_form.fields["social_account"].queryset
    assert account in edit_form.fields["social_account"].queryset


def test_a_removed_account_can_be_registered_again(client, rep, account):
    from people import services

    services.social_account_remove(actor=rep.user, account=account)
    client.force_login(rep.user)

    response = client.post(
        reverse("social-accounts"), {"network": "linkedin", "handle": "alice", "profile_url": ""}
    )

    assert response.status_code == 302
    assert SocialAccount.objects.get().handle == "alice"
    assert SocialAccount.all_objects.count() == 2


def test_someone_elses_account_is_404(client, account):
    client.force_login(EmployeeFactory(role="rep").user)

    assert client.get(reverse("social-account-edit", args=[account.pk])).status_code == 404
    assert client.post(reverse("social-account-remove", args=[account.pk])).status_code == 404
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_a_removed_account_cannot_be_edited(client, rep, account):
    from people import services

    services.social_account_remove(actor=rep.user, account=account)
    client.force_login(rep.user)

    assert client.get(reverse("social-account-edit", args=[account.pk])).status_code == 404
