"""Append to the hash-chained audit trail.

Each row's hash covers its canonical content and the previous row's hash, so changing or deleting
any row breaks the chain from that row on. Appends are serialised (PostgreSQL advisory lock;
SQLite write transactions are already exclusive) so the chain never forks.
"""

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from emar.models import AuditEvent, utcnow

GENESIS = "0" * 64
_AUDIT_LOCK_KEY = 0x454D4152  # "EMAR"


def canonical(
    occurred_at: datetime,
    staff_id: int | None,
    action: str,
    entity: str | None,
    entity_id: str | None,
    detail: str,
    prev_hash: str,
) -> bytes:
    body = {
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "staff_id": staff_id,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def record_event(
    session: Session,
    action: str,
    *,
    staff_id: int | None = None,
    entity: str | None = None,
    entity_id: object = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit row in the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK_KEY})
    prev = session.scalar(select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1))
    prev_hash = prev or GENESIS
    now = utcnow()
    detail_text = json.dumps(detail or {}, sort_keys=True, separators=(",", ":"), default=str)
    eid = None if entity_id is None else str(entity_id)
    row_hash = hashlib.sha256(
        canonical(now, staff_id, action, entity, eid, detail_text, prev_hash)
    ).hexdigest()
    event = AuditEvent(
        occurred_at=now,
        staff_id=staff_id,
        action=action,
        entity=entity,
        entity_id=eid,
        detail=detail_text,
        prev_hash=prev_hash,
        row_hash=row_hash,
    )
    session.add(event)
    session.flush()
    return event
