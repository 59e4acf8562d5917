"""A consumer prospect of the ``rep`` persona, stored through the service (indexed identifiers)."""

import pytest

from prospects import services as prospect_services


@pytest.fixture
def prospect(rep):
    """No consent recorded yet: electronic outreach to them is denied (no_opt_in)."""
    return prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Camille Martin",
            "kind": "b2c",
            "email": "camille.martin@example.fr",
            "phone": "06 12 34 56 78",
            "profile_url": "https://www.linkedin.com/in/camille-martin",
            "lawful_basis": "legitimate_interest",
            "network": "linkedin",
        },
    )
