"""What a scanned pack means: the catalogue's products for its barcode, and the resident's chart
line it is for. One lookup for the round (verification) and for booking stock in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from emar.domain.gtin import to_gtin14
from emar.domain.rights.medicine import line_for_pack
from emar.models import Medicine, MedicineGtin
from emar.services.round.facts import load_lines


def medicines_for_gtin(session: Session, gtin: str) -> dict[int, str]:
    """The products (id: name) whose packs carry this barcode (GTIN-8/12/13/14, normalised to
    GTIN-14), the pack's own product first; for a dm+d branded product (AMP) also its generic
    (VMP), so a branded pack is given for a line transcribed on the generic. Empty when the
    catalogue does not know it. ValidationError if it is no GTIN."""
    code = to_gtin14(gtin)
    generic = aliased(Medicine)
    rows = session.execute(
        select(Medicine.id, Medicine.name, generic.id, generic.name)
        .join(MedicineGtin, MedicineGtin.medicine_id == Medicine.id)
        .outerjoin(generic, generic.id == Medicine.vmp_id)
        .where(MedicineGtin.gtin == code)
    ).all()
    found = {int(medicine_id): name for medicine_id, name, _, _ in rows}
    for _, _, generic_id, generic_name in rows:
        if generic_id is not None:
            found.setdefault(int(generic_id), generic_name)
    return found


def pack_line(
    session: Session, resident_id: int, gtin: str, at: datetime
) -> tuple[int, str] | None:
    """The resident's chart line a scanned pack is for, by the round's rule (an active regular
    line, then an active PRN line, then any), and its medicine as the chart names it."""
    medicines = medicines_for_gtin(session, gtin)
    lines = load_lines(session, [resident_id], at)
    line = line_for_pack([ln for ln in lines if ln.medicine_id in medicines])
    return (line.id, line.medicine) if line is not None else None
