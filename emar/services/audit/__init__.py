"""Append to the hash-chained audit trail.

Each row's hash covers its canonical content and the previous row's hash, so changing or deleting
any row breaks the chain from that row on. Appends are serialised (PostgreSQL advisory lock;
SQLite write transactions are already exclusive) so the chain never forks.

Beside this module: `digests` (the hashes), `bulk` (vouching for rows written in bulk),
`verify` (walking the chain and the records it covers), `checkpoints` (the chain's head kept
outside the database).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from emar.models import AuditEvent, utcnow
from emar.services.audit.digests import (
    GENESIS,
    covered_models,
    detail_json,
    link_hash,
    row_digest,
)

log = logging.getLogger(__name__)
_AUDIT_LOCK_KEY = 0x454D4152  # "EMAR"
PENDING = "emar_audit_pending"
TOUCHED = "emar_audit_touched"


@dataclass(frozen=True)
class PendingEvent:
    """An audit row waiting for its transaction to commit."""

    occurred_at: datetime
    staff_id: int | None
    action: str
    entity: str | None
    entity_id: str | None
    detail: str


def record_event(
    session: Session,
    action: str,
    *,
    staff_id: int | None = None,
    entity: str | None = None,
    entity_id: object = None,
    detail: dict[str, Any] | None = None,
) -> PendingEvent:
    """Add an audit row to the caller's transaction. It joins the chain when the transaction
    commits (see `_chain_at_commit`), so the chain's lock is held for the commit only: a PC
    that stalls in the middle of its work holds up no one else's records."""
    pending = PendingEvent(
        occurred_at=utcnow(),
        staff_id=staff_id,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        detail=detail_json(detail or {}),
    )
    session.info.setdefault(PENDING, []).append(pending)
    # ids and the event name only: `detail` may name people (see emar/infra/logs.py)
    log.info("audit %s %s %s staff=%s", action, entity or "-", pending.entity_id or "-", staff_id)
    return pending


def pending_events(session: Session) -> list[PendingEvent]:
    """This transaction's audit rows not yet in the chain (so a service reading the trail sees
    what it has just recorded too)."""
    return list(session.info.get(PENDING, ()))


@sa_event.listens_for(Session, "after_flush")
def _note_touched(session: Session, _context: object) -> None:
    """Remember every covered record this transaction adds or changes (through the ORM, which
    is how every service writes): at commit each gets its digest in the chain."""
    covered = covered_models()
    touched = session.info.setdefault(TOUCHED, {})
    for obj in list(session.new) + list(session.dirty):
        if type(obj) in covered:
            touched[id(obj)] = obj


@sa_event.listens_for(Session, "before_commit")
def _chain_at_commit(session: Session) -> None:
    """Link this transaction's audit rows to the chain, in order, just before it commits, with
    one more row holding the digest of every clinical record it added or changed. PostgreSQL
    serialises this step with an advisory lock held to the commit; SQLite's write transactions
    are exclusive already."""
    if session.in_nested_transaction():
        return  # a savepoint being released: the chain is linked at the real commit only
    session.flush()  # ids for everything added, and the last touched records noted
    covered = covered_models()
    touched = session.info.pop(TOUCHED, {})
    records = sorted(
        [covered[type(obj)], obj.id, row_digest(obj)] for obj in touched.values() if obj.id
    )
    pending = session.info.pop(PENDING, [])
    if records:
        pending.append(
            PendingEvent(
                utcnow(), None, "records.saved", None, None, detail_json({"records": records})
            )
        )
    if not pending:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK_KEY})
    prev = session.scalar(select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1))
    prev_hash = prev or GENESIS
    for p in pending:
        row_hash = link_hash(p, prev_hash)
        session.add(
            AuditEvent(
                occurred_at=p.occurred_at,
                staff_id=p.staff_id,
                action=p.action,
                entity=p.entity,
                entity_id=p.entity_id,
                detail=p.detail,
                prev_hash=prev_hash,
                row_hash=row_hash,
            )
        )
        prev_hash = row_hash
    session.flush()


@sa_event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(TOUCHED, None)
