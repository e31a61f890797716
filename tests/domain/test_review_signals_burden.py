"""Signals from the chart as a whole and from how long a medicine has been taken."""

from emar.domain.review.signals import burden, duration
from tests.support.review import ctx, facts, med, prn, started


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
