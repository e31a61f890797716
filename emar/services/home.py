"""The care home and its units."""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.home_rules import check_dose_windows, check_idle_lock
from emar.domain.rights.giving import WitnessPolicy
from emar.domain.room_names import name_key
from emar.domain.schedule import DEFAULT_ZONE
from emar.domain.text_rules import required_text
from emar.domain.windows import DoseWindows
from emar.errors import ValidationError
from emar.models import CareHome, Resident, Unit
from emar.services.audit import record_event
from emar.services.permissions import Action, require, require_unless_setting_up


@dataclass(frozen=True)
class HomeSettings:
    id: int
    name: str
    time_zone: str
    dose_window_minutes: int
    time_critical_window_minutes: int
    idle_lock_minutes: int
    cycle_start_date: date | None
    backup_retention_days: int = 30
    witness_cd_schedule_4: bool = False
    witness_cd_schedule_5: bool = False
    is_demo: bool = False

    @property
    def witness_policy(self) -> WitnessPolicy:
        return WitnessPolicy(self.witness_cd_schedule_4, self.witness_cd_schedule_5)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def windows(self) -> DoseWindows:
        return DoseWindows(self.dose_window_minutes, self.time_critical_window_minutes)


@dataclass(frozen=True)
class UnitView:
    id: int
    name: str
    active: bool = True


def create_home(
    session: Session,
    name: str,
    *,
    time_zone: str = DEFAULT_ZONE,
    staff_id: int | None = None,
    demo: bool = False,
) -> HomeSettings:
    require_unless_setting_up(session, staff_id, Action.MANAGE_SETTINGS)
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"Unknown time zone {time_zone!r}.") from None
    if session.scalar(select(CareHome.id)) is not None:
        raise ValidationError("This database already has a care home.")
    home = CareHome(name=required_text(name, "Home name", limit=200), time_zone=time_zone)
    home.is_demo = demo
    session.add(home)
    session.flush()
    record_event(session, "home.created", staff_id=staff_id, entity="care_home", entity_id=home.id)
    return get_home(session)


def get_home(session: Session) -> HomeSettings:
    home = session.scalars(select(CareHome).order_by(CareHome.id).limit(1)).first()
    if home is None:
        raise ValidationError("This database has no care home yet: run 'emar demo' or set one up.")
    return HomeSettings(
        id=home.id,
        name=home.name,
        time_zone=home.time_zone,
        dose_window_minutes=home.dose_window_minutes,
        time_critical_window_minutes=home.time_critical_window_minutes,
        idle_lock_minutes=home.idle_lock_minutes,
        cycle_start_date=home.cycle_start_date,
        backup_retention_days=home.backup_retention_days,
        witness_cd_schedule_4=home.witness_cd_schedule_4,
        witness_cd_schedule_5=home.witness_cd_schedule_5,
        is_demo=home.is_demo,
    )


def has_home(session: Session) -> bool:
    return session.scalar(select(CareHome.id)) is not None


def add_unit(session: Session, staff_id: int | None, home_id: int, name: str) -> UnitView:
    require_unless_setting_up(session, staff_id, Action.MANAGE_SETTINGS)
    name = " ".join(required_text(name, "Unit name", limit=100).split())
    _refuse_same_name(session, home_id, name)
    unit = Unit(home_id=home_id, name=name)
    session.add(unit)
    session.flush()
    record_event(session, "unit.added", staff_id=staff_id, entity="unit", entity_id=unit.id)
    return UnitView(unit.id, unit.name)


def list_units(session: Session, *, include_retired: bool = False) -> list[UnitView]:
    """The home's units (retired ones only when asked: reports of the past still name them)."""
    query = select(Unit).order_by(Unit.name)
    if not include_retired:
        query = query.where(Unit.active)
    return [UnitView(u.id, u.name, u.active) for u in session.scalars(query)]


def _refuse_same_name(
    session: Session, home_id: int, name: str, besides: int | None = None
) -> None:
    """Another unit (retired too) of that name, whatever its case or spacing, refuses it."""
    for unit in session.scalars(select(Unit).where(Unit.home_id == home_id)):
        if unit.id != besides and name_key(unit.name) == name_key(name):
            state = " (retired: restore it instead)" if not unit.active else ""
            raise ValidationError(f"There is already a unit called {unit.name!r}{state}.")


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise ValidationError("No such unit.")
    return unit


def _unit_event(session: Session, staff_id: int, what: str, unit: Unit, before: object) -> None:
    after = unit.name if what == "unit.renamed" else unit.active
    record_event(
        session,
        what,
        staff_id=staff_id,
        entity="unit",
        entity_id=unit.id,
        detail={"before": before, "after": after},
    )


def rename_unit(session: Session, staff_id: int, unit_id: int, name: str) -> UnitView:
    require(session, staff_id, Action.MANAGE_SETTINGS)
    unit = _unit(session, unit_id)
    name = " ".join(required_text(name, "Unit name", limit=100).split())
    _refuse_same_name(session, unit.home_id, name, besides=unit.id)
    before, unit.name = unit.name, name
    session.flush()
    _unit_event(session, staff_id, "unit.renamed", unit, before)
    return UnitView(unit.id, unit.name, unit.active)


def living_in(session: Session, unit_id: int, room: str | None = None) -> list[str]:
    """Who lives in a unit (or one of its rooms) now: their names."""
    query = select(Resident).where(Resident.unit_id == unit_id, Resident.status == "resident")
    if room is not None:
        query = query.where(Resident.room == room)
    return [r.full_name for r in session.scalars(query.order_by(Resident.family_name))]


def retire_unit(session: Session, staff_id: int, unit_id: int) -> UnitView:
    """No one is admitted to a retired unit; refused while anyone lives there."""
    require(session, staff_id, Action.MANAGE_SETTINGS)
    unit = _unit(session, unit_id)
    if not unit.active:
        raise ValidationError(f"{unit.name} is already retired.")
    residents = living_in(session, unit.id)
    if residents:
        raise ValidationError(
            f"{unit.name} cannot be retired: {len(residents)} resident(s) live there "
            f"({', '.join(residents[:3])}{'…' if len(residents) > 3 else ''}). Move them first."
        )
    unit.active = False
    _unit_event(session, staff_id, "unit.retired", unit, True)
    return UnitView(unit.id, unit.name, unit.active)


def restore_unit(session: Session, staff_id: int, unit_id: int) -> UnitView:
    require(session, staff_id, Action.MANAGE_SETTINGS)
    unit = _unit(session, unit_id)
    if unit.active:
        raise ValidationError(f"{unit.name} is not retired.")
    unit.active = True
    _unit_event(session, staff_id, "unit.restored", unit, False)
    return UnitView(unit.id, unit.name, unit.active)


def unit_by_name(session: Session, name: str) -> UnitView:
    """A unit by its name, retired or not, whatever the case typed."""
    wanted = name_key(name)
    for unit in list_units(session, include_retired=True):
        if name_key(unit.name) == wanted:
            return unit
    raise ValidationError(f"No unit called {name!r}.")


def _change_setting(session: Session, staff_id: int, name: str, value: object) -> None:
    """Change one home-wide setting, audited with its value before and after."""
    require(session, staff_id, Action.MANAGE_SETTINGS)
    home = session.scalars(select(CareHome).order_by(CareHome.id).limit(1)).one()
    before = getattr(home, name)
    setattr(home, name, value)
    record_event(
        session,
        "settings.changed",
        staff_id=staff_id,
        entity="care_home",
        entity_id=home.id,
        detail={name: {"before": before, "after": value}},
    )


def rename_home(session: Session, staff_id: int, name: str) -> None:
    _change_setting(session, staff_id, "name", required_text(name, "Home name", limit=200))


def set_time_zone(session: Session, staff_id: int, zone: str) -> None:
    """The home's time zone: dose times, days and reports follow it (audited like any setting)."""
    zone = (zone or "").strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"Unknown time zone {zone!r} (e.g. Europe/London).") from None
    _change_setting(session, staff_id, "time_zone", zone)


def set_dose_window(session: Session, staff_id: int, minutes: int) -> None:
    """Minutes either side of a dose's time (5-240; never narrower than time-critical)."""
    check_dose_windows(minutes, get_home(session).time_critical_window_minutes)
    _change_setting(session, staff_id, "dose_window_minutes", minutes)


def set_time_critical_window(session: Session, staff_id: int, minutes: int) -> None:
    """Minutes either side for time-critical medicines (5-120; not wider than the normal)."""
    check_dose_windows(get_home(session).dose_window_minutes, minutes)
    _change_setting(session, staff_id, "time_critical_window_minutes", minutes)


def set_dose_windows(session: Session, staff_id: int, minutes: int, time_critical: int) -> None:
    """Both windows at once (a wider time-critical window with a wider normal one)."""
    check_dose_windows(minutes, time_critical)
    _change_setting(session, staff_id, "dose_window_minutes", minutes)
    _change_setting(session, staff_id, "time_critical_window_minutes", time_critical)


def set_idle_lock(session: Session, staff_id: int, minutes: int) -> None:
    """Minutes before an idle screen locks (1-60)."""
    check_idle_lock(minutes)
    _change_setting(session, staff_id, "idle_lock_minutes", minutes)


def set_cycle_start(session: Session, staff_id: int, start: date) -> None:
    """The first day of the home's 28-day medicines cycle (stock is counted and carried then)."""
    _change_setting(session, staff_id, "cycle_start_date", start)


def set_backup_retention(session: Session, staff_id: int, days: int) -> None:
    """How many days of daily backups to keep (the newest is always kept)."""
    if not 1 <= days <= 3650:
        raise ValidationError("Keep backups for between 1 and 3650 days.")
    _change_setting(session, staff_id, "backup_retention_days", days)


def set_cd_witness(session: Session, staff_id: int, schedule: int, witnessed: bool) -> None:
    """Whether this home asks a witness for CD Schedule 4 or 5 (2 and 3 always have one)."""
    if schedule not in (4, 5):
        raise ValidationError("Only Schedules 4 and 5 are the home's choice; 2 and 3 always.")
    _change_setting(session, staff_id, f"witness_cd_schedule_{schedule}", bool(witnessed))
