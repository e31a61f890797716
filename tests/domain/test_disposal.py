"""The disposal register's rule, by hand: each reason's way, old wordings, and the witness."""

import pytest

from emar.domain.disposal import (
    REASONS,
    Reason,
    Way,
    read_reason,
    way_for,
    way_text,
    witness_needed,
)
from emar.domain.rights.giving import WitnessPolicy


@pytest.mark.parametrize(
    ("reason", "way", "kind"),
    [
        ("dropped or damaged", "destroyed in the home", "wasted"),
        ("refused and destroyed", "destroyed in the home", "wasted"),
        ("spoilt", "destroyed in the home", "wasted"),
        ("expired", "returned to pharmacy", "returned"),
        ("stopped (discontinued)", "returned to pharmacy", "returned"),
        ("resident left", "returned to pharmacy", "returned"),
        ("resident died", "returned to pharmacy", "returned"),
        ("end of cycle", "returned to pharmacy", "returned"),
    ],
)
def test_every_reason_has_its_way(reason, way, kind):
    chosen = read_reason(reason)
    assert chosen is not None
    assert way_for(chosen).value == way
    assert way_for(chosen).kind == kind


def test_the_eight_reasons_are_offered_in_the_wards_order():
    assert [r.value for r in REASONS] == [
        "dropped or damaged",
        "refused and destroyed",
        "spoilt",
        "expired",
        "stopped (discontinued)",
        "resident left",
        "resident died",
        "end of cycle",
    ]


def test_reasons_recorded_before_the_register_still_read():
    assert read_reason("dropped") == Reason.DROPPED
    assert read_reason("discontinued") == Reason.STOPPED
    assert read_reason("felt like it") is None
    assert read_reason(None) is None


@pytest.mark.parametrize(
    ("schedule", "policy", "needed"),
    [
        (None, WitnessPolicy(True, True), False),  # not a CD
        (2, WitnessPolicy(), True),
        (3, WitnessPolicy(), True),
        (4, WitnessPolicy(), False),
        (4, WitnessPolicy(schedule_4=True), True),
        (5, WitnessPolicy(schedule_4=True), False),
        (5, WitnessPolicy(schedule_5=True), True),
    ],
)
def test_a_cd_disposal_is_witnessed_as_its_dose_would_be(schedule, policy, needed):
    assert witness_needed(schedule, policy) is needed


def test_what_the_nurse_is_told():
    assert way_text(Reason.DROPPED, 2) == (
        "Destroyed in the home: denature it with a CD denaturing kit."
    )
    assert way_text(Reason.SPOILT, None) == (
        "Destroyed in the home: into the pharmaceutical waste bin."
    )
    assert way_text(Reason.RESIDENT_DIED, 2).startswith("Returned to the pharmacy")
    assert Way.RETURNED.kind == "returned"


def test_a_supply_is_returned_as_stopped_only_once_its_line_is():
    from emar.domain.disposal import reason_refused

    assert "still active" in (reason_refused(Reason.STOPPED, "active") or "")
    assert reason_refused(Reason.STOPPED, "stopped") is None
    assert reason_refused(Reason.STOPPED, "ended") is None
    assert reason_refused(Reason.END_OF_CYCLE, "active") is None  # a surplus
    assert reason_refused(Reason.DROPPED, "active") is None


def test_whole_things_are_disposed_of_whole_tablets_in_halves_liquids_by_amount():
    from decimal import Decimal as D

    from emar.domain.disposal import quantity_refused

    assert "whole number" in (quantity_refused(D("0.5"), "patch") or "")
    assert "whole number" in (quantity_refused(D("1.5"), "capsule") or "")
    assert quantity_refused(D("0.5"), "tablet") is None  # a halved tablet
    assert "halves" in (quantity_refused(D("0.25"), "tablet") or "")
    assert quantity_refused(D("2.5"), "ml") is None
    assert "more than zero" in (quantity_refused(D(0), "ml") or "")
    assert quantity_refused(D(1), "patch") is None
