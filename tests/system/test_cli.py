"""The `emar` command line: init, demo, user add, and one-line errors that change nothing."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from emar.cli import main
from emar.infra.db import open_database
from emar.infra.passwords import verify_secret
from emar.models import Administration, Staff
from emar.services.residents.reading import count_residents

EMAR = str(Path(sys.executable).parent / "emar")


def run(capsys, *args, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_then_demo_builds_the_demo_home(empty_url, capsys):
    code, out, _ = run(capsys, "--db", empty_url, "init")
    assert code == 0 and "Database ready" in out
    code, out, _ = run(capsys, "demo", "--db", empty_url)  # --db after the command works too
    assert code == 0 and "22 residents" in out
    db = open_database(empty_url)
    with db.read() as s:
        assert count_residents(s) == 22
    db.dispose()


def test_demo_before_init_says_to_run_init(empty_url, capsys):
    code, _, err = run(capsys, "--db", empty_url, "demo")
    assert code == 1
    assert err.startswith("emar: ") and "'emar init'" in err and err.count("\n") == 1


def test_demo_twice_is_refused_and_changes_nothing(demo_db, capsys):
    url = demo_db.url.render_as_string(hide_password=False)
    code, _, err = run(capsys, "--db", url, "demo")
    assert code == 1 and "already has residents" in err and err.count("\n") == 1
    with demo_db.read() as s:
        assert count_residents(s) == 22


def test_user_add_reads_secrets_from_stdin_not_arguments(demo_db, capsys, monkeypatch):
    url = demo_db.url.render_as_string(hide_password=False)
    code, out, _ = run(
        capsys,
        "--db",
        url,
        "user",
        "add",
        "zoe",
        "--role",
        "nurse",
        "--full-name",
        "Zoe Day",
        "--by",
        "mark",
        stdin="mark-demo-2026\na-long-passphrase\n739104\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0 and out.strip() == (
        "Added Zoe Day (zoe) as nurse; they choose their own password at first sign-in."
    )
    with demo_db.read() as s:
        zoe = s.scalars(select(Staff).where(Staff.username == "zoe")).one()
        assert zoe.initials == "ZD"
        assert zoe.must_change_password  # the manager typed it: not Zoe's to keep
        assert verify_secret(zoe.password_hash, "a-long-passphrase")
        assert verify_secret(zoe.pin_hash, "739104")
        assert "a-long-passphrase" not in zoe.password_hash


@pytest.mark.parametrize(
    ("stdin", "message"),
    [("short\n\n", "at least 8"), ("long-enough-pw\n12\n", "PIN must be"), ("", "Expected")],
)
def test_user_add_with_bad_secrets_saves_nothing(demo_db, capsys, monkeypatch, stdin, message):
    url = demo_db.url.render_as_string(hide_password=False)
    code, _, err = run(
        capsys,
        "--db",
        url,
        "user",
        "add",
        "zoe",
        "--role",
        "carer",
        "--full-name",
        "Zoe Lane",
        "--by",
        "mark",
        stdin="mark-demo-2026\n" + stdin,
        monkeypatch=monkeypatch,
    )
    assert code == 1 and message in err
    with demo_db.read() as s:
        assert s.scalars(select(Staff).where(Staff.username == "zoe")).first() is None


def test_unknown_role_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["user", "add", "zoe", "--role", "boss", "--full-name", "Zoe Lane"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "is not valid"),
        ("postgresql://emar@127.0.0.1:1/emar", "Cannot reach the database server"),
        ("sqlite:////no/such/folder/x.sqlite", "does not exist"),
    ],
)
def test_bad_database_is_one_line_and_nonzero(capsys, url, message):
    code, _, err = run(capsys, "--db", url, "init")
    assert code == 1 and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_corrupt_file_is_refused_by_the_installed_command(tmp_path):
    path = tmp_path / "x.sqlite"
    path.write_text("garbage")
    proc = subprocess.run(
        [EMAR, "--db", f"sqlite:///{path}", "init"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("emar: ") and "damaged or not SQLite" in proc.stderr
    assert path.read_text() == "garbage"


def test_read_only_database_is_refused_with_a_clear_message(tmp_path, capsys):
    """Root ignores file modes, so as root the command runs without CAP_DAC_OVERRIDE."""
    folder = tmp_path / "ro"
    folder.mkdir()
    ro = folder / "home.sqlite"
    assert main(["--db", f"sqlite:///{ro}", "init"]) == 0
    capsys.readouterr()
    ro.chmod(0o444)
    folder.chmod(0o555)
    before = ro.read_bytes()
    cmd = [EMAR, "--db", f"sqlite:///{ro}", "demo"]
    if os.geteuid() == 0:
        cmd = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *cmd]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    folder.chmod(0o755)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("emar: ") and "Traceback" not in proc.stderr
    assert "read-only" in proc.stderr or "Cannot open" in proc.stderr
    assert ro.read_bytes() == before


def test_due_lists_overdue_doses_resident_by_resident(demo_db, capsys):
    url = demo_db.url.render_as_string(hide_password=False)
    code, out, _ = run(capsys, "--db", url, "due", "--state", "missed", "--state", "overdue")
    assert code == 0
    # the demo template has no history, so after a day every dose of a regular line is missed
    assert "MISSED: due" in out
    assert "Mary Jones" in out and "[time-critical]" in out


def test_generate_adds_a_home_with_history(empty_url, capsys):
    assert run(capsys, "--db", empty_url, "init")[0] == 0
    code, out, _ = run(capsys, "--db", empty_url, "generate", "--residents", "3", "--days", "2")
    assert code == 0 and out.startswith("Generated 3 residents, 30 chart lines")
    db = open_database(empty_url)
    with db.read() as s:
        assert count_residents(s) == 3
        entries = s.scalar(select(func.count(Administration.id)))
    db.dispose()
    assert entries > 30  # two days of ten lines each, most of them given


def test_generate_refuses_nonsense_sizes(empty_url, capsys):
    run(capsys, "--db", empty_url, "init")
    code, _, err = run(capsys, "--db", empty_url, "generate", "--residents", "0")
    assert code == 1 and "at least 1" in err


def test_a_manager_unlocks_a_locked_person_from_the_command_line(demo_db, capsys, monkeypatch):
    from emar.services.staff.signing import sign_in

    url = demo_db.url.render_as_string(hide_password=False)
    for _ in range(3):
        with demo_db.write() as s:
            sign_in(s, "amy", "not-her-password")
    with demo_db.write() as s:
        assert sign_in(s, "amy", "amy-demo-2026") is None  # waiting after three failures
    code, _, err = run(
        capsys, "--db", url, "user", "unlock", "amy", "--by", "ben",
        stdin="ben-demo-2026\n", monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code != 0 and "may not manage staff accounts" in err  # a senior carer may not
    code, out, _ = run(
        capsys, "--db", url, "user", "unlock", "amy", "--by", "mark",
        stdin="mark-demo-2026\n", monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0 and "amy may sign in" in out
    with demo_db.write() as s:
        assert sign_in(s, "amy", "amy-demo-2026") is not None


def test_adding_staff_needs_a_manager_once_the_home_has_one(demo_db, capsys, monkeypatch):
    url = demo_db.url.render_as_string(hide_password=False)
    code, _, err = run(
        capsys, "--db", url, "user", "add", "zoe", "--role", "manager",
        "--full-name", "Zoe Lane", stdin="a-long-passphrase\n\n", monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 1 and "--by MANAGER" in err
    code, _, err = run(
        capsys, "--db", url, "user", "add", "zoe", "--role", "manager", "--by", "amy",
        "--full-name", "Zoe Lane",
        stdin="amy-demo-2026\na-long-passphrase\n\n", monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 1 and "may not manage staff accounts" in err  # a carer made no manager
    with demo_db.read() as s:
        assert s.scalars(select(Staff).where(Staff.username == "zoe")).first() is None


def test_the_first_account_of_a_new_home_needs_no_one_to_sign(db, capsys, monkeypatch):
    url = db.url.render_as_string(hide_password=False)
    code, out, _ = run(
        capsys, "--db", url, "user", "add", "boss", "--role", "manager",
        "--full-name", "Bea Oss", stdin="a-long-passphrase\n\n", monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0 and out.strip() == "Added Bea Oss (boss) as manager."  # theirs to keep


def test_every_command_group_is_listed_in_the_usual_order_also_by_python_m():
    """Each group module adds its own commands; `emar --help` lists them as it always has, and
    `python -m emar.cli` is the same command."""
    from emar.cli.main import ORDER, build_parser

    (commands,) = [a for a in build_parser()._actions if a.dest == "command"]
    assert list(commands.choices) == list(ORDER)
    done = subprocess.run(
        [sys.executable, "-m", "emar.cli", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    listed = re.findall(r"^ {4}(\S+)", done.stdout, flags=re.MULTILINE)
    assert listed == list(ORDER)
