"""The demo home's residents and their charts, as their GP's letters would give them: data only.
Everyone is fictional; `emar.demo.build` admits them and writes their charts through the
services, so the rules that hold for real residents hold for these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DemoLine:
    """A chart line: a regular line has clock times, a PRN line what it is for (every demo PRN
    line is at most 4-hourly and 4 doses in 24 hours), a patch its hours between changes."""

    medicine: str  # the catalogue key (emar.demo.data.CATALOGUE)
    dose: str
    dose_max: str | None = None  # a range from `dose` up to this
    times: str | None = None  # local clock times, "08:00,20:00"
    weekdays: str | None = None  # ISO day numbers, with `times`
    every_n_hours: int | None = None
    prn: str | None = None  # the indication
    directions: str | None = None
    dose_choice: str | None = None  # how to choose within the range
    course_days: int | None = None  # a short course, started three days ago
    started_days_ago: int | None = None  # started before the demo chart (a line of long use)
    # the generated MAR history for this line, where it differs from the home's usual rates
    refuse_rate: float | None = None  # share of doses refused
    prn_per_day: float | None = None  # PRN doses a day on average (0: never used)

    @property
    def timing(self) -> str:
        if self.prn:
            return "prn"
        if self.every_n_hours:
            return "every_n_hours"
        return "weekdays" if self.weekdays else "times_of_day"


@dataclass(frozen=True)
class DemoResident:
    given: str
    family: str
    born: date
    unit: int  # index into emar.demo.data.UNIT_NAMES
    chart: tuple[DemoLine, ...]
    preferred: str | None = None
    allergies: tuple[tuple[str, str], ...] = ()  # substance, reaction; none: no known allergies
    medicine_preferences: str | None = None
    swallowing_needs: str | None = None
    covert_details: str | None = None  # covert administration authorised: how it was decided
    covert_review_days: int | None = None  # ... and when it is reviewed, from today
    in_hospital: tuple[int, str] | None = None  # admitted this many days ago; the note
    # the health facts the pharmacist's signals read (emar.domain.review.facts' keys)
    conditions: tuple[str, ...] = ()
    observations: tuple[tuple[str, str | None, int], ...] = ()  # kind, value, days ago
    monitoring: tuple[tuple[str, int, str], ...] = ()  # kind, every n days, the line's medicine


SENNA = DemoLine(
    "senna", "1", dose_max="2", times="22:00", dose_choice="2 if no bowel movement for 2 days"
)
PARACETAMOL_PRN = DemoLine(
    "paracetamol", "1", dose_max="2", prn="Pain or fever", dose_choice="2 for moderate pain"
)
RESIDENTS = (
    DemoResident(
        "Mary",
        "Jones",
        date(1938, 4, 12),
        unit=0,
        allergies=(("Penicillin", "rash"),),
        chart=(
            DemoLine("amlodipine", "1", times="08:00"),
            DemoLine("atorvastatin", "1", times="22:00"),
            PARACETAMOL_PRN,
        ),
        medicine_preferences="Tablets one at a time with water",
    ),
    DemoResident(
        "John",
        "Smith",
        date(1935, 9, 3),
        unit=0,
        preferred="Jack",
        chart=(
            DemoLine(
                "cocareldopa",
                "1",
                times="07:00,11:00,15:00,19:00",
                directions="Time-critical: give on time (Parkinson's)",
            ),
            DemoLine("donepezil", "1", times="22:00"),
            SENNA,
        ),
        swallowing_needs="Soft diet; tablets whole with yoghurt",
    ),
    DemoResident(
        "Edith",
        "Baker",
        date(1931, 1, 27),
        unit=0,
        allergies=(("Aspirin", "wheeze"),),
        chart=(
            DemoLine(
                "warfarin",
                "2",
                dose_max="4",
                times="18:00",
                directions="Dose as per INR record book",
                dose_choice="As the anticoagulant clinic's latest INR letter",
            ),
            DemoLine("furosemide", "1", times="08:00", directions="In the morning"),
            DemoLine("lansoprazole", "1", times="07:30", directions="30 minutes before breakfast"),
        ),
        conditions=("atrial_fibrillation",),
        # INR every 28 days (the anticoagulation clinic); the last result is six weeks old
        observations=(("inr", "2.6", 42),),
        monitoring=(("inr", 28, "warfarin"),),
    ),
    DemoResident(
        "Arthur",
        "Price",
        date(1940, 6, 30),
        unit=0,
        chart=(
            DemoLine(
                "fentanyl", "1", every_n_hours=72, directions="Remove old patch; rotate sites"
            ),
            DemoLine(
                "oxycodone",
                "2.5",
                dose_max="5",
                prn="Breakthrough pain",
                dose_choice="Start with 2.5 ml; 5 ml if pain score 7 or more",
            ),
            DemoLine("cocodamol", "1", dose_max="2", prn="Mild to moderate pain"),
            PARACETAMOL_PRN,
        ),
    ),
    DemoResident(
        "Winifred",
        "Hall",
        date(1929, 11, 8),
        unit=0,
        preferred="Winnie",
        allergies=(("Codeine", "vomiting"),),
        chart=(
            DemoLine("beclometasone", "2", times="08:00,20:00", directions="Rinse mouth after use"),
            DemoLine("salbutamol", "2", prn="Wheeze or breathlessness"),
        ),
    ),
    DemoResident(
        "George",
        "Evans",
        date(1936, 3, 15),
        unit=0,
        chart=(
            DemoLine("latanoprost", "1", times="20:00", directions="One drop in each eye at night"),
            DemoLine("metformin", "1", times="08:00,18:00", directions="With food"),
        ),
    ),
    DemoResident(
        "Doris",
        "Wright",
        date(1933, 7, 19),
        unit=0,
        chart=(
            DemoLine(
                "levetiracetam",
                "5",
                times="08:00,20:00",
                directions="Given covertly in yoghurt per best-interests plan",
            ),
            DemoLine(
                "emollient", "1", times="08:00,20:00", directions="Apply thinly to dry skin on legs"
            ),
        ),
        covert_details=(
            "MCA assessment 2026-09-01; best-interests meeting with GP, pharmacist and daughter"
        ),
        covert_review_days=90,
    ),
    DemoResident(
        "Harold",
        "Green",
        date(1937, 2, 2),
        unit=0,
        preferred="Harry",
        chart=(
            DemoLine(
                "alendronic",
                "1",
                times="07:00",
                weekdays="1",
                directions="Monday: 30 min before food, sit upright",
            ),
            DemoLine(
                "adcal",
                "1",
                times="12:00,18:00",
                directions="Chew; not within 4 hours of alendronic acid",
            ),
        ),
    ),
    DemoResident(
        "Margaret",
        "Clarke",
        date(1930, 12, 24),
        unit=0,
        preferred="Peggy",
        allergies=(("Penicillin", "anaphylaxis"),),
        chart=(DemoLine("sertraline", "1", times="08:00"), SENNA),
    ),
    DemoResident(
        "Albert",
        "Turner",
        date(1934, 5, 5),
        unit=0,
        chart=(
            DemoLine(
                "amoxicillin",
                "1",
                times="08:00,14:00,22:00",
                directions="Chest infection: complete the course",
                course_days=7,
            ),
            DemoLine("ramipril", "1", times="08:00"),
        ),
    ),
    DemoResident(
        "Ivy",
        "Robinson",
        date(1932, 8, 14),
        unit=1,
        chart=(
            DemoLine("amlodipine", "1", times="08:00"),
            DemoLine("lactulose", "15", times="08:00,18:00"),
        ),
    ),
    DemoResident(
        "Frank",
        "Walker",
        date(1939, 10, 1),
        unit=1,
        allergies=(("Latex", "contact dermatitis"),),
        chart=(
            DemoLine(
                "cocareldopa",
                "1",
                times="06:00,10:00,14:00,18:00,22:00",
                directions="Time-critical: give on time (Parkinson's)",
            ),
        ),
    ),
    DemoResident(
        "Elsie",
        "White",
        date(1928, 3, 9),
        unit=1,
        chart=(
            DemoLine("furosemide", "1", times="08:00"),
            DemoLine("ramipril", "1", times="08:00"),
            PARACETAMOL_PRN,
        ),
        in_hospital=(2, "Admitted with a fall; ward 7"),
    ),
    DemoResident(
        "Stanley",
        "Harris",
        date(1936, 11, 11),
        unit=1,
        preferred="Stan",
        chart=(
            DemoLine("atorvastatin", "1", times="22:00"),
            DemoLine("metformin", "1", times="08:00,18:00", directions="With food"),
        ),
    ),
    DemoResident(
        "Violet",
        "Martin",
        date(1931, 4, 4),
        unit=1,
        allergies=(("Ibuprofen", "gastric bleed"),),
        chart=(
            DemoLine("donepezil", "1", times="22:00"),
            DemoLine("sertraline", "1", times="08:00"),
        ),
    ),
    DemoResident(
        "Leonard",
        "Thompson",
        date(1935, 1, 20),
        unit=1,
        preferred="Len",
        chart=(
            DemoLine("beclometasone", "2", times="08:00,20:00"),
            DemoLine("salbutamol", "2", prn="Wheeze"),
        ),
    ),
    DemoResident(
        "Gladys",
        "Moore",
        date(1927, 6, 6),
        unit=1,
        chart=(
            DemoLine("emollient", "1", times="08:00,20:00", directions="Apply to both arms"),
            DemoLine("lansoprazole", "1", times="07:30"),
            SENNA,
        ),
    ),
    DemoResident(
        "Walter",
        "Jackson",
        date(1938, 9, 29),
        unit=1,
        chart=(
            DemoLine("latanoprost", "1", times="20:00"),
            DemoLine("amlodipine", "1", times="08:00"),
            PARACETAMOL_PRN,
        ),
    ),
    DemoResident(
        "Florence",
        "Lee",
        date(1933, 2, 17),
        unit=1,
        preferred="Flo",
        allergies=(("Sulfonamides", "rash"),),
        chart=(
            DemoLine(
                "warfarin",
                "1",
                dose_max="3",
                times="18:00",
                directions="Dose as per INR record book",
            ),
            DemoLine("adcal", "1", times="12:00"),
        ),
    ),
    DemoResident(
        "Ernest",
        "King",
        date(1930, 7, 7),
        unit=1,
        preferred="Ernie",
        chart=(
            DemoLine("metformin", "1", times="08:00,18:00"),
            # regular paracetamol and PRN co-codamol share paracetamol: 2 g a day regular
            # leaves room for two PRN doses (1 g each) under the 4 g daily maximum
            DemoLine("paracetamol", "2", times="08:00,20:00"),
            DemoLine("cocodamol", "2", prn="Back pain"),
        ),
    ),
    # Added for the pharmacist's review (issue 17): each shows several of the signals.
    DemoResident(
        "Reginald",
        "Bennett",
        date(1932, 10, 21),
        unit=1,
        preferred="Reg",
        # twelve regular medicines, most for years; a faller on a benzodiazepine and a
        # tricyclic (ACB 4), naproxen with apixaban and poor kidneys, lansoprazole at full dose
        chart=(
            DemoLine("apixaban", "1", times="08:00,20:00", started_days_ago=300),
            DemoLine(
                "naproxen",
                "1",
                times="08:00,18:00",
                directions="With food (knee pain)",
                started_days_ago=120,
            ),
            DemoLine("diazepam", "1", times="22:00", started_days_ago=42),
            DemoLine("amitriptyline", "1", times="22:00", started_days_ago=200),
            DemoLine(
                "lansoprazole",
                "2",
                times="07:30",
                directions="30 minutes before breakfast",
                started_days_ago=300,
            ),
            DemoLine(
                "latanoprost",
                "1",
                times="20:00",
                directions="One drop in each eye at night",
                started_days_ago=300,
            ),
            DemoLine("ramipril", "1", times="08:00", started_days_ago=300),
            DemoLine("furosemide", "1", times="08:00", started_days_ago=300),
            DemoLine("atorvastatin", "1", times="22:00", started_days_ago=300),
            DemoLine(
                "metformin", "1", times="08:00,18:00", directions="With food", started_days_ago=300
            ),
            DemoLine("adcal", "1", times="12:00,18:00", started_days_ago=200),
            DemoLine(
                "senna",
                "1",
                dose_max="2",
                times="22:00",
                dose_choice="2 if no bowel movement for 2 days",
                started_days_ago=200,
            ),
        ),
        conditions=("falls", "ckd", "atrial_fibrillation", "diabetes"),
        observations=(("fall", None, 60), ("fall", None, 33), ("egfr", "27", 40)),
    ),
    DemoResident(
        "Beatrice",
        "Shelton",
        date(1929, 5, 2),
        unit=1,
        preferred="Bea",
        # dementia with risperidone unchanged for five months; cannot swallow tablets; under
        # 50 kg on 4 g of paracetamol a day; refuses her donepezil; lactulose never needed
        chart=(
            DemoLine("risperidone", "1", times="20:00", started_days_ago=150),
            DemoLine(
                "paracetamol",
                "2",
                times="08:00,12:00,16:00,20:00",
                directions="Regular for arthritis pain",
                started_days_ago=150,
            ),
            DemoLine("donepezil", "1", times="08:00", started_days_ago=150, refuse_rate=0.7),
            DemoLine("lactulose", "15", prn="Constipation", started_days_ago=120, prn_per_day=0),
        ),
        swallowing_needs="Thickened fluids; coughs on tablets",
        conditions=("dementia", "dysphagia"),
        observations=(("weight", "46.8", 10),),
    ),
)
