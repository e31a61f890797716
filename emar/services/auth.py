"""Signing in: username + password starts a session; a badge scan + PIN switches user fast.

Every attempt is in the audit trail (without the secret). A refusal returns None rather than
raising, so the caller's transaction commits the record of the failed attempt; the caller then
shows REFUSED, which does not say which part was wrong. Throttling and lockout come with the
security work.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.errors import EmarError
from emar.models import AuditEvent, Staff, utcnow
from emar.passwords import hash_secret, needs_rehash, verify_secret
from emar.services.audit import record_event
from emar.services.staff import StaffView

REFUSED = "Wrong username or password."


BADGE_REFUSED = "Wrong badge or PIN."


class SignInRefused(EmarError):
    """For callers that prefer an exception once the failed attempt has been committed."""


def _view(staff: Staff) -> StaffView:
    return StaffView(staff.id, staff.username, staff.full_name, staff.initials, staff.role)


THROTTLE_AFTER, THROTTLE_WAIT = 3, timedelta(seconds=30)
LOCK_AFTER, LOCK_FOR = 10, timedelta(minutes=15)
FAILED = ("signin.failed", "signin.blocked")


def _recent_failures(session: Session, key: str, value: str, now: datetime) -> list[datetime]:
    """Failed and throttled attempts for one username or badge in the lock window (from the
    audit trail, which is where every attempt is recorded anyway)."""
    rows = session.execute(
        select(AuditEvent.occurred_at, AuditEvent.detail).where(
            AuditEvent.action.in_(FAILED), AuditEvent.occurred_at > now - LOCK_FOR
        )
    ).all()
    return sorted(t for t, detail in rows if json.loads(detail or "{}").get(key) == value)


def attempt_blocked(session: Session, key: str, value: str, now: datetime) -> str | None:
    """Why an attempt may not be made now (throttled, then locked), or None."""
    fails = _recent_failures(session, key, value, now)
    if len(fails) >= LOCK_AFTER:
        until = fails[-1] + LOCK_FOR
        return (
            f"Locked after {len(fails)} failed attempts: try again after "
            f"{until:%H:%M} UTC, or ask a manager."
        )
    if len(fails) >= THROTTLE_AFTER and now - fails[-1] < THROTTLE_WAIT:
        wait = int((fails[-1] + THROTTLE_WAIT - now).total_seconds()) + 1
        return f"Too many failed attempts: wait {wait} seconds and try again."
    return None


def refusal(session: Session, *, username: str | None = None, badge: str | None = None) -> str:
    """What to tell the person after a refused attempt."""
    now = utcnow()
    if username is not None:
        return attempt_blocked(session, "username", username.strip().lower()[:64], now) or REFUSED
    return attempt_blocked(session, "badge", (badge or "").strip().upper()[:64], now) or (
        BADGE_REFUSED
    )


def sign_in(session: Session, username: str, password: str) -> StaffView | None:
    name = username.strip().lower()[:64]
    if attempt_blocked(session, "username", name, utcnow()):
        record_event(session, "signin.blocked", detail={"username": name, "method": "password"})
        return None
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
    code = badge_code.strip().upper()[:64]
    if attempt_blocked(session, "badge", code, utcnow()):
        record_event(session, "signin.blocked", detail={"badge": code, "method": "badge"})
        return None
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
