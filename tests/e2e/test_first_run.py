"""A new home from an empty database, as its manager and a carer would do it, without the
command line (issue 22): the shipped app on a real X server, typed at and scanned at from
outside. First run (set up, not the demo), the new manager signs in, adds a carer and a senior
carer, adds a medicine and its pack barcode, admits a resident, writes a chart line that the
senior carer checks with her PIN; then the carer signs in (choosing her own password) and
gives the dose by scan. Judged by the screen and the database.

With EMAR_SCREENSHOTS set, the pictures of each set-up step and of the staff screen are kept
(scripts/screenshots.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from emar.domain.synthetic_ids import fake_gtin, fake_nhs_number
from emar.infra.db import Database, open_database
from emar.models import Administration, Resident, Staff
from emar.services.home import get_home
from tests.e2e.conftest import start_desk

GS = "\x1d"
GTIN = fake_gtin(4242)
NHS = fake_nhs_number(4242)
MANAGER_PASSWORD = "beech-house-manager-2026"


@dataclass
class EmptyHome:
    """What `start_desk` needs of a home: here an empty database at the current schema."""

    db: Database
    url: str


@pytest.fixture
def empty_desk(xserver, templates, tmp_path: Path):
    url = templates.copy_url("schema")
    db = open_database(url)
    try:
        yield from start_desk(xserver, EmptyHome(db, url), tmp_path)  # type: ignore[arg-type]
    finally:
        db.dispose()


def test_a_new_home_set_up_staffed_and_a_dose_given_by_scan(empty_desk):
    desk = empty_desk
    keys, screen, app = desk.keys, desk.screen, desk.app

    # --- first run: set up the home (not the demo) -----------------------------------------
    wizard = app.window("eMAR: first run")
    app.focus(wizard)
    screen.wait_text("Welcome to eMAR", "Set up your care home", "demo home")
    desk.keep("setup-1-choice.png", wizard)
    keys.key("Return")  # "Set up your care home" is chosen: Next
    screen.wait_text("The care home", "Time zone")
    keys.type("Beech House")
    desk.keep("setup-2-home.png", wizard)
    keys.key("Return")
    screen.wait_text("Units and rooms", "G01-G20")
    keys.type("Ground floor: G01-G03")
    screen.wait_text("3 rooms: G01 to G03")
    desk.keep("setup-3-units.png", wizard)
    keys.key("alt+n")
    screen.wait_text("The first manager", "PIN")
    for text in ("Jo Reid", "jo.reid", MANAGER_PASSWORD, MANAGER_PASSWORD, "2719", "2719"):
        keys.type(text)
        keys.key("Tab")
    desk.keep("setup-4-manager.png", wizard)
    keys.key("alt+n")
    screen.wait_text("Ready to set up", "First manager: Jo Reid")
    desk.keep("setup-5-confirm.png", wizard)
    keys.key("alt+c")  # Create the home
    screen.wait_text("Beech House is set up", "Sign in as jo.reid")
    desk.keep("setup-6-sign-in.png")
    with desk.data.db.read() as s:
        home = get_home(s)
    assert (home.name, home.is_demo) == ("Beech House", False)

    # --- the manager signs in and adds a carer and a senior carer --------------------------
    desk.focus()
    keys.type("jo.reid")
    keys.key("Tab")
    keys.type(MANAGER_PASSWORD)
    keys.key("Return")
    screen.wait_text("Signed in: Jo Reid")
    keys.key("ctrl+shift+u")
    staff = app.window("eMAR: staff accounts")
    app.focus(staff)
    screen.wait_text("Jo Reid", "manager")
    for name, username, senior, pin in (
        ("Cara Jones", "cara", False, "4935"),
        ("Sid Bloggs", "sid", True, "3846"),
    ):
        app.focus(staff)
        keys.key("alt+a")
        add = app.window("Add a member of staff")
        app.focus(add)
        keys.type(name)
        keys.key("Tab")
        keys.type(username)
        keys.key("Tab")
        if senior:
            keys.type("s")  # the role list: "senior carer"
        keys.key("Tab")
        for text in ("first-day-2026-beech", "first-day-2026-beech", pin):
            keys.type(text)
            keys.key("Tab")
        keys.key("Return")
        screen.wait_text(name)
    screen.wait_text("Cara Jones", "Sid Bloggs", "senior carer", "must change")
    desk.keep("staff.png", staff)
    keys.key("ctrl+w")

    # the home's settings and its units and rooms, as set up
    desk.focus()
    keys.key("ctrl+shift+h")
    settings = app.window("eMAR: home settings")
    app.focus(settings)
    screen.wait_text("Beech House", "Europe/London")
    desk.keep("home-settings.png", settings)
    keys.key("alt+u")
    screen.wait_text("Ground floor", "G01", "G03")
    desk.keep("home-units.png", settings)
    keys.key("ctrl+w")

    # --- a medicine and its pack barcode; a resident; her chart line, checked --------------
    desk.focus()
    keys.key("ctrl+shift+m")
    manage = app.window("residents, charts and stock")
    app.focus(manage)
    keys.key("alt+l")  # the catalogue
    screen.wait_text("Active ingredients", "Pack barcodes")
    for key, text in (("n", "Amlodipine"), ("t", "5 mg"), ("i", "amlodipine 5 mg")):
        keys.key(f"alt+{key}")  # form, route and dose unit stay as offered: tablets, oral
        keys.type(text)
    keys.key("alt+p")
    screen.wait_text("Amlodipine added to the catalogue")
    keys.key("alt+d")  # the product to attach a pack barcode to
    keys.type("Amlo")
    screen.wait_text("Amlodipine 5 mg tablets (0 pack")
    keys.scan(f"]d201{'0' + GTIN}17281231" + f"10LOT1{GS}21SER1")
    screen.wait_text(f"Pack barcode 0{GTIN} attached", timeout=20)

    keys.key("alt+a")  # admit a resident
    keys.key("alt+g")
    keys.type("Ada")
    keys.key("alt+f")
    keys.type("Lovelace")
    keys.key("alt+n")
    keys.type(NHS)
    keys.key("alt+o")  # the room: one of the unit's, as set up
    keys.type("G01")
    keys.key("alt+k")  # no known allergies
    keys.key("alt+d")
    screen.wait_text("Admitted Ada Lovelace", timeout=20)
    with desk.data.db.read() as s:
        ada_id, room = s.execute(
            select(Resident.id, Resident.room).where(Resident.nhs_number == NHS)
        ).one()
    assert room == "G01"

    zone = ZoneInfo(home.time_zone)
    due = (datetime.now(UTC) + timedelta(minutes=5)).astimezone(zone).strftime("%H:%M")
    keys.key("alt+c")  # chart lines
    screen.wait_text("Ada Lovelace", "Add line")
    keys.key("alt+m")
    keys.type("Amlo")
    screen.wait_text("Chosen: Amlodipine 5 mg tablets (no conflict with the allergies)")
    keys.key("alt+i")
    keys.key("ctrl+a")
    keys.type(due)
    keys.key("alt+b")
    keys.type("Dr Shah")
    keys.key("alt+u")
    keys.type("GP letter")
    keys.key("alt+n")
    screen.wait_text("pending", "Daily at")
    keys.key("alt+k")  # the line just added is the one chosen  # the second person's check
    checker = app.window("Second check")
    app.focus(checker)
    keys.type("sid")
    keys.key("Return")
    app.focus(app.window("Second check"))
    keys.type("3846")
    keys.key("Return")
    screen.wait_text("Amlodipine 5 mg tablets checked: it can now be given", timeout=20)
    keys.key("ctrl+w")

    # --- the carer signs in, chooses her own password, and gives the dose by scan ----------
    desk.focus()
    keys.key("alt+l")  # lock
    screen.wait_text("Username", "Password")
    desk.focus()
    keys.type("cara")
    keys.key("Tab")
    keys.type("first-day-2026-beech")
    keys.key("Return")
    for _ in range(2):  # the new password, twice
        app.focus(app.window("New password"))
        keys.type("cara-own-words-2026")
        keys.key("Return")
    screen.wait_text("Signed in: Cara Jones")
    keys.scan(f"EMAR-R-{ada_id}")
    screen.wait_text("Ada Lovelace", "No known allergies")
    keys.scan(f"]d201{'0' + GTIN}17281231" + f"10LOT1{GS}21SER2")
    screen.wait_text("Give 1 tablet of Amlodipine")
    keys.key("Return")
    screen.wait_text("Recorded: Ada Lovelace given Amlodipine")
    desk.keep("new-home-first-dose.png")
    with desk.data.db.read() as s:
        given = s.execute(
            select(Administration.outcome, Staff.username).join(
                Staff, Staff.id == Administration.staff_id
            )
        ).all()
    assert [tuple(g) for g in given] == [("given", "cara")]
