import pytest
from django.core.exceptions import ValidationError

from prospects import services
from tests.factories import ProspectFactory

pytestmark = pytest.mark.django_db


def test_a_restricted_prospect_cannot_be_edited_except_by_a_rectification(rep, dpo):
    prospect = ProspectFactory(owner=rep)
    services.prospect_restrict(actor=dpo.user, prospect=prospect)
    restricted_at = prospect.processing_restricted_at
    assert restricted_at is not None
    with pytest.raises(ValidationError):
        services.prospect_update(actor=rep.user, prospect=prospect, data={"company": "Other"})
    services.prospect_update(
        actor=dpo.user, prospect=prospect, data={"company": "Right one"}, rectification=True
    )
    prospect.refresh_from_db()
    assert prospect.company == "Right one"
    # Restricting again is harmless and keeps the first date.
    services.prospect_restrict(actor=dpo.user, prospect=prospect)
    prospect.refresh_from_db()
    assert prospect.processing_restricted_at == restricted_at


def test_the_edit_page_shows_the_refusal(client, rep, dpo):
    from django.urls import reverse

    prospect = ProspectFactory(owner=rep, full_name="Ana Lopez")
    services.prospect_restrict(actor=dpo.user, prospect=prospect)
    client.force_login(rep.user)
    response = client.post(
        reverse("prospect-edit", args=[prospect.pk]),
        {
            "full_name": "Ana Lopez",
            "company": "Changed",
            "kind": "b2b",
            "collected_at": prospect.collected_at.date().isoformat(),
            "profile_visibility_at_collection": "public",
            "lawful_basis": "legitimate_interest",
        },
    )
    assert response.status_code in (200, 400)
    assert "restricted at their request" in response.content.decode()
    prospect.refresh_from_db()
    assert prospect.company == "Acme"
