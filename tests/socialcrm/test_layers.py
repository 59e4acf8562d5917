"""The apps' layers (pyproject.toml, README "Architecture") hold, and ``lint-imports`` says
so: it passes on the product as it is, and fails on a copy of it given one upward import,
or one import of the tests or the benchmarks. The fixtures are copied into a copy of the
tree; the product's own packages are never touched."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "layers"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
PACKAGES = CONFIG["root_packages"]


@pytest.fixture
def tree(tmp_path):
    """A copy of the product's packages, the tests, the benchmarks and pyproject.toml."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in [*PACKAGES, "tests", "bench"]:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own virtualenv's lint-imports, fixed arguments)
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_app_is_in_one_layer_and_the_product_keeps_them(tree):
    (layers_contract,) = [c for c in CONFIG["contracts"] if c["type"] == "layers"]
    in_layers = {app.strip() for layer in layers_contract["layers"] for app in layer.split("|")}
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"core"}
    assert apps - {"tests"} == in_layers == set(PACKAGES)
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_the_readme_lists_the_layers_of_the_contract_in_order():
    """README "Architecture": one numbered line a layer, its apps in backticks."""
    (layers_contract,) = [c for c in CONFIG["contracts"] if c["type"] == "layers"]
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Architecture in a few lines", 1)[1].split("\n## ", 1)[0]
    listed = [
        sorted(re.findall(r"`(\w+)/`", line.split(":", 1)[0]))
        for line in section.splitlines()
        if re.match(r"\d+\. `", line)
    ]
    expected = [
        sorted(app.strip() for app in layer.split("|")) for layer in layers_contract["layers"]
    ]
    assert listed == expected


def test_an_upward_import_breaks_the_layers(tree):
    shutil.copy(FIXTURES / "upward_import.py", tree / "core" / "upward_import.py")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "Apps depend downward only BROKEN" in result.stdout
    assert "core is not allowed to import consent" in result.stdout
    assert "core.upward_import -> consent.gate" in result.stdout


@pytest.mark.parametrize(
    ("fixture", "app", "imported"),
    [("imports_tests.py", "people", "tests"), ("imports_bench.py", "prospects", "bench")],
)
def test_the_product_may_not_import_its_tests_or_benchmarks(tree, fixture, app, imported):
    shutil.copy(FIXTURES / fixture, tree / app / fixture)
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "The product does not import its tests or its benchmarks BROKEN" in result.stdout
    assert f"{app} is not allowed to import {imported}" in result.stdout
