"""Right route and form of a scanned pack's product, the route question without a barcode, and
the controlled-drug witness by schedule and the home's policy (issue #16, rules 5 and 8)."""

from datetime import date

import pytest

from emar.domain.pack_expiry import read_expiry
from emar.domain.rights.giving import WitnessPolicy, needs_witness, witness_checks
from emar.domain.rights.medicine import expiry_question
from emar.domain.rights.route import (
    Product,
    form_words,
    pack_route_checks,
    product_routes,
    route_question,
    unlicensed_route,
)
from emar.domain.verdict import CheckCode, Severity, Verdict
from emar.errors import ValidationError
from tests.support.facts import line

B = Severity.BLOCK
GEL = Product("Diclofenac 2.32% gel", "gel", "cutaneous", "cutaneous")


def said(checks):
    return [(c.code, c.severity, c.message) for c in checks]


def test_a_pack_licensed_for_the_charts_route_and_of_its_form_passes():
    tablets = Product("Amlodipine 5 mg tablets", "tablets", "oral", "oral;gastroenteral")
    assert pack_route_checks(line(), "Tablet", tablets) == []
    # the chart's route among several licensed routes, compared ignoring case
    assert pack_route_checks(line(route="Gastroenteral"), "tablet", tablets) == []


def test_a_pack_not_licensed_for_the_charts_route_is_a_stop():
    assert said(pack_route_checks(line(medicine="Diclofenac 50 mg tablet"), None, GEL)) == [
        (
            CheckCode.ROUTE,
            B,
            "This pack is Diclofenac 2.32% gel (cutaneous); the chart says oral.",
        )
    ]


def test_a_pack_of_another_form_is_a_stop():
    soluble = Product("Paracetamol 500 mg soluble tablets", "Effervescent tablet", "oral")
    assert said(pack_route_checks(line(), "tablet", soluble)) == [
        (
            CheckCode.FORM,
            B,
            "This pack is Paracetamol 500 mg soluble tablets (effervescent tablet); "
            "the chart says tablet.",
        )
    ]


def test_route_and_form_both_wrong_say_both():
    codes = [c.code for c in pack_route_checks(line(), "tablet", GEL)]
    assert codes == [CheckCode.ROUTE, CheckCode.FORM]


def test_without_listed_routes_the_products_route_is_used():
    assert product_routes("Oral", None) == frozenset({"oral"})
    assert product_routes("oral", "") == frozenset({"oral"})
    assert product_routes("oral", "Cutaneous; Transdermal") == frozenset(
        {"cutaneous", "transdermal"}
    )
    plain = Product("Amlodipine 5 mg tablets", "tablets", "oral", None)
    assert pack_route_checks(line(), "tablet", plain) == []
    assert [c.code for c in pack_route_checks(line(route="rectal"), "tablet", plain)] == [
        CheckCode.ROUTE
    ]


def test_no_form_check_when_either_form_is_missing():
    formless = Product("Amlodipine 5 mg", None, "oral")
    assert pack_route_checks(line(), "tablet", formless) == []
    tablets = Product("Amlodipine 5 mg tablets", "tablets", "oral")
    assert pack_route_checks(line(), None, tablets) == []
    assert pack_route_checks(line(), "", tablets) == []


def test_form_words_ignore_case_plurals_and_hyphens():
    assert form_words("Film-coated Tablets") == ("film", "coated", "tablet")
    assert form_words("film coated tablet") == ("film", "coated", "tablet")
    assert form_words("Gel") == ("gel",)
    assert form_words(None) == ()


def test_transcribing_a_route_the_product_is_not_licensed_for():
    assert unlicensed_route("Diclofenac 2.32% gel", "cutaneous", "Cutaneous") is None
    assert unlicensed_route("Diclofenac 2.32% gel", "oral", "cutaneous") == (
        "Diclofenac 2.32% gel is given cutaneous, not oral: check the prescription and the "
        "product chosen."
    )


def test_without_a_barcode_the_route_is_a_question_not_a_stop():
    question = route_question(line())
    assert said([question]) == [(CheckCode.ROUTE_CONFIRM, B, "Confirm the route: by mouth (oral)?")]
    assert route_question(line(route="PEG")).message == "Confirm the route: PEG?"
    verdict = Verdict((question,), 1, "Mary Jones", line(), None, None, None, False)
    assert verdict.stops == () and verdict.question is question
    assert verdict.headline == "Confirm the route: by mouth (oral)?"
    assert verdict.blocked and not verdict.overridable  # recording still refuses it


def test_the_expiry_question_until_answered():
    assert expiry_question(False, False) == []
    assert expiry_question(True, True) == []
    assert said(expiry_question(True, False)) == [
        (
            CheckCode.EXPIRY_UNREAD,
            B,
            "Read the expiry date on the pack: the scan could not show it for certain.",
        )
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12/2026", date(2026, 12, 31)),
        ("02/28", date(2028, 2, 29)),
        ("EXP 2026-06", date(2026, 6, 30)),
        ("11 2025", date(2025, 11, 30)),
        ("15/03/2027", date(2027, 3, 15)),
        ("2027-03-15", date(2027, 3, 15)),
    ],
)
def test_the_expiry_as_printed_on_the_pack(typed, expected):
    assert read_expiry(typed) == expected


@pytest.mark.parametrize("typed", ["", "13/2026", "2026", "31/02/2026", "next year"])
def test_what_is_no_expiry_date_is_refused(typed):
    with pytest.raises(ValidationError, match="12/2026"):
        read_expiry(typed)


@pytest.mark.parametrize(
    ("schedule", "policy", "expected"),
    [
        (None, WitnessPolicy(True, True), False),
        (2, WitnessPolicy(), True),
        (3, WitnessPolicy(), True),
        (2, WitnessPolicy(True, True), True),
        (3, WitnessPolicy(True, True), True),
        (4, WitnessPolicy(), False),
        (4, WitnessPolicy(schedule_4=True), True),
        (4, WitnessPolicy(schedule_5=True), False),
        (5, WitnessPolicy(), False),
        (5, WitnessPolicy(schedule_5=True), True),
        (5, WitnessPolicy(schedule_4=True), False),
    ],
)
def test_witness_by_schedule_and_the_homes_policy(schedule, policy, expected):
    assert needs_witness(schedule, policy) is expected
    facts = line(controlled=schedule is not None, cd_schedule=schedule)
    assert [c.code for c in witness_checks(facts, policy)] == (
        [CheckCode.WITNESS] if expected else []
    )
