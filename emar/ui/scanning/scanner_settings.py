"""Scanner settings and self-test: configure serial and keyboard-wedge scanners, print the test
sheet, and see each raw scan (invisible characters shown) with what it says about the scanner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from emar.devices.labels import self_test_sheet
from emar.devices.scan import WEDGE, Scan
from emar.devices.scanner_check import TestScanReport, check_test_scan
from emar.devices.scanner_config import ScannerConfig
from emar.devices.serial_scanner import TERMINATORS, find_scanner_ports
from emar.infra.private_files import open_new
from emar.ui.scanning.scanners import Scanners
from emar.ui.widgets.table_models import RowTableModel
from emar.ui.widgets.window_keys import close_with_keys

BAUDS = (9600, 19200, 38400, 57600, 115200)


def _breakable(text: str, every: int = 12) -> str:
    """Let a long scan wrap in its cell (zero-width spaces; display only)."""
    return "\u200b".join(text[i : i + every] for i in range(0, len(text), every))


class TestScanModel(RowTableModel[TestScanReport]):
    columns = (
        ("Test code", lambda r: r.code),
        ("What the scanner sent", lambda r: _breakable(r.raw_visible)),
        (
            "Verdict",
            lambda r: "\n".join(("OK: " if f.ok else "FIX: ") + f.message for f in r.findings),
        ),
    )

    def add(self, report: TestScanReport) -> None:
        self.beginInsertRows(self.index(0, 0).parent(), 0, 0)
        self._rows.insert(0, report)
        self.endInsertRows()

    def extra_data(self, item: TestScanReport, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return QBrush(QColor("#1b5e20" if item.ok else "#b00020"))
        return None


def load_config(settings: QSettings) -> ScannerConfig:
    default = ScannerConfig()
    suffixes = settings.value("scanner/wedge_suffixes", ",".join(default.wedge_suffixes))
    return ScannerConfig(
        serial_port=str(settings.value("scanner/serial_port", default.serial_port)),
        baud=int(settings.value("scanner/baud", default.baud)),
        terminator=str(settings.value("scanner/terminator", default.terminator)),
        wedge_max_gap_ms=int(settings.value("scanner/wedge_max_gap_ms", default.wedge_max_gap_ms)),
        wedge_min_length=int(settings.value("scanner/wedge_min_length", default.wedge_min_length)),
        wedge_suffixes=tuple(s for s in str(suffixes).split(",") if s),
        wedge_prefix=str(settings.value("scanner/wedge_prefix", default.wedge_prefix)),
    )


def save_config(settings: QSettings, config: ScannerConfig) -> None:
    for key, value in vars(config).items():
        settings.setValue(f"scanner/{key}", ",".join(value) if isinstance(value, tuple) else value)
    settings.sync()


class ScannerSettings(QWidget):
    """Saving applies the settings to this PC's scanners at once (no restart) and keeps them."""

    def __init__(
        self,
        scanners: Scanners,
        *,
        on_save: Callable[[ScannerConfig], None],
        ask_save_path: Callable[[QWidget], str] | None = None,
        ports: Callable[[], list[tuple[str, str]]] = find_scanner_ports,
    ) -> None:
        super().__init__()
        close_with_keys(self)
        self.setWindowTitle("Scanner settings and self-test")
        self.resize(1200, 680)
        self.scanners, self.on_save = scanners, on_save
        self.config = config = scanners.config
        self._ask_save_path = ask_save_path or _ask_pdf_path

        self.port = QComboBox()
        self.port.setEditable(True)
        self.port.addItem("", "")
        for device, description in ports():
            self.port.addItem(f"{device}  ({description})", device)
        self.port.setEditText(config.serial_port)
        self.baud = QComboBox()
        for b in BAUDS:
            self.baud.addItem(str(b), b)
        self.baud.setCurrentText(str(config.baud))
        self.terminator = QComboBox()
        self.terminator.addItems(list(TERMINATORS))
        self.terminator.setCurrentText(config.terminator)
        self.serial_state = QLabel(scanners.hub.state[1])
        self.serial_state.setWordWrap(True)
        serial_box = QGroupBox("Serial scanner (USB virtual COM port or RS-232)")
        serial_form = QFormLayout(serial_box)
        serial_form.addRow("P&ort", self.port)
        serial_form.addRow("Speed (baud)", self.baud)
        serial_form.addRow("Each scan ends with", self.terminator)
        serial_form.addRow(self.serial_state)

        self.gap = QSpinBox(minimum=5, maximum=200, suffix=" ms", value=config.wedge_max_gap_ms)
        self.min_length = QSpinBox(minimum=2, maximum=40, value=config.wedge_min_length)
        self.enter = QCheckBox("Enter", checked="enter" in config.wedge_suffixes)
        self.tab = QCheckBox("Tab", checked="tab" in config.wedge_suffixes)
        self.prefix = QLineEdit(config.wedge_prefix)
        suffix_row = QHBoxLayout()
        suffix_row.addWidget(self.enter)
        suffix_row.addWidget(self.tab)
        wedge_box = QGroupBox("USB keyboard scanner")
        wedge_form = QFormLayout(wedge_box)
        wedge_form.addRow("Longest gap between keys", self.gap)
        wedge_form.addRow("Shortest scan", self.min_length)
        wedge_form.addRow("Scan ends with", suffix_row)
        wedge_form.addRow("Prefix (optional)", self.prefix)

        close = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        close.activated.connect(self.close)
        save = QPushButton("&Save settings")
        save.clicked.connect(self.save)
        print_sheet = QPushButton("&Print self-test sheet…")
        print_sheet.clicked.connect(self.print_test_sheet)
        clear = QPushButton("C&lear")
        self.results = TestScanModel(self)
        clear.clicked.connect(lambda: self.results.set_rows([]))
        self.table = QTableView()
        self.table.setModel(self.results)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)  # the raw scan is the point
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 140)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.message = QLabel("Print the self-test sheet, then scan each code on it.")
        self.message.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(serial_box)
        left.addWidget(wedge_box)
        left.addWidget(save)
        left.addWidget(print_sheet)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Test scans</b> (newest first)"))
        right.addWidget(self.table, 1)
        right.addWidget(self.message)
        right.addWidget(clear, 0, Qt.AlignmentFlag.AlignRight)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 5)

        # a bound method, not a lambda: Qt drops the connection when this window is deleted,
        # while the hub lives on and reports the next unplug
        scanners.hub.status.connect(self._serial_status)

    def _serial_status(self, _state: str, message: str) -> None:
        self.serial_state.setText(message)

    def current_config(self) -> ScannerConfig:
        port = self.port.currentData() if self.port.currentIndex() > 0 else None
        suffixes = tuple(
            n for n, box in (("enter", self.enter), ("tab", self.tab)) if box.isChecked()
        )
        return replace(
            self.config,
            serial_port=port or self.port.currentText().split("  (")[0].strip(),
            baud=int(self.baud.currentData()),
            terminator=self.terminator.currentText(),
            wedge_max_gap_ms=self.gap.value(),
            wedge_min_length=self.min_length.value(),
            wedge_suffixes=suffixes,
            wedge_prefix=self.prefix.text(),
        )

    def save(self) -> None:
        self.config = self.current_config()
        self.scanners.apply(self.config)
        self.on_save(self.config)
        self.message.setText("Settings saved for this PC and in use now.")

    def print_test_sheet(self) -> None:
        path = self._ask_save_path(self)
        if not path:
            return
        try:
            with open_new(Path(path), "a test sheet") as out:
                self_test_sheet(out)
        except OSError as exc:  # ExistingFile says "never overwrites"
            self.message.setText(f"Could not save the test sheet: {exc}")
            return
        self.message.setText(f"Test sheet saved to {path}: print it and scan each code.")

    def takes(self, scan: Scan) -> bool:
        """In front, every scan is a test scan, not a dose (the router asks this first)."""
        return self.isVisible() and self.isActiveWindow()

    def take_scan(self, scan: Scan) -> None:
        report = check_test_scan(
            scan.raw,
            parsed=scan.parsed,
            suffix=scan.suffix,
            gaps_ms=scan.gaps_ms if scan.source == WEDGE else None,
            max_gap_ms=self.scanners.config.wedge_max_gap_ms,
        )
        self.results.add(report)
        self.table.resizeRowsToContents()


def _ask_pdf_path(parent: QWidget) -> str:
    path, _ = QFileDialog.getSaveFileName(
        parent, "Save the self-test sheet", "emar-scanner-test.pdf", "PDF (*.pdf)"
    )
    return path
