"""Who may record: pharmacists and administrators may not (roles.md)."""

from __future__ import annotations

from emar.domain.verdict import Check, CheckCode, block


def role_checks(name: str | None, may_record: bool) -> list[Check]:
    """`name`: the person recording, None when unknown."""
    if may_record:
        return []
    return [block(CheckCode.ROLE, f"{name or 'This user'} may not record administrations.")]
