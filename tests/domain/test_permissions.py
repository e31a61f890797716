"""The role x action matrix, cell by cell (docs/roles.md is generated from the same table)."""

import pytest

from emar.models import Role
from emar.services.permissions import PERMISSIONS, Action, allowed

Y, N = True, False
# carer, senior carer, nurse, manager, pharmacist, administrator
EXPECTED = {
    Action.VIEW_CHARTS: (Y, Y, Y, Y, Y, N),
    Action.ADMINISTER: (Y, Y, Y, Y, N, N),
    Action.WITNESS: (Y, Y, Y, Y, N, N),
    Action.OVERRIDE: (N, Y, Y, Y, N, N),
    Action.CORRECT: (N, Y, Y, Y, N, N),
    Action.EDIT_CHARTS: (N, N, Y, Y, N, N),
    Action.CHECK_CHARTS: (N, Y, Y, Y, N, N),
    Action.RECORD_ALLERGIES: (Y, Y, Y, Y, Y, N),
    Action.REVIEW_ALLERGIES: (N, Y, Y, Y, Y, N),
    Action.RECORD_HEALTH: (Y, Y, Y, Y, Y, N),
    Action.MANAGE_HEALTH: (N, N, Y, Y, Y, N),
    Action.MANAGE_STOCK: (N, Y, Y, Y, N, N),
    Action.RUN_REPORTS: (N, Y, Y, Y, Y, N),
    Action.REVIEW: (N, N, N, N, Y, N),
    Action.MANAGE_USERS: (N, N, N, Y, N, Y),
    Action.MANAGE_SETTINGS: (N, N, N, Y, N, Y),
    Action.VERIFY_AUDIT: (N, N, N, Y, N, Y),
    Action.SET_THRESHOLDS: (N, N, N, Y, N, N),
    Action.RECORD_RECOMMENDATION_ANSWER: (N, N, Y, Y, N, N),
}
ROLES = (
    Role.CARER,
    Role.SENIOR_CARER,
    Role.NURSE,
    Role.MANAGER,
    Role.PHARMACIST,
    Role.ADMINISTRATOR,
)


@pytest.mark.parametrize(
    ("role", "action", "expected"),
    [(role, action, row[i]) for action, row in EXPECTED.items() for i, role in enumerate(ROLES)],
    ids=lambda v: getattr(v, "value", str(v)),
)
def test_every_cell(role, action, expected):
    assert allowed(role.value, action) is expected


def test_the_table_covers_every_action_and_role():
    assert set(EXPECTED) == set(Action)
    assert set(PERMISSIONS) == set(Role)
    assert not allowed("nobody", Action.VIEW_CHARTS)


def test_docs_show_the_same_matrix():
    from pathlib import Path

    from emar.services.permissions import matrix_markdown

    doc = (Path(__file__).resolve().parents[2] / "docs" / "roles.md").read_text()
    assert matrix_markdown() in doc
