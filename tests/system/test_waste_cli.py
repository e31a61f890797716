"""`emar report waste` and `emar catalogue price` through the real command (both backends):
the price entered by a nurse's password costs the disposals; the report's PDF is written and
never over a file; a mistyped price saves nothing."""

import io
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from emar.cli import main
from emar.domain.disposal import Reason
from emar.models import PackPrice
from emar.services.charts.disposals import dispose
from emar.services.charts.packs import medicines_for_gtin
from emar.services.charts.stock import book_in
from tests.support.homes import Home
from tests.support.pdf_checks import pdf_text


def _emar(db, monkeypatch, stdin, *args):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["--db", db.url.render_as_string(hide_password=False), *args])


def test_a_price_entered_costs_the_waste_report(home_db, tmp_path, capsys, monkeypatch):
    home = Home(home_db)
    nina = home.staff["nina"]
    line = home.line("Mary Jones", "Amlodipine")
    now = datetime.now(UTC)
    with home_db.write() as s:
        (medicine,) = medicines_for_gtin(s, home.gtins["Amlodipine"])
        book_in(s, nina, line, home.gtins["Amlodipine"], Decimal(28), now - timedelta(days=3))
        dispose(s, nina, line, Decimal(14), now - timedelta(days=2), Reason.SPOILT)
    assert _emar(home_db, monkeypatch, "nina-demo-2026\n", "catalogue", "price", str(medicine),
                 "--pack-size", "28", "--price", "£2.80", "--by", "nina") == 0  # fmt: skip
    assert "Price recorded: Amlodipine 5 mg tablets, a pack of 28 for £2.80." in (
        capsys.readouterr().out
    )
    out = tmp_path / "waste.pdf"
    today = now.date()
    args = ["report", "waste", "--from", f"{today - timedelta(days=7)}", "--to", f"{today}"]
    assert _emar(home_db, monkeypatch, "", *args, "--out", str(out)) == 0
    text = " ".join(pdf_text(out).split())
    # 14 tablets at 280p / 28 = 10p each: £1.40
    assert "Cost where a price is known £1.40" in text and "14 tablets" in text
    assert _emar(home_db, monkeypatch, "", *args, "--out", str(out)) == 1  # never overwrites
    assert "already exists" in capsys.readouterr().err


def test_a_mistyped_price_or_a_carer_records_nothing(home_db, capsys, monkeypatch):
    base = ["catalogue", "price", "1", "--pack-size", "28"]
    assert _emar(home_db, monkeypatch, "nina-demo-2026\n", *base, "--price", "2.8.0",
                 "--by", "nina") == 1  # fmt: skip
    assert "not a price" in capsys.readouterr().err
    assert _emar(home_db, monkeypatch, "amy-demo-2026\n", *base, "--price", "2.80",
                 "--by", "amy") == 1  # fmt: skip
    assert "Amy Carter (carer) may not enter pack prices." in capsys.readouterr().err
    with home_db.read() as s:
        assert s.scalar(select(func.count(PackPrice.id))) == 0
