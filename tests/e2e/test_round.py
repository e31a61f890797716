"""The medicine round as a carer runs it: the shipped app (`run_emar.py`) on a real X server,
typed at and scanned at from outside through the X server, judged by the screen and the database.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from emar.models import Administration, AuditEvent
from tests.conftest import BACKENDS
from tests.support.desktop import is_green, is_red

GS = "\x1d"


def pack(gtin: str, serial: str = "SER1") -> str:
    """A GS1 DataMatrix as a scanner sends it: AIM prefix, GTIN, expiry, batch, GS, serial."""
    return f"]d201{gtin}17281231" + f"10LOT42{GS}21{serial}"


def entries(data) -> list:
    """The MAR entries made since the test began, oldest first (plain rows)."""
    with data.db.read() as s:
        return list(
            s.execute(
                select(Administration.__table__)
                .where(Administration.id > data.entries_before)
                .order_by(Administration.id)
            )
        )


def verdict_colour(desk, phrase: str):
    """The colour just left of the headline's first word: the verdict panel's background."""
    path = desk.screen.shot("verdict")
    word = desk.screen.find(phrase, path)
    return desk.screen.colour(path, max(word.left - 6, 0), word.top + word.height // 2)


@pytest.mark.parametrize("backend", BACKENDS)
def test_scan_resident_then_pack_records_and_the_same_pack_again_stops(desk, backend):
    data = desk.data
    desk.sign_in()
    desk.keep("round-list.png")
    desk.keys.scan(f"EMAR-R-{data.resident}")
    desk.screen.wait_text("Harold Green", "Born 02 Feb 1937")
    desk.keys.scan(pack(data.due_gtin))
    desk.screen.wait_text("Give 1 tablet of Amlodipine")
    assert is_green(verdict_colour(desk, "Give 1 tablet"))
    desk.keep("resident-green-verdict.png")
    assert entries(data) == []  # nothing before Confirm
    desk.keys.key("Return")
    desk.screen.wait_text("Recorded: Harold Green given Amlodipine")
    desk.keep("resident-after-recording.png")
    (entry,) = entries(data)
    assert entry.outcome == "given" and entry.gtin == data.due_gtin
    assert (entry.batch, entry.serial) == ("LOT42", "SER1")
    # "Recorded" stays until the next action (the round refreshes every 5 seconds meanwhile)
    time.sleep(6)
    desk.screen.wait_text("Recorded: Harold Green given Amlodipine", timeout=3)
    desk.keys.scan(pack(data.due_gtin, serial="SER2"))
    desk.screen.wait_text("STOP", "Already given by Amy Carter", absent=("Recorded: Harold Green",))
    assert is_red(verdict_colour(desk, "STOP"))
    desk.keep("resident-red-stop.png")
    desk.keys.key("Return")  # Enter on a stop records nothing
    desk.keys.key("Escape")
    desk.screen.wait_text("Harold Green", absent=("Already given",))
    time.sleep(1)  # had Enter sent anything for saving, it would have committed by now
    assert len(entries(data)) == 1


def test_wrong_pack_unknown_pack_and_garbled_scan_stop_and_record_nothing(desk):
    data = desk.data
    desk.sign_in()
    desk.keys.scan(f"EMAR-R-{data.resident}")
    desk.screen.wait_text("Harold Green", "No known allergies")
    desk.keys.scan(data.other_gtin)  # another resident's medicine (EAN-13 / GTIN only)
    desk.screen.wait_text("STOP", "not for Harold Green")
    assert is_red(verdict_colour(desk, "STOP"))
    desk.keys.key("Escape")
    desk.screen.wait_text("Harold Green", absent=("not for Harold Green",))
    desk.keys.scan("5012345678900")  # a real EAN-13, not in the catalogue
    desk.screen.wait_text("STOP", "Unknown pack")
    desk.keys.key("Escape")
    desk.screen.wait_text("Harold Green", absent=("Unknown pack",))
    desk.keys.scan("%AB:CD!*%")
    desk.screen.wait_text("Not a barcode eMAR knows", "scan again", "details")
    desk.keep("garbled-scan.png")
    desk.keys.key("Escape")
    desk.screen.wait_text("Harold Green", absent=("Not a barcode eMAR knows",))
    time.sleep(1)  # had anything been sent for saving, it would have committed by now
    assert entries(data) == []


def test_a_prn_dose_given_by_scan_with_its_dose_and_reason(desk):
    data = desk.data
    desk.sign_in()
    desk.keys.scan(f"EMAR-R-{data.resident}")
    desk.screen.wait_text("Harold Green", "No known allergies")
    desk.keys.scan(pack(data.prn_gtin))
    desk.screen.wait_text("Which dose?", absent=("STOP",))
    desk.keys.key("alt+2")
    desk.screen.wait_text("Give 2 tablets of Paracetamol")
    desk.keys.type("Headache 6/10")  # the focus is in the PRN reason
    desk.keys.key("Return")
    desk.screen.wait_text("Recorded: Harold Green given Paracetamol")
    (entry,) = entries(data)
    assert entry.scheduled_at is None and entry.dose_given == 2
    assert entry.prn_reason == "Headache 6/10"


def test_a_verdict_waiting_for_confirm_turns_red_when_another_pc_gives_the_dose(desk):
    from emar.services.round.recording import record_given
    from emar.services.round.verification import Intent, PackScan

    data = desk.data
    desk.sign_in()
    desk.keys.scan(f"EMAR-R-{data.resident}")
    desk.screen.wait_text("Harold Green", "No known allergies")
    desk.keys.scan(pack(data.due_gtin))
    desk.screen.wait_text("Give 1 tablet of Amlodipine")
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    ben = data.home.staff["ben"]
    with data.db.write() as s:  # the PC in the other unit gives it meanwhile
        record_given(s, Intent(data.resident, ben, now, pack=PackScan(data.due_gtin)), now)
    desk.screen.wait_text("STOP", "Already given by Ben Osei", timeout=20)
    desk.keys.key("Return")
    desk.screen.wait_text("Already given by Ben Osei")
    time.sleep(1)  # had Enter sent anything for saving, it would have committed by now
    assert len(entries(data)) == 1


def test_a_scan_while_typing_in_a_field_types_nothing(desk):
    data = desk.data
    desk.screen.wait_text("Username", "Password")
    desk.focus()
    desk.keys.type("am")
    desk.keys.scan(f"EMAR-R-{data.resident}")  # a resident label, before anyone signed in
    desk.screen.wait_text("Sign in first")
    desk.keys.type("y")  # had the scan typed into the field, "am…y" would not be a user
    desk.keys.key("Tab")
    desk.keys.type("amy-demo-2026")
    desk.keys.key("Return")
    desk.screen.wait_text("Signed in: Amy Carter")


def test_sign_in_by_badge_and_pin_after_locking(desk):
    data = desk.data
    desk.sign_in()
    desk.keys.key("alt+l")
    desk.screen.wait_text("eMAR is locked", absent=("Mary Jones",))
    desk.keys.scan("EMAR-S-B1002")
    desk.screen.wait_text("Hello Ben Osei", "enter your PIN")
    desk.keys.type("3917")
    desk.keys.key("Return")
    desk.screen.wait_text("Signed in: Ben Osei")
    with data.db.read() as s:
        methods = [
            e.detail for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "signin.ok"))
        ]
    assert any('"badge"' in (m or "") for m in methods)


def test_a_scan_that_cannot_show_its_expiry_asks_for_the_date_on_the_pack(desk):
    """A wedge scanner that drops the GS separator: the batch runs on into "17" + a date, so
    the expiry may be hidden in it. The carer types the date printed on the pack; it is what is
    checked and stored, and the batch that may hold the expiry is not stored (issue #16)."""
    data = desk.data
    desk.sign_in()
    desk.keys.scan(f"EMAR-R-{data.resident}")
    desk.screen.wait_text("Harold Green", "No known allergies")
    desk.keys.scan(f"]d201{data.due_gtin}10LOT4217281231")  # no GS after the batch
    desk.screen.wait_text("Read the expiry date on the pack", absent=("STOP",))
    desk.keep("expiry-question.png")
    desk.keys.type("12/2028")
    desk.keys.key("Return")
    desk.screen.wait_text("Give 1 tablet of Amlodipine")
    assert entries(data) == []  # nothing before Confirm
    desk.keys.key("Return")
    desk.screen.wait_text("Recorded: Harold Green given Amlodipine")
    (entry,) = entries(data)
    assert entry.expiry.isoformat() == "2028-12-31"
    assert (entry.batch, entry.serial) == (None, None)
