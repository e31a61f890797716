"""`emar receipt` end to end (both backends): the reconciliation printed one item a line,
urgent first, written as a PDF and signed by the nurse's password; without --sign nothing is
recorded; a wrong password or a carer records nothing."""

import io
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from emar.cli import main
from emar.models import ReceiptCheck
from emar.services.charts.ordering import OrderChange, record_order
from emar.services.charts.stock import balance, book_in, remove_stock
from tests.support.homes import Home
from tests.support.pdf_checks import overflows, pdf_text


def _run(db, monkeypatch, password, *args):
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return main(["--db", db.url.render_as_string(hide_password=False), "receipt", *args])


def _checks(db) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count(ReceiptCheck.id))))


def _order_and_arrival(db) -> tuple[int, Home]:
    home = Home(db)
    nina = home.staff["nina"]
    amlodipine = home.line("Mary Jones", "Amlodipine")
    furosemide = home.line("Edith Baker", "Furosemide")
    now = datetime.now(UTC) - timedelta(minutes=1)
    changes = {
        line: OrderChange(quantity=Decimal(56), adjusted_reason="a full cycle")
        for line in (amlodipine, furosemide)
    }
    with db.write() as s:
        order_id = record_order(s, nina, (now + timedelta(days=10)).date(), now, changes)
    with db.write() as s:
        book_in(
            s, nina, amlodipine, home.gtins["Amlodipine"], Decimal(50), now + timedelta(seconds=30)
        )
        # Edith's furosemide has run out on the shelf: its missing pack is urgent
        remove_stock(s, nina, furosemide, balance(s, furosemide), now, kind="wasted",
                     reason="dropped")  # fmt: skip
    return order_id, home


def test_the_check_is_printed_written_and_signed(home_db, tmp_path, capsys, monkeypatch):
    order_id, _ = _order_and_arrival(home_db)
    pdf = tmp_path / "receipt.pdf"
    args = ["--order", str(order_id), "--out", str(pdf), "--sign", "--by", "nina"]
    assert _run(home_db, monkeypatch, "nina-demo-2026", *args, "--note", "two totes") == 0
    said = capsys.readouterr().out.splitlines()
    mary = [x for x in said if x.startswith("Mary Jones") and "Amlodipine" in x]
    assert mary == [
        "Mary Jones, room G01: Amlodipine 5 mg tablets - short: 6 short of the 56 ordered"
    ]
    edith = [x for x in said if "Edith Baker" in x and "Furosemide" in x]
    assert len(edith) == 1 and edith[0].startswith("URGENT Edith Baker")
    assert "missing: none of the 56 ordered booked in" in edith[0]
    items = said[:-1]
    urgent = [x.startswith("URGENT") for x in items]
    assert urgent == sorted(urgent, reverse=True)  # urgent first
    assert said[-1].startswith(f"Order {order_id}: {len(items)} items, {sum(urgent)} urgent; ")
    assert f"check 1 signed; written to {pdf}." in said[-1]
    text = " ".join(pdf_text(pdf).split())
    assert f"Receipt check of order {order_id}" in text and "Checked and signed by Nina" in text
    assert "two totes" in text and "URGENT" in text and "short" in text
    assert overflows(pdf) == []
    assert _checks(home_db) == 1


def test_without_sign_nothing_is_recorded(home_db, capsys, monkeypatch):
    order_id, _ = _order_and_arrival(home_db)
    assert (
        _run(home_db, monkeypatch, "nina-demo-2026", "--order", str(order_id), "--by", "nina") == 0
    )
    assert capsys.readouterr().out.splitlines()[-1].endswith("; not signed.")
    assert _checks(home_db) == 0


def test_a_wrong_password_or_a_carer_records_nothing(home_db, tmp_path, capsys, monkeypatch):
    order_id, _ = _order_and_arrival(home_db)
    args = ["--order", str(order_id), "--out", str(tmp_path / "r.pdf"), "--sign", "--by"]
    assert _run(home_db, monkeypatch, "wrong", *args, "nina") == 1
    assert _run(home_db, monkeypatch, "amy-demo-2026", *args, "amy") == 1
    assert "emar:" in capsys.readouterr().err
    assert not (tmp_path / "r.pdf").exists()
    assert _checks(home_db) == 0
