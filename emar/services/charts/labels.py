"""What goes on printed labels: residents' chart/wristband labels, staff badges, pack labels."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.devices.labels import Label, pack_label, resident_label, staff_badge
from emar.domain.line_periods import ACTIVE
from emar.models import Staff
from emar.services.charts.reading import resident_chart
from emar.services.residents.reading import list_residents


def resident_labels(session: Session, at: datetime, unit_id: int | None = None) -> list[Label]:
    return [
        resident_label(r.id, r.name, r.date_of_birth, r.room, r.nhs_number)
        for r in list_residents(session, at, unit_id)
    ]


def staff_badges(session: Session) -> list[Label]:
    rows = session.execute(
        select(Staff.badge_code, Staff.full_name, Staff.role)
        .where(Staff.active, Staff.badge_code.is_not(None))
        .order_by(Staff.full_name)
    ).all()
    return [staff_badge(code, name, role) for code, name, role in rows if code]


def pack_labels(session: Session, resident_id: int, at: datetime) -> list[Label]:
    """One label per active chart line, to stick on a pack that has no barcode of its own."""
    resident = next((r for r in list_residents(session, at) if r.id == resident_id), None)
    if resident is None:
        return []
    return [
        pack_label(line.id, resident.name, line.medicine, line.dose)
        for line in resident_chart(session, resident_id, at)
        if line.status == ACTIVE
    ]
