"""A serial scanner on a pseudo-terminal: chosen in Settings (no restart), scans that reach
the round, and unplugging and plugging back in, all on the shipped app."""

from __future__ import annotations

from tests.e2e.test_round import entries, pack


def test_serial_scanner_chosen_in_settings_gives_a_dose_and_survives_unplugging(desk, serial_port):
    data = desk.data
    serial_port.plug()
    desk.sign_in("mark", "Mark Hughes")
    desk.keys.key("ctrl+shift+s")
    settings = desk.app.window("Scanner settings and self-test")
    desk.app.focus(settings)
    desk.keys.key("alt+o")
    desk.keys.type(str(serial_port.device))
    desk.keys.key("alt+s")
    desk.screen.wait_text("in use now", "Scanner ready on")
    desk.keys.key("Escape")  # closes the settings window
    desk.focus()
    serial_port.send(f"EMAR-R-{data.resident}")
    desk.screen.wait_text("Harold Green", "No known allergies")
    for code, stop in (
        (data.other_gtin, "not for Harold Green"),  # another resident's medicine
        ("5012345678900", "Unknown pack"),
    ):
        serial_port.send(code)
        desk.screen.wait_text("STOP", stop)
        desk.keys.key("Escape")
        desk.screen.wait_text("Harold Green", absent=(stop,))
    serial_port.send("%AB:CD!*%")
    desk.screen.wait_text("Not a barcode eMAR knows", "scan again")
    serial_port.send(pack(data.due_gtin))
    desk.screen.wait_text("Give 1 tablet of Amlodipine")
    desk.keys.key("Return")
    desk.screen.wait_text("Recorded: Harold Green given Amlodipine")
    assert len(entries(data)) == 1

    serial_port.unplug()
    desk.screen.wait_text("disconnected", "reconnect by itself")
    desk.keep("scanner-unplugged.png")
    serial_port.plug()
    desk.screen.wait_text("Harold Green", absent=("disconnected",), timeout=30)
    serial_port.send(pack(data.due_gtin, serial="SER9"))
    desk.screen.wait_text("STOP", "Already given by Mark Hughes")
    assert len(entries(data)) == 1
