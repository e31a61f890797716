"""Stock signals on the demo home (both backends). Now is Monday 1 June 2026, 15:00 in London;
the next cycle starts on Monday 15 June. Mary Jones's amlodipine is one tablet at 08:00 with 56
received (no expiry recorded): two cycles' supply exactly."""

from datetime import UTC, date, datetime
from decimal import Decimal

from emar.domain.stock_signals import Kind
from emar.services.charts.editing import stop_line
from emar.services.charts.stock import book_in, count_stock
from emar.services.charts.stock_signals import signals_by_line, stock_signal_rows
from emar.services.home import set_cycle_start
from tests.support.homes import Home

NOW = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)


def _setup(home_db) -> Home:
    home = Home(home_db)
    with home_db.write() as s:
        set_cycle_start(s, home.staff["mark"], date(2026, 5, 18))  # next: 15 June
    return home


def _rows(home_db, **kw):
    with home_db.read() as s:
        return stock_signal_rows(s, None, NOW, **kw)


def test_exactly_two_cycles_is_quiet_and_a_stopped_line_with_stock_is_to_return(home_db):
    home = _setup(home_db)
    amlodipine = home.line("Mary Jones", "Amlodipine")
    furosemide = home.line("Edith Baker", "Furosemide")
    with home_db.write() as s:
        stop_line(s, home.staff["nina"], furosemide, "GP stopped it", NOW)
    by_line = signals_by_line(_rows(home_db))
    assert amlodipine not in by_line
    (stopped,) = by_line[furosemide]
    assert (stopped.signal, stopped.quantity, stopped.resident) == (
        Kind.STOPPED_IN_STOCK.value,
        56,
        "Edith Baker",
    )
    # a PRN line with no use yet (no MAR in this home) is never over-stocked: 500 oxycodone
    (oxycodone,) = [i for (_r, m, _p), i in home.lines.items() if m == "Oxycodone"]
    assert oxycodone not in by_line


def test_short_says_when_it_runs_out_before_the_next_cycle(home_db):
    home = _setup(home_db)
    amlodipine = home.line("Mary Jones", "Amlodipine")
    with home_db.write() as s:
        count_stock(s, home.staff["nina"], amlodipine, Decimal(5), NOW, "counted")
    # doses 2..14 June: 13; 5 cover 2..6 June, none for Sun 7 June
    (short,) = signals_by_line(_rows(home_db))[amlodipine]
    assert (short.signal, short.quantity, short.when) == ("short", 8, date(2026, 6, 7))
    assert short.text == (
        "Runs out Sun 7 Jun: 5 tablets in stock, 13 tablets due before the next cycle starts "
        "on Mon 15 Jun. Order more now."
    )
    assert (short.resident, short.medicine) == ("Mary Jones", "Amlodipine 5 mg tablets")


def test_a_pack_expiring_before_use_and_the_surplus_over_two_cycles(home_db):
    home = _setup(home_db)
    amlodipine = home.line("Mary Jones", "Amlodipine")
    with home_db.write() as s:
        book_in(
            s,
            home.staff["nina"],
            amlodipine,
            home.gtins["Amlodipine"],
            Decimal(28),
            NOW,
            batch="X1",
            expiry=date(2026, 6, 10),
        )
    # 84 in stock: the 28 expiring Wed 10 June are used first, by the 9 doses of 2..10 June:
    # 19 expire. 84 is 28 over two cycles (56).
    rows = signals_by_line(_rows(home_db))[amlodipine]
    assert [(r.signal, r.quantity, r.when) for r in rows] == [
        ("expiring", 19, date(2026, 6, 10)),
        ("over-stock", 28, None),
    ]
    assert rows[0].text.startswith("19 tablets (batch X1) expire Wed 10 Jun")


def test_only_the_resident_or_the_kinds_asked_for(home_db):
    home = _setup(home_db)
    mary = home.residents["Mary Jones"]
    everyone = _rows(home_db)
    hers = _rows(home_db, resident_id=mary)
    assert hers == [r for r in everyone if r.resident_id == mary]
    short = _rows(home_db, kinds=frozenset({Kind.SHORT}))
    assert short and short == [r for r in everyone if r.signal == "short"]
    keys = [(r.room, r.resident, r.medicine.lower()) for r in everyone]
    assert keys == sorted(keys)


def test_the_rounds_alerts_say_a_medicine_runs_out_before_the_delivery(home_db):
    """5 tablets is more than the round's 3 days, but short before the next cycle."""
    from emar.services.round.alerts import alerts

    home = _setup(home_db)
    amlodipine = home.line("Mary Jones", "Amlodipine")
    with home_db.write() as s:
        count_stock(s, home.staff["nina"], amlodipine, Decimal(5), NOW, "counted")
    with home_db.read() as s:
        found = [a for a in alerts(s, NOW) if a.kind == "stock" and a.resident == "Mary Jones"]
    assert [a.message for a in found] == [
        "Amlodipine 5 mg tablets: Runs out Sun 7 Jun: 5 tablets in stock, 13 tablets due before "
        "the next cycle starts on Mon 15 Jun. Order more now."
    ]


def test_the_homes_list_for_acting_on_puts_running_out_first():
    from datetime import date as day

    from emar.services.charts.stock_signals import StockSignalRow, by_urgency

    def row(room: str, signal: str, when: day | None = None) -> StockSignalRow:
        return StockSignalRow(1, "R", room, 1, "M", signal, "text", Decimal(1), when)

    rows = [
        row("F01", "over-stock"),
        row("F02", "expiring", day(2026, 12, 20)),
        row("G01", "short", day(2026, 12, 5)),
        row("F03", "stopped in stock"),
        row("G02", "short", day(2026, 12, 1)),
    ]
    assert [(r.room, r.signal) for r in by_urgency(rows)] == [
        ("G02", "short"),  # runs out first
        ("G01", "short"),
        ("F03", "stopped in stock"),
        ("F02", "expiring"),
        ("F01", "over-stock"),
    ]
