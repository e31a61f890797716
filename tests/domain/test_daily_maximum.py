"""The daily maximum of an ingredient across every line, regular and PRN (issue #16, rule 4)."""

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from emar.domain.doses import IngredientAmount
from emar.domain.medicines.daily_maximum import checked_ingredients, convert, daily_excesses
from emar.domain.medicines.knowledge import Knowledge, Substance
from emar.domain.rights.daily_limits import daily_maximum_checks
from emar.domain.rights.prn_limits import prn_checks
from emar.domain.verdict import OVERRIDABLE, CheckCode, Severity
from tests.support.facts import LONDON, PARACETAMOL, at, daily, entry, line, not_given, prn_line


def substance(key, maximum, unit, under_50kg=None):
    return Substance(
        key=key,
        name=key.capitalize(),
        atc=None,
        classes=frozenset(),
        max_daily=maximum,
        max_unit=unit,
        max_daily_under_50kg=under_50kg,
        acb=0,
        high_risk=None,
        falls_risk=False,
        sedative=False,
        cd_schedule=None,
    )


# The values written here, not read from the shipped tables (BNF: paracetamol 4 g, 3 g under
# 50 kg; codeine 240 mg). Digoxin's is made up, to test micrograms.
KNOWLEDGE = Knowledge(
    "test",
    {
        "paracetamol": substance("paracetamol", Decimal(4000), "mg", Decimal(3000)),
        "codeine": substance("codeine", Decimal(240), "mg"),
        "digoxin": substance("digoxin", Decimal("0.25"), "mg"),
        "lactulose": substance("lactulose", None, None),
    },
    {},
    {},
)
CODEINE = IngredientAmount(5, "codeine phosphate", "opioids", Decimal(30), "mg")
QDS = daily("08:00", "12:00", "16:00", "20:00")
REGULAR = line(
    id=10, medicine="Paracetamol 500 mg tablet", dose_min=Decimal(2), dose_max=Decimal(2),
    timing=QDS, ingredients=(PARACETAMOL,),
)  # fmt: skip
PRN = prn_line(id=2)  # paracetamol 500 mg, 1-2 tablets, 4-hourly, 4 in 24 h
CO_CODAMOL = prn_line(
    id=3, medicine="Co-codamol 30/500 tablet", ingredients=(CODEINE, PARACETAMOL), prn_max_24h=8
)
STOP = "Do not give; ask a senior."


def prn_given(i, when, tablets="2", line_id=2):
    return entry(id=i, chart_line_id=line_id, administered_at=when, dose_given=Decimal(tablets))


def regular_given(i, scheduled, when, tablets="2", line_id=10):
    return entry(
        id=i,
        chart_line_id=line_id,
        scheduled_at=scheduled,
        administered_at=when,
        dose_given=Decimal(tablets),
    )


def said(ln, lines, entries, when, dose, scheduled=None, weight=None, now=None):
    checks = daily_maximum_checks(
        ln, lines, entries, when, scheduled, Decimal(dose), KNOWLEDGE, weight, LONDON, now or when
    )
    assert all(c.code == CheckCode.DAILY_MAXIMUM and c.severity == Severity.BLOCK for c in checks)
    return [c.message for c in checks]


def test_a_regular_dose_on_top_of_four_prn_doses_is_stopped():
    # The scripted round: four PRN 1 g doses, then the regular 1 g at 20:00 (5 g in 24 hours).
    evening = replace(REGULAR, starts_at=at(10, 19), active_periods=((at(10, 19), None),))
    doses = [prn_given(i, at(10, h)) for i, h in enumerate((0, 4, 8, 12), 1)]
    assert said(evening, [evening, PRN], doses, at(10, 20), "2", scheduled=at(10, 20)) == [
        "Paracetamol daily maximum: 4 g given in 24 hours (4 doses); this 1 g would make 5 g "
        f"(maximum 4 g for an adult). {STOP}"
    ]
    assert CheckCode.DAILY_MAXIMUM in OVERRIDABLE  # a senior may override, with a reason


def test_a_regular_qds_regimen_alone_is_allowed_dose_by_dose_given_anywhere_in_its_windows():
    given_at = [
        (at(10, 8), at(10, 8, 40)),
        (at(10, 12), at(10, 12, 10)),
        (at(10, 16), at(10, 16)),
        (at(10, 20), at(10, 20, 20)),
        (at(11, 8), at(11, 7, 30)),  # 22 h 50 min after the first
        (at(11, 12), at(11, 12, 55)),
    ]
    recorded = []
    for i, (scheduled, when) in enumerate(given_at, 1):
        assert said(REGULAR, [REGULAR, PRN], recorded, when, "2", scheduled=scheduled) == []
        recorded.append(regular_given(i, scheduled, when))


def test_a_regular_dose_given_outside_its_window_counts_when_it_was_given():
    """Found in review: the 08:00 dose given at 18:50 counted at 08:00, so 5 g went in within
    13 hours (18:50, 20:00, PRN 00:05 and 04:10, then 08:10) with no stop."""
    twice = daily("08:00", "20:00")
    ernest = replace(REGULAR, timing=twice)
    done = [
        regular_given(1, at(10, 8), at(10, 18, 50)),  # late, outside its window
        regular_given(2, at(10, 20), at(10, 20)),
        prn_given(3, at(11, 0, 5)),
        prn_given(4, at(11, 4, 10)),
    ]
    assert said(ernest, [ernest, PRN], done, at(11, 8, 10), "2", scheduled=at(11, 8)) == [
        "Paracetamol daily maximum: 4 g given in 24 hours (4 doses); this 1 g would make 5 g "
        f"(maximum 4 g for an adult). {STOP}"
    ]
    on_time = [regular_given(1, at(10, 8), at(10, 8, 50)), *done[1:]]  # within its window
    assert said(ernest, [ernest, PRN], on_time, at(11, 8, 10), "2", scheduled=at(11, 8)) == []


def test_a_prn_dose_on_top_of_a_regular_qds_regimen_is_stopped():
    morning = [regular_given(1, at(10, 8), at(10, 8, 5))]
    assert said(PRN, [REGULAR, PRN], morning, at(10, 10), "2") == [
        "Paracetamol daily maximum: 1 g given in 24 hours (1 dose) and 3 g still due on the "
        "regular chart (3 doses); this 1 g would make 5 g (maximum 4 g for an adult). "
        f"{STOP}"
    ]
    day = [regular_given(i, at(10, h), at(10, h)) for i, h in enumerate((8, 12, 16, 20), 1)]
    # the regimen fills every day: no time to offer
    assert said(PRN, [REGULAR, PRN], day, at(10, 21), "1") == [
        "Paracetamol daily maximum: 4 g given in 24 hours (4 doses); this 0.5 g would make "
        f"4.5 g (maximum 4 g for an adult). {STOP}"
    ]


def test_doses_not_given_or_voided_do_not_count_and_scheduled_ones_recorded_are_not_counted_twice():
    morning = regular_given(1, at(10, 8), at(10, 8))
    refused = not_given("R", id=2, chart_line_id=10, scheduled_at=at(10, 12))  # recorded ahead
    voided = [prn_given(3, at(10, 9)), not_given("X", id=4, chart_line_id=2, supersedes_id=3)]
    # 08:00 given, 16:00 and 20:00 still due, this 1 g: 4 g from 08:00 (and from 10:00)
    assert said(PRN, [REGULAR, PRN], [morning, refused, *voided], at(10, 10), "2") == []
    # without the refusal the 12:00 dose is still due: 5 g
    assert said(PRN, [REGULAR, PRN], [morning, *voided], at(10, 10), "2") != []


def test_co_codamol_and_paracetamol_count_together():
    doses = [prn_given(i, at(10, h), line_id=3) for i, h in enumerate((0, 6, 12), 1)]  # 3 g
    assert said(PRN, [PRN, CO_CODAMOL], doses, at(10, 18), "2") == []  # 4 g: the maximum
    doses.append(prn_given(4, at(10, 18)))
    assert said(PRN, [PRN, CO_CODAMOL], doses, at(10, 23), "1") == [
        "Paracetamol daily maximum: 4 g given in 24 hours (4 doses); this 0.5 g would make "
        f"4.5 g (maximum 4 g for an adult); next allowed at Thu 00:00. {STOP}"
    ]


def test_codeine_is_checked_with_its_own_maximum_from_a_combination():
    doses = [prn_given(i, at(10, h), line_id=3) for i, h in enumerate((0, 4, 8, 12), 1)]
    messages = said(CO_CODAMOL, [PRN, CO_CODAMOL], doses, at(10, 16), "2")
    assert messages[0].startswith(
        "Codeine daily maximum: 240 mg given in 24 hours (4 doses); this 60 mg would make "
        "300 mg (maximum 240 mg for an adult)"
    )
    assert messages[1].startswith("Paracetamol daily maximum: 4 g given")


def test_doses_recorded_after_the_time_checked_count_too():
    # 12:00, 16:00, 20:00 and 23:59 on record; a late entry says 10:00: 5 g from 10:00 on
    later = [prn_given(i, at(10, h, m)) for i, (h, m) in enumerate(((12, 0), (16, 0), (20, 0),
                                                                     (23, 59)), 1)]  # fmt: skip
    assert said(PRN, [PRN], later, at(10, 10), "2", now=at(11, 0)) == [
        "Paracetamol daily maximum: 4 g given in 24 hours (4 doses); this 1 g would make 5 g "
        f"(maximum 4 g for an adult); next allowed at 12:00. {STOP}"
    ]


def test_under_50_kg_the_lower_maximum_applies():
    doses = [prn_given(i, at(10, h)) for i, h in enumerate((0, 6, 12), 1)]  # 3 g
    assert said(PRN, [PRN], doses, at(10, 18), "2", weight=Decimal("45.0")) == [
        "Paracetamol daily maximum: 3 g given in 24 hours (3 doses); this 1 g would make 4 g "
        f"(maximum 3 g: weight 45 kg); next allowed at Thu 00:00. {STOP}"
    ]
    assert said(PRN, [PRN], doses, at(10, 18), "2", weight=Decimal(50)) == []  # 50 kg: adult
    assert said(PRN, [PRN], doses, at(10, 18), "2", weight=None) == []  # no weight: 4 g


def test_amounts_in_g_mg_and_micrograms_are_compared_in_one_unit():
    assert convert(Decimal(4000), "mg", "g") == Decimal(4)
    assert convert(Decimal("62.5"), "microgram", "mg") == Decimal("0.0625")
    assert convert(Decimal(1), "mcg", "microgram") == Decimal(1)
    assert convert(Decimal(5), "ml", "mg") is None
    in_grams = prn_line(
        id=4,
        medicine="Paracetamol 0.5 g tablet",
        ingredients=(IngredientAmount(1, "Paracetamol", None, Decimal("0.5"), "g"),),
    )
    doses = [prn_given(i, at(10, h), line_id=3) for i, h in enumerate((0, 6, 12), 1)]  # mg
    doses.append(prn_given(4, at(10, 18), line_id=4))  # g
    assert said(in_grams, [in_grams, CO_CODAMOL], doses, at(10, 23), "1") == [
        "Paracetamol daily maximum: 4 g given in 24 hours (4 doses); this 0.5 g would make "
        f"4.5 g (maximum 4 g for an adult); next allowed at Thu 00:00. {STOP}"
    ]
    digoxin = line(
        id=6,
        medicine="Digoxin 62.5 microgram tablet",
        timing=daily("08:00", "12:00", "16:00", "20:00"),
        ingredients=(IngredientAmount(6, "digoxin", None, Decimal("62.5"), "microgram"),),
    )
    assert said(digoxin, [digoxin], [], at(10, 8), "1", scheduled=at(10, 8)) == []  # 250
    assert said(digoxin, [digoxin], [], at(10, 8), "2", scheduled=at(10, 8)) == [
        "Digoxin daily maximum: 187.5 microgram still due on the regular chart (3 doses); "
        "this 125 microgram would make 312.5 microgram (maximum 250 microgram for an adult). "
        f"{STOP}"
    ]


def test_units_that_do_not_convert_are_not_checked():
    liquid = prn_line(
        id=7,
        medicine="Paracetamol 250 mg/5 ml suspension",
        dose_unit="ml",
        ingredients=(IngredientAmount(1, "paracetamol", None, Decimal(50), "mg/ml"),),
    )
    doses = [prn_given(i, at(10, h), "20", line_id=7) for i, h in enumerate((0, 4, 8, 12), 1)]
    assert said(liquid, [liquid], doses, at(10, 16), "20") == []
    assert checked_ingredients(liquid, KNOWLEDGE) == frozenset()


def test_an_ingredient_with_no_reference_maximum_is_not_stopped_by_this_rule():
    lactulose = line(
        id=8,
        medicine="Lactulose",
        timing=QDS,
        ingredients=(IngredientAmount(8, "lactulose", None, Decimal(670), "mg"),),
    )
    doses = [regular_given(i, at(10, h), at(10, h), "100", 8) for i, h in enumerate((8, 12), 1)]
    assert said(lactulose, [lactulose], doses, at(10, 16), "100", scheduled=at(10, 16)) == []
    unknown = prn_line(
        id=9, ingredients=(IngredientAmount(9, "unobtainium", None, Decimal(1), "g"),)
    )
    assert (
        daily_excesses(
            unknown, [unknown], [], at(10, 8), None, Decimal(50), KNOWLEDGE, None, LONDON
        )
        == []
    )


def test_the_prn_lines_own_ingredient_ceiling_is_left_to_the_daily_maximum():
    """Not said twice: with a reference maximum the old ceiling (the line's count at its top
    dose) is not checked; the line's own count still is."""
    doses = [prn_given(i, at(10, h), line_id=3) for i, h in enumerate((0, 4, 8, 12), 1)]
    checked = checked_ingredients(PRN, KNOWLEDGE)
    assert checked == frozenset({PARACETAMOL.ingredient_id})
    now = at(10, 16, 30)
    assert prn_checks(PRN, [PRN, CO_CODAMOL], doses, now, Decimal(1), LONDON, now, checked) == []
    old = prn_checks(PRN, [PRN, CO_CODAMOL], doses, now, Decimal(1), LONDON, now)
    assert [c.code for c in old] == [CheckCode.PRN_MAXIMUM]


def test_next_allowed_is_elapsed_time_across_the_clock_change():
    # 25 Oct 2026: 02:00 BST becomes 01:00 GMT. Doses at 00:00 BST (23:00 UTC) onwards.
    first = datetime.fromisoformat("2026-10-24T23:00:00+00:00")
    times = [datetime.fromisoformat(f"2026-10-25T{h}:00:00+00:00") for h in ("05", "11", "17")]
    doses = [prn_given(i, t) for i, t in enumerate([first, *times], 1)]
    when = datetime.fromisoformat("2026-10-25T20:00:00+00:00")
    # 24 elapsed hours after 23:00 UTC is 23:00 UTC = 23:00 GMT on the 25th (Sun)
    assert said(PRN, [PRN], doses, when, "2")[0].endswith(f"next allowed at 23:00. {STOP}")
