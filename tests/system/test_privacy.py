"""Privacy: the log file says what happened without saying who; it and the database file are
readable by their owner only."""

from __future__ import annotations

import logging
import stat
from datetime import date, timedelta

from sqlalchemy import select

from emar.infra.db import open_database
from emar.infra.logs import configure_logging
from emar.maintenance.backup import make_backup
from emar.models import Resident, Staff
from emar.services.round.due import due_list
from emar.services.round.recording import AlreadyRecorded, Blocked, record_given, record_not_given
from emar.services.staff.signing import sign_in
from tests.support.homes import PINS, Home, local

DAY = date(2026, 6, 10)


def test_a_round_logs_events_but_no_personal_data(home_db, tmp_path):
    log_file = configure_logging(tmp_path / "logs" / "emar.log", logging.DEBUG)
    try:
        home = Home(home_db)
        at = local(DAY, 8, 3)
        with home_db.write() as s:
            assert sign_in(s, "amy", "wrong password 123") is None
        with home_db.write() as s:
            assert sign_in(s, "amy", "amy-demo-2026") is not None
        with home_db.read() as s:
            due_list(s, at)
        with home_db.write() as s:
            record_given(s, home.intent("Mary Jones", "Amlodipine", at), at)
        with home_db.write() as s:
            record_not_given(
                s,
                resident_id=home.residents["Mary Jones"],
                chart_line_id=home.line("Mary Jones", "Amlodipine"),
                staff_id=home.staff["amy"],
                code="R",
                now=local(DAY + timedelta(days=1), 8, 10),
                scheduled_at=local(DAY + timedelta(days=1), 8, 0),
                note="Said she felt sick, Mary Jones will try later",
            )
        try:  # a refusal whose message names the resident
            with home_db.write() as s:
                record_given(s, home.intent("Mary Jones", "Amlodipine", at), at)
        except (AlreadyRecorded, Blocked):
            pass
        make_backup(home_db, tmp_path / "home.backup")
        with home_db.read() as s:
            people = s.execute(
                select(
                    Resident.given_name,
                    Resident.family_name,
                    Resident.nhs_number,
                    Resident.date_of_birth,
                )
            ).all()
            staff = s.execute(select(Staff.full_name, Staff.username)).all()
    finally:
        for h in [h for h in logging.getLogger().handlers if getattr(h, "emar_log", False)]:
            h.flush()
            logging.getLogger().removeHandler(h)
            h.close()
        logging.getLogger().setLevel(logging.WARNING)

    text = log_file.read_text()
    # it does log: every audited event, by id
    assert "audit signin.failed" in text and "audit signin.ok" in text
    assert "audit administration.given administration" in text
    assert "audit administration.not_given" in text
    assert "backup made" in text
    secrets = {"amy-demo-2026", "wrong password 123", *PINS.values(), "felt sick"}
    for given, family, nhs, born in people:
        secrets |= {f"{given} {family}", family, born.isoformat(), born.strftime("%d/%m/%Y")}
        if nhs:
            secrets |= {nhs, f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"}
    for full_name, username in staff:
        secrets |= {full_name, f"'{username}'", f"username={username}"}
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == []
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600


def test_a_new_sqlite_database_is_owner_only(tmp_path):
    path = tmp_path / "new.sqlite"
    db = open_database(f"sqlite:///{path}")
    db.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_label_sheets_and_test_sheets_are_owner_only_and_never_overwrite(demo_db, tmp_path, capsys):
    import stat

    from emar.cli import main

    url = demo_db.url.render_as_string(hide_password=False)
    out = tmp_path / "residents.pdf"
    assert main(["--db", url, "labels", "residents", "--out", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    before = out.read_bytes()
    assert main(["--db", url, "labels", "residents", "--out", str(out)]) != 0
    assert "already exists" in capsys.readouterr().err and out.read_bytes() == before
    sheet = tmp_path / "test.pdf"
    assert main(["scanner", "test-sheet", "--out", str(sheet)]) == 0
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
    assert main(["scanner", "test-sheet", "--out", str(sheet)]) != 0


def test_a_rotated_log_file_is_owner_only_too(tmp_path):
    import logging
    import stat

    from emar.infra.logs import configure_logging

    configure_logging(tmp_path / "log" / "emar.log")
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "emar_log", False))
    handler.maxBytes = 200
    for i in range(20):
        logging.getLogger("emar.test").info("line %d of the rotation test", i)
    files = sorted((tmp_path / "log").iterdir())
    assert len(files) > 1  # it rolled over
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files), files
