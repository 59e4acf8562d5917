"""RULES 15: the art. 14 notice appended to a first written message, its text and its state."""

import pytest

from consent import notice, optout
from consent.models import ObjectionLink, OutreachAttempt
from prospects import services as prospect_services
from prospects.models import Prospect
from tests.factories import SocialAccountFactory

NOTE = "Bonjour, ravi d'échanger sur vos projets CRM."


@pytest.fixture(autouse=True)
def notice_settings(settings):
    settings.COMPANY_NAME = "Exemple SAS"
    settings.COMPANY_CONTACT = "contact@exemple.fr"
    settings.DPO_CONTACT = "dpo@exemple.fr"
    settings.SITE_URL = "https://crm.exemple.fr"
    settings.PROSPECT_RETENTION_DAYS = 1095
    settings.NOTICE_PURPOSE = {
        "fr": "vous présenter nos logiciels",
        "en": "presenting our software",
    }
    settings.NOTICE_LEGITIMATE_INTEREST = {
        "fr": "trouver de nouveaux clients professionnels",
        "en": "finding new business customers",
    }
    settings.CONNECTION_NOTE_MAX_CHARS = {"linkedin": 200}
    return settings


def full(language="fr", **kwargs):
    kwargs = {
        "network": "linkedin",
        "source": "manual",
        "lawful_basis": "legitimate_interest",
    } | kwargs
    return notice.notice_for(language=language, channel="email", **kwargs)


# What RULES 15 lists, in each language: the company and its contact, the DPO, the purpose
# and the legitimate interest, the source (network, through an employee), the retention
# period, the rights with the CNIL, the full notice page.
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            [
                "Exemple SAS",
                "contact@exemple.fr",
                "dpo@exemple.fr",
                "vous présenter nos logiciels",
                "intérêt légitime : trouver de nouveaux clients professionnels",
                "sur LinkedIn, par l'un de nos collaborateurs",
                "3 ans",
                "rectifier ou effacer",
                "CNIL",
                "https://crm.exemple.fr/privacy/notice/",
            ],
        ),
        (
            "en",
            [
                "Exemple SAS",
                "contact@exemple.fr",
                "dpo@exemple.fr",
                "presenting our software",
                "legitimate interest: finding new business customers",
                "on LinkedIn, through one of our employees",
                "3 years",
                "correct or erase",
                "CNIL",
                "https://crm.exemple.fr/privacy/notice/",
            ],
        ),
    ],
)
def test_the_notice_says_everything_rules_15_lists_in_the_prospects_language(language, expected):
    text = full(language)
    missing = [part for part in expected if part not in text]
    assert not missing, text


@pytest.mark.parametrize(
    ("language", "objection"),
    [
        ("fr", "Pour vous opposer à nos messages : répondez STOP, ou écrivez à dpo@exemple.fr."),
        ("en", "To object to our messages: reply STOP, or write to dpo@exemple.fr."),
    ],
)
def test_how_to_object_stands_apart_as_the_last_paragraph(language, objection):
    *information, last = full(language).split("\n\n")
    assert last == objection
    assert information and "STOP" not in " ".join(information)


def test_a_one_click_link_takes_the_place_of_the_objection_contact():
    last = notice.notice_for(
        language="en", channel="email", objection_url="https://crm.exemple.fr/o/tok/"
    ).split("\n\n")[-1]
    assert (
        last
        == "To object to our messages: https://crm.exemple.fr/o/tok/ (one click), or reply STOP."
    )


@pytest.mark.parametrize("language", ["", "de", "FR", "<script>", None])
def test_an_unknown_language_gets_the_french_notice(language):
    assert notice.notice_for(language=language, channel="email") == full(
        "fr", network="", source="", lawful_basis=""
    )


@pytest.mark.parametrize(
    ("network", "language", "named"),
    [
        ("linkedin", "en", "on LinkedIn"),
        ("x", "en", "on X,"),
        ("facebook", "fr", "sur Facebook"),
        ("other", "en", "on a social network"),
        ("", "fr", "sur un réseau social"),
        ("myspace", "en", "on a social network"),
    ],
)
def test_the_source_names_the_network_it_came_from(network, language, named):
    assert named in full(language, network=network)


@pytest.mark.parametrize(
    ("basis", "language", "says", "never"),
    [
        ("legitimate_interest", "en", "in our legitimate interest", "consent"),
        ("", "fr", "intérêt légitime", "consentement"),
        ("consent", "en", "with your consent, which you may withdraw", "legitimate interest"),
        ("contract", "fr", "pour le contrat qui nous lie", "intérêt légitime"),
    ],
)
def test_the_basis_stated_is_the_prospects(basis, language, says, never):
    text = full(language, lawful_basis=basis)
    assert says in text
    assert never not in text


@pytest.mark.parametrize(
    ("days", "language", "period"),
    [
        (1095, "en", "for 3 years from"),
        (365, "en", "for 1 year from"),
        (365, "fr", "conservons 1 an à compter"),
        (730, "fr", "conservons 2 ans à compter"),
        (1096, "en", "for 1096 days from"),
        (1, "en", "for 1 day from"),
    ],
)
def test_the_retention_period_follows_the_setting(settings, days, language, period):
    settings.PROSPECT_RETENTION_DAYS = days
    assert period in full(language)


def test_a_prospect_who_wrote_first_is_not_told_an_employee_found_them():
    text = full("en", source="inbound")
    assert "You gave us your contact details yourself." in text
    assert "employee" not in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "— Exemple SAS, via LinkedIn, par un collaborateur · "
            "Infos : https://crm.exemple.fr/privacy/notice/ · Opposition : répondez STOP",
        ),
        (
            "en",
            "— Exemple SAS, via LinkedIn, by one of our staff · "
            "Info: https://crm.exemple.fr/privacy/notice/ · Object: reply STOP",
        ),
    ],
)
def test_a_connection_request_carries_the_short_form(language, expected):
    short = notice.notice_for(language=language, channel="connection_request", network="linkedin")
    assert short == expected
    assert 200 - len("\n\n" + short) >= 70, "leaves room for a note in a free LinkedIn invitation"


LINK = "https://crm.exemple.fr/o/" + "T" * optout.TOKEN_LENGTH + "/"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "— Exemple SAS, via LinkedIn, par un collaborateur · "
            f"Infos : https://crm.exemple.fr/privacy/notice/ · Opposition : {LINK}",
        ),
        (
            "en",
            "— Exemple SAS, via LinkedIn, by one of our staff · "
            f"Info: https://crm.exemple.fr/privacy/notice/ · Object: {LINK}",
        ),
    ],
)
def test_the_short_form_carries_the_one_click_link_in_its_own_part(language, expected):
    short = notice.notice_for(
        language=language, channel="connection_request", network="linkedin", objection_url=LINK
    )
    assert short == expected
    assert 200 - len("\n\n" + short) >= 30, "leaves room for a short note on a free account"


@pytest.mark.parametrize(
    ("channel", "content", "append_notice", "carries"),
    [
        ("email", "Bonjour", True, True),
        ("email", "", True, True),
        ("sms", "Bonjour", True, True),
        ("social_message", "Bonjour", True, True),
        ("connection_request", "Bonjour", True, True),
        ("connection_request", "", True, False),
        ("connection_request", "  \n ", True, False),
        ("phone", "Script d'appel", True, False),
        ("phone", "", True, False),
        ("email", "Bonjour", False, False),
        ("connection_request", "Bonjour", False, False),
        ("fax", "Bonjour", True, False),
    ],
)
def test_which_messages_carry_the_notice(channel, content, append_notice, carries):
    assert (
        notice.carries_notice(channel=channel, content=content, append_notice=append_notice)
        is carries
    )


@pytest.mark.parametrize(
    ("network", "length", "fits"),
    [
        ("linkedin", 199, True),
        ("linkedin", 200, True),
        ("linkedin", 201, False),
        ("x", 5000, True),
        ("", 5000, True),
    ],
)
def test_a_note_fits_the_networks_invitation_up_to_its_limit(network, length, fits):
    if fits:
        notice.check_note_length("a" * length, network=network)
    else:
        with pytest.raises(notice.NoteTooLong):
            notice.check_note_length("a" * length, network=network)


# Through the API: only a written message carrying the notice marks it sent.


@pytest.fixture
def professional(rep):
    """A professional at a company address: every channel is open to a B2B message."""
    return prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Louise Bernard",
            "kind": "b2b",
            "email": "louise.bernard@exemple-client.fr",
            "phone": "01 23 45 67 89",
            "profile_url": "https://www.linkedin.com/in/louise-bernard",
            "lawful_basis": "legitimate_interest",
            "network": "linkedin",
        },
    )


@pytest.fixture
def linkedin_account(rep):
    return SocialAccountFactory(employee=rep, network="linkedin")


def send(client, prospect, channel, content=NOTE, **body):
    return client.post(
        "/api/outreach/",
        {"prospect": str(prospect.pk), "channel": channel, "content": content, **body},
        format="json",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("channel", "content", "marked", "notice_in_final"),
    [
        ("email", NOTE, True, True),
        ("sms", NOTE, True, True),
        ("social_message", NOTE, True, True),
        ("connection_request", "Bonjour Louise", True, True),
        ("connection_request", "", False, False),
        ("phone", "", False, False),
        ("phone", "Appel de découverte", False, False),
    ],
)
def test_only_a_written_message_with_the_notice_marks_it_sent(
    api_as, rep, professional, linkedin_account, channel, content, marked, notice_in_final
):
    response = send(api_as(rep), professional, channel, content, social_account=linkedin_account.pk)
    assert response.status_code == 201, response.json()
    final = response.json()["final_content"]
    assert final.startswith(content)
    assert ("/privacy/notice/" in final) is notice_in_final
    assert ("https://crm.exemple.fr/o/" in final) is notice_in_final
    if not notice_in_final:
        assert final == content
    professional.refresh_from_db()
    assert (professional.notice_sent_at is not None) is marked


@pytest.mark.django_db
def test_a_call_then_a_message_the_message_is_what_gives_the_notice(api_as, rep, professional):
    client = api_as(rep)
    assert send(client, professional, "phone", "").status_code == 201
    professional.refresh_from_db()
    assert professional.notice_sent_at is None
    assert send(client, professional, "email").status_code == 201
    professional.refresh_from_db()
    assert professional.notice_sent_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "says", "never"),
    [
        ("fr", "Pour vous opposer à nos messages", "To object"),
        ("en", "To object to our messages", "Pour vous opposer"),
    ],
)
def test_the_notice_is_in_the_prospects_language_not_the_reps(
    api_as, rep, professional, language, says, never
):
    Prospect.objects.filter(pk=professional.pk).update(language=language)
    for rep_language in ("en", "fr"):
        logged = api_as(rep).post(
            "/api/outreach/",
            {"prospect": str(professional.pk), "channel": "email", "content": NOTE},
            format="json",
            HTTP_ACCEPT_LANGUAGE=rep_language,
        )
        assert logged.status_code == 201
        final = logged.json()["final_content"]
        assert says in final and never not in final


@pytest.mark.django_db
def test_a_note_too_long_with_its_short_notice_is_a_400_naming_content(
    api_as, rep, professional, linkedin_account
):
    client = api_as(rep)
    short = notice.notice_for(
        language="fr",
        channel="connection_request",
        network="linkedin",
        objection_url=optout.objection_url(prospect=professional, channel="connection_request"),
    )
    room = 200 - len(short) - len("\n\n")
    refused = send(
        client,
        professional,
        "connection_request",
        "x" * (room + 1),
        social_account=linkedin_account.pk,
    )
    assert refused.status_code == 400
    body = refused.json()
    assert "shorten it by 1" in body["content"][0]
    assert body["code"] == "notice_too_long"
    assert (body["limit"], body["length"], body["short_notice"]) == (200, 201, short)
    assert short in body["content"][1], "the short form is shown to the rep"
    assert not OutreachAttempt.objects.exists()
    professional.refresh_from_db()
    assert professional.notice_sent_at is None
    # The check says so before the rep sends anything.
    checked = client.post(
        "/api/outreach/check/",
        {
            "prospect": str(professional.pk),
            "channel": "connection_request",
            "content": "x" * (room + 1),
            "social_account": linkedin_account.pk,
        },
        format="json",
    )
    assert checked.status_code == 400
    assert "shorten it by 1" in checked.json()["content"][0]
    assert checked.json()["code"] == "notice_too_long"
    assert checked.json()["short_notice"] == short

    accepted = send(
        client, professional, "connection_request", "x" * room, social_account=linkedin_account.pk
    )
    assert accepted.status_code == 201
    assert len(accepted.json()["final_content"]) == 200


@pytest.mark.django_db
def test_a_note_too_long_is_refused_even_without_the_notice(
    api_as, rep, professional, linkedin_account
):
    refused = send(
        api_as(rep),
        professional,
        "connection_request",
        "x" * 201,
        social_account=linkedin_account.pk,
        append_notice=False,
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "note_too_long", "no notice made it too long"
    assert refused.json()["short_notice"] == ""
    assert "content" in refused.json()
    assert not OutreachAttempt.objects.exists()


@pytest.mark.django_db
def test_the_limit_is_the_networks_the_invitation_is_sent_on(settings, api_as, rep, professional):
    settings.CONNECTION_NOTE_MAX_CHARS = {"linkedin": 200, "x": 50}
    x_account = SocialAccountFactory(employee=rep, network="x")
    response = send(
        api_as(rep), professional, "connection_request", "x" * 60, social_account=x_account.pk
    )
    assert response.status_code == 400
    assert "content" in response.json()


@pytest.mark.django_db
def test_the_contact_panel_shows_a_note_too_long_on_the_form_and_logs_nothing(
    client, rep, professional, linkedin_account
):
    client.force_login(rep.user)
    response = client.post(
        f"/prospects/{professional.pk}/contact/log/",
        {
            "channel": "connection_request",
            "content": "x" * 300,
            "social_account": linkedin_account.pk,
            "relates_to_profession": "on",
            "append_notice": "on",
        },
    )
    assert response.status_code == 200
    assert "shorten it by" in response.content.decode()
    assert not OutreachAttempt.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("channel", "language", "objection"),
    [
        ("email", "fr", "Pour vous opposer à nos messages : {link} (en un clic)"),
        ("sms", "en", "To object to our messages: {link} (one click)"),
        ("social_message", "en", "To object to our messages: {link} (one click)"),
        ("connection_request", "fr", "Opposition : {link}"),
    ],
)
def test_every_appended_notice_carries_the_persons_own_link_for_the_channel(
    api_as, rep, professional, linkedin_account, channel, language, objection
):
    Prospect.objects.filter(pk=professional.pk).update(language=language)
    content = "Bonjour Louise" if channel == "connection_request" else NOTE
    response = send(api_as(rep), professional, channel, content, social_account=linkedin_account.pk)
    assert response.status_code == 201, response.json()
    final = response.json()["final_content"]

    (link,) = ObjectionLink.objects.filter(prospect=professional)
    assert link.channel == channel
    token = final.split("https://crm.exemple.fr/o/")[1][: optout.TOKEN_LENGTH]
    assert optout.link_for(token) == link
    url = f"https://crm.exemple.fr/o/{token}/"
    assert objection.format(link=url) in final
    if channel != "connection_request":
        # Clearly and separately (art. 21(4)): the last paragraph, after the full notice link.
        *information, last = final.split("\n\n")
        assert url in last and url not in " ".join(information)


@pytest.mark.django_db
def test_the_link_in_the_notice_objects_for_the_person(api_as, rep, professional, linkedin_account):
    final = send(api_as(rep), professional, "email").json()["final_content"]
    path = final.split("https://crm.exemple.fr")[-1].split(" ")[0]
    assert path.startswith("/o/")

    from django.test import Client

    assert Client().post(path).status_code == 200

    response = send(api_as(rep), professional, "email")
    assert response.status_code == 403
    assert "opposition" in [r["code"] for r in response.json()["reasons"]]


@pytest.mark.django_db
def test_the_check_writes_no_link_and_the_log_stores_the_same_one(
    api_as, rep, professional, linkedin_account
):
    from consent.models import ObjectionLink

    client = api_as(rep)
    body = {"prospect": str(professional.pk), "channel": "email", "content": NOTE}
    assert client.post("/api/outreach/check/", body, format="json").status_code == 200
    # The gate's check only reads: the link the text will carry is not written yet.
    assert not ObjectionLink.objects.exists()

    final = send(client, professional, "email").json()["final_content"]
    [link] = ObjectionLink.objects.all()
    assert (link.prospect_id, link.channel) == (professional.pk, "email")
    path = final.split("https://crm.exemple.fr")[-1].split(" ")[0]
    from consent import optout

    assert optout.link_for(path.removeprefix("/o/").rstrip("/")) == link
