"""`emar order` end to end (both backends): drafted, recorded signed by the nurse's password,
the order list PDF and CSV written and read back; a line marked not required is listed apart
with why; a wrong password or a carer saves nothing."""

import csv
import io
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from emar.cli import main
from emar.models import MedicineOrder
from tests.support.homes import Home
from tests.support.pdf_checks import overflows, pdf_text


def _run(db, monkeypatch, password, *args):
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return main(["--db", db.url.render_as_string(hide_password=False), "order", *args])


def test_the_order_is_recorded_and_its_list_written_as_pdf_and_csv(
    home_db, tmp_path, capsys, monkeypatch
):
    home = Home(home_db)
    amlodipine = home.line("Mary Jones", "Amlodipine")
    cycle = (datetime.now(UTC) + timedelta(days=10)).date()
    pdf, sheet = tmp_path / "order.pdf", tmp_path / "order.csv"
    args = ["--cycle-start", cycle.isoformat(), "--out", str(pdf), "--csv", str(sheet)]
    args += ["--by", "nina", "--not-required", f"{amlodipine}=in hospital this month"]
    assert _run(home_db, monkeypatch, "nina-demo-2026", *args) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"Order 1 for the cycle starting {cycle:%d %b %Y}: ")
    text = " ".join(pdf_text(pdf).split())
    assert "Riverside Medical Centre" in text and "Mary Jones" in text
    assert "Not ordered" in text and "not required this cycle: in hospital this month" in text
    assert overflows(pdf) == []
    with open(sheet, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with home_db.read() as s:
        assert s.scalar(select(func.count(MedicineOrder.id))) == 1
    # every chart line, ordered or not, but the course of antibiotics that ended in June
    listed = {int(r["chart_line_id"]) for r in rows}
    ended = {i for (_r, medicine, _p), i in home.lines.items() if medicine == "Amoxicillin"}
    assert len(rows) == len(listed) and listed == set(home.lines.values()) - ended
    (mary,) = [r for r in rows if r["chart_line_id"] == str(amlodipine)]
    assert (mary["to_order"], mary["packs"]) == ("0", "0")
    assert mary["not_required_reason"] == "in hospital this month"
    ordered = [r for r in rows if int(r["packs"]) > 0]
    assert ordered and all(int(r["to_order"]) > 0 for r in ordered)
    assert f"{len(ordered)} lines to order" in said
    # apart: those the stock covers, and those not ordered for a reason (Mary's, here)
    enough = [r for r in rows if "enough in stock: nothing to order" in r["how_worked_out"]]
    enough = [r for r in enough if not r["not_required_reason"]]
    apart = len(rows) - len(ordered) - len(enough)
    assert f"{len(enough)} with enough in stock, {apart} not ordered (stopped" in said
    assert apart >= 1
    assert any("enough in stock: nothing to order" in r["how_worked_out"] for r in rows)


def test_a_wrong_password_or_a_carer_orders_nothing(home_db, tmp_path, capsys, monkeypatch):
    args = ["--cycle-start", "2026-12-01", "--out", str(tmp_path / "o.pdf"), "--by"]
    assert _run(home_db, monkeypatch, "wrong", *args, "nina") == 1
    assert _run(home_db, monkeypatch, "amy-demo-2026", *args, "amy") == 1
    assert "emar:" in capsys.readouterr().err
    assert not (tmp_path / "o.pdf").exists()
    with home_db.read() as s:
        assert s.scalar(select(func.count(MedicineOrder.id))) == 0


def test_a_second_order_for_the_cycle_needs_again(home_db, tmp_path, capsys, monkeypatch):
    cycle = (datetime.now(UTC) + timedelta(days=10)).date()
    args = ["--cycle-start", cycle.isoformat(), "--by", "nina"]
    assert (
        _run(home_db, monkeypatch, "nina-demo-2026", *args, "--out", str(tmp_path / "1.pdf")) == 0
    )
    capsys.readouterr()
    assert (
        _run(home_db, monkeypatch, "nina-demo-2026", *args, "--out", str(tmp_path / "2.pdf")) == 1
    )
    said = capsys.readouterr().err
    assert "Order 1 for the cycle starting" in said and "Add --again" in said
    assert not (tmp_path / "2.pdf").exists()
    with home_db.read() as s:
        assert s.scalar(select(func.count(MedicineOrder.id))) == 1
    again = [*args, "--out", str(tmp_path / "2.pdf"), "--again"]
    assert _run(home_db, monkeypatch, "nina-demo-2026", *again) == 0
    with home_db.read() as s:
        assert s.scalar(select(func.count(MedicineOrder.id))) == 2
