"""The hashes of the audit trail: a row's link in the chain, and the digest of a clinical
record, both over a canonical form that survives a database round trip."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

GENESIS = "0" * 64
# Columns added after records were first digested, with the value a record made before them
# holds (NULL, or the column's server default): that value enters no digest, so the records
# made before the column existed still match what the chain holds. Any other value does.
ADDED_LATER: dict[str, dict[str, object]] = {
    "administration": {"late_entry_reason": None},  # 0005
    "chart_line": {"medicine_text": None, "recommendation_id": None},  # 0006, 0008
    "chart_line_event": {"recommendation_id": None},  # 0008
    "allergy": {  # 0006: allergies became coded, append-only records
        "code_kind": None,
        "code": None,
        "category": "medication",
        "criticality": None,
        "severity": None,
        "status": "active",
        "recorded_by_id": None,
        "supersedes_id": None,
        "change_reason": None,
    },
}
_UNSET = object()


class ChainRow(Protocol):
    """What a row of the chain is hashed over (an audit row, or one waiting for its commit)."""

    @property
    def occurred_at(self) -> datetime: ...
    @property
    def staff_id(self) -> int | None: ...
    @property
    def action(self) -> str: ...
    @property
    def entity(self) -> str | None: ...
    @property
    def entity_id(self) -> str | None: ...
    @property
    def detail(self) -> str: ...


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


def link_hash(row: ChainRow, prev_hash: str) -> str:
    """A row's hash: its canonical content and the previous row's hash."""
    body = canonical(
        row.occurred_at, row.staff_id, row.action, row.entity, row.entity_id, row.detail, prev_hash
    )
    return hashlib.sha256(body).hexdigest()


def detail_json(detail: dict[str, Any]) -> str:
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), default=str)


def covered_models() -> dict[type, str]:
    """The clinical records the chain vouches for: model -> table name."""
    from emar.models import (
        Administration,
        Allergy,
        ChartLine,
        ChartLineEvent,
        HomelyAuthorisation,
        HomelyRemedy,
        HomelyStock,
        MedicationReview,
        MedicineOrder,
        MedicineOrderLine,
        MonitoringPlan,
        PrnOutcome,
        ReceiptCheck,
        ReceiptCheckLine,
        Recommendation,
        RecommendationEvent,
        ResidentCondition,
        ResidentObservation,
        ReturnBatch,
        ReturnBatchItem,
        ReviewLineAssessment,
        Staff,
        StockMovement,
    )

    models = (
        Administration,
        PrnOutcome,
        StockMovement,
        ChartLine,
        ChartLineEvent,
        Allergy,
        Staff,
        ResidentCondition,  # 0007: a resident's health facts, for the pharmacist's signals
        ResidentObservation,
        MonitoringPlan,
        MedicationReview,  # 0008: the pharmacist's signed reviews and recommendations
        ReviewLineAssessment,
        Recommendation,
        RecommendationEvent,
        MedicineOrder,  # 0010: the monthly order, line by line
        MedicineOrderLine,
        ReceiptCheck,  # 0011: the receipt check, signed, item by item
        ReceiptCheckLine,
        ReturnBatch,  # 0012: the returns to the pharmacy, batch by batch
        ReturnBatchItem,
        HomelyRemedy,  # 0013: homely remedies, their authorisations and the home's stock book
        HomelyAuthorisation,
        HomelyStock,
    )
    return {m: m.__tablename__ for m in models}


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

    later = ADDED_LATER.get(table.name, {})
    body = {
        c.key: canon(values[c.key])
        for c in table.columns
        if later.get(c.key, _UNSET) != values[c.key]
    }
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
