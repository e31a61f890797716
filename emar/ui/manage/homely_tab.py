"""Homely remedies: the home's own over-the-counter remedies with their protocol and stock book
(received, counted, disposed; given by the round), and each resident's authorisation by their
GP (which writes a PRN line on their chart, checked by a second person)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from emar.domain.schedule import DEFAULT_ZONE
from emar.services.charts.catalogue import search_medicines
from emar.services.charts.homely_remedies import (
    AuthorisationRow,
    HomelyOverview,
    RemedyForm,
    RemedyRow,
    StockRow,
    add_remedy,
    authorise,
    count,
    dispose,
    homely_overview,
    receive,
    stock_book,
    withdraw,
)
from emar.services.staff.signing import Signature
from emar.ui.manage.workspace import Host, Lists, ManageTab
from emar.ui.operations import CHARTS, STOCK, QueryOp
from emar.ui.widgets.table_models import RowTableModel

STOCK_WORDS = {
    "received": "Received",
    "given": "Given",
    "counted": "Counted",
    "disposed": "Disposed",
}


def _n(value: Decimal) -> str:
    return f"{value.normalize():f}"


class RemedyModel(RowTableModel[RemedyRow]):
    columns = (
        ("Remedy", lambda r: r.medicine),
        ("For", lambda r: r.indication),
        ("Dose", lambda r: r.dose),
        ("At least", lambda r: f"{r.min_interval_minutes / 60:g} h apart"),
        ("Most in 24 h", lambda r: str(r.max_doses_24h)),
        ("GP told after", lambda r: f"{r.max_duration_hours} h"),
        ("In stock", lambda r: _n(r.balance)),
    )

    def extra_data(self, item: RemedyRow, column: int, role: int) -> Any:
        return None


class BookModel(RowTableModel[StockRow]):
    zone = ZoneInfo(DEFAULT_ZONE)  # the home's, set when the window's lists arrive
    columns = (
        ("When", lambda r: f"{r.occurred_at.astimezone(BookModel.zone):%d/%m/%Y %H:%M}"),
        ("What", lambda r: STOCK_WORDS.get(r.kind, r.kind)),
        ("Quantity", lambda r: f"{'+' if r.quantity > 0 else ''}{_n(r.quantity)}"),
        ("Counted", lambda r: "" if r.counted is None else _n(r.counted)),
        ("Balance", lambda r: _n(r.balance)),
        ("Batch", lambda r: r.batch or ""),
        ("Expiry", lambda r: f"{r.expiry:%d/%m/%Y}" if r.expiry else ""),
        ("Reason", lambda r: r.reason or ""),
    )

    def extra_data(self, item: StockRow, column: int, role: int) -> Any:
        return None


class AuthorisationModel(RowTableModel[AuthorisationRow]):
    columns = (
        ("Resident", lambda r: r.resident),
        ("Remedy", lambda r: r.medicine),
        ("GP", lambda r: r.gp_name),
        ("Authorised", lambda r: f"{r.authorised_on:%d/%m/%Y}"),
        (
            "Review by",
            lambda r: f"{r.review_date:%d/%m/%Y}" + ("  REVIEW DUE" if r.review_due else ""),
        ),
        ("GP told after", lambda r: f"{r.max_duration_hours} h"),
    )

    def extra_data(self, item: AuthorisationRow, column: int, role: int) -> Any:
        return None


def _table(model: RowTableModel[Any]) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return view


def _buttons(layout: QVBoxLayout, items: list[tuple[str, str, Any]]) -> None:
    row = QHBoxLayout()
    for label, name, slot in items:
        button = QPushButton(label)
        button.setObjectName(name)
        button.clicked.connect(lambda _=False, s=slot: s())
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)


def _date(text: str | None) -> date:
    try:
        return datetime.strptime(text or "", "%d/%m/%Y").date()
    except ValueError:
        raise ValueError("Type the date as dd/mm/yyyy.") from None


class HomelyTab(ManageTab):
    title = "Homely re&medies"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.residents: dict[str, int] = {}
        self.remedies = RemedyModel(self)
        self.remedy_view = _table(self.remedies)
        self.remedy_view.selectionModel().selectionChanged.connect(lambda *_: self.reload_book())
        self.book = BookModel(self)
        self.book_view = _table(self.book)
        self.authorisations = AuthorisationModel(self)
        self.authorisation_view = _table(self.authorisations)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>The home's homely remedies</b> (its own stock, given under "
                                "each resident's GP authorisation)"))  # fmt: skip
        layout.addWidget(self.remedy_view, 2)
        _buttons(
            layout,
            [
                ("Add remedy…", "homely_add", self.add_remedy),
                ("Received…", "homely_received", self.received),
                ("Count…", "homely_count", self.count),
                ("Dispose of…", "homely_dispose", self.dispose),
            ],
        )
        layout.addWidget(QLabel("<b>Stock book</b> of the remedy chosen above"))
        layout.addWidget(self.book_view, 3)
        layout.addWidget(QLabel("<b>Authorisations</b> by each resident's GP"))
        layout.addWidget(self.authorisation_view, 2)
        _buttons(
            layout,
            [
                ("Authorise for a resident…", "homely_authorise", self.authorise),
                ("Withdraw…", "homely_withdraw", self.withdraw),
            ],
        )

    def show_lists(self, lists: Lists) -> None:
        self.residents = {f"{r.name} ({r.room})": r.id for r in lists.residents}
        BookModel.zone = lists.home.zone
        self.reload()

    def reload(self) -> None:
        now = self.host.desk.clock()
        QueryOp(self.host, lambda s: homely_overview(s, now)).latest("homely").success(
            self._show
        ).run_in_background()

    def _show(self, overview: HomelyOverview) -> None:
        chosen = self._remedy()
        self.remedies.set_rows(overview.remedies)
        self.authorisations.set_rows(overview.authorisations)
        ids = [r.id for r in overview.remedies]
        if ids:
            self.remedy_view.selectRow(ids.index(chosen.id) if chosen and chosen.id in ids else 0)
        self.reload_book()

    def reload_book(self) -> None:
        remedy = self._remedy()
        if remedy is None:
            self.book.set_rows([])
            return
        QueryOp(self.host, lambda s: stock_book(s, remedy.id)).latest("homely_book").success(
            self.book.set_rows
        ).run_in_background()

    def _remedy(self) -> RemedyRow | None:
        rows = self.remedy_view.selectionModel().selectedRows()
        return self.remedies.row(rows[0].row()) if rows else None

    def _chosen(self) -> tuple[RemedyRow, int] | None:
        remedy, staff = self._remedy(), self.host.staff_id()
        if remedy is None or staff is None:
            self.refuse("Choose the remedy first.")
            return None
        return remedy, staff

    # --- the stock book ---------------------------------------------------------------------
    def received(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        (remedy, staff), now = chosen, self.host.desk.clock()
        try:
            quantity = Decimal(
                self.ask.ask(self, "Received", f"How many {remedy.medicine}?", None) or "x"
            )
            batch = self.ask.ask(self, "Received", "Batch (as on the pack; empty if none)", None)
            typed = self.ask.ask(self, "Received", "Expiry dd/mm/yyyy (empty if none)", None)
            expiry = _date(typed) if typed else None
        except (InvalidOperation, ValueError) as exc:
            self.refuse(str(exc) if isinstance(exc, ValueError) else "Type a number.")
            return
        self.write(
            lambda s: receive(s, staff, remedy.id, quantity, now, batch=batch, expiry=expiry),
            STOCK,
            f"{remedy.medicine}: {_n(quantity)} received.",
        )

    def count(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        (remedy, staff), now = chosen, self.host.desk.clock()
        try:
            counted = Decimal(
                self.ask.ask(self, "Count", f"How many {remedy.medicine}?", None) or "x"
            )
        except InvalidOperation:
            self.refuse("Type a number.")
            return
        reason = None
        if counted != remedy.balance:
            reason = self.ask.ask(
                self,
                "Discrepancy",
                f"The stock book says {_n(remedy.balance)}. Why the difference?",
                None,
            )
        self.write(
            lambda s: count(s, staff, remedy.id, counted, now, reason=reason),
            STOCK,
            f"{remedy.medicine}: counted {_n(counted)}.",
        )

    def dispose(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        (remedy, staff), now = chosen, self.host.desk.clock()
        try:
            amount = Decimal(self.ask.ask(self, "Dispose of", "How many?", None) or "x")
        except InvalidOperation:
            self.refuse("Type a number.")
            return
        why = self.ask.ask(self, "Dispose of", "Why?", ["expired", "damaged", "dropped", "other"])
        if why:
            self.write(
                lambda s: dispose(s, staff, remedy.id, amount, why, now),
                STOCK,
                f"{remedy.medicine}: {_n(amount)} disposed of ({why}).",
            )

    # --- the home's list ----------------------------------------------------------------------
    def add_remedy(self) -> None:
        staff = self.host.staff_id()
        typed = self.ask.ask(self, "Add remedy", "Which medicine? (type part of its name)", None)
        if staff is None or not typed:
            return

        def found(products: list[Any]) -> None:
            if not products:
                self.refuse(f"No medicine in the catalogue matches {typed!r}.")
                return
            names = [p.name for p in products]
            name = self.ask.ask(self, "Add remedy", "Which product?", names)
            if name is None:
                return
            product = products[names.index(name)]
            ask = self.ask.ask
            try:
                form = RemedyForm(
                    product.id,
                    ask(self, "Add remedy", "What is it for?", None) or "",
                    Decimal(
                        ask(self, "Add remedy", f"Lowest dose ({product.dose_unit})", None) or "x"
                    ),
                    Decimal(
                        ask(self, "Add remedy", f"Highest dose ({product.dose_unit})", None) or "x"
                    ),
                    int(
                        float(
                            ask(self, "Add remedy", "At least how many hours apart?", None) or "x"
                        )
                        * 60
                    ),
                    int(
                        ask(self, "Add remedy", "At most how many doses in 24 hours?", None) or "x"
                    ),
                    int(ask(self, "Add remedy", "Tell the GP after how many hours?", None) or "48"),
                )
            except (InvalidOperation, ValueError):
                self.refuse("Type a number.")
                return
            self.write(
                lambda s: add_remedy(s, staff, form), CHARTS, f"{name} added as a homely remedy."
            )

        QueryOp(self.host, lambda s: search_medicines(s, typed)).success(found).run_in_background()

    # --- authorisations ---------------------------------------------------------------------
    def authorise(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        (remedy, staff), now = chosen, self.host.desk.clock()
        names = list(self.residents)
        who = self.ask.ask(self, "Authorise", f"{remedy.medicine} for which resident?", names)
        gp = self.ask.ask(self, "Authorise", "Authorised by (the GP's name)", None)
        typed = self.ask.ask(self, "Authorise", "Review by (dd/mm/yyyy)", None)
        if who is None or gp is None:
            return
        try:
            review = _date(typed)
        except ValueError as exc:
            self.refuse(str(exc))
            return
        checker = self.ask.ask_checker(self)
        signature = Signature(*checker) if checker else None
        today = now.astimezone(self.host.zone).date()
        resident_id = self.residents[who]
        self.write(
            lambda s: authorise(
                s, staff, resident_id, remedy.id, gp_name=gp, authorised_on=today,
                review_date=review, checker=signature, at=now,
            ),
            CHARTS,
            f"{remedy.medicine} authorised for {who.split(' (')[0]}"
            + ("." if signature else ": the line waits for its second check."),
        )  # fmt: skip

    def withdraw(self) -> None:
        rows = self.authorisation_view.selectionModel().selectedRows()
        staff, now = self.host.staff_id(), self.host.desk.clock()
        if not rows or staff is None:
            self.refuse("Choose the authorisation first.")
            return
        row = self.authorisations.row(rows[0].row())
        why = self.ask.ask(
            self, "Withdraw", f"Why withdraw {row.medicine} for {row.resident}?", None
        )
        if why:
            self.write(
                lambda s: withdraw(s, staff, row.id, why, now),
                CHARTS,
                f"{row.medicine} withdrawn for {row.resident}.",
            )
