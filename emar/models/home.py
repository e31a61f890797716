"""The care home, its settings and its units."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emar.domain.schedule import DEFAULT_ZONE
from emar.models.base import Base, UTCDateTime, utcnow


class CareHome(Base):
    """One home; its row also holds the home-wide settings."""

    __tablename__ = "care_home"
    __table_args__ = (
        CheckConstraint("dose_window_minutes BETWEEN 5 AND 240", name="dose_window"),
        CheckConstraint("time_critical_window_minutes BETWEEN 5 AND 120", name="tc_window"),
        CheckConstraint("idle_lock_minutes BETWEEN 1 AND 60", name="idle_lock"),
        CheckConstraint("backup_retention_days BETWEEN 1 AND 3650", name="backup_retention"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_ZONE)
    dose_window_minutes: Mapped[int] = mapped_column(default=60)
    time_critical_window_minutes: Mapped[int] = mapped_column(default=30)
    idle_lock_minutes: Mapped[int] = mapped_column(default=3)
    cycle_start_date: Mapped[date | None] = mapped_column(Date)
    # Days of daily SQLite backups kept beside the database file (emar.maintenance.backups).
    backup_retention_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # Controlled drugs of Schedules 2 and 3 always need a witness; 4 and 5 only by home policy.
    witness_cd_schedule_4: Mapped[bool] = mapped_column(default=False, server_default=false())
    witness_cd_schedule_5: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The demo home (emar.demo): its sign-in screen says so and shows the demo logins.
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    units: Mapped[list["Unit"]] = relationship(back_populates="home", order_by="Unit.name")


class Unit(Base):
    """A floor or wing; residents belong to one, and a ward PC works one at a time."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("home_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("care_home.id"))
    name: Mapped[str] = mapped_column(String(100))
    # Retired, never deleted: residents' records point at it. No one is admitted to it.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    home: Mapped[CareHome] = relationship(back_populates="units")


class Room(Base):
    """One of the home's rooms, in a unit: the rooms offered at admission and when moving a
    resident (the resident's own record keeps the room's name as written). Retired, never
    deleted."""

    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("unit_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
