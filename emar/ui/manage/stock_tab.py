"""Stock: booking in by scanning the pack (product, batch and expiry from the barcode), counting
and carrying forward, returns and disposals, and the home's 28-day cycle start."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from emar.devices.scan import Scan
from emar.domain.pack_expiry import read_expiry
from emar.domain.periods import MAR_DAYS
from emar.domain.scan_intents import BOOK_IN_WANTS_PACK, office_takes
from emar.errors import EmarError
from emar.services.charts.disposals import DisposalQuestion, disposal_question, dispose
from emar.services.charts.packs import pack_line
from emar.services.charts.stock import book_in, carry_forward
from emar.services.charts.stock_signals import (
    StockLine,
    StockSignalRow,
    by_urgency,
    stock_lines,
    stock_signal_rows,
)
from emar.services.home import set_cycle_start
from emar.services.staff.signing import Signature
from emar.ui.manage.workspace import Host, Lists, ManageTab, fill_residents
from emar.ui.operations import HOME, STOCK, QueryOp
from emar.ui.widgets.table_models import RowTableModel

NOT_SET = QDate(2000, 1, 1)  # the date field's "not set yet"


EXPIRY_QUESTION = (
    "The scan could not show the expiry for certain. Type the expiry as printed on the pack "
    "(e.g. 12/2026), or leave it empty if the pack shows none."
)


SHORT_COLOUR, SIGNAL_COLOUR = "#f8d7da", "#fff3cd"  # runs out / anything else to act on


class StockModel(RowTableModel[StockLine]):
    columns = (
        ("Medicine", lambda r: r.medicine),
        ("Dose", lambda r: r.dose),
        ("In stock", lambda r: f"{r.balance.normalize():f}"),
        ("Signals", lambda r: r.signals),
    )

    def extra_data(self, item: StockLine, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and column == 3 and item.signals:
            return QBrush(QColor(SHORT_COLOUR if item.urgent else SIGNAL_COLOUR))
        if role == Qt.ItemDataRole.ToolTipRole and item.signals:
            return item.signals
        return None


class HomeSignalsModel(RowTableModel[StockSignalRow]):
    """The home's stock signals, for the nurse doing the monthly cycle."""

    columns = (
        ("Room", lambda r: r.room),
        ("Resident", lambda r: r.resident),
        ("Medicine", lambda r: r.medicine),
        ("Signal", lambda r: r.signal),
        ("What to do", lambda r: r.text),
    )

    def extra_data(self, item: StockSignalRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and column == 3:
            return QBrush(QColor(SHORT_COLOUR if item.signal == "short" else SIGNAL_COLOUR))
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.text
        return None


class StockTab(ManageTab):
    title = "&Stock"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.resident = QComboBox()
        self.resident.currentIndexChanged.connect(lambda _i: self.reload())
        self.stock = StockModel(self)
        self.stock_view = QTableView()
        self.stock_view.setModel(self.stock)
        self.stock_view.verticalHeader().hide()
        header = self.stock_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.stock_view.setWordWrap(True)
        self.home_signals = HomeSignalsModel(self)
        self.home_view = QTableView()
        self.home_view.setObjectName("home_stock_signals")
        self.home_view.setModel(self.home_signals)
        self.home_view.verticalHeader().hide()
        self.home_view.setWordWrap(True)
        home_header = self.home_view.horizontalHeader()
        home_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        home_header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.resident)
        layout.addWidget(
            QLabel(
                "To book in received stock, scan the pack: its product, batch "
                "and expiry come from the barcode."
            )
        )
        layout.addWidget(self.stock_view, 1)
        layout.addWidget(
            QLabel(
                "<b>The home's stock signals</b>: short before the next delivery, stopped but "
                "still in stock, expiring within 30 days, more than two cycles' supply."
            )
        )
        layout.addWidget(self.home_view, 1)
        self.cycle_start = QDateEdit(displayFormat="dd/MM/yyyy", calendarPopup=True)
        # Until the home sets it, the field says so (not a made-up date); the calendar opens on
        # today
        self.cycle_start.setMinimumDate(NOT_SET)
        self.cycle_start.setSpecialValueText("not set yet")
        self.cycle_start.setDate(NOT_SET)
        self.cycle_start.calendarWidget().setSelectedDate(QDate.currentDate())
        save_cycle = QPushButton("Save cycle start")
        save_cycle.clicked.connect(self.save_cycle_start)
        cycle = QHBoxLayout()
        cycle.addWidget(QLabel(f"The home's {MAR_DAYS}-day cycle starts on"))
        cycle.addWidget(self.cycle_start)
        cycle.addWidget(save_cycle)
        cycle.addStretch(1)
        layout.addLayout(cycle)
        buttons = QHBoxLayout()
        for label, kind in (("Count / carry forward…", "count"), ("Return or dispose of…", "out")):
            button = QPushButton(label)
            button.setObjectName(f"stock_{kind}")
            button.clicked.connect(lambda _=False, k=kind: self.stock_action(k))
            buttons.addWidget(button)
        layout.addLayout(buttons)

    def show_lists(self, lists: Lists) -> None:
        c = lists.home.cycle_start_date
        self.cycle_start.setDate(QDate(c.year, c.month, c.day) if c else NOT_SET)
        fill_residents(self.resident, lists.residents)
        self.reload()

    def reload(self) -> None:
        self.read_for_resident(self.resident, "stock", stock_lines, self.stock.set_rows)
        now = self.host.desk.clock()
        QueryOp(self.host, lambda s: by_urgency(stock_signal_rows(s, None, now))).latest(
            "home_stock_signals"
        ).success(self.home_signals.set_rows).run_in_background()

    def save_cycle_start(self) -> None:
        staff = self.host.staff_id()
        d = self.cycle_start.date()
        if d == NOT_SET:
            self.refuse("Choose the day the home's cycle starts.")
            return
        start = date(d.year(), d.month(), d.day())
        if staff is not None:
            self.write(
                lambda s: set_cycle_start(s, staff, start),
                HOME,
                f"The {MAR_DAYS}-day cycle now starts on {start:%d %b %Y}.",
            )

    def stock_action(self, kind: str) -> None:
        rows = self.stock_view.selectionModel().selectedRows()
        row = self.stock.row(rows[0].row()) if rows else None
        staff, now, ask = self.host.staff_id(), self.host.desk.clock(), self.ask.ask
        if row is None or staff is None:
            self.refuse("Choose the medicine first.")
            return
        try:
            if kind == "count":
                counted = Decimal(ask(self, "Count", f"How many {row.medicine}?", None) or "x")
                reason = None
                if counted != row.balance:
                    reason = ask(
                        self,
                        "Discrepancy",
                        f"The record says {row.balance.normalize():f}. Why the difference?",
                        None,
                    )
                self.write(
                    lambda s: carry_forward(s, staff, row.chart_line_id, counted, now, reason),
                    STOCK,
                    f"{row.medicine}: counted {counted.normalize():f}.",
                )
            else:
                line_id = row.chart_line_id
                QueryOp(self.host, lambda s: disposal_question(s, line_id)).success(
                    lambda q: self.stock_out(q, staff)
                ).run_in_background()
        except ArithmeticError:
            self.refuse("Type a number.")

    def stock_out(self, question: DisposalQuestion, staff: int) -> None:
        """One dialog: how many, why, the way it goes, and a witness only when one is needed."""
        answer = self.ask.ask_disposal(self, question)
        if answer is None:
            return
        now = self.host.desk.clock()
        witness = Signature(*answer.witness) if answer.witness else None
        self.write(
            lambda s: dispose(
                s,
                staff,
                question.chart_line_id,
                answer.quantity,
                now,
                answer.reason,
                witness=witness,
            ),
            STOCK,
            lambda done: f"{question.medicine}: {done.message}",
        )

    # --- booking in by scanning -------------------------------------------------------------
    def takes(self, scan: Scan) -> bool:
        return office_takes(scan.kind)

    def take_scan(self, scan: Scan) -> None:
        parsed = scan.parsed
        gtin = self.scanned_pack(scan, BOOK_IN_WANTS_PACK)
        if gtin is None:
            return
        rid, staff, now = self.resident.currentData(), self.host.staff_id(), self.host.desk.clock()

        def got_line(found: tuple[int, str] | None) -> None:
            if found is None or staff is None:
                self.refuse("This pack is not on this resident's chart.")
                return
            line_id, name = found
            expiry = parsed.expiry
            if parsed.expiry_uncertain:  # the batch may hold it: read it off the pack
                typed = self.ask.ask(self, "Expiry", EXPIRY_QUESTION, None)
                try:
                    expiry = read_expiry(typed) if typed else None
                except EmarError as exc:
                    self.fail(exc)
                    return
            quantity = self.ask.ask_quantity(self, name)
            if quantity is None:
                return
            self.write(
                lambda s: book_in(
                    s, staff, line_id, gtin, quantity, now, batch=parsed.batch, expiry=expiry
                ),
                STOCK,
                lambda left: (
                    f"Booked in {quantity.normalize():f} of {name}: {left.normalize():f} in stock."
                ),
            )

        QueryOp(self.host, lambda s: pack_line(s, rid, gtin, now)).success(
            got_line
        ).run_in_background()
