"""`emar homely` end to end (both backends): a GP's authorisation recorded by a nurse's
password (its line pending), the list with the stock and the authorisation, and the stock
book with its running balance; a carer records nothing."""

import io
import sys
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from emar.cli import main
from emar.models import ChartLine, HomelyAuthorisation, Medicine
from emar.services.charts.homely_remedies import RemedyForm, add_remedy, count, receive
from tests.support.homes import Home


def _run(db, monkeypatch, password, *args):
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return main(["--db", db.url.render_as_string(hide_password=False), "homely", *args])


def test_authorise_list_and_the_stock_book(home_db, monkeypatch, capsys):
    home = Home(home_db)
    at = datetime(2026, 6, 1, 9, tzinfo=UTC)
    with home_db.write() as s:
        senna = s.scalar(select(Medicine.id).where(Medicine.name == "Senna"))
        remedy = add_remedy(
            s, home.staff["nina"], RemedyForm(senna, "Constipation", Decimal(2), Decimal(2), 240, 2)
        )
        receive(s, home.staff["nina"], remedy, Decimal(32), at, batch="SN42")
        count(s, home.staff["nina"], remedy, Decimal(30), at, reason="Two dropped")
    edith = str(home.residents["Edith Baker"])
    args = ["authorise", "--resident", edith, "--remedy", str(remedy), "--gp", "Dr Shah",
            "--on", "2026-06-01", "--review", "2026-09-01"]  # fmt: skip
    assert _run(home_db, monkeypatch, "amy-demo-2026", *args, "--by", "amy") != 0
    assert _run(home_db, monkeypatch, "nina-demo-2026", *args, "--by", "nina") == 0
    assert "waits for the second check" in capsys.readouterr().out
    with home_db.read() as s:
        (auth,) = s.scalars(select(HomelyAuthorisation)).all()
        assert (auth.gp_name, auth.review_date) == ("Dr Shah", date(2026, 9, 1))
        assert s.get(ChartLine, auth.chart_line_id).events == []  # pending its check
    assert _run(home_db, monkeypatch, "", "list") == 0
    out = capsys.readouterr().out
    assert f"remedy {remedy}: Senna 7.5 mg tablets, 2 tablets for constipation" in out
    assert "in stock 30" in out
    assert (
        "Edith Baker, Senna 7.5 mg tablets, by Dr Shah on 01/06/2026, review by 01/09/2026" in out
    )
    assert _run(home_db, monkeypatch, "", "stock", "--remedy", str(remedy)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "2026-06-01 09:00 UTC  received    +32  balance 32  (batch SN42)",
        "2026-06-01 09:00 UTC  counted      -2  balance 30  (counted 30, Two dropped)",
    ]
