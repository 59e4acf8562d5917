"""Personal data is encrypted at rest, bound to its row, and opened only with the right key."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from core import crypto
from prospects.models import Prospect
from tests.factories import ProspectFactory

pytestmark = pytest.mark.django_db

OLD_KEY = crypto.new_key()
NEW_KEY = crypto.new_key()


def raw_column(prospect, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM prospects_prospect WHERE id = %s",
            [prospect.pk.hex if connection.vendor == "sqlite" else prospect.pk],
        )
        return cursor.fetchone()[0]


def set_raw_column(prospect, column: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE prospects_prospect SET {column} = %s WHERE id = %s",
            [value, prospect.pk.hex if connection.vendor == "sqlite" else prospect.pk],
        )


def reload(prospect) -> Prospect:
    return Prospect.objects.get(pk=prospect.pk)


def test_values_round_trip_including_empty_and_zero():
    prospect = ProspectFactory(
        full_name="Élodie Durand", email="elodie@example.fr", notes="", phone="0"
    )
    fresh = reload(prospect)
    assert fresh.full_name == "Élodie Durand"
    assert fresh.email == "elodie@example.fr"
    assert fresh.notes == ""
    assert fresh.phone == "0"
    assert fresh.profile_url is None


def test_the_database_never_holds_the_cleartext():
    ProspectFactory(full_name="Jeanne Secretname", email="jeanne.secret@example.org")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM prospects_prospect")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert "jeanne.secret@example.org" not in stored
    assert "Secretname" not in stored
    assert "v1$" in stored


def test_a_tampered_ciphertext_raises_instead_of_returning_garbage():
    prospect = ProspectFactory(email="victim@example.com")
    token = raw_column(prospect, "email")
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    set_raw_column(prospect, "email", flipped)
    with pytest.raises(crypto.DecryptionError):
        reload(prospect).email


def test_a_value_copied_to_another_row_does_not_open():
    victim = ProspectFactory(email="victim@example.com")
    attacker = ProspectFactory(email="attacker@example.com")
    set_raw_column(attacker, "email", raw_column(victim, "email"))
    with pytest.raises(crypto.DecryptionError):
        reload(attacker).email


def test_a_value_moved_to_another_column_does_not_open():
    prospect = ProspectFactory(email="person@example.com", notes="hello")
    set_raw_column(prospect, "notes", raw_column(prospect, "email"))
    with pytest.raises(crypto.DecryptionError):
        reload(prospect).notes


def test_an_unknown_key_id_raises():
    prospect = ProspectFactory(email="person@example.com")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"other:{NEW_KEY}"):
        with pytest.raises(crypto.DecryptionError, match="unknown key id"):
            reload(prospect).email


def test_plain_values_cannot_be_filtered_or_bulk_written():
    ProspectFactory(email="person@example.com")
    with pytest.raises(TypeError, match="blind index"):
        list(Prospect.objects.filter(email="person@example.com"))
    with pytest.raises(TypeError):
        Prospect.objects.update(email="someone@example.com")


def test_saving_an_untouched_value_keeps_its_ciphertext():
    prospect = ProspectFactory(email="person@example.com")
    before = raw_column(prospect, "email")
    fresh = reload(prospect)
    fresh.company = "Other"
    fresh.save()
    assert raw_column(prospect, "email") == before


def test_rotation_reencrypts_everything_and_a_rerun_is_a_no_op():
    with override_settings(FIELD_ENCRYPTION_KEYS=f"old:{OLD_KEY}"):
        prospects = [
            ProspectFactory(email=f"p{i}@example.com", notes=f"note {i}") for i in range(5)
        ]
    with override_settings(FIELD_ENCRYPTION_KEYS=f"new:{NEW_KEY},old:{OLD_KEY}"):
        call_command("rotate_keys", batch_size=2)
        tokens = [raw_column(p, "email") for p in prospects]
        assert all(token.startswith("v1$new$") for token in tokens)
        assert [reload(p).email for p in prospects] == [f"p{i}@example.com" for i in range(5)]

        call_command("rotate_keys", batch_size=2)
        assert [raw_column(p, "email") for p in prospects] == tokens

    # The old key can now be dropped.
    with override_settings(FIELD_ENCRYPTION_KEYS=f"new:{NEW_KEY}"):
        assert reload(prospects[0]).notes == "note 0"


def test_rotation_reseals_append_only_consent_evidence_too():
    from consent.models import AppendOnlyError, ConsentEvent

    with override_settings(FIELD_ENCRYPTION_KEYS=f"old:{OLD_KEY}"):
        event = ConsentEvent.objects.create(
            prospect=ProspectFactory(),
            channel="email",
            action="grant",
            evidence="web_form",
            purpose="Tessellated newsletter",
            proof="ticked the box",
            wording_shown="Voulez-vous la lettre ?",
            occurred_at=timezone.now(),
        )
    with override_settings(FIELD_ENCRYPTION_KEYS=f"new:{NEW_KEY},old:{OLD_KEY}"):
        call_command("rotate_keys")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"new:{NEW_KEY}"):
        again = ConsentEvent.objects.get(pk=event.pk)
        assert (again.purpose, again.proof, again.wording_shown) == (
            "Tessellated newsletter",
            "ticked the box",
            "Voulez-vous la lettre ?",
        )
    # Still append-only afterwards: the rewrite's opening ended with its transaction.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        ConsentEvent.objects.filter(pk=event.pk).delete()


def test_rotation_reports_what_is_left_and_fails_when_a_value_cannot_be_opened():
    with override_settings(FIELD_ENCRYPTION_KEYS=f"old:{OLD_KEY}"):
        ProspectFactory(email="p@example.com")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"new:{NEW_KEY}"):
        with pytest.raises(CommandError, match="unknown key id"):
            call_command("rotate_keys")
        with pytest.raises(CommandError, match="older keys"):
            call_command("rotate_keys", dry_run=True)
