"""Each scan reaches exactly one screen: the first that takes it, by priority; the round the
rest."""

from PySide6.QtCore import QObject

from emar.devices.scan import WEDGE, read_scan
from emar.ui.scanning.router import OFFICE, SELF_TEST, ScanRouter
from emar.ui.scanning.scan_hub import ScanHub


class Taker(QObject):
    def __init__(self, wants=lambda scan: True) -> None:
        super().__init__()
        self.wants, self.got = wants, []

    def takes(self, scan) -> bool:
        return self.wants(scan)

    def take_scan(self, scan) -> None:
        self.got.append(scan.raw)


def test_the_highest_priority_taker_that_wants_a_scan_gets_it_and_no_one_else(qtbot):
    hub, round_ = ScanHub(), Taker()
    router = ScanRouter(hub, round_)
    office = Taker(lambda scan: scan.kind != "resident")
    self_test = Taker(lambda scan: in_front[0])
    in_front = [True]
    router.add(office, OFFICE)
    router.add(self_test, SELF_TEST)  # added later, asked first: its priority is higher
    hub.receive("EMAR-R-12")
    in_front[0] = False
    hub.receive("EMAR-R-13")
    hub.receive("5012345678900")
    assert self_test.got == ["EMAR-R-12"]
    assert round_.got == ["EMAR-R-13"]
    assert office.got == ["5012345678900"]


def test_a_closed_screen_takes_nothing_more(qtbot):
    hub, round_ = ScanHub(), Taker()
    router = ScanRouter(hub, round_)
    office = Taker()
    router.add(office, OFFICE)
    hub.receive("5012345678900")
    office.deleteLater()
    qtbot.waitUntil(lambda: not router._takers, timeout=5000)
    hub.receive("5012345678900")
    assert office.got == ["5012345678900"] and round_.got == ["5012345678900"]


def test_every_routed_scan_says_who_took_it(qtbot):
    hub, round_ = ScanHub(), Taker()
    router = ScanRouter(hub, round_)
    seen = []
    router.routed.connect(lambda scan, taker: seen.append((scan.raw, taker)))
    hub.receive(read_scan("EMAR-S-B1002", WEDGE).raw)
    assert seen == [("EMAR-S-B1002", round_)]
