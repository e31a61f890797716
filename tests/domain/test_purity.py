"""The domain is pure: the standard library, itself and emar.errors only (no database, no
models, no services, no Qt), so every rule runs and is tested without them."""

import ast
import sys
from pathlib import Path

import emar.domain

ALLOWED = ("emar.domain", "emar.errors")
DOMAIN = Path(emar.domain.__file__).parent


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def allowed(name: str) -> bool:
    top = name.split(".")[0]
    if top == "emar":
        return name.startswith(ALLOWED)
    return top in sys.stdlib_module_names or top == "__future__"


def test_the_domain_imports_only_the_standard_library_and_itself():
    bad = {
        f"{path.relative_to(DOMAIN)}: {name}"
        for path in DOMAIN.rglob("*.py")
        for name in imports(path)
        if not allowed(name)
    }
    assert bad == set()


def test_the_purity_check_can_fail(tmp_path):
    impure = tmp_path / "impure.py"
    impure.write_text("from sqlalchemy import select\nfrom emar.models import Staff\n")
    assert imports(impure) == {"sqlalchemy", "emar.models"}
    assert not any(allowed(name) for name in imports(impure))
    assert allowed("emar.domain.doses") and allowed("zoneinfo") and allowed("emar.errors")
