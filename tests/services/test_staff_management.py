"""Staff accounts without the command line: roles, disabling, passwords, PINs and badges, each
rule refused with a clear message and nothing changed (both backends)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from emar.errors import ValidationError
from emar.infra.passwords import verify_secret
from emar.models import AuditEvent, Staff
from emar.services.permissions import NotPermitted
from emar.services.staff import management as m
from emar.services.staff.accounts import add_staff
from emar.services.staff.signing import sign_in, sign_in_with_badge
from tests.support.homes import PINS, Home

NEW_PASSWORD = "a-brand-new-phrase"


@pytest.fixture
def home(home_db) -> Home:
    return Home(home_db)


def _one(db, username: str) -> Staff:
    with db.read() as s:
        staff = s.scalars(select(Staff).where(Staff.username == username)).one()
        s.expunge(staff)
        return staff


def _events(db, action: str) -> list[AuditEvent]:
    with db.read() as s:
        rows = list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        for r in rows:
            s.expunge(r)
        return rows


def test_the_staff_list_shows_roles_pins_badges_without_secrets(home_db, home):
    with home_db.read() as s:
        records = m.list_staff_records(s, home.staff["mark"])
    amy = next(r for r in records if r.username == "amy")
    assert (amy.full_name, amy.role, amy.active, amy.has_pin) == ("Amy Carter", "carer", True, True)
    assert amy.badge_code == "B1001" and not amy.must_change_password and not amy.locked
    assert amy.role_label == "carer"
    assert not any(hasattr(r, "password_hash") or hasattr(r, "pin_hash") for r in records)


@pytest.mark.parametrize("who", ["amy", "ben", "nina", "phil"])
def test_only_managers_and_administrators_manage_staff(home_db, home, who):
    by, amy = home.staff[who], home.staff["amy"]
    calls = [
        lambda s: m.list_staff_records(s, by),
        lambda s: m.change_role(s, by, home.staff["sam"], "carer"),
        lambda s: m.set_active(s, by, amy, False),
        lambda s: m.reset_password(s, by, amy, NEW_PASSWORD),
        lambda s: m.set_pin(s, by, amy, None),
        lambda s: m.set_badge(s, by, amy, None),
        lambda s: m.staff_badge_label(s, by, amy),
    ]
    for call in calls:
        refused = pytest.raises(NotPermitted, match="may not manage staff accounts")
        with refused, home_db.write() as s:
            call(s)
    amy_now = _one(home_db, "amy")
    assert amy_now.active and amy_now.pin_hash and amy_now.badge_code == "B1001"


def test_an_administrator_changes_a_role_audited_and_nobody_their_own(home_db, home):
    with home_db.write() as s:
        rec = m.change_role(s, home.staff["sam"], home.staff["amy"], "senior_carer")
    assert rec.role == "senior_carer" and _one(home_db, "amy").role == "senior_carer"
    (event,) = _events(home_db, "staff.role_changed")
    assert event.staff_id == home.staff["sam"] and event.entity_id == str(home.staff["amy"])
    assert json.loads(event.detail) == {
        "before": "carer",
        "role": "senior_carer",
        "username": "amy",
    }
    with pytest.raises(ValidationError, match="own role"), home_db.write() as s:
        m.change_role(s, home.staff["mark"], home.staff["mark"], "administrator")
    with pytest.raises(ValidationError, match="Unknown role"), home_db.write() as s:
        m.change_role(s, home.staff["mark"], home.staff["amy"], "boss")


def test_the_last_manager_or_administrator_is_never_demoted_or_disabled(home_db, home):
    """Through the services the caller is always another active manager (nobody changes their
    own role or disables themselves), so the guard is checked on its own as well."""
    mark, sam = home.staff["mark"], home.staff["sam"]
    with home_db.write() as s:
        m.set_active(s, mark, sam, False)  # mark remains
    with home_db.read() as s:
        with pytest.raises(ValidationError, match="last active manager"):
            m._keep_a_manager(s, s.get(Staff, mark), "disable them")
        m._keep_a_manager(s, s.get(Staff, home.staff["amy"]), "disable them")  # not a manager
    with pytest.raises(NotPermitted), home_db.write() as s:
        m.set_active(s, sam, mark, False)  # a disabled administrator manages no one
    with home_db.write() as s:
        m.set_active(s, mark, sam, True)
    with home_db.read() as s:
        m._keep_a_manager(s, s.get(Staff, mark), "disable them")  # sam is back: no refusal
    assert _one(home_db, "mark").active and _one(home_db, "sam").active


def test_nobody_disables_themselves_and_a_disabled_person_cannot_sign_in(home_db, home):
    mark, amy = home.staff["mark"], home.staff["amy"]
    with pytest.raises(ValidationError, match="own account"), home_db.write() as s:
        m.set_active(s, mark, mark, False)
    with home_db.write() as s:
        assert not m.set_active(s, mark, amy, False).active
    with home_db.write() as s:
        assert sign_in(s, "amy", "amy-demo-2026") is None
        assert sign_in_with_badge(s, "B1001", PINS["amy"]) is None
    with pytest.raises(ValidationError, match="already disabled"), home_db.write() as s:
        m.set_active(s, mark, amy, False)
    with home_db.write() as s:
        m.set_active(s, mark, amy, True)
    with home_db.write() as s:
        assert sign_in(s, "amy", "amy-demo-2026") is not None
    assert [e.action for e in _events(home_db, "staff.disabled")] == ["staff.disabled"]
    assert len(_events(home_db, "staff.enabled")) == 1


def test_a_reset_password_must_be_changed_and_no_secret_is_audited(home_db, home):
    mark, amy = home.staff["mark"], home.staff["amy"]
    with pytest.raises(ValidationError, match="at least"), home_db.write() as s:
        m.reset_password(s, mark, amy, "short")
    with home_db.write() as s:
        assert m.reset_password(s, mark, amy, "temporary-phrase-1").must_change_password
    with home_db.write() as s:
        view = sign_in(s, "amy", "temporary-phrase-1")
    assert view is not None and view.must_change_password
    with home_db.write() as s:  # a wrong current password is refused and counted
        assert m.change_own_password(s, amy, "wrong-guess-here", NEW_PASSWORD) == m.WRONG_CURRENT
    failed = _events(home_db, "signin.failed")
    assert failed and json.loads(failed[-1].detail)["method"] == "password change"
    with pytest.raises(ValidationError, match="differ"), home_db.write() as s:
        m.change_own_password(s, amy, "temporary-phrase-1", "temporary-phrase-1")
    with home_db.write() as s:
        assert m.change_own_password(s, amy, "temporary-phrase-1", NEW_PASSWORD) is None
    amy_now = _one(home_db, "amy")
    assert not amy_now.must_change_password and verify_secret(amy_now.password_hash, NEW_PASSWORD)
    with home_db.write() as s:
        view = sign_in(s, "amy", NEW_PASSWORD)
    assert view is not None and not view.must_change_password
    with home_db.read() as s:
        details = " ".join(e.detail or "" for e in s.scalars(select(AuditEvent)))
    for secret in ("temporary-phrase-1", NEW_PASSWORD, "wrong-guess-here"):
        assert secret not in details
    assert len(_events(home_db, "staff.password_reset")) == 1
    assert len(_events(home_db, "staff.password_changed")) == 1


def test_a_locked_person_cannot_change_their_password(home_db, home):
    amy = home.staff["amy"]
    with home_db.write() as s:
        for _ in range(3):
            sign_in(s, "amy", "wrong")
    with home_db.write() as s:
        why = m.change_own_password(s, amy, "amy-demo-2026", NEW_PASSWORD)
    assert why is not None and "wait" in why
    assert verify_secret(_one(home_db, "amy").password_hash, "amy-demo-2026")
    with home_db.read() as s:
        assert next(r for r in m.list_staff_records(s, home.staff["mark"]) if r.id == amy).locked


def test_pins_are_set_checked_and_cleared(home_db, home):
    mark, amy = home.staff["mark"], home.staff["amy"]
    with pytest.raises(ValidationError, match="first a stranger"), home_db.write() as s:
        m.set_pin(s, mark, amy, "1234")
    with home_db.write() as s:
        m.set_pin(s, mark, amy, "739104")
    assert verify_secret(_one(home_db, "amy").pin_hash, "739104")
    with home_db.write() as s:
        assert not m.set_pin(s, mark, amy, None).has_pin
    with home_db.write() as s:
        assert sign_in_with_badge(s, "B1001", "739104") is None
    with home_db.read() as s:
        details = " ".join(e.detail or "" for e in s.scalars(select(AuditEvent)))
    assert "739104" not in details
    assert len(_events(home_db, "staff.pin_set")) == len(_events(home_db, "staff.pin_cleared")) == 1


def test_badges_are_unique_normalised_and_printable(home_db, home):
    mark, amy, ben = home.staff["mark"], home.staff["amy"], home.staff["ben"]
    with pytest.raises(ValidationError, match="already belongs to Ben Osei"), home_db.write() as s:
        m.set_badge(s, mark, amy, " b1002 ")
    with home_db.write() as s:
        assert m.set_badge(s, mark, amy, " b2001 ").badge_code == "B2001"
    with home_db.write() as s:
        assert sign_in_with_badge(s, "B2001", PINS["amy"]) is not None
    with home_db.read() as s:
        label = m.staff_badge_label(s, mark, amy)
    assert label.code == "EMAR-S-B2001" and "Amy Carter" in label.title
    with home_db.write() as s:
        assert m.set_badge(s, mark, ben, None).badge_code is None
    with pytest.raises(ValidationError, match="no badge code"), home_db.read() as s:
        m.staff_badge_label(s, mark, ben)


def test_a_person_added_by_a_manager_appears_in_the_list(home_db, home):
    with home_db.write() as s:
        add_staff(
            s, username="zoe", full_name="Zoe Day", role="carer", password="a-long-passphrase",
            added_by_id=home.staff["mark"],
        )  # fmt: skip
    with home_db.read() as s:
        names = [r.full_name for r in m.list_staff_records(s, home.staff["sam"])]
    assert "Zoe Day" in names and names == sorted(names)
