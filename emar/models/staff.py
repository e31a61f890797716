"""Staff accounts: who signs, witnesses and checks."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, false
from sqlalchemy.orm import Mapped, mapped_column

from emar.models.base import Base, UTCDateTime, utcnow


class Role(StrEnum):
    CARER = "carer"
    SENIOR_CARER = "senior_carer"
    NURSE = "nurse"
    MANAGER = "manager"
    PHARMACIST = "pharmacist"
    ADMINISTRATOR = "administrator"


ROLE_NAMES = tuple(r.value for r in Role)


class Staff(Base):
    __tablename__ = "staff"
    __table_args__ = (CheckConstraint(f"role IN {ROLE_NAMES!r}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    initials: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    badge_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Set when a manager resets the password: its owner chooses a new one at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
