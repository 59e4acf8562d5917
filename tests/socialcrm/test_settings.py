"""The process refuses to start with missing or malformed configuration."""

import os
import subprocess
import sys
from pathlib import Path

from core import crypto

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KEYS = {
    "SECRET_KEY": "p" * 10 + crypto.new_key() + crypto.new_key(),
    "FIELD_ENCRYPTION_KEYS": f"k1:{crypto.new_key()}",
    "BLIND_INDEX_KEY": crypto.new_key(),
}


def start(env_overrides: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "DEBUG"}
    }
    env["SOCIALCRM_VAR_DIR"] = str(tmp_path)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "socialcrm.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_refuses_to_start_without_keys(tmp_path):
    result = start({"DEBUG": "0"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY, FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY" in result.stderr


def test_production_mode_refuses_a_weak_secret_key(tmp_path):
    result = start({**PRODUCTION_KEYS, "DEBUG": "0", "SECRET_KEY": "short"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be a random value" in result.stderr


def test_production_mode_starts_with_real_keys(tmp_path):
    result = start({**PRODUCTION_KEYS, "DEBUG": "0"}, tmp_path)
    assert result.returncode == 0, result.stderr


def test_malformed_values_name_the_variable(tmp_path):
    cases = {
        "DEBUG": ("maybe", "DEBUG must be a boolean"),
        "CONN_MAX_AGE": ("soon", "CONN_MAX_AGE must be an integer"),
        "FIELD_ENCRYPTION_KEYS": ("k1:tooshort", "FIELD_ENCRYPTION_KEYS[k1]: key must be 32 bytes"),
        "BLIND_INDEX_KEY": ("abc", "BLIND_INDEX_KEY: key must be 32 bytes"),
    }
    for variable, (value, message) in cases.items():
        result = start({**PRODUCTION_KEYS, variable: value}, tmp_path)
        assert result.returncode != 0, variable
        assert message in result.stderr, result.stderr[-500:]


def test_development_keys_are_generated_once_and_reused(tmp_path):
    assert start({"DEBUG": "1"}, tmp_path).returncode == 0
    keys_file = tmp_path / "dev-keys.json"
    first = keys_file.read_text()
    assert oct(keys_file.stat().st_mode & 0o777) == "0o600"
    assert start({"DEBUG": "1"}, tmp_path).returncode == 0
    assert keys_file.read_text() == first
