"""This PC's scanners: the keyboard-wedge filter (always on) and the serial scanner, both
feeding one hub. Settings saved on the scanner screen take effect here at once."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from emar.devices.scanner_config import ScannerConfig
from emar.ui.scanning.keyboard_wedge import KeyboardWedgeFilter, WedgeSettings
from emar.ui.scanning.scan_hub import ScanHub


def wedge_settings(config: ScannerConfig) -> WedgeSettings:
    return WedgeSettings(
        config.wedge_max_gap_ms, config.wedge_min_length, config.wedge_suffixes, config.wedge_prefix
    )


class Scanners:
    def __init__(self, app: QApplication, config: ScannerConfig, hub: ScanHub | None = None):
        self.app = app
        self.hub = hub or ScanHub()
        self.wedge = KeyboardWedgeFilter(self.hub, wedge_settings(config))
        self.wedge.install(app)
        self.config = config
        self._serial: tuple[str, int, str] | None = None
        self.apply(config)

    def apply(self, config: ScannerConfig) -> None:
        """Use these settings now: the wedge's timing at once, and a changed serial port,
        speed or ending by replacing the running serial scanner."""
        self.wedge.settings = wedge_settings(config)
        serial = (config.serial_port, config.baud, config.terminator)
        if serial != self._serial:
            self.hub.use_serial(config.serial_port, baud=config.baud, terminator=config.terminator)
            self._serial = serial
        self.config = config

    def stop(self) -> None:
        self.wedge.uninstall(self.app)
        self.hub.stop_serial()
