"""PINs are signatures: a witness's, an overriding senior's and a chart checker's PIN share the
sign-in throttle and lockout per person, every failure is audited in its own transaction, and no
message says whether the person exists (both backends)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from emar.models import AuditEvent, utcnow
from emar.services.permissions import NotPermitted
from emar.services.round.recording import record_given
from emar.services.staff.signing import (
    PinRefused,
    Signature,
    refusal,
    sign_in,
    unlock,
    write_signed,
)
from tests.support.homes import Home, count_entries, local


@pytest.fixture
def home(home_db):
    return Home(home_db)


class Clock:
    """The audit trail's clock, moved by the test (so its rows and the throttle agree)."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr("emar.services.audit.utcnow", fake)
    monkeypatch.setattr("emar.services.staff.signing.utcnow", fake)
    return fake


def _give_with_witness(db, home, witness: Signature, now):
    intent = home.intent("Arthur Price", "Oxycodone", now, dose=Decimal(5))
    return write_signed(
        db, lambda s: record_given(s, intent, now, prn_reason="Pain 8/10", witness=witness)
    )


def _events(db, action):
    with db.read() as s:
        return [
            json.loads(d or "{}")
            for d in s.scalars(select(AuditEvent.detail).where(AuditEvent.action == action))
        ]


def test_a_wrong_witness_pin_is_audited_though_the_dose_is_not_recorded(home_db, home):
    with pytest.raises(PinRefused, match="Witness: wrong username or PIN"):
        _give_with_witness(home_db, home, Signature("ben", "0001"), utcnow())
    assert count_entries(home_db) == 0
    assert _events(home_db, "pin.failed") == [{"who": "ben", "meaning": "Witness"}]


def test_an_unknown_name_a_wrong_pin_and_a_right_pin_without_the_right_get_one_answer(
    home_db, home
):
    """Nothing confirms a name or a PIN: the pharmacist's right PIN (she may not witness)
    gets the same answer as a wrong PIN and a name that does not exist."""
    from tests.support.homes import PINS

    messages = []
    for who, pin in (("nobody-here", "0001"), ("ben", "0001"), ("phil", PINS["phil"])):
        with pytest.raises(PinRefused) as refused:
            _give_with_witness(home_db, home, Signature(who, pin), utcnow())
        messages.append(str(refused.value))
    assert len(set(messages)) == 1
    assert messages[0] == (
        "Witness: wrong username or PIN, or not someone who may witness controlled drugs."
    )


def test_pin_guesses_share_the_sign_in_lock_and_cannot_run_through_10000_pins(home_db, home, clock):
    """A guess at Ben's PIN every 31 seconds (past each 30-second wait) for 20 minutes: ten
    are tried, then he is locked for 15 minutes from the last: his right PIN and his password
    are refused too. (All 10,000 PINs would take about 10 days, not 20 minutes.)"""
    tried, refused_right_pin = 0, False
    for i in range(39):
        with pytest.raises(PinRefused) as refused:
            _give_with_witness(home_db, home, Signature("ben", f"{9000 + i}"), clock.now)
        tried += not refused.value.blocked
        if i == 20:
            with pytest.raises(PinRefused, match="Locked after 10 failed attempts"):
                _give_with_witness(home_db, home, Signature("ben", "3917"), clock.now)
            with home_db.write() as s:
                assert sign_in(s, "ben", "ben-demo-2026", now=clock.now) is None
            with home_db.read() as s:
                message = refusal(s, username="ben", now=clock.now)
            refused_right_pin = message.startswith("Locked after 10 failed attempts")
        clock.now += timedelta(seconds=31)
    assert refused_right_pin
    assert tried == 10  # locked 15 minutes from the tenth, to the last guess
    assert len(_events(home_db, "pin.failed")) == tried
    assert count_entries(home_db) == 0


def test_a_manager_unlocks_a_locked_person(home_db, home, clock):
    for i in range(10):
        with pytest.raises(PinRefused):
            _give_with_witness(home_db, home, Signature("ben", f"{9000 + i}"), clock.now)
        clock.now += timedelta(seconds=31)
    with home_db.write() as s:
        assert sign_in(s, "ben", "ben-demo-2026", now=clock.now) is None
    with pytest.raises(NotPermitted), home_db.write() as s:
        unlock(s, home.staff["amy"], "ben")  # a carer may not
    with home_db.write() as s:
        unlock(s, home.staff["mark"], "ben")
    clock.now += timedelta(seconds=1)
    with home_db.write() as s:
        assert sign_in(s, "ben", "ben-demo-2026", now=clock.now) is not None
    assert _events(home_db, "signin.unlocked") == [{"who": "ben"}]


def test_a_chart_check_pin_is_throttled_and_audited_too(home_db, home):
    from emar.services.charts.editing import LineForm, add_chart_line, check_chart_line

    with home_db.write() as s:
        line = add_chart_line(
            s,
            home.staff["nina"],
            home.residents["Mary Jones"],
            LineForm(
                1,
                Decimal(1),
                Decimal(1),
                "times_of_day",
                local(date(2026, 6, 10), 8),
                "Dr A",
                "GP letter",
                times_of_day="09:00",
            ),
        )
    with pytest.raises(PinRefused, match="Check: wrong username or PIN"):
        write_signed(home_db, lambda s: check_chart_line(s, Signature("ben", "1"), line, utcnow()))
    assert _events(home_db, "pin.failed") == [{"who": "ben", "meaning": "Check"}]


def test_a_right_pin_is_verified_once_a_transaction_and_a_wrong_one_every_time(
    home_db, home, monkeypatch
):
    """Checking many chart lines with one PIN pays for one argon2 verification; a wrong PIN
    after the right one is verified, refused and audited as ever, and the next transaction
    verifies afresh."""
    from emar.services.permissions import Action
    from emar.services.staff import signing
    from tests.support.homes import PINS

    verified = []
    real = signing.verify_secret
    monkeypatch.setattr(
        signing, "verify_secret", lambda stored, pin: verified.append(pin) or real(stored, pin)
    )

    def sign(s, pin):
        return signing.check_pin_signature(s, "ben", pin, Action.CHECK_CHARTS, "Check", utcnow())

    def right_three_times_then_wrong(s):
        assert [sign(s, PINS["ben"]).username for _ in range(3)] == ["ben"] * 3
        assert verified == [PINS["ben"]]
        sign(s, "0001")

    with pytest.raises(PinRefused, match="Check: wrong username or PIN"):
        write_signed(home_db, right_three_times_then_wrong)
    assert verified == [PINS["ben"], "0001"]
    assert _events(home_db, "pin.failed") == [{"who": "ben", "meaning": "Check"}]
    with home_db.write() as s:
        sign(s, PINS["ben"])
    assert verified == [PINS["ben"], "0001", PINS["ben"]]
