"""Checkpoints: the chain's head kept outside the database (a file, a printed page), so a trail
later cut short or rewritten from an earlier row is found."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.models import AuditEvent


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
