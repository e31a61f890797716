"""Staff accounts."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.text_rules import NAME, required_text
from emar.errors import ValidationError
from emar.infra.passwords import check_password_rules, check_pin_rules, hash_secret
from emar.models import Role, Staff
from emar.services.audit import record_event
from emar.services.permissions import Action, require_unless_setting_up


@dataclass(frozen=True)
class StaffView:
    id: int
    username: str
    full_name: str
    initials: str
    role: str
    must_change_password: bool = False  # a manager reset it: a new one before any work


def _view(s: Staff) -> StaffView:
    return StaffView(s.id, s.username, s.full_name, s.initials, s.role, s.must_change_password)


def add_staff(
    session: Session,
    *,
    username: str,
    full_name: str,
    role: str,
    password: str,
    pin: str | None = None,
    badge_code: str | None = None,
    added_by_id: int | None = None,
    must_change_password: bool = False,
) -> StaffView:
    require_unless_setting_up(session, added_by_id, Action.MANAGE_USERS)
    username = check_username(username)
    badge_code = badge_key(badge_code) if badge_code and badge_code.strip() else None
    full_name = required_text(full_name, "Full name", limit=NAME)
    if role not in {r.value for r in Role}:
        raise ValidationError(f"Unknown role {role!r}; choose one of: {', '.join(Role)}.")
    if not full_name.strip():
        raise ValidationError("Full name is required.")
    check_password_rules(password)
    if pin is not None:
        check_pin_rules(pin)
    if session.scalar(select(Staff.id).where(Staff.username == username)) is not None:
        raise ValidationError(f"There is already a user called {username!r}.")
    if badge_code and session.scalar(select(Staff.id).where(Staff.badge_code == badge_code)):
        raise ValidationError(f"Badge {badge_code!r} already belongs to someone else.")
    initials = "".join(part[0] for part in full_name.split() if part).upper()[:4]
    staff = Staff(
        username=username,
        full_name=full_name.strip(),
        initials=initials,
        role=role,
        password_hash=hash_secret(password),
        pin_hash=hash_secret(pin) if pin else None,
        badge_code=badge_code,
        must_change_password=must_change_password,
    )
    session.add(staff)
    session.flush()
    record_event(
        session,
        "staff.added",
        staff_id=added_by_id,
        entity="staff",
        entity_id=staff.id,
        detail={"username": username, "role": role},
    )
    return _view(staff)


def list_staff(session: Session) -> list[StaffView]:
    return [_view(s) for s in session.scalars(select(Staff).order_by(Staff.full_name))]


def check_username(username: str) -> str:
    """The username as stored, if it is one (the Add staff dialog checks it as typed too)."""
    username = username_key(username)
    plain = username.replace("-", "").replace(".", "")
    if not username or not plain.isascii() or not plain.isalnum() or len(username) > 64:
        # ASCII only: a Cyrillic "а" would make a look-alike of someone else's name
        raise ValidationError(
            "Username must be plain letters and digits (a-z, 0-9; dots and dashes allowed), "
            "at most 64."
        )
    return username


def username_key(username: str) -> str:
    """A username as stored and looked up: trimmed, lower case, at most 64 characters."""
    return username.strip().lower()[:64]


def badge_key(badge_code: str) -> str:
    """A badge code as stored and looked up: trimmed, upper case (as scanners and labels send
    it), at most 64 characters."""
    return badge_code.strip().upper()[:64]


def staff_id_by_username(session: Session, username: str) -> int | None:
    """Whose username this is (signatures name a person; services take their id)."""
    return session.scalar(select(Staff.id).where(Staff.username == username_key(username)))
