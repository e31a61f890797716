"""Right medicine, dose and route; the pack; what giving needs; the go-ahead."""

from datetime import date
from decimal import Decimal

from emar.domain.rights.dose import dose_checks
from emar.domain.rights.giving import (
    WitnessPolicy,
    go_ahead,
    high_risk_checks,
    scan_checks,
    witness_checks,
)
from emar.domain.rights.medicine import (
    line_for_pack,
    line_status_checks,
    not_on_this_chart,
    not_the_chosen,
    nothing_chosen,
    on_another_chart,
    pack_checks,
    unknown_pack,
    unreadable_pack,
)
from emar.domain.rights.route import route_checks
from emar.domain.verdict import Check, CheckCode, Severity
from tests.support.facts import LONDON, at, line, prn_line

B, W, OK = Severity.BLOCK, Severity.WARN, Severity.OK


def said(checks):
    return [(c.code, c.severity, c.message) for c in checks]


def test_what_the_pack_or_line_chosen_can_get_wrong():
    assert said([nothing_chosen()]) == [
        (CheckCode.NOT_ON_CHART, B, "Scan the pack or choose the medicine.")
    ]
    assert on_another_chart("Arthur Price", "Mary Jones").message == (
        "That medicine is on Arthur Price's chart, not Mary Jones's."
    )
    assert said([on_another_chart(None, "Mary Jones")]) == [
        (CheckCode.WRONG_RESIDENT, B, "That medicine is on another chart, not Mary Jones's.")
    ]
    assert said([unreadable_pack("GTIN 123 has a wrong check digit.")]) == [
        (CheckCode.UNKNOWN_PACK, B, "Unreadable pack barcode: GTIN 123 has a wrong check digit.")
    ]
    assert unknown_pack("05000000000000").message == (
        "Unknown pack (barcode 05000000000000): it is not in the medicine catalogue."
    )
    assert said([not_the_chosen("Paracetamol", line())]) == [
        (CheckCode.NOT_ON_CHART, B, "This pack is Paracetamol, not Amlodipine 5 mg tablet.")
    ]
    assert not_the_chosen("Paracetamol", None).message == (
        "This pack is Paracetamol, not the chosen medicine."
    )


def test_someone_elses_pack_names_whose_it_is():
    one = not_on_this_chart("Amlodipine", [("Mary Jones", "Amlodipine 5 mg")], "Arthur Price")
    assert (one.code, one.message) == (
        CheckCode.WRONG_RESIDENT,
        "This is Amlodipine 5 mg for Mary Jones, not for Arthur Price.",
    )
    others = [(n, "Amlodipine 5 mg") for n in ("Zoe Hart", "Ann Bell", "Ann Bell", "Cy Dunn")]
    assert not_on_this_chart("Amlodipine", others, "Arthur Price").message == (
        "This is Amlodipine 5 mg for Ann Bell, Cy Dunn, Zoe Hart, not for Arthur Price."
    )
    others.append(("Ed Fox", "Amlodipine 5 mg"))
    assert not_on_this_chart("Amlodipine", others, "Arthur Price").message == (
        "This is Amlodipine 5 mg for Ann Bell, Cy Dunn, Ed Fox and others, not for Arthur Price."
    )
    assert said([not_on_this_chart("Amlodipine", [], "Arthur Price")]) == [
        (CheckCode.NOT_ON_CHART, B, "Amlodipine is not on Arthur Price's chart.")
    ]


def test_the_line_a_pack_means_active_regular_first():
    stopped = line(id=1, status="stopped")
    prn = prn_line(id=2)
    regular = line(id=3)
    later_regular = line(id=4)
    assert line_for_pack([stopped, prn, later_regular, regular]) == regular
    assert line_for_pack([stopped, prn]) == prn
    assert line_for_pack([line(id=9, status="suspended"), stopped]) == stopped
    assert line_for_pack([]) is None


def test_a_line_not_active_is_a_stop_with_its_reason():
    assert line_status_checks(line()) == []
    assert said(line_status_checks(line(status="suspended", status_reason="nil by mouth"))) == [
        (
            CheckCode.LINE_STATUS,
            B,
            "Amlodipine 5 mg tablet is suspended: nil by mouth. Do not give.",
        )
    ]
    assert line_status_checks(line(status="not started"))[0].message == (
        "Amlodipine 5 mg tablet is not started. Do not give."
    )


def test_an_expired_pack_is_a_stop_and_one_expiring_today_a_warning():
    given = at(10, 23, 30)  # 10 June, local
    assert pack_checks(None, LONDON, given) == []
    assert pack_checks(date(2026, 6, 11), LONDON, given) == []
    assert said(pack_checks(date(2026, 6, 10), LONDON, given)) == [
        (CheckCode.EXPIRED, W, "This pack expires today.")
    ]
    assert said(pack_checks(date(2026, 6, 9), LONDON, given)) == [
        (CheckCode.EXPIRED, B, "This pack expired on 09 Jun 2026: use another pack.")
    ]


def test_a_fixed_dose_needs_no_choice():
    assert dose_checks(line(), None) == (Decimal(1), [])
    assert dose_checks(line(), Decimal(1)) == (Decimal(1), [])


def test_a_range_asks_which_dose():
    paracetamol = prn_line()
    assert dose_checks(paracetamol, None) == (
        None,
        [
            Check(
                CheckCode.DOSE_CHOICE,
                B,
                "Which dose? Paracetamol 500 mg tablet, 1-2 tablets: choose below.",
            )
        ],
    )
    assert dose_checks(paracetamol, Decimal(2)) == (Decimal(2), [])


def test_a_dose_outside_the_prescription_is_a_stop():
    dose, checks = dose_checks(prn_line(), Decimal(3))
    assert dose == Decimal(3)
    assert said(checks) == [(CheckCode.DOSE, B, "3 tablets is outside the prescribed 1-2 tablets.")]
    liquid = line(dose_min=Decimal(5), dose_max=Decimal(10), dose_unit="ml")
    assert dose_checks(liquid, Decimal("2.5"))[1][0].message == (
        "2.5 ml is outside the prescribed 5-10 ml."
    )


def test_the_route_on_the_chart():
    assert route_checks(line(), None) == []
    assert route_checks(line(), " Oral ") == []
    assert said(route_checks(line(), "topical")) == [
        (CheckCode.ROUTE, B, "Amlodipine 5 mg tablet is prescribed oral, not topical.")
    ]


def test_no_scan_witness_and_high_risk():
    assert scan_checks(True) == []
    assert said(scan_checks(False)) == [
        (CheckCode.NO_SCAN, W, "No pack scanned: say why (for example, no barcode on the pack).")
    ]
    assert witness_checks(line(), WitnessPolicy(True, True)) == []
    assert said(witness_checks(line(controlled=True, cd_schedule=2), WitnessPolicy())) == [
        (
            CheckCode.WITNESS,
            W,
            "Controlled drug (Schedule 2): a second member of staff must witness with their PIN.",
        )
    ]
    assert high_risk_checks(line()) == []
    assert said(high_risk_checks(line(medicine="Warfarin 1 mg tablet", high_risk=True))) == [
        (
            CheckCode.HIGH_RISK,
            OK,
            "High-risk medicine: double-check the dose of Warfarin 1 mg tablet.",
        )
    ]


def test_the_go_ahead_names_the_dose_medicine_route_and_resident_unless_something_stops_it():
    assert said(go_ahead([], prn_line(), Decimal(2), "Mary Jones")) == [
        (CheckCode.RIGHTS, OK, "Give 2 tablets of Paracetamol 500 mg tablet oral to Mary Jones.")
    ]
    warned = scan_checks(False)
    assert go_ahead(warned, line(), Decimal(1), "Mary Jones")[0].message == (
        "Give 1 tablet of Amlodipine 5 mg tablet oral to Mary Jones."
    )
    assert go_ahead(warned, line(), None, "Mary Jones")[0].message.startswith("Give ? of")
    assert go_ahead(route_checks(line(), "topical"), line(), Decimal(1), "Mary Jones") == []
