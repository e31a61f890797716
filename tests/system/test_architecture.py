"""Layering: only emar.ui may import Qt (import-linter contract in pyproject.toml)."""

import subprocess
import sys
import tomllib
from pathlib import Path

import emar

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def test_import_contract_holds():
    proc = subprocess.run([LINT_IMPORTS], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Only emar.ui imports Qt KEPT" in proc.stdout


def test_every_module_outside_ui_is_under_the_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = config["tool"]["importlinter"]["contracts"]
    covered = set(contract["source_modules"])
    package = Path(emar.__file__).parent
    top_level = {
        f"emar.{p.stem if p.is_file() else p.name}"
        for p in package.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    assert top_level - {"emar.ui"} <= covered, top_level - covered - {"emar.ui"}


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
