"""Signing in with a password or a badge and PIN; every attempt is audited, secrets never are."""

import pytest
from sqlalchemy import select

from emar.errors import ValidationError
from emar.models import AuditEvent, Staff
from emar.services.staff.signing import badge_holder, sign_in, sign_in_with_badge


def _events(db):
    with db.read() as s:
        return [(e.action, e.detail) for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_password_sign_in(demo_db):
    with demo_db.write() as s:
        amy = sign_in(s, " Amy ", "amy-demo-2026")
    assert (amy.full_name, amy.role) == ("Amy Carter", "carer")
    assert _events(demo_db)[-1] == ("signin.ok", '{"method":"password","who":"amy"}')


@pytest.mark.parametrize(("user", "password"), [("amy", "wrong-password"), ("nobody", "xyzzy1")])
def test_wrong_credentials_are_refused_and_the_attempt_is_committed(demo_db, user, password):
    before = len(_events(demo_db))
    with demo_db.write() as s:
        assert sign_in(s, user, password) is None
    events = _events(demo_db)
    assert len(events) == before + 1
    action, detail = events[-1]
    assert action == "signin.failed" and f'"username":"{user}"' in detail
    assert password not in detail


def test_badge_and_pin(demo_db):
    with demo_db.read() as s:
        assert badge_holder(s, "b1002").full_name == "Ben Osei"
        assert badge_holder(s, "B9999") is None
    with demo_db.write() as s:
        assert sign_in_with_badge(s, "B1002", "3917").username == "ben"
        assert sign_in_with_badge(s, "B1002", "0000") is None
    assert [a for a, _ in _events(demo_db)[-2:]] == ["signin.ok", "signin.failed"]


def test_a_badge_added_in_lower_case_signs_in_as_scanned(demo_db):
    from emar.services.staff.accounts import add_staff

    with demo_db.write() as s:
        mark = s.scalar(select(Staff.id).where(Staff.username == "mark"))
        add_staff(s, username="cara", full_name="Cara Lee", role="carer",
                  password="a-long-passphrase", pin="5083", badge_code=" b7001 ",
                  added_by_id=mark)  # fmt: skip
    with demo_db.write() as s:
        assert sign_in_with_badge(s, "B7001", "5083").username == "cara"
    with demo_db.write() as s, pytest.raises(ValidationError, match="already belongs"):
        add_staff(s, username="dan", full_name="Dan Roe", role="carer",
                  password="a-long-passphrase", badge_code="B7001", added_by_id=mark)  # fmt: skip


def test_throttled_after_three_failures_then_locked_and_all_recorded(demo_db):
    from datetime import timedelta

    from emar.models import utcnow
    from emar.services.staff.signing import refusal

    t0 = utcnow()
    for _ in range(3):
        with demo_db.write() as s:
            assert sign_in(s, "amy", "not-her-password", now=t0) is None
    with demo_db.read() as s:
        assert refusal(s, username="amy", now=t0).startswith("Too many failed attempts: wait")
    with demo_db.write() as s:  # even the right password is refused while throttled
        assert sign_in(s, "amy", "amy-demo-2026", now=t0) is None
    assert _events(demo_db)[-1][0] == "signin.blocked"
    for i in range(1, 8):  # each try after the 30 s wait fails; seven more make ten
        with demo_db.write() as s:
            sign_in(s, "amy", "still-wrong-password", now=t0 + i * timedelta(seconds=31))
    later = t0 + timedelta(minutes=5)
    with demo_db.read() as s:
        message = refusal(s, username="amy", now=later)
        assert message.startswith("Locked after 10 failed attempts: try again after ")
        assert message.endswith(", or ask a manager.") and "UTC" not in message  # local time
        assert refusal(s, username="ben") == "Wrong username or password."  # others unaffected
    with demo_db.write() as s:
        assert sign_in(s, "ben", "ben-demo-2026") is not None


def test_attempts_while_locked_neither_extend_the_lock_nor_flood_the_audit_trail(demo_db):
    """A stuck Enter key or a script: thousands of refused attempts, one audit row a minute,
    and the lock still ends 15 minutes after the last real try."""
    from datetime import timedelta

    from emar.models import utcnow
    from emar.services.staff.signing import refusal

    t0 = utcnow()
    for i in range(10):
        with demo_db.write() as s:
            sign_in(s, "amy", "wrong-password", now=t0 + i * timedelta(seconds=31))
    before = len(_events(demo_db))
    last_try = t0 + 9 * timedelta(seconds=31)
    for _ in range(300):
        with demo_db.write() as s:
            assert sign_in(s, "amy", "amy-demo-2026", now=last_try + timedelta(minutes=1)) is None
    events = _events(demo_db)[before:]
    assert [a for a, _ in events] == ["signin.blocked"]
    with demo_db.read() as s:
        assert refusal(s, username="amy", now=last_try + timedelta(minutes=16)) == (
            "Wrong username or password."
        )
    with demo_db.write() as s:
        assert sign_in(s, "amy", "amy-demo-2026", now=last_try + timedelta(minutes=16))


def test_badges_are_throttled_too(demo_db):
    from emar.services.staff.signing import refusal

    for _ in range(3):
        with demo_db.write() as s:
            assert sign_in_with_badge(s, "B1002", "0000") is None
    with demo_db.read() as s:
        assert refusal(s, badge="b1002").startswith("Too many failed attempts")
