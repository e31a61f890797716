"""The medicine catalogue: adding a product with its active ingredients, attaching a pack's
barcode to a product by scanning the pack, and a pack's price (for the waste report)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
)

from emar.devices.scan import Scan
from emar.domain.scan_intents import CATALOGUE_WANTS_PACK, office_takes
from emar.domain.waste import money
from emar.errors import ValidationError
from emar.services.charts.catalogue import (
    MedicineView,
    ProductForm,
    add_medicine,
    attach_gtin,
    search_medicines,
)
from emar.services.charts.prices import enter_price, pence
from emar.ui.manage.workspace import Host, ManageTab
from emar.ui.operations import CATALOGUE, QueryOp


class CatalogueTab(ManageTab):
    title = "Cata&logue"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.product_name, self.product_form = QLineEdit(), QLineEdit("tablets")
        self.product_strength, self.product_route = QLineEdit(), QLineEdit("oral")
        self.product_unit = QLineEdit("tablet")
        self.product_ingredients = QLineEdit(placeholderText="e.g. bisoprolol 2.5 mg; ...")
        self.product_cd = QComboBox()
        self.product_cd.addItems(["not controlled", "2", "3", "4", "5"])
        self.product_tc = QCheckBox("Time-critical")
        self.product_hr = QCheckBox("High-risk")
        add = QPushButton("Add &product")
        add.clicked.connect(self.add_product)
        self.search = QLineEdit(
            placeholderText="Search, then scan a pack to attach its barcode to the chosen product"
        )
        self.search.textChanged.connect(self._search)
        self.results = QListWidget()
        form = QFormLayout(self)
        for label, field in (
            ("&Name", self.product_name),
            ("&Form", self.product_form),
            ("S&trength", self.product_strength),
            ("&Route", self.product_route),
            ("Dose &unit", self.product_unit),
            ("Active &ingredients", self.product_ingredients),
            ("Controlled drug schedule", self.product_cd),
            ("", self.product_tc),
            ("", self.product_hr),
        ):
            form.addRow(label, field)
        form.addRow(add)
        form.addRow(QLabel("<b>Pack barcodes</b>"))
        form.addRow("Pro&duct", self.search)
        form.addRow("", self.results)
        # dm+d prices come with each import; this is for what dm+d does not price
        self.pack_size = QSpinBox(minimum=1, maximum=10_000, value=28)
        self.price = QLineEdit(placeholderText="the pack's price in pounds, e.g. 4.85")
        record_price = QPushButton("Record pack pri&ce")
        record_price.clicked.connect(self.record_price)
        form.addRow(QLabel("<b>Pack price</b> (for the waste report, of the chosen product)"))
        form.addRow("Pack si&ze", self.pack_size)
        form.addRow("Price (£)", self.price)
        form.addRow(record_price)

    def add_product(self) -> None:
        staff = self.host.staff_id()
        try:
            ingredients = []
            for part in self.product_ingredients.text().split(";"):
                if part.strip():
                    name, amount, unit = part.strip().rsplit(" ", 2)
                    ingredients.append((name, Decimal(amount), unit, None))
        except (ValueError, ArithmeticError):
            self.refuse("Write each ingredient as: name amount unit (e.g. paracetamol 500 mg).")
            return
        cd = self.product_cd.currentText()
        product = ProductForm(
            self.product_name.text(),
            self.product_form.text(),
            self.product_route.text(),
            self.product_unit.text(),
            self.product_strength.text() or None,
            ingredients,
            int(cd) if cd.isascii() and cd.isdigit() else None,
            self.product_tc.isChecked(),
            self.product_hr.isChecked(),
        )
        if staff is None:
            return
        self.write(
            lambda s: add_medicine(s, staff, product),
            CATALOGUE,
            f"{product.name} added to the catalogue.",
        )

    def _search(self, text: str) -> None:
        QueryOp(self.host, lambda s: search_medicines(s, text) if text.strip() else []).success(
            self._show_results
        ).run_in_background()

    def _show_results(self, found: list[MedicineView]) -> None:
        self.results.clear()
        for m in found:
            item = QListWidgetItem(f"{m.name}   ({len(m.gtins)} pack barcode(s))")
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)

    def record_price(self) -> None:
        item, staff = self.results.currentItem(), self.host.staff_id()
        if item is None:
            self.refuse("Search for the product first, then give its pack's price.")
            return
        try:
            price = pence(self.price.text())
        except ValidationError as exc:
            self.refuse(str(exc))
            return
        if staff is None:
            return
        med_id, size = int(item.data(Qt.ItemDataRole.UserRole)), self.pack_size.value()
        name = item.text().split("   (")[0]
        self.write(
            lambda s: enter_price(s, staff, med_id, size, price, self.host.desk.clock()),
            CATALOGUE,
            f"Price recorded: {name}, a pack of {size} for {money(price)}.",
        )

    # --- attaching a pack barcode by scanning ------------------------------------------------
    def takes(self, scan: Scan) -> bool:
        return office_takes(scan.kind)

    def take_scan(self, scan: Scan) -> None:
        gtin = self.scanned_pack(scan, CATALOGUE_WANTS_PACK)
        if gtin is None:
            return
        item, staff = self.results.currentItem(), self.host.staff_id()
        if item is None or staff is None:
            self.refuse("Search for the product first, then scan its pack.")
            return
        med_id = int(item.data(Qt.ItemDataRole.UserRole))
        self.write(
            lambda s: attach_gtin(s, staff, med_id, gtin),
            CATALOGUE,
            f"Pack barcode {gtin} attached to {item.text().split('   (')[0]}.",
        )
