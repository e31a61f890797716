"""Append to the hash-chained audit trail.

Each row's hash covers its canonical content and the previous row's hash, so changing or deleting
any row breaks the chain from that row on. Appends are serialised (PostgreSQL advisory lock;
SQLite write transactions are already exclusive) so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import func, select, text
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
        detail=_json(detail or {}),
    )
    session.info.setdefault(PENDING, []).append(pending)
    # ids and the event name only: `detail` may name people (see emar/infra/logs.py)
    log.info("audit %s %s %s staff=%s", action, entity or "-", pending.entity_id or "-", staff_id)
    return pending


PENDING = "emar_audit_pending"


def pending_events(session: Session) -> list[PendingEvent]:
    """This transaction's audit rows not yet in the chain (so a service reading the trail sees
    what it has just recorded too)."""
    return list(session.info.get(PENDING, ()))


def _covered() -> dict[type, str]:
    """The clinical records the chain vouches for: model -> table name."""
    from emar.models import (
        Administration,
        Allergy,
        ChartLine,
        ChartLineEvent,
        PrnOutcome,
        Staff,
        StockMovement,
    )

    models = (Administration, PrnOutcome, StockMovement, ChartLine, ChartLineEvent, Allergy, Staff)
    return {m: m.__tablename__ for m in models}


TOUCHED = "emar_audit_touched"
MUTABLE = frozenset({"staff", "allergy"})  # covered records a service may change later


@sa_event.listens_for(Session, "after_flush")
def _note_touched(session: Session, _context: object) -> None:
    """Remember every covered record this transaction adds or changes (through the ORM, which
    is how every service writes): at commit each gets its digest in the chain."""
    covered = _covered()
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
    covered = _covered()
    touched = session.info.pop(TOUCHED, {})
    records = sorted(
        [covered[type(obj)], obj.id, row_digest(obj)] for obj in touched.values() if obj.id
    )
    pending = session.info.pop(PENDING, [])
    if records:
        pending.append(
            PendingEvent(utcnow(), None, "records.saved", None, None, _json({"records": records}))
        )
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
    session.info.pop(TOUCHED, None)


def _json(detail: dict[str, Any]) -> str:
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), default=str)


def high_water(session: Session, models: Sequence[type]) -> dict[type, int]:
    """The last id of each table, before rows are written in bulk."""
    return {m: int(session.scalar(select(func.max(m.id))) or 0) for m in models}  # type: ignore[attr-defined]


def record_bulk_since(session: Session, action: str, marks: dict[type, int]) -> None:
    """Vouch for every row written in bulk since `high_water` was taken."""
    for model, before in marks.items():
        last = int(session.scalar(select(func.max(model.id))) or 0)  # type: ignore[attr-defined]
        if last > before:
            record_bulk(session, action, model, before + 1, last)


COVERAGE_ACTIONS = ("records.saved", "coverage.started", "history.generated", "home.generated")


def vouch_for_existing_records(session: Session) -> bool:
    """Once, when the chain starts covering every clinical record (the trail holds no sign of
    coverage yet, whatever the schema says): the records already there are vouched for as they
    stand. Administrations keep their own earlier digests too. Returns whether it vouched."""
    if session.scalar(
        select(AuditEvent.id).where(AuditEvent.action.in_(COVERAGE_ACTIONS)).limit(1)
    ):
        return False
    vouched = False
    for model in _covered():
        last = session.scalar(select(func.max(model.id)))  # type: ignore[attr-defined]
        if last:
            record_bulk(session, "coverage.started", model, 1, int(last))
            vouched = True
    return vouched


def record_bulk(session: Session, action: str, model: type, first_id: int, last_id: int) -> None:
    """For rows written in bulk (generated history): one audit row holding the digest of all
    of them, so they are vouched for without a row each. Records that may change later
    (staff, allergies) get a digest each, so a later change is checked on its own."""
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


# Columns added after records were first digested: they enter a digest only when they hold a
# value, so the records made before the column existed still match what the chain holds.
ADDED_LATER = frozenset({"late_entry_reason"})


def row_digest(row: Any) -> str:
    """SHA-256 over a record's columns in canonical form (so it survives a database round
    trip: UTC instants to the microsecond, decimals normalised)."""
    table = row.__table__
    return values_digest(table, {c.key: getattr(row, c.key) for c in table.columns})


def values_digest(table: Any, values: Any) -> str:
    """`row_digest` of a plain row of `table` (column name -> value)."""

    def canon(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat(timespec="microseconds")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return value

    body = {
        c.key: canon(values[c.key])
        for c in table.columns
        if not (c.key in ADDED_LATER and values[c.key] is None)
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


def verify_trail(
    session: Session, checkpoints: Sequence[tuple[str, Checkpoint]] = ()
) -> AuditReport:
    """Walk the hash chain, then check every clinical record against the digest the chain holds.

    A changed audit row fails its own hash; a deleted one breaks the next row's link. A record
    changed or deleted no longer matches its digest; a record with no digest in the chain was
    put there behind eMAR's back. (Cutting the chain's end off is caught by checkpoints.)"""
    problems: list[str] = []
    prev = GENESIS
    expected: dict[tuple[str, int], str] = {}
    batches: list[dict[str, Any]] = []
    count = 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        count += 1
        if event.prev_hash != prev:
            problems.append(f"audit row {event.id}: the row before it was removed or changed")
        again = hashlib.sha256(
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
        if again != event.row_hash:
            problems.append(f"audit row {event.id} was changed")
        prev = event.row_hash
        detail = json.loads(event.detail or "{}")
        for table, row_id, digest in detail.get("records", ()):
            expected[(table, int(row_id))] = digest  # the latest digest of a record holds
        if event.entity == "administration" and event.entity_id and detail.get("digest"):
            expected.setdefault(("administration", int(event.entity_id)), detail["digest"])
        if "batch" in detail:
            batches.append(detail["batch"])
    for name, checkpoint in checkpoints:
        found = check_checkpoint(session, checkpoint, name)
        if found:
            problems.insert(0, found)
    checked = 0
    for model, table in _covered().items():
        columns = model.__table__  # type: ignore[attr-defined]
        seen: set[int] = set()
        ranges = [(i, b) for i, b in enumerate(batches) if b["table"] == table]
        in_batch: dict[int, list[str]] = {i: [] for i, _ in ranges}
        rows = session.execute(
            select(columns).order_by(columns.c.id).execution_options(yield_per=5000)
        ).mappings()  # streamed, plain rows: a big home's history does not fill memory
        for row in rows:
            checked += 1
            row_id = int(row["id"])
            seen.add(row_id)
            digest = values_digest(columns, row)
            holding = [i for i, b in ranges if b["first"] <= row_id <= b["last"]]
            for i in holding:  # a batch vouches for every row of its range, as it was
                in_batch[i].append(digest)
            want = expected.get((table, row_id))
            if want is not None:
                if want != digest:
                    problems.append(f"{table} {row_id} was changed")
            elif not holding:
                problems.append(f"{table} {row_id} is not in the audit trail (added behind eMAR)")
        for (t, row_id), _ in sorted(expected.items()):
            if t == table and row_id not in seen:
                problems.append(f"{table} {row_id} was deleted")
        for i, digests in in_batch.items():
            b = batches[i]
            if hashlib.sha256("".join(digests).encode()).hexdigest() != b["digest"]:
                problems.append(f"{table} {b['first']}-{b['last']} were changed or deleted")
    return AuditReport(count, checked, tuple(problems))


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at a moment, kept outside the database (a file, a printed page): a
    trail later cut short or rewritten from an earlier row no longer reaches it."""

    seq: int  # the last audit row's id
    hash: str
    at: datetime

    def to_json(self) -> str:
        body = {"seq": self.seq, "hash": self.hash, "at": self.at.isoformat()}
        return json.dumps(body, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        """A checkpoint file, or the line printed in a report's footer ("#1234 9f3a…")."""
        printed = re.search(r"#(\d+)\s+([0-9a-f]{12,64})\b", text)
        if printed and not text.lstrip().startswith("{"):
            return cls(int(printed.group(1)), printed.group(2), datetime.min.replace(tzinfo=UTC))
        data = json.loads(text)
        return cls(int(data["seq"]), str(data["hash"]), datetime.fromisoformat(data["at"]))

    @property
    def short(self) -> str:
        """For a printed page's footer."""
        return f"audit trail #{self.seq} {self.hash[:12]}"


def audit_head(session: Session) -> Checkpoint | None:
    row = session.execute(
        select(AuditEvent.id, AuditEvent.row_hash, AuditEvent.occurred_at)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    return Checkpoint(int(row.id), row.row_hash, row.occurred_at) if row else None


def check_checkpoint(session: Session, checkpoint: Checkpoint, name: str) -> str | None:
    """What is wrong with the trail against one checkpoint, or None."""
    row = session.execute(
        select(AuditEvent.row_hash).where(AuditEvent.id == checkpoint.seq)
    ).first()
    if row is None:
        return (
            f"checkpoint {name}: audit row {checkpoint.seq} is gone: the trail was cut short "
            "after it was taken"
        )
    if not row.row_hash.startswith(checkpoint.hash):  # a printed one holds the first 12
        return (
            f"checkpoint {name}: audit row {checkpoint.seq} differs from the checkpoint: the "
            "trail was rewritten up to there"
        )
    return None
