"""Vouching for records written in bulk (generated history, a generated home) and, once, for
the records of a home upgraded from before the chain covered every clinical record."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from emar.models import AuditEvent
from emar.services.audit import record_event
from emar.services.audit.digests import covered_models, row_digest

# Covered records a service may change later (allergies are append-only since 0006: a change
# is a new row, so a batch's digest holds for them as for the other clinical records).
MUTABLE = frozenset({"staff"})
COVERAGE_ACTIONS = ("records.saved", "coverage.started", "history.generated", "home.generated")


def high_water(session: Session, models: Sequence[type]) -> dict[type, int]:
    """The last id of each table, before rows are written in bulk."""
    return {m: int(session.scalar(select(func.max(m.id))) or 0) for m in models}  # type: ignore[attr-defined]


def record_bulk_since(session: Session, action: str, marks: dict[type, int]) -> None:
    """Vouch for every row written in bulk since `high_water` was taken."""
    for model, before in marks.items():
        last = int(session.scalar(select(func.max(model.id))) or 0)  # type: ignore[attr-defined]
        if last > before:
            record_bulk(session, action, model, before + 1, last)


def vouch_for_existing_records(session: Session) -> bool:
    """Once, when the chain starts covering every clinical record (the trail holds no sign of
    coverage yet, whatever the schema says): the records already there are vouched for as they
    stand. Administrations keep their own earlier digests too. Returns whether it vouched."""
    if session.scalar(
        select(AuditEvent.id).where(AuditEvent.action.in_(COVERAGE_ACTIONS)).limit(1)
    ):
        return False
    vouched = False
    for model in covered_models():
        last = session.scalar(select(func.max(model.id)))  # type: ignore[attr-defined]
        if last:
            record_bulk(session, "coverage.started", model, 1, int(last))
            vouched = True
    return vouched


def record_bulk(session: Session, action: str, model: type, first_id: int, last_id: int) -> None:
    """For rows written in bulk (generated history): one audit row holding the digest of all
    of them, so they are vouched for without a row each. Records that may change later
    (staff) get a digest each, so a later change is checked on its own."""
    if model.__tablename__ in MUTABLE:  # type: ignore[attr-defined]
        found: Any = session.scalars(
            select(model).where(model.id.between(first_id, last_id))  # type: ignore[attr-defined]
        )
        records = sorted([model.__tablename__, r.id, row_digest(r)] for r in found)  # type: ignore[attr-defined]
        record_event(session, action, detail={"records": records})
        return
    rows: Any = session.scalars(
        select(model).where(model.id.between(first_id, last_id)).order_by(model.id)  # type: ignore[attr-defined]
    )
    digest = hashlib.sha256("".join(row_digest(r) for r in rows).encode()).hexdigest()
    batch = {"table": model.__tablename__, "first": first_id, "last": last_id, "digest": digest}  # type: ignore[attr-defined]
    record_event(session, action, detail={"batch": batch})
