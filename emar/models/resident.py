"""Residents, their allergies and their absences (hospital, leave)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from emar.domain.codes import ABSENCES
from emar.domain.nhs_number import normalise_nhs_number
from emar.errors import ValidationError
from emar.models.base import Base, UTCDateTime, utcnow

RESIDENT_STATUSES = ("resident", "discharged", "transferred", "deceased")


class Resident(Base):
    __tablename__ = "resident"
    __table_args__ = (
        CheckConstraint(f"status IN {RESIDENT_STATUSES!r}", name="status"),
        CheckConstraint(
            "NOT covert_authorised OR covert_review_date IS NOT NULL", name="covert_review"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    nhs_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    room: Mapped[str] = mapped_column(String(20))
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    gp_name: Mapped[str | None] = mapped_column(String(200))
    gp_practice: Mapped[str | None] = mapped_column(String(200))
    # True only when someone recorded "no known allergies"; None/False with no rows = not yet asked.
    no_known_allergies: Mapped[bool] = mapped_column(default=False)
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    medicine_preferences: Mapped[str | None] = mapped_column(Text)
    swallowing_needs: Mapped[str | None] = mapped_column(Text)
    covert_authorised: Mapped[bool] = mapped_column(default=False)
    covert_details: Mapped[str | None] = mapped_column(Text)
    covert_review_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="resident")
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    allergies: Mapped[list["Allergy"]] = relationship(
        back_populates="resident", order_by="Allergy.substance"
    )
    absences: Mapped[list["Absence"]] = relationship(back_populates="resident")

    @validates("nhs_number")
    def _check_nhs_number(self, _key: str, value: str | None) -> str | None:
        return None if value is None else normalise_nhs_number(value)

    @validates("date_of_birth")
    def _check_dob(self, _key: str, value: date) -> date:
        if value > date.today():
            raise ValidationError("Date of birth cannot be in the future.")
        if value.year < 1900:
            raise ValidationError("Date of birth is before 1900: please check it.")
        return value

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


ALLERGY_STATUSES = ("active", "resolved", "entered-in-error")


class Allergy(Base):
    """An allergy or intolerance (the shape of FHIR AllergyIntolerance), append-only: a change,
    resolution or withdrawal is a new row that `supersedes` the one it replaces.

    `substance` is what was recorded, as shown; `code_kind`/`code` say what it is coded to
    ("ingredient" or "class" of the shipped reference tables, "dmd" a dm+d code, None: text
    only, matched by name)."""

    __tablename__ = "allergy"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    substance: Mapped[str] = mapped_column(String(100))
    reaction: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    code_kind: Mapped[str | None] = mapped_column(String(20))
    code: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(
        String(20), default="medication", server_default="medication"
    )  # medication, food, environment, biologic
    criticality: Mapped[str | None] = mapped_column(String(20))  # low, high, unable-to-assess
    severity: Mapped[str | None] = mapped_column(String(10))  # of the reaction: mild...severe
    status: Mapped[str] = mapped_column(String(20), default="active", server_default="active")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("allergy.id"), index=True, unique=True
    )
    change_reason: Mapped[str | None] = mapped_column(Text)

    resident: Mapped[Resident] = relationship(back_populates="allergies")


ABSENCE_KINDS = ABSENCES


class Absence(Base):
    """A temporary absence; doses due while it is open show its code (H or L), not "missed"."""

    __tablename__ = "absence"
    __table_args__ = (
        CheckConstraint(f"kind IN {ABSENCE_KINDS!r}", name="kind"),
        CheckConstraint("ended_at IS NULL OR ended_at > started_at", name="order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)

    resident: Mapped[Resident] = relationship(back_populates="absences")
