"""The thresholds of the pharmacist's signals: each with its default, unit, meaning and source.

A home may set its own value for a key (a `signal_threshold` row); `Thresholds.of` lays those
over the defaults. Keys the home sets that no signal knows are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from emar.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Threshold:
    key: str
    default: Decimal
    unit: str
    meaning: str
    source: str


def plain(value: Decimal | None) -> str:
    """A threshold as a person reads it: 4 not 4.00, 2.5 not 2.50; "" when none."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _t(key: str, default: str, unit: str, meaning: str, source: str) -> Threshold:
    return Threshold(key, Decimal(default), unit, meaning, source)


NICE_NG5 = "NICE NG5 (medicines optimisation)"
NICE_SC1 = "NICE SC1 (managing medicines in care homes)"

DEFINITIONS: tuple[Threshold, ...] = (
    _t("refused.in_7_days", "3", "doses", "refusals of one regular line in 7 days", NICE_SC1),
    _t(
        "refused.share_of_28_days",
        "30",
        "% of days",
        "days with a refusal of one regular line, of the last 28",
        NICE_SC1,
    ),
    _t(
        "refused.share_min_days",
        "7",
        "days",
        "the line active at least this long before the share of days counts",
        NICE_SC1,
    ),
    _t(
        "refused.share_min_doses",
        "3",
        "doses",
        "refusals in the 28 days before the share of days counts",
        NICE_SC1,
    ),
    _t(
        "not_given.in_7_days",
        "3",
        "doses",
        "doses of one regular line not given for a reason other than refusal or absence, in 7 days",
        NICE_SC1,
    ),
    _t(
        "not_given.share_of_28_days",
        "30",
        "% of days",
        "days with such a dose not given, of the last 28",
        NICE_SC1,
    ),
    _t(
        "not_given.share_min_days",
        "7",
        "days",
        "the line active at least this long before the share of days counts",
        NICE_SC1,
    ),
    _t(
        "not_given.share_min_doses",
        "3",
        "doses",
        "doses not given in the 28 days before the share of days counts",
        NICE_SC1,
    ),
    _t("prn.often_days", "14", "days", "days a PRN line was given on, of the window", NICE_SC1),
    _t("prn.often_window", "21", "days", "the window PRN use is counted over", NICE_SC1),
    _t("prn.unused_days", "90", "days", "a PRN line not given for this long", NICE_SC1),
    _t(
        "never_given.days",
        "28",
        "days",
        "a regular line active and never given this long",
        NICE_SC1,
    ),
    _t("polypharmacy.regular", "10", "medicines", "regular medicines on the chart", NICE_NG5),
    _t(
        "polypharmacy.at_risk",
        "6",
        "medicines",
        "medicines flagged falls-risk, sedative, anticholinergic or high-risk",
        f"{NICE_NG5}; NHS Scotland Polypharmacy Guidance 2018",
    ),
    _t("acb.total", "3", "points", "anticholinergic burden total", "ACB scale (Boustani 2008)"),
    _t(
        "hypnotic.weeks",
        "4",
        "weeks",
        "a benzodiazepine or Z-drug beyond this",
        "STOPP/START v3 (benzodiazepines >= 4 weeks); BNF hypnotics and anxiolytics",
    ),
    _t(
        "ppi.full_dose_weeks",
        "8",
        "weeks",
        "a PPI at full dose beyond this",
        "STOPP/START v3 (PPI at full dose > 8 weeks); NICE CG184",
    ),
    _t(
        "nsaid.egfr_below",
        "30",
        "mL/min/1.73m2",
        "an NSAID with the latest eGFR below this",
        "BNF NSAIDs (avoid in severe renal impairment); STOPP/START v3 renal section",
    ),
    _t(
        "kidney.egfr_recent_days",
        "180",
        "days",
        "an eGFR older than this is called old in the kidney-and-dose signal",
        "NICE NG203 (CKD: monitor eGFR at least yearly, more often in moderate or severe CKD)",
    ),
    _t(
        "falls.risk_medicines",
        "2",
        "medicines",
        "falls-risk medicines for a resident who falls",
        "STOPPFall (2021); NICE CG161 (falls; postural hypotension)",
    ),
    _t("falls.look_back_days", "365", "days", "a fall this recent makes a faller", "NICE CG161"),
    _t(
        "antipsychotic.review_weeks",
        "12",
        "weeks",
        "an antipsychotic in dementia unchanged this long",
        "NICE NG97 1.7; STOPP/START v3",
    ),
    _t(
        "time_critical.late_in_7_days",
        "3",
        "doses",
        "time-critical doses late or missed in 7 days",
        "Parkinson's UK Get It On Time; NICE SC1",
    ),
    _t(
        "weight.low_kg",
        "50",
        "kg",
        "below this, the lower paracetamol maximum applies",
        "BNF paracetamol",
    ),
    _t("review.yearly_days", "365", "days", "a review at least this often", NICE_NG5),
)

DEFAULTS: dict[str, Threshold] = {t.key: t for t in DEFINITIONS}


@dataclass(frozen=True)
class Thresholds:
    values: Mapping[str, Decimal] = field(default_factory=dict)

    @classmethod
    def of(cls, home: Mapping[str, Decimal] | None = None) -> Thresholds:
        """The defaults with the home's own values laid over them."""
        values = {k: t.default for k, t in DEFAULTS.items()}
        for key, value in (home or {}).items():
            if key in values:
                values[key] = Decimal(value)
        return cls(values)

    def __getitem__(self, key: str) -> Decimal:
        if key in self.values:
            return self.values[key]
        return DEFAULTS[key].default

    def int(self, key: str) -> int:
        return int(self[key])


# What a home may set, by unit: the lowest and highest sensible value, and whether it counts
# whole things. Outside these a signal would never fire (a share over 100%) or always would.
RANGES: dict[str, tuple[Decimal, Decimal, bool]] = {
    "doses": (Decimal(1), Decimal(100), True),
    "% of days": (Decimal(1), Decimal(100), True),
    "days": (Decimal(1), Decimal(3650), True),
    "weeks": (Decimal(1), Decimal(520), True),
    "medicines": (Decimal(1), Decimal(50), True),
    "points": (Decimal(1), Decimal(30), True),
    "kg": (Decimal(20), Decimal(200), False),
    "mL/min/1.73m2": (Decimal(5), Decimal(120), True),
}
# pairs that must stay in order: (smaller, larger), and fixed windows a setting must fit in
ORDERED = (("prn.often_days", "prn.often_window"),)
WITHIN_28_DAYS = ("refused.share_min_days", "not_given.share_min_days")


def check_threshold(key: str, value: Decimal, current: Thresholds) -> Decimal:
    """The value a home may set for `key` (ValidationError saying why not): in its unit's
    range, whole where it counts whole things, and in order with the settings it pairs with
    (`current`: the home's thresholds now)."""
    t = DEFAULTS[key]
    low, high, whole = RANGES[t.unit]
    if whole and value != value.to_integral_value():
        raise ValidationError(f"Threshold {key}: a whole number of {t.unit}, not {value}.")
    if not low <= value <= high:
        raise ValidationError(f"Threshold {key}: {low} to {high} {t.unit}, not {value}.")
    if key in WITHIN_28_DAYS and value > 28:
        raise ValidationError(f"Threshold {key}: counted within 28 days, so at most 28.")
    for smaller, larger in ORDERED:
        if key == smaller and value > current[larger]:
            raise ValidationError(
                f"Threshold {key}: at most {larger} ({current[larger]}), else it never fires."
            )
        if key == larger and value < current[smaller]:
            raise ValidationError(
                f"Threshold {key}: at least {smaller} ({current[smaller]}), else the other "
                "never fires."
            )
    return value
