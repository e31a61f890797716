"""Signing in, and signing with a PIN: one throttle per person.

Username + password starts a session; a badge scan + PIN switches user fast; a witness, a senior
overriding a block and a chart-line checker sign with their PIN. All of these are tries at one
person's secrets, so they share one count per person (`who`: the username, or the badge code
when the badge is not known): after 3 failures a 30-second wait, after 10 the person is locked
for 15 minutes from the last failure. Attempts refused while waiting or locked are not tries:
they neither count nor extend the lock, and at most one audit row a minute says they happened.
A successful sign-in, or a manager's unlock, starts the count again.

Every attempt is in the audit trail (without the secret). A refused sign-in returns None rather
than raising, so the caller's transaction commits the record of it. A refused PIN signature
raises `PinRefused` inside a recording that is rolled back; `write_signed` then records it in a
transaction of its own. No message says whether the person exists.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session, SessionTransaction

from emar.domain.clock_text import clock
from emar.domain.schedule import DEFAULT_ZONE
from emar.errors import EmarError, ValidationError
from emar.infra.db import Database
from emar.infra.passwords import hash_secret, needs_rehash, verify_secret
from emar.models import AuditEvent, Staff, utcnow
from emar.services.audit import pending_events, record_event
from emar.services.home import get_home, has_home
from emar.services.permissions import Action, allowed, require
from emar.services.staff.accounts import StaffView, badge_key, username_key

REFUSED = "Wrong username or password."
BADGE_REFUSED = "Wrong badge or PIN."

THROTTLE_AFTER, THROTTLE_WAIT = 3, timedelta(seconds=30)
LOCK_AFTER, LOCK_FOR = 10, timedelta(minutes=15)
BLOCKED_ROW_EVERY = timedelta(minutes=1)
FAILURES = ("signin.failed", "pin.failed")
FRESH_STARTS = ("signin.ok", "signin.unlocked")

T = TypeVar("T")


class SignInRefused(EmarError):
    """For callers that prefer an exception once the failed attempt has been committed."""


class PinRefused(ValidationError):
    """A PIN signature was refused (wrong, or too many tries). Raised inside a recording, which
    is rolled back; `write_signed` records the attempt in its own transaction."""

    def __init__(self, message: str, who: str, meaning: str, blocked: bool) -> None:
        super().__init__(message)
        self.who, self.meaning, self.blocked = who, meaning, blocked


def _view(staff: Staff) -> StaffView:
    return StaffView(
        staff.id,
        staff.username,
        staff.full_name,
        staff.initials,
        staff.role,
        staff.must_change_password,
    )


def who_for_username(username: str) -> str:
    return username_key(username)


def _events(
    session: Session, actions: tuple[str, ...], who: str, since: datetime
) -> list[datetime]:
    """When the audit trail says `actions` happened to `who` since `since` (every attempt is in
    the audit trail anyway, so it is where throttling reads from)."""
    rows: list[tuple[datetime, str | None]] = [
        (t, d)
        for t, d in session.execute(
            select(AuditEvent.occurred_at, AuditEvent.detail).where(
                AuditEvent.action.in_(actions), AuditEvent.occurred_at > since
            )
        )
    ]
    rows += [  # recorded in this transaction, joining the chain when it commits
        (p.occurred_at, p.detail)
        for p in pending_events(session)
        if p.action in actions and p.occurred_at > since
    ]
    return sorted(t for t, detail in rows if json.loads(detail or "{}").get("who") == who)


def attempt_blocked(session: Session, who: str, now: datetime) -> str | None:
    """Why `who` may not try now (waiting, then locked), or None. Times are the home's.

    Locked: 10 failures within 15 minutes lock the person for 15 minutes from the last of
    them (a fixed end, so "try again after" is true, and refused tries do not move it)."""
    since = now - 2 * LOCK_FOR
    starts = _events(session, FRESH_STARTS, who, since)
    if starts:
        since = max(since, starts[-1])
    fails = _events(session, FAILURES, who, since)
    until = max(
        (
            fails[j] + LOCK_FOR
            for j in range(LOCK_AFTER - 1, len(fails))
            if fails[j] - fails[j - LOCK_AFTER + 1] <= LOCK_FOR
        ),
        default=None,
    )
    if until is not None and now < until:
        return (
            f"Locked after {LOCK_AFTER} failed attempts: try again after "
            f"{clock(until, _zone(session), now)}, or ask a manager."
        )
    if len(fails) >= THROTTLE_AFTER and now - fails[-1] < THROTTLE_WAIT:
        wait = int((fails[-1] + THROTTLE_WAIT - now).total_seconds()) + 1
        return f"Too many failed attempts: wait {wait} seconds and try again."
    return None


def _zone(session: Session) -> ZoneInfo:
    return get_home(session).zone if has_home(session) else ZoneInfo(DEFAULT_ZONE)


def note_blocked(session: Session, who: str, method: str) -> None:
    """At most one "signin.blocked" row a minute per person (by the audit trail's own clock,
    which stamps the rows)."""
    if _events(session, ("signin.blocked",), who, utcnow() - BLOCKED_ROW_EVERY):
        return
    record_event(session, "signin.blocked", detail={"who": who, "method": method})


def _badge_who(session: Session, badge_code: str) -> tuple[str, Staff | None]:
    code = badge_key(badge_code)
    staff = session.scalars(select(Staff).where(Staff.badge_code == code)).first()
    return (staff.username if staff else f"badge:{code}"), staff


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
        return attempt_blocked(session, who_for_username(username), now) or REFUSED
    who, _ = _badge_who(session, badge or "")
    return attempt_blocked(session, who, now) or BADGE_REFUSED


def sign_in(
    session: Session, username: str, password: str, now: datetime | None = None
) -> StaffView | None:
    now = now or utcnow()
    who = who_for_username(username)
    if attempt_blocked(session, who, now):
        note_blocked(session, who, "password")
        return None
    staff = session.scalars(select(Staff).where(Staff.username == who)).first()
    stored = staff.password_hash if staff is not None else _dummy_hash()  # same time either way
    if not verify_secret(stored, password) or staff is None or not staff.active:
        record_event(
            session,
            "signin.failed",
            staff_id=staff.id if staff else None,
            detail={"who": who, "username": who, "method": "password"},
        )
        return None
    if needs_rehash(staff.password_hash):
        staff.password_hash = hash_secret(password)
    record_event(session, "signin.ok", staff_id=staff.id, detail={"who": who, "method": "password"})
    return _view(staff)


def sign_in_with_badge(
    session: Session, badge_code: str, pin: str, now: datetime | None = None
) -> StaffView | None:
    now = now or utcnow()
    who, staff = _badge_who(session, badge_code)
    if attempt_blocked(session, who, now):
        note_blocked(session, who, "badge")
        return None
    stored = staff.pin_hash if staff is not None and staff.pin_hash else _dummy_hash()
    if not verify_secret(stored, pin) or staff is None or not staff.active or not staff.pin_hash:
        record_event(
            session,
            "signin.failed",
            staff_id=staff.id if staff else None,
            detail={"who": who, "badge": badge_code.strip().upper()[:64], "method": "badge"},
        )
        return None
    record_event(session, "signin.ok", staff_id=staff.id, detail={"who": who, "method": "badge"})
    return _view(staff)


def badge_holder(session: Session, badge_code: str) -> StaffView | None:
    """Who a scanned badge belongs to (to greet them before they type their PIN)."""
    staff = session.scalars(
        select(Staff).where(Staff.badge_code == badge_key(badge_code), Staff.active)
    ).first()
    return _view(staff) if staff else None


@dataclass(frozen=True)
class Signature:
    """A person signing at a shared PC with their username and PIN: a witness, a senior
    overriding a block, a chart-line checker. `countersign` is the one rule for all three."""

    username: str
    pin: str


def countersign(
    session: Session,
    signature: Signature,
    action: Action,
    meaning: str,
    now: datetime,
    *,
    not_by: int | None = None,
    same_person: str = "",
) -> Staff:
    """The signer, if their PIN is right and their role may `action`; and, when `not_by` is
    given, someone other than that member of staff (else ValidationError(`same_person`)). The
    PIN is checked first, so the different-person rule confirms no one's name or PIN."""
    signer = check_pin_signature(session, signature.username, signature.pin, action, meaning, now)
    if not_by is not None and signer.id == not_by:
        raise ValidationError(same_person)
    return signer


def check_pin_signature(
    session: Session, username: str, pin: str, action: Action, meaning: str, now: datetime
) -> Staff:
    """The active person of that username, allowed `action`, whose PIN this is; else
    PinRefused. One answer, in about the same time, for an unknown name, a wrong PIN and a
    person who may not sign for this: nothing confirms a name or a PIN. Shares the sign-in
    throttle."""
    who = who_for_username(username)
    refused = f"{meaning}: wrong username or PIN, or not someone who may {action.value}."
    blocked = attempt_blocked(session, who, now)
    if blocked:
        raise PinRefused(f"{meaning}: {blocked}", who, meaning, blocked=True)
    staff = session.scalars(select(Staff).where(Staff.username == who)).first()
    stored = staff.pin_hash if staff is not None and staff.active and staff.pin_hash else None
    right = _pin_verified(session, stored or _dummy_hash(), pin)
    if stored is None or not right:
        raise PinRefused(refused, who, meaning, blocked=False)
    assert staff is not None
    if not allowed(staff.role, action):  # the PIN was right: not counted, but not confirmed
        raise PinRefused(refused, who, meaning, blocked=True)
    return staff


# A right PIN, once verified, is remembered until its transaction ends, as a keyed digest
# (never the PIN itself): a transaction signing many times with it (checking a demo home's 47
# chart lines) pays for one argon2 verification. A wrong PIN is never remembered: it is verified,
# refused and counted as ever, and its refusal ends the transaction and the memory with it.
VERIFIED_PINS = "emar_verified_pins"
_MEMO_KEY = secrets.token_bytes(32)


def _pin_verified(session: Session, stored: str, pin: str) -> bool:
    verified: dict[str, bytes] = session.info.setdefault(VERIFIED_PINS, {})
    digest = hmac.new(_MEMO_KEY, pin.encode(), hashlib.sha256).digest()
    if stored in verified and hmac.compare_digest(verified[stored], digest):
        return True
    right = verify_secret(stored, pin)
    if right:
        verified[stored] = digest
    return right


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_verified_pins(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the transaction itself, not a savepoint in it
        session.info.pop(VERIFIED_PINS, None)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Checked against when there is no real hash, so an unknown name costs the same time."""
    return hash_secret("no such person")


def note_pin_refused(session: Session, refused: PinRefused) -> None:
    """The audit row for a refused PIN signature (its own transaction: see `write_signed`)."""
    if refused.blocked:
        note_blocked(session, refused.who, "pin")
    else:
        record_event(session, "pin.failed", detail={"who": refused.who, "meaning": refused.meaning})


def write_signed(db: Database, work: Callable[[Session], T]) -> T:
    """Run `work` in one write transaction; if a PIN signature in it was refused, that work is
    rolled back and the refusal is recorded in a transaction of its own, then re-raised."""
    try:
        with db.write() as session:
            return work(session)
    except PinRefused as refused:
        with db.write() as session:
            note_pin_refused(session, refused)
        raise


def unlock(session: Session, manager_id: int, username: str) -> None:
    """A manager lifts a person's sign-in and PIN lock (a stranger cannot keep them out)."""
    require(session, manager_id, Action.MANAGE_USERS)
    who = who_for_username(username)
    if session.scalars(select(Staff.id).where(Staff.username == who)).first() is None:
        raise ValidationError(f"There is no user called {who!r}.")
    record_event(session, "signin.unlocked", staff_id=manager_id, detail={"who": who})
