import pytest

from tests.dsar.factories import DsarFactory


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings, tmp_path):
    settings.DSAR_EXPORT_DIR = tmp_path / "dsar-exports"


@pytest.fixture
def verified_dsar(db):
    """An access request whose identity the DPO checked."""
    from django.utils import timezone

    return DsarFactory(
        status="in_progress", verified_at=timezone.now(), verification_method="dpo_decision"
    )
