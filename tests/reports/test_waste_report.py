"""The waste report on the demo home (both backends), against figures worked by hand: an
order made though the stock covered the cycle, a stopped medicine delivered anyway, a dropped
dose; costs from an entered pack price; the PDF says it all, and the CLI prints it."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from emar.domain.disposal import Reason
from emar.domain.waste import Avoidable
from emar.errors import ValidationError
from emar.reports.data import Scope
from emar.reports.run import ReportKind, ReportRequest, day_bounds, make_report
from emar.reports.waste_data import waste_data
from emar.services.charts.disposals import dispose
from emar.services.charts.editing import stop_line
from emar.services.charts.ordering import OrderChange, record_order
from emar.services.charts.packs import medicines_for_gtin
from emar.services.charts.prices import enter_price, pence
from emar.services.charts.stock import book_in, carry_forward
from emar.services.home import set_cycle_start
from tests.support.homes import LONDON, Home, local
from tests.support.pdf_checks import overflows, pdf_text

NOW = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)
CYCLE = date(2026, 6, 15)
D = Decimal


@pytest.fixture
def wasted(home_db):
    home = Home(home_db)
    nina = home.staff["nina"]
    amlodipine = home.line("Mary Jones", "Amlodipine")
    furosemide = home.line("Edith Baker", "Furosemide")
    with home_db.write() as s:
        set_cycle_start(s, home.staff["mark"], date(2026, 5, 18))
        # 60 amlodipine on the shelf: more than the cycle needs, yet 28 more ordered
        carry_forward(s, nina, amlodipine, D(60), NOW, "counted at the cycle start")
    with home_db.write() as s:
        order = record_order(
            s, nina, CYCLE, NOW,
            {amlodipine: OrderChange(quantity=D(28), adjusted_reason="a spare box")},
        )  # fmt: skip
    with home_db.write() as s:
        stop_line(s, nina, furosemide, "GP stopped it", local(date(2026, 6, 5), 10))
    with home_db.write() as s:
        at = local(CYCLE, 9)
        book_in(s, nina, amlodipine, home.gtins["Amlodipine"], D(28), at)
        book_in(s, nina, furosemide, home.gtins["Furosemide"], D(28), at)  # after its stop
        dispose(s, nina, furosemide, D(28), local(date(2026, 6, 16), 11), Reason.STOPPED)
        dispose(s, nina, amlodipine, D(1), local(date(2026, 6, 20), 8), Reason.DROPPED)
        dispose(s, nina, amlodipine, D(20), local(date(2026, 7, 13), 9), Reason.EXPIRED)
        (medicine_id,) = medicines_for_gtin(s, home.gtins["Amlodipine"])
        enter_price(s, nina, medicine_id, 28, pence("1.20"), NOW)
    return home, order


def _period():
    return day_bounds(date(2026, 6, 1), date(2026, 7, 31), LONDON)


def test_each_disposal_is_costed_and_the_avoidable_ones_say_why(home_db, wasted):
    start, end = _period()
    with home_db.read() as s:
        data = waste_data(s, Scope(start, end))
    rows = [(x.resident, x.medicine.split()[0], x.quantity, x.reason, x.way, x.cost_pence,
             x.avoidable) for x in data.items]  # fmt: skip
    assert rows == [
        # stopped 5 Jun, delivered 15 Jun: avoidable; no price known for furosemide
        ("Edith Baker", "Furosemide", 28, "stopped (discontinued)", "returned", None,
         Avoidable.STOPPED_BUT_ORDERED),
        # a dropped tablet: 120p / 28 = 4.29p -> 4p; not an ordering failure
        ("Mary Jones", "Amlodipine", 1, "dropped or damaged", "destroyed", 4, None),
        # 20 x 4.2857p = 85.71p -> 86p; 60 in stock covered the cycle, 28 more ordered
        ("Mary Jones", "Amlodipine", 20, "expired", "returned", 86, Avoidable.STOCK_WAS_ENOUGH),
    ]  # fmt: skip
    assert (data.cost_pence, data.avoidable_pence, data.unpriced) == (90, 86, 1)
    by_medicine = {t.name.split()[0]: (t.disposals, t.quantity, t.cost_pence, t.unpriced)
                   for t in data.by_medicine}  # fmt: skip
    assert by_medicine["Amlodipine"][:3] == (2, "21 tablets", 90)
    assert by_medicine["Furosemide"][2:] == (0, 1)
    assert [t.name for t in data.by_reason] == [
        "expired",
        "dropped or damaged",
        "stopped (discontinued)",
    ]
    # the home's cycles start 18 May: 18 May (the period's first day), 15 Jun, 13 Jul
    assert [(c.start, c.disposals, c.cost_pence, c.avoidable_pence) for c in data.trend] == [
        (date(2026, 5, 18), 0, 0, 0),
        (date(2026, 6, 15), 2, 4, 0),
        (date(2026, 7, 13), 1, 86, 86),
    ]


def test_the_pdf_reads_as_a_manager_needs_it(home_db, wasted, tmp_path):
    start, end = _period()
    out = tmp_path / "waste.pdf"  # (EMAR_KEEP_PDF: look at it)
    made = make_report(
        home_db, ReportRequest(ReportKind.WASTE, Scope(start, end)), out,
        now=NOW, staff_id=None, printed_by="test",
    )  # fmt: skip
    text = " ".join(pdf_text(out).split())
    assert made.pages >= 1 and "Medicines waste" in text
    assert "3 (2 returned to the pharmacy, 1 destroyed in the home)" in text
    assert "£0.90 (+1 unpriced)" in text
    assert "Whole home, 01 Jun 2026 to 31 Jul 2026" in text
    assert "£0.86 in 2 disposal(s)" in text
    assert "Stopped but ordered 1 £0.00 (+1 unpriced)" in text
    assert "cancel the line's order when it stops" in text
    assert "Ordered while stock was 1 £0.86" in text  # the cell wraps
    assert "Amlodipine 5 mg 2 21 tablets £0.90 1 (£0.86)" in text
    assert "13 Jul 2026 1 £0.86 £0.86" in text  # the trend's last cycle
    assert text.count("Nina Patel") == 3
    assert overflows(out) == []


def test_a_price_is_typed_in_pounds_and_checked(home_db, wasted):
    assert (pence("4.85"), pence("£12"), pence("1234.50")) == (485, 1200, 123450)
    for bad in ("four", "-1", "1.234", "9999999", "4,85", "1,234.50", "NaN", "Infinity"):
        with pytest.raises(ValidationError, match="price"):
            pence(bad)
    with pytest.raises(ValidationError, match="£0 is not recorded"):
        pence("0.00")
