"""This PC's clock against the database server's (see emar/domain/clock_skew.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session


def clock_skew(session: Session, now: datetime) -> timedelta | None:
    """The server's time minus `now` (this PC's). SQLite has no server: None."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    server = session.scalar(text("SELECT clock_timestamp()"))
    assert isinstance(server, datetime)
    return server.astimezone(UTC) - now
