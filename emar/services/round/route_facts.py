"""The facts the route and form rules judge: the product behind a scanned pack (the line's own
medicine, or a supplier's product of the line's generic) and the form of the line's medicine."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.doses import LineFacts
from emar.domain.rights.route import Product
from emar.models import Medicine


def pack_product(session: Session, medicine_ids: list[int], line: LineFacts) -> Product | None:
    """Of the products whose packs carry the barcode, the one in the carer's hand for `line`: a
    supplier's product (AMP) of the line's generic, else the line's own medicine, else the
    first."""
    rows = session.execute(
        select(
            Medicine.id,
            Medicine.vmp_id,
            Medicine.name,
            Medicine.strength,
            Medicine.form,
            Medicine.route,
            Medicine.routes,
        ).where(Medicine.id.in_(medicine_ids))
    ).all()
    if not rows:
        return None
    row = min(rows, key=lambda r: (r.vmp_id != line.medicine_id, r.id != line.medicine_id, r.id))
    name = " ".join(p for p in (row.name, row.strength, row.form) if p)
    return Product(name, row.form or None, row.route, row.routes)


def line_form(session: Session, line: LineFacts) -> str | None:
    return session.scalar(select(Medicine.form).where(Medicine.id == line.medicine_id)) or None
