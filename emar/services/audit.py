"""Append to the hash-chained audit trail.

Each row's hash covers its canonical content and the previous row's hash, so changing or deleting
any row breaks the chain from that row on. Appends are serialised (PostgreSQL advisory lock;
SQLite write transactions are already exclusive) so the chain never forks.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from emar.models import AuditEvent, utcnow

log = logging.getLogger(__name__)
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
        detail=json.dumps(detail or {}, sort_keys=True, separators=(",", ":"), default=str),
    )
    session.info.setdefault(PENDING, []).append(pending)
    # ids and the event name only: `detail` may name people (see emar/logs.py)
    log.info("audit %s %s %s staff=%s", action, entity or "-", pending.entity_id or "-", staff_id)
    return pending


PENDING = "emar_audit_pending"


def pending_events(session: Session) -> list[PendingEvent]:
    """This transaction's audit rows not yet in the chain (so a service reading the trail sees
    what it has just recorded too)."""
    return list(session.info.get(PENDING, ()))


@sa_event.listens_for(Session, "before_commit")
def _chain_at_commit(session: Session) -> None:
    """Link this transaction's audit rows to the chain, in order, just before it commits.
    PostgreSQL serialises this step with an advisory lock held to the commit; SQLite's write
    transactions are exclusive already."""
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK_KEY})
    prev = session.scalar(select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1))
    prev_hash = prev or GENESIS
    for p in pending:
        row_hash = hashlib.sha256(
            canonical(
                p.occurred_at, p.staff_id, p.action, p.entity, p.entity_id, p.detail, prev_hash
            )
        ).hexdigest()
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


# Columns added after records were first digested: they enter a digest only when they hold a
# value, so the records made before the column existed still match what the chain holds.
ADDED_LATER = frozenset({"late_entry_reason"})


def row_digest(row: Any) -> str:
    """SHA-256 over a record's columns in canonical form (so it survives a database round
    trip: UTC instants to the microsecond, decimals normalised)."""

    def canon(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat(timespec="microseconds")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return value

    body = {
        c.key: canon(getattr(row, c.key))
        for c in row.__table__.columns
        if not (c.key in ADDED_LATER and getattr(row, c.key) is None)
    }
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


@dataclass(frozen=True)
class AuditReport:
    events: int
    records: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_trail(session: Session) -> AuditReport:
    """Walk the hash chain, then check every record whose digest the chain holds.

    A changed audit row fails its own hash; a deleted one breaks the next row's link; a changed
    or deleted administration no longer matches the digest recorded when it was made."""
    from emar.models import Administration  # the trail covers clinical records

    problems: list[str] = []
    prev = GENESIS
    digests: dict[int, str] = {}
    count = 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        count += 1
        if event.prev_hash != prev:
            problems.append(f"audit row {event.id}: the row before it was removed or changed")
        expected = hashlib.sha256(
            canonical(
                event.occurred_at,
                event.staff_id,
                event.action,
                event.entity,
                event.entity_id,
                event.detail,
                event.prev_hash,
            )
        ).hexdigest()
        if expected != event.row_hash:
            problems.append(f"audit row {event.id} was changed")
        prev = event.row_hash
        if event.entity == "administration" and event.entity_id:
            digest = json.loads(event.detail or "{}").get("digest")
            if digest:
                digests[int(event.entity_id)] = digest
    rows = {
        a.id: a
        for a in session.scalars(select(Administration).where(Administration.id.in_(list(digests))))
    }
    for admin_id, digest in sorted(digests.items()):
        row = rows.get(admin_id)
        if row is None:
            problems.append(f"administration {admin_id} was deleted")
        elif row_digest(row) != digest:
            problems.append(f"administration {admin_id} was changed")
    return AuditReport(count, len(digests), tuple(problems))
