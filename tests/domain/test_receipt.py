"""The receipt check rule, by hand at each edge."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from emar.domain.receipt import BookedIn, OrderedLine, Outcome, chased_on_round, reconcile

NOW = datetime(2026, 6, 14, 10, 0, tzinfo=UTC)
D = Decimal


def _one(items, line_id, outcome=None):
    found = [i for i in items if i.chart_line_id == line_id and outcome in (None, i.outcome)]
    assert len(found) == 1, items
    return found[0]


def test_full_short_missing_and_extra():
    ordered = [OrderedLine(1, 10, D(56)), OrderedLine(2, 20, D(28)), OrderedLine(3, 30, D(28))]
    ordered.append(OrderedLine(4, 40, D(28)))
    booked = [
        BookedIn(1, 10, 10, D(28)),
        BookedIn(1, 10, 10, D(28)),  # two packs make the 56 ordered
        BookedIn(2, 20, 20, D(27)),
        BookedIn(4, 40, 40, D(29)),
    ]
    items = reconcile(ordered, booked, {}, NOW)
    # what needs chasing or checking first, then what came in full
    assert [(i.chart_line_id, i.outcome, i.ordered, i.received) for i in items] == [
        (2, Outcome.SHORT, 28, 27),
        (3, Outcome.MISSING, 28, 0),
        (4, Outcome.EXTRA, 28, 29),
        (1, Outcome.RECEIVED, 56, 56),
    ]
    assert _one(items, 2).note == "1 short of the 28 ordered"
    assert _one(items, 4).note == "1 more than the 28 ordered"
    assert not any(i.urgent for i in items)


def test_whole_packs_of_what_was_ordered_are_received_in_full_not_extra():
    # 46 ordered as 2 packs of 28 (56): the pharmacy sends the 2 packs
    ordered = [OrderedLine(1, 10, D(46), D(56)), OrderedLine(2, 20, D(46), D(56))]
    booked = [BookedIn(1, 10, 10, D(56)), BookedIn(2, 20, 20, D(84))]  # a third pack on line 2
    items = reconcile(ordered, booked, {}, NOW)
    assert [(i.outcome, i.note) for i in items] == [
        (Outcome.EXTRA, "38 more than the 46 ordered"),
        (Outcome.RECEIVED, "received in full (56 in whole packs)"),
    ]


def test_a_line_not_on_the_order_or_ordered_as_nothing_is_unexpected():
    ordered = [OrderedLine(1, 10, D(0))]  # on the order, not required this cycle
    booked = [BookedIn(1, 10, 10, D(28)), BookedIn(9, 90, 90, D(2.5))]
    items = reconcile(ordered, booked, {}, NOW)
    assert [(i.chart_line_id, i.outcome, i.ordered, i.received) for i in items] == [
        (1, Outcome.UNEXPECTED, 0, 28),
        (9, Outcome.UNEXPECTED, 0, D("2.5")),
    ]
    assert _one(items, 9).note == "2.5 booked in, not on the order"


def test_a_line_ordered_as_nothing_and_not_booked_in_is_no_item():
    assert reconcile([OrderedLine(1, 10, D(0))], [], {}, NOW) == []


def test_another_strength_needs_the_same_substances_else_another_product():
    ordered = [OrderedLine(1, 10, D(28)), OrderedLine(2, 20, D(28))]
    booked = [BookedIn(1, 10, 11, D(28)), BookedIn(2, 20, 21, D(28))]
    substances = {10: frozenset({5}), 11: frozenset({5}), 20: frozenset({6}), 21: frozenset({6, 7})}
    items = reconcile(ordered, booked, {}, NOW, substances)
    strength = _one(items, 1, Outcome.WRONG_STRENGTH)
    assert (strength.received, strength.pack_medicine_id) == (28, 11)
    assert "the same substance at another strength" in strength.note
    assert _one(items, 2, Outcome.ANOTHER_PRODUCT).received == 28
    # the wrong packs do not count: both lines are still missing
    assert _one(items, 1, Outcome.MISSING).received == 0
    assert _one(items, 2, Outcome.MISSING).received == 0


def test_without_ingredients_a_wrong_pack_is_another_product():
    items = reconcile([OrderedLine(1, 10, D(28))], [BookedIn(1, 10, 11, D(28))], {}, NOW)
    assert _one(items, 1, Outcome.ANOTHER_PRODUCT)
    items = reconcile(
        [OrderedLine(1, 10, D(28))], [BookedIn(1, 10, 11, D(28))], {}, NOW, {10: frozenset()}
    )
    assert _one(items, 1, Outcome.ANOTHER_PRODUCT)


def test_missing_with_a_dose_due_within_the_hours_is_urgent_and_first():
    ordered = [OrderedLine(1, 10, D(28)), OrderedLine(2, 20, D(28)), OrderedLine(3, 30, D(28))]
    due = {
        1: NOW + timedelta(hours=25),  # not within 24 hours
        2: NOW + timedelta(hours=2),
        3: NOW + timedelta(hours=24),  # exactly at the edge: urgent
    }
    items = reconcile(ordered, [], due, NOW)
    assert [(i.chart_line_id, i.urgent) for i in items] == [(2, True), (3, True), (1, False)]
    assert _one(items, 2).note.endswith("a dose is due within 24 hours and none in hand covers it")
    assert [i.urgent for i in reconcile(ordered, [], due, NOW, urgent_hours=1)] == [False] * 3


def test_stock_in_hand_for_the_next_dose_is_not_urgent():
    ordered = [OrderedLine(1, 10, D(28)), OrderedLine(2, 20, D(28))]
    due = {1: NOW + timedelta(hours=2), 2: NOW + timedelta(hours=2)}
    dose = {1: D(2), 2: D(2)}
    items = reconcile(ordered, [], due, NOW, in_hand={1: D(2), 2: D(1)}, next_dose=dose)
    assert [(i.chart_line_id, i.urgent) for i in items] == [(2, True), (1, False)]
    assert _one(items, 1).note.endswith("2 in hand covers the next dose")


def test_short_or_prn_lines_are_not_urgent():
    ordered = [OrderedLine(1, 10, D(28)), OrderedLine(2, 20, D(28))]
    booked = [BookedIn(1, 10, 10, D(1))]
    items = reconcile(ordered, booked, {1: NOW + timedelta(hours=1)}, NOW)  # 2: PRN, no due
    assert [(i.outcome, i.urgent) for i in items] == [
        (Outcome.SHORT, False),
        (Outcome.MISSING, False),
    ]


def test_an_unsigned_check_is_chased_on_the_round_until_a_week_into_the_cycle():
    start = date(2026, 6, 8)  # a Monday
    assert chased_on_round(start, date(2026, 6, 1))  # ordered, the delivery due
    assert chased_on_round(start, date(2026, 6, 8))
    assert chased_on_round(start, date(2026, 6, 15))  # the seventh day after
    assert not chased_on_round(start, date(2026, 6, 16))


def test_a_line_stopped_since_the_order_is_returned_not_given_and_not_chased():
    ordered = [OrderedLine(1, 10, D(28), D(28)), OrderedLine(2, 20, D(28), D(28))]
    booked = [BookedIn(1, 10, 10, D(28))]
    soon = {2: NOW + timedelta(hours=2)}  # a dose due soon, none in hand: urgent if active
    items = reconcile(ordered, booked, soon, NOW, stopped={1, 2})
    assert [(i.chart_line_id, i.outcome, i.urgent, i.note) for i in items] == [
        (1, Outcome.RECEIVED, False,
         "received in full; the line is stopped now: do not give it, return it to the pharmacy"),
        (2, Outcome.MISSING, False,
         "none of the 28 ordered came; the line is stopped now: nothing to chase"),
    ]  # fmt: skip
