"""Access exports read plainly, in the person's language (RULES 22)."""

import pytest

from core import crypto
from deals.models import Deal
from dsar.exports import export_document
from prospects import services as prospect_services
from tests.dsar.factories import DsarFactory
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def camille(rep):
    account = SocialAccountFactory(employee=rep, network="linkedin", handle="rep-sells")
    prospect = prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Camille Martin",
            "email": "camille@example.fr",
            "company": "Martin Conseil",
            "social_account": account,
            "network": "linkedin",
            "lawful_basis": "legitimate_interest",
        },
    )
    Deal.objects.create(prospect=prospect, owner=rep, product="Audit", amount=500)
    return prospect


def request_about(prospect, language):
    return DsarFactory(
        language=language,
        email=prospect.email,
        email_index=crypto.blind_index("email", prospect.email),
        verified_identifiers=["email"],
        prospect_ids=[str(prospect.pk)],
    )


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "fr",
            [
                "Ce que SocialCRM Demo SAS détient sur vous",
                "Fiche 1 : Camille Martin",
                "Origine : saisies par l'un de nos salariés (LinkedIn), le ",
                "Pourquoi nous les utilisons : Intérêt légitime.",
                "0 enregistrement(s) de consentement, 0 message(s) de nos salariés, 1 vente(s).",
                "CNIL",
            ],
        ),
        (
            "en",
            [
                "What SocialCRM Demo SAS holds about you",
                "Record 1: Camille Martin",
                "Where it came from: entered by one of our employees (LinkedIn), on ",
                "Why we use it: Legitimate interest.",
                "0 consent record(s), 0 message(s) from our staff, 1 sale(s).",
            ],
        ),
    ],
)
def test_the_summary_says_what_we_hold_where_it_came_from_in_the_persons_language(
    camille, language, lines, settings
):
    settings.COMPANY_NAME = "SocialCRM Demo SAS"
    document = export_document(request_about(camille, language))
    for line in lines:
        assert line in document["summary"]
    [record] = document["records"]
    assert [d["product"] for d in record["deals"]] == ["Audit"]


def test_a_record_the_request_does_not_act_on_is_not_in_the_export(camille, rep):
    dsar = request_about(camille, "en")
    dsar.prospect_ids = []
    document = export_document(dsar)
    assert document["records"] == []
    assert "We hold no record about you." in document["summary"]
    assert "Camille Martin" not in str(document) and "Martin Conseil" not in str(document)
