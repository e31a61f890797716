"""The health facts' vocabulary: values typed for each kind, checked and rounded as kept."""

from decimal import Decimal

import pytest

from emar.domain.review.facts import (
    CONDITIONS,
    MONITORING,
    OBSERVATIONS,
    condition_key,
    monitoring_interval,
    parse_value,
    shown_value,
)
from emar.errors import ValidationError


@pytest.mark.parametrize(
    ("kind", "typed", "kept"),
    [
        ("weight", "48.46 kg", Decimal("48.5")),
        ("egfr", "44.5", Decimal("45")),
        ("inr", "2.45", Decimal("2.5")),
        ("lithium", "0.05 mmol/L", Decimal("0.05")),
        ("fall", None, None),
        ("methotrexate_bloods", "", None),
    ],
)
def test_values_are_kept_as_the_kind_writes_them(kind, typed, kept):
    assert parse_value(kind, typed) == kept


def test_edges_of_the_plausible_ranges():
    assert parse_value("inr", "15") == Decimal("15.0")
    with pytest.raises(ValidationError, match=r"INR: 15.1 is not a likely value \(0.5-15\)"):
        parse_value("inr", "15.1")
    with pytest.raises(ValidationError, match=r"Weight: 19\.9 kg is not a likely adult weight"):
        parse_value("weight", "19.9")


def test_every_monitoring_kind_is_an_observation_with_a_value_or_an_event():
    assert set(MONITORING) <= set(OBSERVATIONS)
    assert (MONITORING["inr"], MONITORING["lithium"], MONITORING["egfr"]) == (28, 90, 365)
    assert monitoring_interval("inr", None) == 28 and monitoring_interval("inr", "14") == 14
    assert CONDITIONS["parkinsons"] == "Parkinson's disease"
    assert condition_key(" ckd ") == "ckd"
    assert shown_value("egfr", Decimal("38.00")) == "38"
