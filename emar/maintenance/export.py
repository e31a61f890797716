"""A canonical export of the whole database: every table, rows in primary-key order, values in
one text form whatever the backend. Two databases holding the same records export identically,
which is how a restore is proven; the JSON file is also a portable copy for IT.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.infra.private_files import owner_only
from emar.models import Base
from emar.services.audit import record_event
from emar.services.permissions import Action, require

FORMAT = "emar-canonical-export/1"


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # 1.50 and 1.5 are the same dose; SQLite and PostgreSQL print them differently
        return format(value.normalize(), "f")
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def canonical_export(session: Session) -> dict[str, Any]:
    """{"format": ..., "tables": {name: [row, ...]}} for every eMAR table."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name):
        order = list(table.primary_key.columns) or list(table.columns)
        rows = session.execute(select(table).order_by(*order)).mappings()
        tables[table.name] = [{k: _value(v) for k, v in row.items()} for row in rows]
    return {"format": FORMAT, "tables": tables}


def export_to_file(session: Session, staff_id: int | None, out: Path) -> dict[str, int]:
    """Write the canonical export as JSON, owner-only; the export itself is audited."""
    if staff_id is not None:
        require(session, staff_id, Action.VERIFY_AUDIT)
    data = canonical_export(session)
    text = json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False)
    with open(out, "x", encoding="utf-8", opener=owner_only) as f:
        f.write(text)
    counts = {name: len(rows) for name, rows in data["tables"].items()}
    record_event(
        session,
        "data.exported",
        staff_id=staff_id,
        detail={"file": out.name, "rows": sum(counts.values())},
    )
    return counts
