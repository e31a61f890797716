"""Managing staff accounts without the command line: the staff screen's list, a role, disabling
and enabling, a temporary password, a PIN, a badge; and a person changing their own password.

A manager or an administrator (MANAGE_USERS) does the first kind; every change is audited and
the audit never holds a secret. Accounts are never deleted (records point at people): they are
disabled. Nobody changes their own role or disables themselves, and the home is never left
without an active manager or administrator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from emar.devices.labels import Label, staff_badge
from emar.errors import ValidationError
from emar.infra.passwords import check_password_rules, check_pin_rules, hash_secret, verify_secret
from emar.models import Role, Staff, utcnow
from emar.services.audit import record_event
from emar.services.permissions import ROLE_LABELS, Action, require
from emar.services.staff.accounts import badge_key
from emar.services.staff.signing import attempt_blocked, note_blocked

MANAGERS = (Role.MANAGER.value, Role.ADMINISTRATOR.value)
WRONG_CURRENT = "The current password is wrong; nothing was changed."


@dataclass(frozen=True)
class StaffRecord:
    """One row of the staff screen (no secrets: whether a PIN is set, not the PIN)."""

    id: int
    username: str
    full_name: str
    role: str
    active: bool
    has_pin: bool
    badge_code: str | None
    must_change_password: bool
    locked: bool  # waiting or locked out after failed attempts (a manager may unlock)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(Role(self.role), self.role)


def list_staff_records(
    session: Session, by_id: int, now: datetime | None = None
) -> list[StaffRecord]:
    require(session, by_id, Action.MANAGE_USERS)
    now = now or utcnow()
    return [
        _record(session, s, now)
        for s in session.scalars(select(Staff).order_by(Staff.full_name, Staff.id))
    ]


def _target(session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise ValidationError("There is no such member of staff.")
    return staff


def _keep_a_manager(session: Session, staff: Staff, what: str) -> None:
    """Refuse when `staff` is the last active manager or administrator."""
    if not (staff.active and staff.role in MANAGERS):
        return
    others = session.scalar(
        select(func.count(Staff.id)).where(
            Staff.active, Staff.role.in_(MANAGERS), Staff.id != staff.id
        )
    )
    if not others:
        raise ValidationError(
            f"{staff.full_name} is the home's last active manager or administrator: "
            f"make someone else one before you {what}."
        )


def _audit(session: Session, action: str, by_id: int, staff: Staff, **detail: object) -> None:
    record_event(
        session,
        action,
        staff_id=by_id,
        entity="staff",
        entity_id=staff.id,
        detail={"username": staff.username, **detail},
    )


def change_role(session: Session, by_id: int, staff_id: int, role: str) -> StaffRecord:
    require(session, by_id, Action.MANAGE_USERS)
    staff = _target(session, staff_id)
    if role not in {r.value for r in Role}:
        raise ValidationError(f"Unknown role {role!r}; choose one of: {', '.join(Role)}.")
    if staff.id == by_id:
        raise ValidationError("Nobody may change their own role: ask another manager.")
    if role == staff.role:
        raise ValidationError(f"{staff.full_name} is already a {ROLE_LABELS[Role(role)]}.")
    if role not in MANAGERS:
        _keep_a_manager(session, staff, "change their role")
    before, staff.role = staff.role, role
    _audit(session, "staff.role_changed", by_id, staff, before=before, role=role)
    return _record(session, staff)


def set_active(session: Session, by_id: int, staff_id: int, active: bool) -> StaffRecord:
    """Disable (they can no longer sign in or sign with their PIN) or enable again."""
    require(session, by_id, Action.MANAGE_USERS)
    staff = _target(session, staff_id)
    if staff.active == active:
        state = "active" if active else "disabled"
        raise ValidationError(f"{staff.full_name} is already {state}.")
    if not active:
        if staff.id == by_id:
            raise ValidationError("Nobody may disable their own account: ask another manager.")
        _keep_a_manager(session, staff, "disable them")
    staff.active = active
    _audit(session, "staff.enabled" if active else "staff.disabled", by_id, staff)
    return _record(session, staff)


def reset_password(
    session: Session, by_id: int, staff_id: int, temporary_password: str
) -> StaffRecord:
    """A temporary password, to be changed at the next sign-in."""
    require(session, by_id, Action.MANAGE_USERS)
    staff = _target(session, staff_id)
    check_password_rules(temporary_password)
    staff.password_hash = hash_secret(temporary_password)
    staff.must_change_password = True
    _audit(session, "staff.password_reset", by_id, staff)
    return _record(session, staff)


def set_pin(session: Session, by_id: int, staff_id: int, pin: str | None) -> StaffRecord:
    """Set a new PIN, or clear it (None or empty): then they cannot sign with a PIN."""
    require(session, by_id, Action.MANAGE_USERS)
    staff = _target(session, staff_id)
    if pin:
        check_pin_rules(pin)
    staff.pin_hash = hash_secret(pin) if pin else None
    _audit(session, "staff.pin_set" if pin else "staff.pin_cleared", by_id, staff)
    return _record(session, staff)


def set_badge(session: Session, by_id: int, staff_id: int, badge: str | None) -> StaffRecord:
    """Give a badge code (as scanners send it), or take it away (None or blank)."""
    require(session, by_id, Action.MANAGE_USERS)
    staff = _target(session, staff_id)
    code = badge_key(badge) if badge and badge.strip() else None
    if code is not None:
        if not (code.isascii() and code.replace("-", "").isalnum()):
            raise ValidationError("A badge code is letters and digits (a dash allowed).")
        holder = session.scalar(select(Staff).where(Staff.badge_code == code, Staff.id != staff.id))
        if holder is not None:
            raise ValidationError(f"Badge {code!r} already belongs to {holder.full_name}.")
    staff.badge_code = code
    _audit(session, "staff.badge_set" if code else "staff.badge_cleared", by_id, staff, badge=code)
    return _record(session, staff)


def change_own_password(
    session: Session, staff_id: int, current: str, new: str, now: datetime | None = None
) -> str | None:
    """A person changes their own password; None when changed, else why not. A wrong current
    password counts towards the sign-in lock like a failed sign-in, so (as with `sign_in`)
    it is returned, not raised: the caller's transaction commits the record of it. Weak new
    passwords raise ValidationError (nothing to record)."""
    now = now or utcnow()
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.active:
        raise ValidationError("Unknown or inactive user: sign in again.")
    who = staff.username
    blocked = attempt_blocked(session, who, now)
    if blocked:
        note_blocked(session, who, "password change")
        return blocked
    check_password_rules(new)
    if not verify_secret(staff.password_hash, current):
        record_event(
            session,
            "signin.failed",
            staff_id=staff.id,
            detail={"who": who, "username": who, "method": "password change"},
        )
        return WRONG_CURRENT
    if verify_secret(staff.password_hash, new):
        raise ValidationError("The new password must differ from the current one.")
    staff.password_hash = hash_secret(new)
    staff.must_change_password = False
    _audit(session, "staff.password_changed", staff.id, staff)
    return None


def staff_record(session: Session, by_id: int, staff_id: int) -> StaffRecord:
    require(session, by_id, Action.MANAGE_USERS)
    return _record(session, _target(session, staff_id))


def staff_badge_label(session: Session, by_id: int, staff_id: int) -> Label:
    """The badge label of one active member of staff who has a badge code."""
    require(session, by_id, Action.MANAGE_USERS)
    staff = _target(session, staff_id)
    if not staff.active:
        raise ValidationError(f"{staff.full_name} is disabled: no badge to print.")
    if not staff.badge_code:
        raise ValidationError(f"{staff.full_name} has no badge code: set one first.")
    return staff_badge(staff.badge_code, staff.full_name, staff.role)


def _record(session: Session, s: Staff, now: datetime | None = None) -> StaffRecord:
    return StaffRecord(
        s.id,
        s.username,
        s.full_name,
        s.role,
        s.active,
        s.pin_hash is not None,
        s.badge_code,
        s.must_change_password,
        attempt_blocked(session, s.username, now or utcnow()) is not None,
    )
