"""What a home may set as a signal's threshold: in its unit's range, whole where it counts
whole things, and in order with the threshold it pairs with (found: a share of 500% and a PRN
count longer than its window were accepted, switching those signals off)."""

from decimal import Decimal

import pytest

from emar.domain.review.thresholds import DEFINITIONS, RANGES, Thresholds, check_threshold
from emar.errors import ValidationError

NOW = Thresholds.of()


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("refused.share_of_28_days", "500", "1 to 100 % of days"),
        ("refused.share_of_28_days", "0", "1 to 100"),
        ("acb.total", "2.5", "a whole number of points"),
        ("prn.often_days", "22", "at most prn.often_window (21)"),
        ("prn.often_window", "13", "at least prn.often_days (14)"),
        ("refused.share_min_days", "29", "at most 28"),
        ("weight.low_kg", "10", "20 to 200 kg"),
    ],
)
def test_a_value_that_would_switch_a_signal_off_is_refused_saying_why(key, value, said):
    with pytest.raises(ValidationError, match=said.replace("(", r"\(").replace(")", r"\)")):
        check_threshold(key, Decimal(value), NOW)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("refused.share_of_28_days", "100"),
        ("refused.share_of_28_days", "1"),
        ("prn.often_days", "21"),  # equal to its window: the edge allowed
        ("prn.often_window", "14"),
        ("refused.share_min_days", "28"),
        ("weight.low_kg", "47.5"),  # kilograms need not be whole
        ("acb.total", "30"),
    ],
)
def test_the_edges_are_allowed(key, value):
    assert check_threshold(key, Decimal(value), NOW) == Decimal(value)


def test_the_pairing_follows_the_homes_own_values():
    wider = Thresholds.of({"prn.often_window": Decimal(28)})
    assert check_threshold("prn.often_days", Decimal(25), wider) == 25


def test_every_threshold_has_a_range_and_its_default_is_allowed():
    for t in DEFINITIONS:
        assert t.unit in RANGES, t.key
        assert check_threshold(t.key, t.default, NOW) == t.default
