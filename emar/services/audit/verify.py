"""Verifying the audit trail: the chain itself, then every clinical record against the digest
the chain holds for it, then the checkpoints kept outside the database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.models import AuditEvent
from emar.services.audit.checkpoints import Checkpoint, check_checkpoint
from emar.services.audit.digests import GENESIS, covered_models, link_hash, values_digest


@dataclass(frozen=True)
class AuditReport:
    events: int
    records: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Vouched:
    """What the chain vouches for: the latest digest of each record, and bulk batches."""

    events: int = 0
    expected: dict[tuple[str, int], str] = field(default_factory=dict)
    batches: list[dict[str, Any]] = field(default_factory=list)


def verify_trail(
    session: Session, checkpoints: Sequence[tuple[str, Checkpoint]] = ()
) -> AuditReport:
    """Walk the hash chain, then check every clinical record against the digest the chain holds.

    A changed audit row fails its own hash; a deleted one breaks the next row's link. A record
    changed or deleted no longer matches its digest; a record with no digest in the chain was
    put there behind eMAR's back. (Cutting the chain's end off is caught by checkpoints.)"""
    problems: list[str] = []
    vouched = _walk_chain(session, problems)
    for name, checkpoint in checkpoints:
        found = check_checkpoint(session, checkpoint, name)
        if found:
            problems.insert(0, found)
    checked = sum(
        _check_records(session, model, table, vouched, problems)
        for model, table in covered_models().items()
    )
    return AuditReport(vouched.events, checked, tuple(problems))


def _walk_chain(session: Session, problems: list[str]) -> _Vouched:
    vouched = _Vouched()
    prev = GENESIS
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        vouched.events += 1
        if event.prev_hash != prev:
            problems.append(f"audit row {event.id}: the row before it was removed or changed")
        if link_hash(event, event.prev_hash) != event.row_hash:
            problems.append(f"audit row {event.id} was changed")
        prev = event.row_hash
        detail = json.loads(event.detail or "{}")
        for table, row_id, digest in detail.get("records", ()):
            vouched.expected[(table, int(row_id))] = digest  # the latest digest of a record holds
        if event.entity == "administration" and event.entity_id and detail.get("digest"):
            vouched.expected.setdefault(("administration", int(event.entity_id)), detail["digest"])
        if "batch" in detail:
            vouched.batches.append(detail["batch"])
    return vouched


def _check_records(
    session: Session, model: type, table: str, vouched: _Vouched, problems: list[str]
) -> int:
    """Check one table's records against the chain; returns how many were checked."""
    columns = model.__table__  # type: ignore[attr-defined]
    seen: set[int] = set()
    ranges = [(i, b) for i, b in enumerate(vouched.batches) if b["table"] == table]
    in_batch: dict[int, list[str]] = {i: [] for i, _ in ranges}
    rows = session.execute(
        select(columns).order_by(columns.c.id).execution_options(yield_per=5000)
    ).mappings()  # streamed, plain rows: a big home's history does not fill memory
    checked = 0
    for row in rows:
        checked += 1
        row_id = int(row["id"])
        seen.add(row_id)
        digest = values_digest(columns, row)
        holding = [i for i, b in ranges if b["first"] <= row_id <= b["last"]]
        for i in holding:  # a batch vouches for every row of its range, as it was
            in_batch[i].append(digest)
        want = vouched.expected.get((table, row_id))
        if want is not None:
            if want != digest:
                problems.append(f"{table} {row_id} was changed")
        elif not holding:
            problems.append(f"{table} {row_id} is not in the audit trail (added behind eMAR)")
    for (t, row_id), _ in sorted(vouched.expected.items()):
        if t == table and row_id not in seen:
            problems.append(f"{table} {row_id} was deleted")
    for i, digests in in_batch.items():
        b = vouched.batches[i]
        if hashlib.sha256("".join(digests).encode()).hexdigest() != b["digest"]:
            problems.append(f"{table} {b['first']}-{b['last']} were changed or deleted")
    return checked
