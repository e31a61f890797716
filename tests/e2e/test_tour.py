"""A manager's tour of every screen of the shipped app, by keyboard and scanner only: each
opens where its key says and shows what it is for. With EMAR_SCREENSHOTS set (see
scripts/screenshots.py) the pictures in docs/screenshots are kept from this run."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from emar.devices.labels import TEST_CODE128, TEST_EAN13
from emar.models import Medicine
from emar.services.charts.editing import LineForm, add_chart_line
from tests.e2e.conftest import start_desk
from tests.support.e2e_home import prepare_home

GS1_TEST = "]d2010509999900001117261231" + "10TEST12\x1d21SER123"


@pytest.fixture
def tour_desk(xserver, templates, tmp_path):
    data = prepare_home(templates.copy_url("history"))
    mary = data.home.residents["Mary Jones"]
    with data.db.write() as s:  # a line transcribed, waiting for its second check
        senna = s.scalar(select(Medicine.id).where(Medicine.name == "Senna"))
        add_chart_line(
            s,
            data.home.staff["nina"],
            mary,
            LineForm(
                senna,
                Decimal(2),
                Decimal(2),
                "times_of_day",
                datetime.now(UTC),
                "Dr A. Okafor",
                "GP letter",
                times_of_day="21:00",
            ),
        )
    yield from start_desk(xserver, data, tmp_path)


def test_a_managers_tour_of_every_screen(tour_desk):
    desk = tour_desk
    data = desk.data
    keys, screen = desk.keys, desk.screen
    screen.wait_text("Username", "Password")
    desk.focus()
    keys.type("mark")
    desk.keep("sign-in.png")
    keys.key("Tab")
    keys.type("mark-demo-2026")
    keys.key("Return")
    screen.wait_text("Signed in: Mark Hughes", "Due now", "Overdue")
    desk.keep("round-list.png")

    keys.key("alt+a")
    screen.wait_text("Resident", "Alert")
    desk.keep("alerts.png")
    keys.key("alt+r")

    keys.scan(f"EMAR-R-{data.home.residents['Mary Jones']}")
    screen.wait_text("Mary Jones", "ALLERGIES: Penicillin")
    keys.key("alt+m")
    screen.wait_text("Amlodipine", "Correct selected entry")
    desk.keep("mar-grid.png")
    keys.key("alt+d")

    keys.key("ctrl+shift+m")
    manage = desk.app.window("residents, charts and stock")
    desk.app.focus(manage)
    for text, then in (("Rose", "Tab"), ("Tyler", "Tab"), ("Rosie", None)):
        keys.type(text)
        if then:
            keys.key(then)
    screen.wait_text("Admit a resident", "Rose", "Tyler")
    desk.keep("admission-form.png", manage)
    keys.key("alt+c")
    screen.wait_text("Senna", "pending")
    desk.keep("chart-line-form-pending.png", manage)
    keys.key("alt+e")  # the allergies tab, then Add allergy: the reference searched as typed
    screen.wait_text("Allergic to", "Recorded by", "History")
    keys.key("alt+g")
    dialog = desk.app.window("^Add allergy$")
    desk.app.focus(dialog)
    keys.type("penicillin")
    keys.key("Tab")
    keys.key("Tab")
    keys.type("hives")
    keys.key("Tab")
    keys.type("moderate")
    keys.key("Tab")
    keys.type("high")
    screen.wait_text("Penicillins", "Known to eMAR", "hives")
    desk.keep("allergy-add-dialog.png", dialog)
    keys.key("Escape")  # not saved: the tour changes no one's record
    desk.app.focus(manage)
    keys.key("alt+s")
    screen.wait_text("To book in received stock, scan the pack", "In stock")
    desk.keep("stock.png", manage)
    keys.key("ctrl+w")
    screen.wait_text("Mary Jones", absent=("To book in received stock",))

    desk.focus()
    keys.key("ctrl+shift+p")
    reports = desk.app.window("eMAR: reports")
    desk.app.focus(reports)
    keys.key("alt+m")
    screen.wait_text("Report ready", timeout=60)
    desk.keep("reports-window.png", reports)
    keys.key("ctrl+w")

    desk.focus()
    keys.key("ctrl+shift+b")
    backups = desk.app.window("eMAR: backups")
    desk.app.focus(backups)
    keys.key("alt+n")
    screen.wait_text("Backup made", timeout=60)
    desk.keep("backups-window.png", backups)
    keys.key("ctrl+w")

    desk.focus()
    keys.key("ctrl+shift+s")
    scanner = desk.app.window("Scanner settings and self-test")
    desk.app.focus(scanner)
    for code in (GS1_TEST, TEST_CODE128, TEST_EAN13, GS1_TEST.replace("\x1d", "")):
        keys.scan(code)
    screen.wait_text("GS1 DataMatrix", "Code 128", "EAN-13", "Drops the GS separator")
    desk.keep("scanner-self-test.png", scanner)
    keys.key("Escape")
    screen.wait_text("Mary Jones", absent=("Test scans",))

    # Mary Jones is allergic to penicillin: an amoxicillin pack scanned for her stops first
    desk.focus()
    keys.scan(f"]d201{data.home.gtins['Amoxicillin']}17281231" + "10LOT7\x1d21SER9")
    screen.wait_text("STOP", "ALLERGY", "penicillin")
    desk.keep("resident-allergy-stop.png")
    keys.key("Escape")

    # The visiting pharmacist: the review list, then the review of the resident at its top
    # (reading only: signing needs the records' service)
    desk.focus()
    keys.key("alt+l")
    desk.sign_in("phil", "Philippa Grant")
    keys.key("ctrl+shift+v")
    listing = desk.app.window("eMAR: medication reviews")
    desk.app.focus(listing)
    screen.wait_text("Most important signal", "due", timeout=60)
    desk.keep("review-list.png", listing)
    keys.key("alt+r")
    keys.key("Return")
    review = desk.app.window("eMAR: medication review: ")
    desk.app.focus(review)
    screen.wait_text("Last 28 days", "Last 90 days", "anticholinergic burden", timeout=60)
    desk.keep("review.png", review)
    keys.key("ctrl+w")
    desk.app.focus(listing)
    keys.key("ctrl+w")
