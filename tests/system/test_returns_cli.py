"""`emar report returns` and `emar report disposals` end to end (both backends): the returns
list is a new batch of everything waiting, printed for the pharmacy to sign; with nothing
waiting, a clear message and no file."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from emar.cli import main
from emar.models import ReturnBatch, ReturnBatchItem
from emar.services.charts.disposals import dispose, pending_returns
from tests.support.homes import Home
from tests.support.pdf_checks import overflows, pdf_text


def _run(db, *args):
    return main(["--db", db.url.render_as_string(hide_password=False), "report", *args])


def test_the_returns_list_batches_what_is_waiting_and_prints_it(home_db, tmp_path, capsys):
    home = Home(home_db)
    now = datetime.now(UTC) - timedelta(minutes=5)
    empty = tmp_path / "none.pdf"
    assert _run(home_db, "returns", "--out", str(empty)) != 0
    assert "Nothing is waiting to go back to the pharmacy" in capsys.readouterr().err
    assert not empty.exists()
    with home_db.write() as s:
        nina = home.staff["nina"]
        dispose(s, nina, home.line("Mary Jones", "Amlodipine"), Decimal(14), now, "resident died")
        dispose(s, nina, home.line("Edith Baker", "Warfarin"), Decimal(2), now, "expired")
        dispose(s, nina, home.line("Edith Baker", "Furosemide"), Decimal(1), now, "spoilt")
    pdf = tmp_path / "returns.pdf"
    assert _run(home_db, "returns", "--out", str(pdf)) == 0
    assert "Returns to pharmacy: 1 page(s)" in capsys.readouterr().out
    text = " ".join(pdf_text(pdf).split())
    assert "Returns to pharmacy: batch 1" in text
    assert "Mary Jones" in text and "resident died" in text and "Warfarin" in text
    assert "14 tablets" in text and "2 tablets" in text  # quantities with their units
    assert "Furosemide" not in text  # destroyed in the home, not returned
    assert "Received by (pharmacy)" in text and "Signature" in text
    assert overflows(pdf) == []
    with home_db.read() as s:
        assert s.scalar(select(func.count(ReturnBatch.id))) == 1
        assert s.scalar(select(func.count(ReturnBatchItem.id))) == 2
        assert pending_returns(s) == []
    again = tmp_path / "again.pdf"
    assert _run(home_db, "returns", "--out", str(again)) != 0
    assert not again.exists()
    register = tmp_path / "register.pdf"
    assert _run(home_db, "disposals", "--out", str(register)) == 0
    text = " ".join(pdf_text(register).split())
    assert "Disposal register" in text and "destroyed in the home" in text
    assert "Whole home, " in text and "1 tablet" in text  # the period, the unit
    assert "returned to pharmacy" in text and "Furosemide" in text
    assert overflows(register) == []
