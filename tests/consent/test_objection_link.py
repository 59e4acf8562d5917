"""The personal one-click objection link ``/o/{token}/`` (RULES 1, 2, 15; RFC 8058)."""

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from consent import optout
from consent.models import ConsentEvent, ObjectionLink
from consent.services import outreach_check
from core import crypto
from prospects import services as prospect_services
from prospects.models import Prospect
from prospects.selectors import prospects_visible_to
from suppression.models import Opposition
from tests.factories import EmployeeFactory, SocialAccountFactory
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

EMAIL = "camille.martin@acme-industrie.fr"
PHONE = "06 12 34 56 78"
PROFILE = "https://www.linkedin.com/in/camille-martin"
# Another record of the same person, held by another rep: it shares the phone number only.
OTHER_EMAIL = "c.martin@martin-conseil.fr"
OTHER_PROFILE = "https://www.instagram.com/camille.martin"
DM = "Bonjour, je vous écris au sujet de votre projet de CRM."


def create(owner, **data):
    return prospect_services.prospect_create(
        actor=owner.user,
        owner=owner,
        data={
            "full_name": "Camille Martin",
            "kind": "b2b",
            "company": "Acme Industrie",
            "lawful_basis": "legitimate_interest",
            "network": "linkedin",
            **data,
        },
    )


@pytest.fixture
def camille(rep):
    return create(rep, email=EMAIL, phone=PHONE, profile_url=PROFILE, language="en")


@pytest.fixture
def camille_elsewhere(db):
    return create(
        EmployeeFactory(role="rep", compliant=True),
        email=OTHER_EMAIL,
        phone="+33 6 12 34 56 78",
        profile_url=OTHER_PROFILE,
        network="instagram",
    )


@pytest.fixture
def stranger(rep):
    return create(rep, full_name="Dominique Petit", email="dominique.petit@acme-industrie.fr")


def path_of(prospect, channel="email") -> str:
    return f"/o/{optout.token_for(prospect=prospect, channel=channel)}/"


def suppressed(identifiers) -> set[str]:
    return {
        value
        for kind, value in identifiers
        if Opposition.objects.filter(
            identifier_type=kind, identifier_index=crypto.blind_index(kind, value), scope="all"
        ).exists()
    }


def one_click(path):
    """The RFC 8058 POST as a mail client sends it: no cookie, no CSRF token."""
    return Client(enforce_csrf_checks=True).post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )


def nothing_recorded():
    return (
        not Opposition.objects.exists()
        and not ConsentEvent.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="opposition").exists()
        and not ObjectionLink.objects.filter(used_at__isnull=False).exists()
    )


def gate(rep, prospect, channel, **inputs):
    decision, _prospect = outreach_check(
        employee=rep,
        prospects=prospects_visible_to(rep.user),
        prospect_id=prospect.pk,
        channel=channel,
        content=DM,
        **inputs,
    )
    return decision


def test_get_shows_one_button_in_the_persons_language_and_records_nothing(client, camille):
    response = client.get(path_of(camille))

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    assert page.count("<button") == 1
    assert "Stop all messages" in page
    assert 'href="?lang=fr"' in page, "a link to read it in French"
    assert nothing_recorded()


def test_the_page_names_nobody(client, camille, camille_elsewhere):
    page = client.get(path_of(camille)).content.decode()
    for clue in (
        "Camille",
        "Martin",
        "camille",
        "acme-industrie",
        "12 34",
        "linkedin.com/in",
        "martin-conseil",
        str(camille.pk),
        str(camille_elsewhere.pk),
    ):
        assert clue not in page
    done = one_click(path_of(camille)).content.decode()
    for clue in ("Camille", "camille", "acme-industrie", "martin-conseil", "instagram"):
        assert clue not in done


def test_a_french_person_reads_french_and_may_switch(client, rep):
    francoise = create(rep, full_name="Françoise Morel", email="f.morel@acme-industrie.fr")
    path = path_of(francoise, "social_message")

    french = client.get(path)
    assert response_language(french) == "fr"
    assert "Ne plus recevoir de messages" in french.content.decode()

    english = client.get(path + "?lang=en")
    assert response_language(english) == "en"
    assert "Stop all messages" in english.content.decode()
    assert nothing_recorded()


def response_language(response):
    return response["Content-Language"]


def test_one_click_objects_on_every_identifier_of_the_person(
    rep, camille, camille_elsewhere, stranger
):
    response = one_click(path_of(camille))

    assert response.status_code == 200
    assert "Your objection is registered" in response.content.decode()
    assert response["Content-Language"] == "en"
    held = [
        ("email", EMAIL),
        ("phone", PHONE),
        ("profile_url", PROFILE),
        ("email", OTHER_EMAIL),
        ("profile_url", OTHER_PROFILE),
    ]
    assert suppressed(held) == {value for _kind, value in held}
    assert not suppressed([("email", "dominique.petit@acme-industrie.fr")])
    assert set(Opposition.objects.values_list("created_by", flat=True)) == {None}


def test_the_withdrawals_carry_the_opt_out_link_evidence(camille, camille_elsewhere):
    one_click(path_of(camille))

    for person in (camille, camille_elsewhere):
        withdrawn = ConsentEvent.objects.filter(prospect=person)
        assert set(withdrawn.values_list("action", "evidence")) == {("withdraw", "opt_out_link")}
        assert set(withdrawn.values_list("channel", flat=True)) >= {"email", "social_message"}


def test_the_link_records_its_first_use_and_an_audit_event_without_a_user(camille):
    before = timezone.now()
    one_click(path_of(camille, "social_message"))

    link = ObjectionLink.objects.get(prospect=camille, channel="social_message")
    assert link.used_at >= before
    events = AuditEvent.objects.filter(action__in=["prospect.objected", "opposition.registered"])
    assert events.filter(action="prospect.objected", object_id=str(camille.pk)).exists()
    assert set(events.values_list("actor", flat=True)) == {None}


def test_the_webhook_tells_subscribers(camille, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    WebhookSubscription.objects.create(
        url="https://hooks.example.com/in", secret="s" * 32, events=["opposition.created"]
    )

    one_click(path_of(camille))

    delivery = WebhookDelivery.objects.filter(event="opposition.created").first()
    assert delivery is not None
    assert str(camille.pk) in delivery.payload["data"]["prospect_ids"]


def test_the_gate_then_denies_email_and_social_messages(rep, camille):
    account = SocialAccountFactory(employee=rep, network="linkedin")
    assert "opposition" not in gate(rep, camille, "email").codes()
    assert "opposition" not in gate(rep, camille, "social_message", social_account=account).codes()

    one_click(path_of(camille))

    for channel, inputs in (("email", {}), ("social_message", {"social_account": account})):
        decision = gate(rep, camille, channel, **inputs)
        assert decision.decision == "deny"
        assert "opposition" in decision.codes()


def test_the_page_form_objects_too(client, camille):
    path = path_of(camille)
    page = Client(enforce_csrf_checks=True)
    assert page.get(path).status_code == 200

    response = page.post(path + "?lang=fr")

    assert response.status_code == 200
    assert "Votre opposition est enregistrée" in response.content.decode()
    assert suppressed([("email", EMAIL)]) == {EMAIL}


def test_a_repeat_is_harmless(camille):
    path = path_of(camille)
    first = one_click(path)
    counts = (Opposition.objects.count(), ConsentEvent.objects.count(), AuditEvent.objects.count())
    used_at = ObjectionLink.objects.get(prospect=camille).used_at

    second = one_click(path)
    third = Client().post(path)

    assert second.status_code == third.status_code == 200
    assert second.content == first.content
    assert (
        Opposition.objects.count(),
        ConsentEvent.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert ObjectionLink.objects.get(prospect=camille).used_at == used_at


def test_another_channels_link_after_an_objection_adds_nothing(camille):
    one_click(path_of(camille, "email"))
    counts = (Opposition.objects.count(), ConsentEvent.objects.count())

    assert one_click(path_of(camille, "sms")).status_code == 200

    assert (Opposition.objects.count(), ConsentEvent.objects.count()) == counts


def test_a_person_without_identifiers_is_withdrawn_on_every_channel(rep):
    nameless = create(rep, full_name="Sans Adresse")

    one_click(path_of(nameless))

    withdrawn = ConsentEvent.objects.filter(prospect=nameless, evidence="opt_out_link")
    assert withdrawn.filter(action="withdraw", channel="email").exists()
    assert not Opposition.objects.exists()


def test_a_link_whose_record_is_gone_thanks_and_records_nothing(rep, camille):
    path = path_of(camille)
    Prospect.objects.filter(pk=camille.pk).delete()
    assert ObjectionLink.objects.get().prospect is None

    shown = Client().get(path)
    response = one_click(path)

    assert shown.status_code == response.status_code == 200
    assert response["Content-Language"] == "fr", "French when the record is gone"
    assert "Votre opposition est enregistrée" in response.content.decode()
    assert not Opposition.objects.exists()
    assert not ConsentEvent.objects.filter(evidence="opt_out_link").exists()
    assert ObjectionLink.objects.get().used_at is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t[:-1],  # cut
        lambda t: t + "A",  # lengthened
        lambda t: ("B" if t[0] != "B" else "C") + t[1:],  # tag altered
        lambda t: t[:-1] + ("B" if t[-1] != "B" else "C"),  # signature altered
        lambda t: "A" * 24,  # forged
    ],
)
def test_a_forged_truncated_or_tampered_token_is_a_404_and_records_nothing(camille, damage):
    token = optout.token_for(prospect=camille, channel="email")
    path = f"/o/{damage(token)}/"

    shown = Client().get(path)
    posted = one_click(path)

    assert shown.status_code == posted.status_code == 404
    assert "Lien non reconnu" in posted.content.decode()
    assert "Stop" not in shown.content.decode() and "<button" not in shown.content.decode()
    assert nothing_recorded()
