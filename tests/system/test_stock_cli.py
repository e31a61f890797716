"""`emar stock signals` (both backends, and once through the installed command): the signals
resident by resident, for the home, a unit or a resident; a unit not known is one line and
exit 1."""

import re
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from emar.cli import main
from emar.services.charts.stock import count_stock
from emar.services.home import list_units, set_cycle_start
from emar.services.round.facts import load_residents
from tests.support.homes import Home

EMAR = str(Path(sys.executable).parent / "emar")
AT = "2026-06-01T14:00:00+00:00"
NOW = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)


def _url(db) -> str:
    return db.url.render_as_string(hide_password=False)


def _mary_short(db) -> Home:
    home = Home(db)
    with db.write() as s:
        set_cycle_start(s, home.staff["mark"], date(2026, 5, 18))  # next: 15 June
        count_stock(
            s, home.staff["nina"], home.line("Mary Jones", "Amlodipine"), Decimal(5), NOW, "count"
        )
    return home


def test_one_residents_signals(home_db, capsys):
    home = _mary_short(home_db)
    mary = home.residents["Mary Jones"]
    args = ["--db", _url(home_db), "stock", "signals", "--resident", str(mary), "--at", AT]
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith(f"Mary Jones (resident {mary})")
    assert out[1] == (
        "  [SHORT] Amlodipine 5 mg tablets (8): Runs out Sun 7 Jun: 5 tablets in stock, "
        "13 tablets due before the next cycle starts on Mon 15 Jun. Order more now."
    )
    assert len(out) == 2


def test_a_unit_lists_only_its_residents_and_an_unknown_unit_is_refused(home_db, capsys):
    _mary_short(home_db)
    with home_db.read() as s:
        unit = list_units(s)[0]
        here = {r.name for r in load_residents(s, unit_id=unit.id)}
    assert main(["--db", _url(home_db), "stock", "signals", "--unit", unit.name, "--at", AT]) == 0
    out = capsys.readouterr().out.splitlines()
    heads = [line for line in out if not line.startswith("  [")]
    named = {re.fullmatch(r"\s*\S+  (.+) \(resident \d+\)", h).group(1) for h in heads}
    assert named and named <= here
    assert main(["--db", _url(home_db), "stock", "signals", "--unit", "Nowhere"]) == 1
    err = capsys.readouterr().err
    assert err == "emar: No unit called 'Nowhere'.\n"


def test_the_installed_command_prints_the_signals(home_db):
    _mary_short(home_db)
    proc = subprocess.run(
        [EMAR, "--db", _url(home_db), "stock", "signals", "--at", AT],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "[SHORT] Amlodipine 5 mg tablets (8): Runs out Sun 7 Jun" in proc.stdout
