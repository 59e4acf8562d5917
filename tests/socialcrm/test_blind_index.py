"""The same person gives the same blind index however their identifier was typed."""

import pytest
from django.test import override_settings

from core import crypto, identifiers


@pytest.mark.parametrize(
    ("identifier_type", "variants"),
    [
        ("email", [" Jane.Doe@Example.COM ", "jane.doe@example.com"]),
        ("phone", ["06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678", "+33612345678"]),
        (
            "profile_url",
            [
                "https://www.linkedin.com/in/Jane-Doe/",
                "linkedin.com/in/jane-doe",
                "http://fr.linkedin.com/in/jane-doe?trk=people",
                "https://linkedin.com/in/jane-doe#about",
            ],
        ),
    ],
)
def test_variants_of_one_identifier_share_an_index(identifier_type, variants):
    indexes = {crypto.blind_index(identifier_type, value) for value in variants}
    assert len(indexes) == 1


def test_normalised_forms():
    assert identifiers.normalise_email("  A@B.FR ") == "a@b.fr"
    assert identifiers.normalise_phone("06 12 34 56 78") == "+33612345678"
    assert identifiers.normalise_phone("+44 20 7946 0958") == "+442079460958"
    assert identifiers.normalise_profile_url("www.x.com/SomeOne/") == "https://x.com/someone"


@pytest.mark.parametrize(
    ("identifier_type", "value"),
    [
        ("email", "not-an-email"),
        ("email", ""),
        ("phone", "12"),
        ("phone", "call me"),
        ("profile_url", "ftp://linkedin.com/in/x"),
        ("profile_url", "https://linkedin.com/"),
        ("profile_url", "nothing"),
    ],
)
def test_unreadable_identifiers_are_refused(identifier_type, value):
    with pytest.raises(ValueError):
        crypto.blind_index(identifier_type, value)


def test_each_identifier_type_has_its_own_key():
    # The same text indexed as two types must not collide.
    assert crypto.blind_index_of_normalised("email", "x") != crypto.blind_index_of_normalised(
        "phone", "x"
    )


def test_the_index_depends_on_the_secret_key():
    first = crypto.blind_index("email", "a@b.fr")
    with override_settings(BLIND_INDEX_KEY=crypto.new_key()):
        assert crypto.blind_index("email", "a@b.fr") != first
