"""Signals from the chart as a whole and from how long a medicine has been taken."""

from decimal import Decimal

from emar.domain.review.signals import Severity, burden, duration
from tests.support.facts import daily, resident
from tests.support.review import ctx, facts, med, mg, prn, started


def plain(n: int):
    return [med(f"plain{i}") for i in range(n)]


def test_ten_regular_medicines_is_polypharmacy_nine_is_not():
    (signal,) = burden.polypharmacy(facts(*plain(10)), ctx())
    assert signal.kind == "polypharmacy" and len(signal.chart_line_ids) == 10
    assert burden.polypharmacy(facts(*plain(9)), ctx()) == []


def test_prn_lines_do_not_count_as_regular_medicines():
    assert burden.polypharmacy(facts(*plain(9), prn("paracetamol", 500)), ctx()) == []


RISKY = ["diazepam", "zopiclone", "quetiapine", "amitriptyline", "furosemide", "codeine"]


def test_six_medicines_at_risk_is_polypharmacy_five_is_not():
    (signal,) = burden.polypharmacy(facts(*(med(n) for n in RISKY)), ctx())
    assert "6 medicines flagged" in signal.detail
    assert burden.polypharmacy(facts(*(med(n) for n in RISKY[:5])), ctx()) == []


def test_anticholinergic_burden_of_3_is_a_signal_2_is_not():
    (signal,) = burden.anticholinergic_burden(
        facts(med("risperidone"), med("furosemide"), med("diazepam")), ctx()
    )
    assert signal.title == "Anticholinergic burden 3"
    assert burden.anticholinergic_burden(facts(med("risperidone"), med("furosemide")), ctx()) == []


def test_the_same_substance_twice_counts_once_for_the_burden():
    twice = facts(med("risperidone"), med("furosemide"), prn("furosemide", id=99))
    assert burden.anticholinergic_burden(twice, ctx()) == []


def test_two_nsaids_are_a_signal_one_nsaid_regular_and_prn_is_not():
    (signal,) = burden.same_class(facts(med("ibuprofen"), med("naproxen")), ctx())
    assert signal.title == "Two NSAIDs"
    assert burden.same_class(facts(med("ibuprofen"), prn("ibuprofen", id=99)), ctx()) == []
    (three,) = burden.same_class(facts(med("ibuprofen"), med("naproxen"), med("aspirin")), ctx())
    assert three.title == "Three NSAIDs"  # found in review: "Two opioids" for three


def test_a_z_drug_counts_with_the_benzodiazepines():
    (signal,) = burden.same_class(facts(med("diazepam"), med("zopiclone")), ctx())
    assert signal.title == "Two benzodiazepines or Z-drugs"


def test_a_stopped_line_is_not_counted():
    stopped = med("naproxen", status="stopped")
    assert burden.same_class(facts(med("ibuprofen"), stopped), ctx()) == []


def test_a_hypnotic_for_4_weeks_is_a_signal_27_days_is_not():
    (signal,) = duration.hypnotic_long(facts(med("zopiclone", 3.75, **started(28))), ctx())
    assert signal.kind == "hypnotic_long"
    assert duration.hypnotic_long(facts(med("zopiclone", 3.75, **started(27))), ctx()) == []


def test_a_prn_hypnotic_is_not_a_regular_one():
    assert duration.hypnotic_long(facts(prn("diazepam", 2, **started(60))), ctx()) == []


def test_a_ppi_at_full_dose_beyond_8_weeks_is_a_signal():
    (signal,) = duration.ppi_full_dose_long(facts(med("omeprazole", 20, **started(57))), ctx())
    assert "20 mg a day" in signal.detail
    (signal,) = duration.ppi_full_dose_long(facts(med("lansoprazole", 30, **started(57))), ctx())


def test_a_ppi_below_full_dose_or_for_55_days_is_not():
    assert duration.ppi_full_dose_long(facts(med("omeprazole", 10, **started(57))), ctx()) == []
    assert duration.ppi_full_dose_long(facts(med("lansoprazole", 15, **started(90))), ctx()) == []
    assert duration.ppi_full_dose_long(facts(med("omeprazole", 20, **started(55))), ctx()) == []


def test_two_ppi_doses_a_day_make_the_daily_dose():
    from tests.support.facts import daily

    twice = med("omeprazole", 10, timing=daily("08:00", "18:00"), **started(57))
    assert len(duration.ppi_full_dose_long(facts(twice), ctx())) == 1


def co_codamol(**changes):
    """Co-codamol 8/500 PRN, 1 tablet, at most 4 in 24 hours: paracetamol 2 g a day."""
    base = {"id": 500, "medicine": "Co-codamol 8/500 tablets", "dose_max": Decimal(1),
            "ingredients": (mg("paracetamol", 500), mg("codeine", 8))}  # fmt: skip
    return prn("paracetamol", 500, **{**base, **changes})


QDS = daily("08:00", "12:00", "16:00", "20:00")


def test_paracetamol_regular_and_co_codamol_prn_at_4_g_together_is_attention_above_is_urgent():
    regular = med("paracetamol", 500, timing=QDS)  # 2 g a day
    (signal,) = burden.same_ingredient(facts(regular, co_codamol()), ctx())
    assert signal.kind == "same_ingredient" and signal.severity == Severity.ATTENTION
    assert set(signal.chart_line_ids) == {regular.id, 500}
    assert "up to 4 g a day as charted, the maximum is 4 g" in signal.detail
    (signal,) = burden.same_ingredient(facts(regular, co_codamol(prn_max_24h=5)), ctx())
    assert signal.severity == Severity.URGENT and "4.5 g" in signal.detail


def test_two_prn_lines_of_paracetamol_are_a_signal_one_line_is_not():
    (signal,) = burden.same_ingredient(facts(prn("paracetamol", 500), co_codamol()), ctx())
    assert signal.severity == Severity.URGENT  # 2 x 500 mg x 4 = 4 g, with co-codamol 6 g
    assert burden.same_ingredient(facts(co_codamol()), ctx()) == []
    assert burden.same_ingredient(facts(co_codamol(), med("amlodipine", 5)), ctx()) == []


def test_the_lower_maximum_under_50_kg_applies():
    regular = med("paracetamol", 500, timing=QDS)
    light = resident(weight_kg=Decimal(45))
    (signal,) = burden.same_ingredient(facts(regular, co_codamol(), who=light), ctx())
    assert signal.severity == Severity.URGENT and "maximum (under 50 kg) is 3 g" in signal.detail


def test_a_prn_line_without_a_24_hour_maximum_cannot_be_totalled():
    (signal,) = burden.same_ingredient(
        facts(med("paracetamol", 500), co_codamol(prn_max_24h=None)), ctx()
    )
    assert signal.severity == Severity.ATTENTION and "no maximum in 24 hours" in signal.detail
