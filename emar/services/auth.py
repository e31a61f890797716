"""Signing in: username + password starts a session; a badge scan + PIN switches user fast.

Every attempt is in the audit trail (without the secret). A refusal returns None rather than
raising, so the caller's transaction commits the record of the failed attempt; the caller then
shows REFUSED, which does not say which part was wrong. Throttling and lockout come with the
security work.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.errors import EmarError
from emar.models import Staff
from emar.passwords import hash_secret, needs_rehash, verify_secret
from emar.services.audit import record_event
from emar.services.staff import StaffView

REFUSED = "Wrong username or password."


BADGE_REFUSED = "Wrong badge or PIN."


class SignInRefused(EmarError):
    """For callers that prefer an exception once the failed attempt has been committed."""


def _view(staff: Staff) -> StaffView:
    return StaffView(staff.id, staff.username, staff.full_name, staff.initials, staff.role)


def sign_in(session: Session, username: str, password: str) -> StaffView | None:
    staff = session.scalars(select(Staff).where(Staff.username == username.strip().lower())).first()
    if staff is None or not staff.active or not verify_secret(staff.password_hash, password):
        record_event(
            session,
            "signin.failed",
            staff_id=staff.id if staff else None,
            detail={"username": username.strip().lower()[:64], "method": "password"},
        )
        return None
    if needs_rehash(staff.password_hash):
        staff.password_hash = hash_secret(password)
    record_event(session, "signin.ok", staff_id=staff.id, detail={"method": "password"})
    return _view(staff)


def sign_in_with_badge(session: Session, badge_code: str, pin: str) -> StaffView | None:
    staff = session.scalars(
        select(Staff).where(Staff.badge_code == badge_code.strip().upper())
    ).first()
    if (
        staff is None
        or not staff.active
        or not staff.pin_hash
        or not verify_secret(staff.pin_hash, pin)
    ):
        record_event(
            session,
            "signin.failed",
            staff_id=staff.id if staff else None,
            detail={"badge": badge_code.strip().upper()[:64], "method": "badge"},
        )
        return None
    record_event(session, "signin.ok", staff_id=staff.id, detail={"method": "badge"})
    return _view(staff)


def badge_holder(session: Session, badge_code: str) -> StaffView | None:
    """Who a scanned badge belongs to (to greet them before they type their PIN)."""
    staff = session.scalars(
        select(Staff).where(Staff.badge_code == badge_code.strip().upper(), Staff.active)
    ).first()
    return _view(staff) if staff else None
