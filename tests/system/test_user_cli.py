"""`emar user`: managing staff accounts from the command line, secrets on stdin (both backends)."""

from __future__ import annotations

import json

from sqlalchemy import select

from emar.infra.passwords import verify_secret
from emar.models import Staff
from tests.system.test_cli import run

MARK = "mark-demo-2026\n"


def _staff(db, username: str) -> Staff:
    with db.read() as s:
        staff = s.scalars(select(Staff).where(Staff.username == username)).one()
        s.expunge(staff)
        return staff


def _user(demo_db, capsys, monkeypatch, *args: str, stdin: str = MARK):
    url = demo_db.url.render_as_string(hide_password=False)
    return run(capsys, "--db", url, "user", *args, stdin=stdin, monkeypatch=monkeypatch)


def test_list_as_json_and_text(demo_db, capsys, monkeypatch):
    code, out, _ = _user(demo_db, capsys, monkeypatch, "list", "--by", "mark", "--json")
    assert code == 0
    rows = {r["username"]: r for r in json.loads(out)}
    assert rows["amy"]["role"] == "carer" and rows["amy"]["has_pin"] is True
    assert rows["amy"]["badge_code"] == "B1001" and "password_hash" not in rows["amy"]
    code, out, _ = _user(demo_db, capsys, monkeypatch, "list", "--by", "mark")
    assert code == 0 and "Amy Carter" in out and "badge B1001" in out


def test_a_carer_may_not_list_or_change_anyone(demo_db, capsys, monkeypatch):
    code, _, err = _user(
        demo_db, capsys, monkeypatch, "role", "ben", "nurse", "--by", "amy", stdin="amy-demo-2026\n"
    )
    assert code == 1 and "may not manage staff accounts" in err
    assert _staff(demo_db, "ben").role == "senior_carer"


def test_role_disable_enable(demo_db, capsys, monkeypatch):
    code, out, _ = _user(
        demo_db, capsys, monkeypatch, "role", "amy", "senior_carer", "--by", "mark"
    )
    assert code == 0 and "is now senior carer" in out
    assert _staff(demo_db, "amy").role == "senior_carer"
    code, _, err = _user(demo_db, capsys, monkeypatch, "role", "mark", "nurse", "--by", "mark")
    assert code == 1 and "own role" in err and _staff(demo_db, "mark").role == "manager"
    code, out, _ = _user(demo_db, capsys, monkeypatch, "disable", "amy", "--by", "mark")
    assert code == 0 and "disabled" in out and not _staff(demo_db, "amy").active
    code, _, err = _user(demo_db, capsys, monkeypatch, "disable", "mark", "--by", "mark")
    assert code == 1 and "own account" in err and _staff(demo_db, "mark").active
    code, out, _ = _user(demo_db, capsys, monkeypatch, "enable", "amy", "--by", "mark")
    assert code == 0 and "enabled" in out and _staff(demo_db, "amy").active


def test_reset_password_then_the_person_must_change_it_first(demo_db, capsys, monkeypatch):
    code, out, _ = _user(
        demo_db, capsys, monkeypatch, "reset-password", "sam", "--by", "mark",
        stdin=MARK + "temporary-phrase-1\n",
    )  # fmt: skip
    assert code == 0 and "new password at their next sign-in" in out
    assert _staff(demo_db, "sam").must_change_password
    code, _, err = _user(
        demo_db, capsys, monkeypatch, "list", "--by", "sam", stdin="temporary-phrase-1\n"
    )
    assert code == 1 and "emar user password sam" in err
    code, _, err = _user(
        demo_db, capsys, monkeypatch, "password", "sam", stdin="wrong-one\nsam-new-phrase-2\n"
    )
    assert code == 1 and "current password is wrong" in err
    code, out, _ = _user(
        demo_db, capsys, monkeypatch, "password", "sam",
        stdin="temporary-phrase-1\nsam-new-phrase-2\n",
    )  # fmt: skip
    assert code == 0 and "Password changed" in out
    sam = _staff(demo_db, "sam")
    assert not sam.must_change_password and verify_secret(sam.password_hash, "sam-new-phrase-2")
    code, _, _ = _user(
        demo_db, capsys, monkeypatch, "list", "--by", "sam", stdin="sam-new-phrase-2\n"
    )
    assert code == 0


def test_pin_set_and_cleared(demo_db, capsys, monkeypatch):
    code, out, _ = _user(
        demo_db, capsys, monkeypatch, "pin", "amy", "--by", "mark", stdin=MARK + "739104\n"
    )
    assert code == 0 and "new PIN" in out
    assert verify_secret(_staff(demo_db, "amy").pin_hash, "739104")
    code, _, err = _user(
        demo_db, capsys, monkeypatch, "pin", "amy", "--by", "mark", stdin=MARK + "1111\n"
    )
    assert code == 1 and "PIN" in err and verify_secret(_staff(demo_db, "amy").pin_hash, "739104")
    code, out, _ = _user(
        demo_db, capsys, monkeypatch, "pin", "amy", "--by", "mark", stdin=MARK + "\n"
    )
    assert code == 0 and "no PIN" in out and _staff(demo_db, "amy").pin_hash is None


def test_badge_set_duplicate_clear_and_label(demo_db, capsys, monkeypatch, tmp_path):
    code, out, _ = _user(demo_db, capsys, monkeypatch, "badge", "amy", "b7001", "--by", "mark")
    assert code == 0 and "badge B7001" in out and _staff(demo_db, "amy").badge_code == "B7001"
    code, _, err = _user(demo_db, capsys, monkeypatch, "badge", "ben", "B7001", "--by", "mark")
    assert code == 1 and "already belongs" in err and _staff(demo_db, "ben").badge_code == "B1002"
    pdf = tmp_path / "amy.pdf"
    code, out, _ = _user(
        demo_db, capsys, monkeypatch, "badge-label", "amy", "--out", str(pdf), "--by", "mark"
    )
    assert code == 0 and pdf.read_bytes().startswith(b"%PDF")
    code, out, _ = _user(demo_db, capsys, monkeypatch, "badge", "amy", "--clear", "--by", "mark")
    assert code == 0 and _staff(demo_db, "amy").badge_code is None
