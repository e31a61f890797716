"""Residents' records: admission, audited edits, absences, and leaving the home.

Every change is in the audit trail with the earlier values, so nothing about a resident is lost.
A discharged, transferred or deceased resident's record stays, read-only: nothing can be given.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.codes import ABSENCES
from emar.domain.room_names import name_key
from emar.domain.text_rules import NAME, NOTE, SHORT, clean_text, required_text
from emar.domain.weight import weight_kg
from emar.errors import ValidationError
from emar.models import Absence, Resident, utcnow
from emar.services.audit import record_event
from emar.services.permissions import Action, require
from emar.services.residents.allergies import admission_allergies
from emar.services.residents.current import current_resident
from emar.services.residents.health import weight_from_details
from emar.services.residents.photos import normalise_photo
from emar.services.rooms import room_for_resident

EDITABLE = (
    "preferred_name",
    "room",
    "unit_id",
    "gp_name",
    "gp_practice",
    "medicine_preferences",
    "swallowing_needs",
    "weight_kg",
    "covert_authorised",
    "covert_details",
    "covert_review_date",
)
LEAVING = ("discharged", "transferred", "deceased")
ROOM = 20
TEXT_FIELDS = {  # editable text: label, limit, required, may hold line breaks
    "preferred_name": ("Preferred name", NAME, False, False),
    "room": ("Room", ROOM, True, False),
    "gp_name": ("GP", SHORT, False, False),
    "gp_practice": ("GP practice", SHORT, False, False),
    "medicine_preferences": ("Likes to take medicines", 500, False, False),
    "swallowing_needs": ("Swallowing", 500, False, False),
    "covert_details": ("Covert details", NOTE, False, True),
}


@dataclass
class AdmissionForm:
    given_name: str
    family_name: str
    date_of_birth: date
    unit_id: int
    room: str
    nhs_number: str | None = None
    preferred_name: str | None = None
    gp_name: str | None = None
    gp_practice: str | None = None
    allergies: list[tuple[str, str | None]] = field(default_factory=list)  # substance, reaction
    no_known_allergies: bool = False
    medicine_preferences: str | None = None
    swallowing_needs: str | None = None
    photo: bytes | None = None
    covert_authorised: bool = False
    covert_details: str | None = None
    covert_review_date: date | None = None
    weight_kg: Decimal | str | None = None  # when known: under 50 kg lowers some maximums


def _clean(form: AdmissionForm) -> AdmissionForm:
    """The form's text as it will be stored, or a message saying which field is wrong."""
    return replace(
        form,
        given_name=required_text(form.given_name, "Given name", limit=NAME),
        weight_kg=weight_kg(form.weight_kg),
        family_name=required_text(form.family_name, "Family name", limit=NAME),
        preferred_name=clean_text(form.preferred_name, "Preferred name", limit=NAME),
        room=required_text(form.room, "Room", limit=ROOM),
        gp_name=clean_text(form.gp_name, "GP", limit=SHORT),
        gp_practice=clean_text(form.gp_practice, "GP practice", limit=SHORT),
        allergies=[
            (
                required_text(substance, "Allergy", limit=SHORT),
                clean_text(reaction, "Allergy reaction", limit=SHORT),
            )
            for substance, reaction in form.allergies
        ],
        medicine_preferences=clean_text(form.medicine_preferences, "Likes to take medicines"),
        swallowing_needs=clean_text(form.swallowing_needs, "Swallowing"),
        covert_details=clean_text(form.covert_details, "Covert details", limit=NOTE, lines=True),
        photo=normalise_photo(form.photo) if form.photo is not None else None,
    )


def _check(form: AdmissionForm) -> None:
    if form.allergies and form.no_known_allergies:
        raise ValidationError("Allergies are listed, so 'no known allergies' cannot be ticked.")
    if not form.allergies and not form.no_known_allergies:
        raise ValidationError(
            "State the allergies, or tick 'no known allergies': never leave it unknown."
        )
    if form.covert_authorised and (not form.covert_details or form.covert_review_date is None):
        raise ValidationError(
            "Covert administration needs the capacity assessment and "
            "best-interests decision, and a review date."
        )


def admit_resident(
    session: Session, staff_id: int, form: AdmissionForm, *, share: bool = False
) -> int:
    """A new resident. Their room, matched to the list whatever its case, may not be retired,
    nor where someone lives unless `share`; a room not yet listed is added."""
    require(session, staff_id, Action.EDIT_CHARTS, doing="admit residents")
    form = _clean(form)
    _check(form)
    resident = Resident(  # the constructor validates the NHS number and date of birth
        given_name=form.given_name.strip(),
        family_name=form.family_name.strip(),
        preferred_name=form.preferred_name,
        date_of_birth=form.date_of_birth,
        nhs_number=form.nhs_number or None,
        unit_id=form.unit_id,
        room=form.room.strip(),
        gp_name=form.gp_name,
        gp_practice=form.gp_practice,
        no_known_allergies=form.no_known_allergies,
        weight_kg=form.weight_kg,
        medicine_preferences=form.medicine_preferences,
        swallowing_needs=form.swallowing_needs,
        photo=form.photo,
        covert_authorised=form.covert_authorised,
        covert_details=form.covert_details,
        covert_review_date=form.covert_review_date,
    )
    if resident.nhs_number and session.scalar(
        select(Resident.id).where(Resident.nhs_number == resident.nhs_number)
    ):
        raise ValidationError("A resident with that NHS number is already recorded.")
    resident.room = room_for_resident(session, staff_id, form.unit_id, form.room, share=share)
    session.add(resident)
    session.flush()
    admission_allergies(session, staff_id, resident.id, form.allergies)
    if form.weight_kg is not None:  # a weight observation, as any other weight
        weight_from_details(session, staff_id, resident, Decimal(form.weight_kg), utcnow())
    record_event(
        session,
        "resident.admitted",
        staff_id=staff_id,
        entity="resident",
        entity_id=resident.id,
        detail={"room": resident.room, "unit": form.unit_id},
    )
    return resident.id


def update_resident(
    session: Session,
    staff_id: int,
    resident_id: int,
    changes: dict[str, Any],
    *,
    now: datetime | None = None,
    share: bool = False,
    listed_room: bool = False,
) -> None:
    """Change details; the audit trail keeps each earlier value. A weight typed here is also
    recorded as a weight observation at `now` (the latest weight is the resident's weight).
    A new room follows `room_for_resident` (`share`: someone else lives there, and it is
    shared; `listed_room`: the room must already be listed)."""
    require(session, staff_id, Action.EDIT_CHARTS, doing="change residents' details")
    resident = current_resident(session, resident_id)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    if "weight_kg" in changes:
        changes = changes | {"weight_kg": weight_kg(changes["weight_kg"])}
    changes = {
        key: (
            clean_text(
                value,
                TEXT_FIELDS[key][0],
                limit=TEXT_FIELDS[key][1],
                required=TEXT_FIELDS[key][2],
                lines=TEXT_FIELDS[key][3],
            )
            if key in TEXT_FIELDS
            else value
        )
        for key, value in changes.items()
    }
    if "unit_id" in changes or "room" in changes:
        unit_id = changes.get("unit_id", resident.unit_id)
        room = changes.get("room", resident.room)
        if (unit_id, name_key(room)) == (resident.unit_id, name_key(resident.room)):
            changes = changes | ({"room": resident.room} if "room" in changes else {})
        else:
            room = room_for_resident(
                session,
                staff_id,
                unit_id,
                room,
                resident_id=resident.id,
                share=share,
                listed_only=listed_room,
            )
            if "room" in changes:
                changes = changes | {"room": room}
    before = {k: getattr(resident, k) for k in changes}
    for key, value in changes.items():
        setattr(resident, key, value)
    if resident.covert_authorised and (
        resident.covert_review_date is None or not resident.covert_details
    ):
        raise ValidationError(
            "Covert administration needs the capacity assessment and best-interests decision, "
            "and a review date."
        )
    session.flush()
    record_event(
        session,
        "resident.updated",
        staff_id=staff_id,
        entity="resident",
        entity_id=resident.id,
        detail={"before": before, "after": changes},
    )
    if "weight_kg" in changes and before["weight_kg"] != changes["weight_kg"]:
        weight_from_details(session, staff_id, resident, changes["weight_kg"], now or utcnow())


def move_resident(
    session: Session,
    staff_id: int,
    resident_id: int,
    unit_id: int,
    room: str,
    *,
    share: bool = False,
) -> str:
    """Move a resident to another unit and/or room: a listed room, not a retired one, and not
    where someone else lives unless `share`. Audited as an edit; returns the room's name."""
    require(session, staff_id, Action.EDIT_CHARTS, doing="move residents")
    update_resident(
        session,
        staff_id,
        resident_id,
        {"unit_id": unit_id, "room": room},
        share=share,
        listed_room=True,
    )
    return str(current_resident(session, resident_id).room)


def start_absence(
    session: Session,
    staff_id: int,
    resident_id: int,
    kind: str,
    at: datetime,
    note: str | None = None,
) -> int:
    require(session, staff_id, Action.ADMINISTER)
    resident = current_resident(session, resident_id)
    if kind not in ABSENCES:
        raise ValidationError(f"An absence is one of: {', '.join(ABSENCES)}.")
    if any(a.ended_at is None for a in resident.absences):
        raise ValidationError(f"{resident.full_name} is already recorded as away.")
    note = clean_text(note, "Note", limit=NOTE, lines=True)
    absence = Absence(resident_id=resident.id, kind=kind, started_at=at, note=note)
    session.add(absence)
    session.flush()
    record_event(
        session,
        "resident.absence_started",
        staff_id=staff_id,
        entity="resident",
        entity_id=resident.id,
        detail={"kind": kind, "at": at.isoformat()},
    )
    return absence.id


def end_absence(session: Session, staff_id: int, resident_id: int, at: datetime) -> None:
    require(session, staff_id, Action.ADMINISTER)
    resident = current_resident(session, resident_id)
    open_ = [a for a in resident.absences if a.ended_at is None]
    if not open_:
        raise ValidationError(f"{resident.full_name} is not recorded as away.")
    if at <= open_[0].started_at:
        raise ValidationError("The return must be after the absence started.")
    open_[0].ended_at = at
    record_event(
        session,
        "resident.absence_ended",
        staff_id=staff_id,
        entity="resident",
        entity_id=resident.id,
        detail={"at": at.isoformat()},
    )


def leave_home(
    session: Session, staff_id: int, resident_id: int, how: str, note: str | None = None
) -> None:
    """Discharge, transfer or death: the record is kept, read-only."""
    require(session, staff_id, Action.EDIT_CHARTS)
    if how not in LEAVING:
        raise ValidationError(f"Choose one of: {', '.join(LEAVING)}.")
    note = clean_text(note, "Note", limit=NOTE, lines=True)
    resident = current_resident(session, resident_id)
    resident.status = how
    record_event(
        session,
        f"resident.{how}",
        staff_id=staff_id,
        entity="resident",
        entity_id=resident.id,
        detail={"note": note},
    )
