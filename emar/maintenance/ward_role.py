"""PostgreSQL: the ward PCs' own database role, which cannot rewrite history.

The owner role (the one in the URL `emar init` runs with) owns the tables and runs migrations.
Ward PCs connect as a separate role that may read, add records, and update only the tables
that are meant to change (residents' details, staff accounts, settings). It owns nothing, so it
cannot drop, alter or disable the append-only triggers, truncate a table, delete a row or turn
triggers off for its session: only the owner (kept off the ward PCs) could.
"""

from __future__ import annotations

import re

from sqlalchemy import inspect, text

from emar.errors import EmarError
from emar.infra.db import IDLE_IN_TRANSACTION_MS, LOCK_WAIT_MS, STATEMENT_LIMIT_MS, Database
from emar.maintenance.safeguards import ALL_APPEND_ONLY

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_ward_role(db: Database, role: str) -> list[str]:
    """Give an existing login role exactly what a ward PC needs; returns the tables it may
    update. Run by the owner, again after each upgrade (`emar init --ward-role` does both)."""
    if db.is_sqlite:
        raise EmarError("A ward role is for a PostgreSQL server; SQLite has no roles.")
    if not ROLE_NAME.match(role):
        raise EmarError(f"{role!r} is not a plain role name (lower-case letters, digits, _).")
    tables = sorted(inspect(db.engine).get_table_names())
    changeable = [t for t in tables if t not in ALL_APPEND_ONLY and t != "alembic_version"]
    with db.engine.begin() as conn:
        if (
            conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
            is None
        ):
            raise EmarError(
                f"There is no database role {role!r}: create it first "
                f"(sudo -u postgres createuser --pwprompt {role})."
            )
        owner = conn.execute(text("SELECT current_user")).scalar_one()
        if owner == role:
            raise EmarError("The ward role must not be the role that owns the tables.")
        for statement in (
            f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}",
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO {role}",
            f"REVOKE INSERT ON alembic_version FROM {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            *(f"GRANT UPDATE ON {t} TO {role}" for t in changeable),
            # the role's own defaults, so a ward PC cannot hold the home up for long
            f"ALTER ROLE {role} SET lock_timeout = '{LOCK_WAIT_MS}ms'",
            f"ALTER ROLE {role} SET statement_timeout = '{STATEMENT_LIMIT_MS}ms'",
            f"ALTER ROLE {role} SET idle_in_transaction_session_timeout = "
            f"'{IDLE_IN_TRANSACTION_MS}ms'",
        ):
            conn.exec_driver_sql(statement)
    return changeable
