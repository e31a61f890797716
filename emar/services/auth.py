"""Signing in: username + password starts a session; a badge scan + PIN switches user fast.

Every attempt is in the audit trail (without the secret). A refusal returns None rather than
raising, so the caller's transaction commits the record of the failed attempt; the caller then
shows REFUSED, which does not say which part was wrong. Throttling and lockout come with the
security work.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.clock_text import clock
from emar.errors import EmarError
from emar.models import AuditEvent, Staff, utcnow
from emar.passwords import hash_secret, needs_rehash, verify_secret
from emar.services.audit import record_event
from emar.services.home import get_home, has_home
from emar.services.staff import StaffView

REFUSED = "Wrong username or password."


BADGE_REFUSED = "Wrong badge or PIN."


class SignInRefused(EmarError):
    """For callers that prefer an exception once the failed attempt has been committed."""


def _view(staff: Staff) -> StaffView:
    return StaffView(staff.id, staff.username, staff.full_name, staff.initials, staff.role)


THROTTLE_AFTER, THROTTLE_WAIT = 3, timedelta(seconds=30)
LOCK_AFTER, LOCK_FOR = 10, timedelta(minutes=15)
# Attempts refused while throttled or locked are not tries at the secret: they neither count
# towards the lock nor extend it. One audit row a minute says they happened (a stuck key or a
# script cannot write thousands), with how many were refused since the previous such row.
BLOCKED_ROW_EVERY = timedelta(minutes=1)


def _recent(
    session: Session, action: str, key: str, value: str, since: datetime
) -> list[tuple[datetime, dict[str, object]]]:
    """Audit rows of `action` for one username or badge since `since` (every attempt is in the
    audit trail anyway, so it is where throttling reads from)."""
    rows = session.execute(
        select(AuditEvent.occurred_at, AuditEvent.detail).where(
            AuditEvent.action == action, AuditEvent.occurred_at > since
        )
    ).all()
    found = [(t, json.loads(detail or "{}")) for t, detail in rows]
    return sorted((item for item in found if item[1].get(key) == value), key=lambda i: i[0])


def attempt_blocked(session: Session, key: str, value: str, now: datetime) -> str | None:
    """Why an attempt may not be made now (throttled, then locked), or None. Times are the
    home's local clock."""
    fails = [t for t, _ in _recent(session, "signin.failed", key, value, now - LOCK_FOR)]
    if len(fails) >= LOCK_AFTER:
        until = fails[-1] + LOCK_FOR
        return (
            f"Locked after {len(fails)} failed attempts: try again after "
            f"{clock(until, _zone(session), now)}, or ask a manager."
        )
    if len(fails) >= THROTTLE_AFTER and now - fails[-1] < THROTTLE_WAIT:
        wait = int((fails[-1] + THROTTLE_WAIT - now).total_seconds()) + 1
        return f"Too many failed attempts: wait {wait} seconds and try again."
    return None


def _zone(session: Session) -> ZoneInfo:
    return get_home(session).zone if has_home(session) else ZoneInfo("Europe/London")


def _note_blocked(session: Session, key: str, value: str, method: str) -> None:
    """At most one "signin.blocked" row a minute per username or badge (by the audit trail's
    own clock, which stamps the rows)."""
    rows = _recent(session, "signin.blocked", key, value, utcnow() - BLOCKED_ROW_EVERY)
    if rows:
        return
    record_event(session, "signin.blocked", detail={key: value, "method": method})


def refusal(
    session: Session,
    *,
    username: str | None = None,
    badge: str | None = None,
    now: datetime | None = None,
) -> str:
    """What to tell the person after a refused attempt."""
    now = now or utcnow()
    if username is not None:
        return attempt_blocked(session, "username", username.strip().lower()[:64], now) or REFUSED
    return attempt_blocked(session, "badge", (badge or "").strip().upper()[:64], now) or (
        BADGE_REFUSED
    )


def sign_in(
    session: Session, username: str, password: str, now: datetime | None = None
) -> StaffView | None:
    now = now or utcnow()
    name = username.strip().lower()[:64]
    if attempt_blocked(session, "username", name, now):
        _note_blocked(session, "username", name, "password")
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


def sign_in_with_badge(
    session: Session, badge_code: str, pin: str, now: datetime | None = None
) -> StaffView | None:
    now = now or utcnow()
    code = badge_code.strip().upper()[:64]
    if attempt_blocked(session, "badge", code, now):
        _note_blocked(session, "badge", code, "badge")
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
