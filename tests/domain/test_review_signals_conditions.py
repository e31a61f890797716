"""Signals from a medicine and the resident's own facts."""

from datetime import timedelta
from decimal import Decimal

from emar.domain.review.signals import LineExtra, Observation, Severity, conditions
from tests.support.facts import daily, resident
from tests.support.review import NOW, ctx, facts, med, started

IBU = med("ibuprofen", 400)


def test_an_nsaid_with_an_anticoagulant_is_urgent():
    (signal,) = conditions.nsaid_anticoagulant(facts(IBU, med("warfarin")), ctx())
    assert signal.severity == Severity.URGENT
    assert set(signal.chart_line_ids) == {IBU.id, med("warfarin").id}


def test_a_topical_nsaid_or_low_dose_aspirin_with_an_anticoagulant_is_not_this_signal():
    gel = med("ibuprofen", 5, route="topical")
    assert conditions.nsaid_anticoagulant(facts(gel, med("apixaban")), ctx()) == []
    assert conditions.nsaid_anticoagulant(facts(med("aspirin", 75), med("apixaban")), ctx()) == []


def egfr(value: str, oid: int = 5) -> Observation:
    return Observation(oid, "egfr", Decimal(value), NOW - timedelta(days=10))


def test_an_nsaid_with_egfr_below_30_is_a_signal_30_is_not():
    (signal,) = conditions.nsaid_kidney(facts(IBU, observations=(egfr("29"),)), ctx())
    assert signal.evidence == (("observation", 5),)
    assert conditions.nsaid_kidney(facts(IBU, observations=(egfr("30"),)), ctx()) == []


def test_the_latest_egfr_counts():
    older = Observation(4, "egfr", Decimal(25), NOW - timedelta(days=100))
    assert conditions.nsaid_kidney(facts(IBU, observations=(older, egfr("45"))), ctx()) == []


def test_an_nsaid_with_chronic_kidney_disease_is_a_signal():
    (signal,) = conditions.nsaid_kidney(facts(IBU, conditions={"ckd": 8}), ctx())
    assert signal.evidence == (("condition", 8),)
    assert conditions.nsaid_kidney(facts(med("amlodipine"), conditions={"ckd": 8}), ctx()) == []


def fall(days_ago: int, oid: int = 11) -> Observation:
    return Observation(oid, "fall", None, NOW - timedelta(days=days_ago))


def test_two_falls_risk_medicines_for_a_faller_is_a_signal_one_is_not():
    two = (med("diazepam"), med("furosemide"))
    (signal,) = conditions.falls_risk_faller(facts(*two, conditions={"falls": 3}), ctx())
    assert signal.evidence == (("condition", 3),)
    assert conditions.falls_risk_faller(facts(two[0], conditions={"falls": 3}), ctx()) == []
    assert conditions.falls_risk_faller(facts(*two), ctx()) == []  # not a faller


def test_a_fall_within_12_months_makes_a_faller_one_older_does_not():
    two = (med("diazepam"), med("furosemide"))
    (signal,) = conditions.falls_risk_faller(facts(*two, observations=(fall(364),)), ctx())
    assert signal.evidence == (("observation", 11),)
    assert signal.detail.startswith("1 fall recorded in 12 months")
    assert conditions.falls_risk_faller(facts(*two, observations=(fall(366),)), ctx()) == []


def test_the_falls_source_names_the_reasons_the_medicines_are_flagged():
    stopp = (med("temazepam", 10), med("bendroflumethiazide", 2.5))
    (signal,) = conditions.falls_risk_faller(facts(*stopp, conditions={"falls": 3}), ctx())
    assert signal.source.startswith("STOPPFall")
    assert "postural hypotension" not in signal.source
    mixed = (med("temazepam", 10), med("ramipril", 5))
    (signal,) = conditions.falls_risk_faller(facts(*mixed, conditions={"falls": 3}), ctx())
    assert "STOPPFall" in signal.source
    assert "NICE CG161 (medicines causing postural hypotension)" in signal.source
    hypotension = (med("ramipril", 5), med("gabapentin", 300))  # gabapentin: no basis given
    (signal,) = conditions.falls_risk_faller(facts(*hypotension, conditions={"falls": 3}), ctx())
    assert "STOPPFall" not in signal.source and "postural hypotension" in signal.source


QUET = med("quetiapine", 25)


def test_an_antipsychotic_in_dementia_unchanged_for_12_weeks_is_a_signal():
    old = {QUET.id: LineExtra(changed_at=NOW - timedelta(weeks=12, days=1))}
    (signal,) = conditions.antipsychotic_dementia(
        facts(QUET, conditions={"dementia": 2}, extras=old), ctx()
    )
    assert ("condition", 2) in signal.evidence


def test_an_antipsychotic_changed_within_12_weeks_or_without_dementia_is_not():
    recent = {QUET.id: LineExtra(changed_at=NOW - timedelta(weeks=11, days=6))}
    assert (
        conditions.antipsychotic_dementia(
            facts(QUET, conditions={"dementia": 2}, extras=recent), ctx()
        )
        == []
    )
    assert conditions.antipsychotic_dementia(facts(QUET), ctx()) == []


def test_tablets_for_a_resident_with_dysphagia_is_a_signal_liquids_and_dispersibles_are_not():
    tablet = med("amlodipine", 5)
    liquid = med("paracetamol", 50, medicine="Paracetamol 250 mg/5 ml oral suspension")
    soluble = med("aspirin", 75, medicine="Aspirin 75 mg dispersible tablets")
    (signal,) = conditions.solid_forms_dysphagia(
        facts(tablet, liquid, soluble, conditions={"dysphagia": 4}), ctx()
    )
    assert signal.chart_line_ids == (tablet.id,)
    assert conditions.solid_forms_dysphagia(facts(tablet), ctx()) == []
    assert (
        conditions.solid_forms_dysphagia(facts(liquid, soluble, conditions={"dysphagia": 4}), ctx())
        == []
    )


FOUR_GRAMS = med("paracetamol", 500, dose_max=Decimal(2), timing=daily("08", "12", "16", "22"))


def test_paracetamol_4g_a_day_under_50kg_is_urgent_at_50kg_it_is_not():
    light = facts(FOUR_GRAMS, who=resident(weight_kg=Decimal("49.9")))
    (signal,) = conditions.paracetamol_low_weight(light, ctx())
    assert signal.severity == Severity.URGENT and "4000 mg" in signal.detail
    fifty = facts(FOUR_GRAMS, who=resident(weight_kg=Decimal(50)))
    assert conditions.paracetamol_low_weight(fifty, ctx()) == []


def test_paracetamol_3g_a_day_under_50kg_is_not_and_the_latest_weight_counts():
    three = med("paracetamol", 500, dose_max=Decimal(2), timing=daily("08", "14", "20"))
    assert (
        conditions.paracetamol_low_weight(facts(three, who=resident(weight_kg=Decimal(45))), ctx())
        == []
    )
    weighed = Observation(21, "weight", Decimal("48.5"), NOW - timedelta(days=2))
    (signal,) = conditions.paracetamol_low_weight(
        facts(FOUR_GRAMS, who=resident(weight_kg=Decimal(60)), observations=(weighed,)), ctx()
    )
    assert ("observation", 21) in signal.evidence


def test_no_weight_recorded_is_no_signal():
    assert conditions.paracetamol_low_weight(facts(FOUR_GRAMS), ctx()) == []


def test_a_stopped_nsaid_is_not_counted():
    stopped = med("ibuprofen", 400, **started(30, status="stopped"))
    assert conditions.nsaid_anticoagulant(facts(stopped, med("warfarin")), ctx()) == []


RAMIPRIL = med("ramipril", 5)
BENDRO = med("bendroflumethiazide", 2.5)


def test_an_nsaid_with_an_ace_inhibitor_and_a_diuretic_is_urgent_two_of_three_is_not():
    (signal,) = conditions.triple_whammy(facts(IBU, RAMIPRIL, BENDRO), ctx())
    assert signal.kind == "triple_whammy" and signal.severity == Severity.URGENT
    assert set(signal.chart_line_ids) == {IBU.id, RAMIPRIL.id, BENDRO.id}
    assert "already reduced" not in signal.detail
    assert conditions.triple_whammy(facts(IBU, RAMIPRIL), ctx()) == []
    assert conditions.triple_whammy(facts(IBU, BENDRO), ctx()) == []
    assert conditions.triple_whammy(facts(RAMIPRIL, BENDRO), ctx()) == []


def test_an_arb_counts_like_an_ace_inhibitor_and_a_topical_nsaid_does_not_count():
    losartan = med("losartan", 50)
    assert len(conditions.triple_whammy(facts(IBU, losartan, med("furosemide", 40)), ctx())) == 1
    gel = med("ibuprofen", 5, route="topical")
    assert conditions.triple_whammy(facts(gel, losartan, BENDRO), ctx()) == []


def test_the_triple_whammy_says_when_kidney_function_is_already_reduced():
    three = (IBU, RAMIPRIL, BENDRO)
    (signal,) = conditions.triple_whammy(facts(*three, observations=(egfr("29"),)), ctx())
    assert "already reduced (eGFR 29" in signal.detail and ("observation", 5) in signal.evidence
    (signal,) = conditions.triple_whammy(facts(*three, observations=(egfr("30"),)), ctx())
    assert "already reduced" not in signal.detail


METFORMIN = med("metformin", 500)


def egfr_on(value: str, days_ago: int) -> Observation:
    return Observation(6, "egfr", Decimal(value), NOW - timedelta(days=days_ago))


def test_metformin_below_egfr_30_is_urgent_to_avoid_at_30_a_dose_review():
    (signal,) = conditions.kidney_dose(facts(METFORMIN, observations=(egfr("29"),)), ctx())
    assert signal.kind == "kidney_dose" and signal.severity == Severity.URGENT
    assert "avoid" in signal.title
    assert signal.evidence == (("observation", 5), ("chart_line", METFORMIN.id))
    assert "BNF metformin" in signal.source
    (signal,) = conditions.kidney_dose(facts(METFORMIN, observations=(egfr("30"),)), ctx())
    assert signal.severity == Severity.ATTENTION and "review dose" in signal.title
    (signal,) = conditions.kidney_dose(facts(METFORMIN, observations=(egfr("44"),)), ctx())
    assert conditions.kidney_dose(facts(METFORMIN, observations=(egfr("45"),)), ctx()) == []


def test_nitrofurantoin_below_45_is_a_signal_45_is_not_and_no_egfr_is_none():
    nitro = med("nitrofurantoin", 50)
    (signal,) = conditions.kidney_dose(facts(nitro, observations=(egfr("44"),)), ctx())
    assert signal.severity == Severity.URGENT
    assert conditions.kidney_dose(facts(nitro, observations=(egfr("45"),)), ctx()) == []
    assert conditions.kidney_dose(facts(nitro), ctx()) == []


def test_kidney_dose_reads_the_latest_egfr_and_leaves_nsaids_to_their_own_signal():
    older = Observation(4, "egfr", Decimal(25), NOW - timedelta(days=100))
    assert conditions.kidney_dose(facts(METFORMIN, observations=(older, egfr("50"))), ctx()) == []
    assert conditions.kidney_dose(facts(IBU, observations=(egfr("20"),)), ctx()) == []


def test_kidney_dose_says_how_old_the_result_is_and_calls_it_old_after_180_days():
    (signal,) = conditions.kidney_dose(facts(METFORMIN, observations=(egfr_on("27", 40),)), ctx())
    assert "(40 days ago)" in signal.detail and "old result" not in signal.detail
    (signal,) = conditions.kidney_dose(facts(METFORMIN, observations=(egfr_on("27", 180),)), ctx())
    assert "old result" not in signal.detail
    (signal,) = conditions.kidney_dose(facts(METFORMIN, observations=(egfr_on("27", 181),)), ctx())
    assert "(181 days ago): an old result, ask for a new one" in signal.detail
