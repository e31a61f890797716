"""What changes for the resident chosen on the chart tab: away (hospital or leave), back, a
detail edited (the earlier value is kept), or leaving the home (the record stays, read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QPushButton

from emar.domain.codes import ABSENCES, away_code
from emar.services.residents.admission import (
    LEAVING,
    end_absence,
    leave_home,
    move_resident,
    start_absence,
    update_resident,
)
from emar.ui.operations import RESIDENTS

if TYPE_CHECKING:
    from emar.ui.manage.chart_tab import ChartTab

EDITABLE_TEXT = {
    "room": "room",
    "GP": "gp_name",
    "GP practice": "gp_practice",
    "how they like to take medicines": "medicine_preferences",
    "swallowing needs": "swallowing_needs",
    "weight in kg (under 50 kg lowers the paracetamol maximum)": "weight_kg",
}


def resident_actions(tab: ChartTab) -> QHBoxLayout:
    row = QHBoxLayout()
    for label, kind in (
        ("Away (hospital or leave)…", "away"),
        ("Back in the home", "back"),
        ("Edit details…", "edit"),
        ("Move room…", "move"),
        ("Leaves the home…", "leave"),
    ):
        button = QPushButton(label)
        button.setObjectName(f"resident_{kind}")
        button.clicked.connect(lambda _=False, k=kind: resident_action(tab, k))
        row.addWidget(button)
    return row


def resident_action(tab: ChartTab, kind: str) -> None:
    rid, staff, now = tab.resident.currentData(), tab.host.staff_id(), tab.host.desk.clock()
    name, ask = tab.resident.currentText(), tab.ask.ask
    if rid is None or staff is None:
        return
    if kind == "away":
        where = ask(tab, "Away", f"Where is {name}?", list(ABSENCES))
        if where:
            tab.write(
                lambda s: start_absence(s, staff, rid, where, now),
                RESIDENTS,
                f"{name}: away ({where}). Due doses show {away_code(where)}.",
            )
    elif kind == "back":
        tab.write(lambda s: end_absence(s, staff, rid, now), RESIDENTS, f"{name} is back.")
    elif kind == "leave":
        how = ask(tab, "Leaves the home", f"How does {name} leave?", list(LEAVING))
        if how:
            tab.write(
                lambda s: leave_home(s, staff, rid, how),
                RESIDENTS,
                f"{name}: {how}. The record is kept, read-only.",
            )
    elif kind == "move":
        units = {u.name: u.id for u in tab.units}
        unit = ask(tab, "Move room", f"Which unit does {name} move to?", list(units))
        room = ask(tab, "Move room", "Which room?", None) if unit else None
        if unit and room:
            unit_id = units[unit]
            tab.write_sharing(
                lambda s, share: move_resident(s, staff, rid, unit_id, room, share=share),
                RESIDENTS,
                lambda placed: f"{name} moved to {unit}, room {placed}.",
            )
    else:
        field_name = ask(tab, "Edit details", "Which detail?", list(EDITABLE_TEXT))
        value = ask(tab, "Edit details", f"New {field_name}:", None) if field_name else None
        if field_name and value and EDITABLE_TEXT[field_name] == "room":
            tab.write_sharing(  # as Move room…: a listed room, shared only when they say so
                lambda s, share: update_resident(
                    s, staff, rid, {"room": value}, share=share, listed_room=True
                ),
                RESIDENTS,
                lambda _r: f"{name}: room changed (the earlier value is kept).",
            )
        elif field_name and value:
            key = EDITABLE_TEXT[field_name]
            tab.write(
                lambda s: update_resident(s, staff, rid, {key: value}),
                RESIDENTS,
                f"{name}: {field_name} changed (the earlier value is kept).",
            )
