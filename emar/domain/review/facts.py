"""The vocabulary of a resident's health facts (emar.models.resident_facts): the conditions that
matter to medicines, the kinds of dated observation with their unit and a plausible range, and
the monitoring a high-risk medicine needs (which observation satisfies it, and how often).

An observation withdrawn as entered in error is kept: the row superseding it has the kind
`ENTERED_IN_ERROR` (no value), so anything counting falls or reading the latest INR never
mistakes it for a real one. Pure: no database, no clock."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from emar.domain.weight import weight_kg
from emar.errors import ValidationError

CONDITIONS: dict[str, str] = {
    "dementia": "dementia",
    "parkinsons": "Parkinson's disease",
    "falls": "history of falls",
    "ckd": "chronic kidney disease",
    "dysphagia": "swallowing difficulty (cannot swallow solid oral forms)",
    "epilepsy": "epilepsy",
    "diabetes": "diabetes",
    "heart_failure": "heart failure",
    "atrial_fibrillation": "atrial fibrillation",
    "depression": "depression",
    "psychosis": "psychosis",
    "delirium": "delirium (recent)",
    "stroke": "stroke or TIA",
    "hypertension": "high blood pressure",
    "liver_disease": "liver disease",
    "asthma": "asthma",
    "copd": "COPD",
    "peptic_ulcer": "peptic ulcer or stomach bleed",
    "constipation": "chronic constipation",
    "urinary_retention": "urinary retention",
    "glaucoma": "glaucoma (narrow angle)",
    "osteoporosis": "osteoporosis",
}


@dataclass(frozen=True)
class ObservationKind:
    key: str
    label: str
    unit: str | None  # None: an event (a fall, bloods taken): no value
    low: Decimal | None = None
    high: Decimal | None = None
    places: int = 1  # decimal places kept

    @property
    def is_event(self) -> bool:
        return self.unit is None


def _kind(key: str, label: str, unit: str | None, low: str = "0", high: str = "0", places: int = 1):
    if unit is None:
        return ObservationKind(key, label, None)
    return ObservationKind(key, label, unit, Decimal(low), Decimal(high), places)


OBSERVATIONS: dict[str, ObservationKind] = {
    k.key: k
    for k in (
        _kind("weight", "weight", "kg", "20", "300"),
        _kind("egfr", "eGFR (kidney function)", "mL/min/1.73m2", "1", "200", 0),
        _kind("creatinine", "serum creatinine", "µmol/L", "10", "2000", 0),
        _kind("inr", "INR", "", "0.5", "15"),
        _kind("lithium", "lithium level", "mmol/L", "0.05", "5", 2),
        _kind("potassium", "potassium", "mmol/L", "1.5", "10"),
        _kind("sodium", "sodium", "mmol/L", "100", "180", 0),
        _kind("blood_glucose", "blood glucose", "mmol/L", "1", "40"),
        _kind("hba1c", "HbA1c", "mmol/mol", "20", "200", 0),
        _kind("pulse", "pulse", "beats/min", "20", "250", 0),
        _kind("digoxin", "digoxin level", "µg/L", "0.1", "10", 2),
        _kind("methotrexate_bloods", "methotrexate blood tests done", None),
        _kind("fall", "fall", None),
    )
}
ENTERED_IN_ERROR = "entered-in-error"  # the kind of the row withdrawing an observation

# The monitoring a plan asks for: the observation kind that satisfies it -> its usual interval
# in days (a plan may set its own: the prescriber's or the anticoagulation clinic's).
MONITORING: dict[str, int] = {
    "inr": 28,
    "lithium": 90,
    "methotrexate_bloods": 90,
    "egfr": 365,
    "creatinine": 365,
    "potassium": 180,
    "sodium": 180,
    "hba1c": 180,
    "digoxin": 365,
    "weight": 30,
}
LONGEST_INTERVAL = 730


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]  # "eGFR..." -> "EGFR...", "INR" stays "INR"


def condition_label(key: str) -> str:
    return CONDITIONS.get(key, key.replace("_", " "))


def observation_label(key: str) -> str:
    kind = OBSERVATIONS.get(key)
    return kind.label if kind else key.replace("_", " ")


def condition_key(key: str) -> str:
    """A known condition's key, or ValidationError naming the known ones."""
    key = (key or "").strip()
    if key not in CONDITIONS:
        raise ValidationError(
            f"Condition {key!r} is not one eMAR knows: one of {', '.join(sorted(CONDITIONS))}."
        )
    return key


def observation_kind(key: str) -> ObservationKind:
    found = OBSERVATIONS.get((key or "").strip())
    if found is None:
        raise ValidationError(
            f"Observation {key!r} is not one eMAR knows: one of {', '.join(OBSERVATIONS)}."
        )
    return found


def parse_value(key: str, value: str | Decimal | float | None) -> Decimal | None:
    """The value typed for an observation of kind `key`, checked against its plausible range
    and rounded to the places kept; None for an event. ValidationError with a plain message."""
    kind = observation_kind(key)
    given = value is not None and not (isinstance(value, str) and not value.strip())
    if kind.is_event:
        if given:
            raise ValidationError(f"A {kind.label} is recorded without a value.")
        return None
    if not given:
        raise ValidationError(f"{_first_up(kind.label)}: the value ({kind.unit}) is needed.")
    if key == "weight":
        return weight_kg(value)
    text = str(value).strip()
    if kind.unit:
        text = text.removesuffix(kind.unit).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{_first_up(kind.label)}: {str(value)!r} is not a number.") from None
    assert kind.low is not None and kind.high is not None
    unit = f" {kind.unit}" if kind.unit else ""
    if not number.is_finite() or not kind.low <= number <= kind.high:
        raise ValidationError(
            f"{_first_up(kind.label)}: {text}{unit} is not a likely value "
            f"({kind.low}-{kind.high}{unit}): please check it."
        )
    return number.quantize(Decimal(1).scaleb(-kind.places), rounding=ROUND_HALF_UP)


def shown_value(key: str, value: Decimal | None) -> str:
    """The value as the kind is written: "38" (eGFR), "2.5" (INR), "0.62" (lithium); "" for
    none."""
    if value is None:
        return ""
    kind = OBSERVATIONS.get(key)
    places = kind.places if kind else 2
    return f"{Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"


def monitoring_interval(key: str, every_days: int | str | None) -> int:
    """A plan's interval in days: as given (1-730), or the usual one for its kind."""
    if key not in MONITORING:
        raise ValidationError(
            f"Monitoring {key!r} is not one eMAR knows: one of {', '.join(MONITORING)}."
        )
    if every_days is None or (isinstance(every_days, str) and not every_days.strip()):
        return MONITORING[key]
    try:
        days = int(str(every_days).strip())
    except ValueError:
        raise ValidationError(
            f"Every how many days: {every_days!r} is not a whole number."
        ) from None
    if not 1 <= days <= LONGEST_INTERVAL:
        raise ValidationError(f"Every how many days: 1 to {LONGEST_INTERVAL}, not {days}.")
    return days
