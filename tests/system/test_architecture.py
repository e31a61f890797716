"""Layering (import-linter contracts in pyproject.toml): only emar.ui imports Qt; the layers
ui | cli > reports | maintenance | demo > services > models | devices | infra > domain > errors;
the UI and the domain use no SQLAlchemy and no models. Lint, format and types too."""

import subprocess
import sys
import tomllib
from pathlib import Path

import emar

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "contracts"
]


def _contract(name_start: str) -> dict:
    (found,) = [c for c in CONTRACTS if c["name"].startswith(name_start)]
    return found


def _top_level_modules() -> set[str]:
    package = Path(emar.__file__).parent
    return {
        f"emar.{p.stem if p.is_file() else p.name}"
        for p in package.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }


def test_import_contracts_hold():
    proc = subprocess.run([LINT_IMPORTS], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    kept = proc.stdout.count(" KEPT")
    assert kept == len(CONTRACTS) >= 3, proc.stdout


def test_every_module_outside_ui_is_under_the_qt_contract():
    covered = set(_contract("Only emar.ui imports Qt")["source_modules"])
    top_level = _top_level_modules()
    assert top_level - {"emar.ui"} <= covered, top_level - covered - {"emar.ui"}


def test_every_module_has_its_layer():
    layers = _contract("Layers")["layers"]
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    assert _top_level_modules() <= placed, _top_level_modules() - placed


def test_code_is_linted_and_formatted():
    ruff = str(Path(sys.executable).parent / "ruff")
    check = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    fmt = subprocess.run([ruff, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout


def test_models_services_and_domain_type_check():
    mypy = str(Path(sys.executable).parent / "mypy")
    proc = subprocess.run([mypy], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout
