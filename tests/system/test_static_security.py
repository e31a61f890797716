"""Static security checks run with the suite: bandit on eMAR's code, and the locked dependencies
against known advisories (offline: CI cannot reach a vulnerability service; .ci/run also runs
pip-audit when one is reachable)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
ADVISORIES = ROOT / "resources" / "security" / "advisories.toml"


def affected(lock: dict, advisories: list[dict]) -> list[str]:
    """Locked packages below an advisory's fixed version."""
    locked = {p["name"].lower(): p["version"] for p in lock.get("package", [])}
    found = []
    for adv in advisories:
        version = locked.get(adv["package"].lower())
        if version is not None and Version(version) < Version(adv["fixed"]):
            found.append(f"{adv['package']} {version} < {adv['fixed']}: {adv['id']}")
    return found


def test_no_locked_dependency_has_a_known_advisory():
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    advisories = tomllib.loads(ADVISORIES.read_text())["advisory"]
    assert len(lock["package"]) > 20 and len(advisories) >= 10
    assert affected(lock, advisories) == []


def test_the_dependency_check_flags_an_affected_version():
    lock = {
        "package": [
            {"name": "reportlab", "version": "3.6.12"},  # affected
            {"name": "Pillow", "version": "11.2.1"},  # affected (name case differs)
            {"name": "mako", "version": "1.2.2"},  # the fixed version itself is fine
        ]
    }
    advisories = tomllib.loads(ADVISORIES.read_text())["advisory"]
    found = [f.split(":")[0] for f in affected(lock, advisories)]
    assert found == ["reportlab 3.6.12 < 3.6.13", "pillow 11.2.1 < 11.3.0"]


def test_bandit_finds_no_medium_or_high_issue():
    bandit = str(Path(sys.executable).parent / "bandit")
    proc = subprocess.run(
        [bandit, "-r", "emar", "--severity-level", "medium", "--format", "json", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(proc.stdout)
    issues = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ]
    assert issues == []
    assert report["metrics"]["_totals"]["loc"] > 5000  # it really read the code
    assert proc.returncode == 0
