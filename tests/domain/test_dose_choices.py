"""The doses a carer picks from when the chart gives a range."""

from decimal import Decimal

from emar.domain.dose_choices import dose_choices

D = Decimal


def test_a_range_of_tablets_in_whole_tablets():
    assert dose_choices(D(1), D(2), "tablet") == [D(1), D(2)]
    assert dose_choices(D("0.5"), D(2), "tablet") == [D("0.5"), D("1.5")]


def test_a_narrow_range_of_a_liquid_in_half_millilitres():
    assert dose_choices(D("2.5"), D(5), "ml") == [D("2.5"), D(3), D("3.5"), D(4), D("4.5"), D(5)]
    assert dose_choices(D(5), D("10.5"), "ml") == [D(5), D(6), D(7), D(8), D(9), D(10)]
    assert dose_choices(D(5), D(10), "tablet") == [D(5), D(6), D(7), D(8), D(9), D(10)]


def test_at_most_eight_choices():
    assert dose_choices(D(1), D(20), "tablet") == [D(n) for n in range(1, 9)]
    # 5-10 ml is 5 ml wide, so in halves; the eighth choice is 8.5 ml
    assert dose_choices(D(5), D(10), "ml") == [D(n) / 2 for n in range(10, 18)]
