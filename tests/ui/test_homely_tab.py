"""Homely remedies in the Manage window, through the real window (offscreen, both backends): a
remedy added to the home's list, stock received and counted, an authorisation for a resident
checked by a second person, and the stock book as the manager reads it."""

import os
from datetime import date

from sqlalchemy import select

from emar.models import ChartLine
from tests.support.homes import Home, local
from tests.support.round_window import open_window, sign_in
from tests.ui.test_manage_window import answers, manage

DAY = date(2026, 6, 10)
AT = local(DAY, 8, 30)


def test_add_a_remedy_receive_count_and_authorise_it_for_a_resident(qtbot, home_db, tmp_path):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "nina")
    m = manage(
        qtbot,
        window,
        ask=answers(
            "senna", "Senna 7.5 mg tablets", "Constipation", "2", "2", "4", "2", "48",  # add
            "32", "SN42", "31/03/2027",  # received
            "31", "One dropped",  # counted
            "Dr Shah", "01/09/2026",  # authorise (resident chosen below)
        ),
        ask_checker=lambda parent: ("ben", "3917"),
    )  # fmt: skip
    m.tabs.setCurrentWidget(m.homely)
    tab = m.homely
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        tab.add_remedy()
    assert saved.args[0] == "Senna 7.5 mg tablets added as a homely remedy."
    qtbot.waitUntil(lambda: tab.remedies.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(m.saved, timeout=10_000):
        tab.received()
    qtbot.waitUntil(lambda: tab.remedies.row(0).balance == 32, timeout=10_000)
    with qtbot.waitSignal(m.saved, timeout=10_000):
        tab.count()
    qtbot.waitUntil(lambda: tab.book.rowCount() == 2, timeout=10_000)
    assert [(r.kind, r.balance) for r in tab.book._rows] == [("received", 32), ("counted", 31)]
    # the resident's choice is the full "name (room)" the list offers
    edith = next(k for k in tab.residents if k.startswith("Edith Baker ("))
    queue = tab.ask.ask
    tab.ask.ask = lambda parent, title, q, choices=None: (
        edith if choices else queue(parent, title, q, choices)
    )
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        tab.authorise()
    assert saved.args[0] == "Senna 7.5 mg tablets authorised for Edith Baker."
    qtbot.waitUntil(lambda: tab.authorisations.rowCount() == 1, timeout=10_000)
    row = tab.authorisations.row(0)
    assert (row.gp_name, row.review_date, row.review_due) == ("Dr Shah", date(2026, 9, 1), False)
    with home_db.read() as s:
        line = s.scalars(select(ChartLine).where(ChartLine.id == row.chart_line_id)).one()
        assert line.resident_id == home.residents["Edith Baker"]
        assert [e.kind for e in line.events] == ["checked"]
    if os.environ.get("EMAR_SHOT"):
        m.resize(1200, 760)
        m.grab().save(os.environ["EMAR_SHOT"])
