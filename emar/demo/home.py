"""The demo care home: residents, catalogue, charts and staff for trying eMAR and for tests.

Everything is fictional. NHS numbers are in the 999 range the NHS reserves for testing; GTINs are
synthetic (prefix 5099999) with valid check digits.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.demo.history import generate_history
from emar.domain.synthetic_ids import fake_gtin, fake_nhs_number
from emar.errors import ValidationError
from emar.models import (
    Absence,
    Allergy,
    ChartLine,
    ChartLineEvent,
    Ingredient,
    Medicine,
    MedicineGtin,
    MedicineIngredient,
    Resident,
    StockMovement,
)
from emar.services.audit import record_event
from emar.services.home import add_unit, create_home, get_home, has_home, list_units
from emar.services.residents.reading import count_residents
from emar.services.staff.accounts import add_staff, list_staff

# username, full name, role, password, PIN, badge
DEMO_STAFF = [
    ("amy", "Amy Carter", "carer", "amy-demo-2026", "4826", "B1001"),
    ("ben", "Ben Osei", "senior_carer", "ben-demo-2026", "3917", "B1002"),
    ("nina", "Nina Patel", "nurse", "nina-demo-2026", "5273", "B1003"),
    ("mark", "Mark Hughes", "manager", "mark-demo-2026", "6048", "B1004"),
    ("phil", "Philippa Grant", "pharmacist", "phil-demo-2026", "7391", "B1005"),
    ("sam", "Sam Admin", "administrator", "sam-demo-2026", "8154", "B1006"),
]


@dataclass(frozen=True)
class DemoMedicine:
    key: str
    name: str
    form: str
    strength: str | None
    route: str
    unit: str
    ingredients: tuple[tuple[str, str, str, str | None], ...]  # name, amount, unit, allergen group
    cd: int | None = None
    time_critical: bool = False
    high_risk: bool = False


CATALOGUE = [
    DemoMedicine(
        "amlodipine",
        "Amlodipine",
        "tablets",
        "5 mg",
        "oral",
        "tablet",
        (("amlodipine", "5", "mg", None),),
    ),
    DemoMedicine(
        "ramipril",
        "Ramipril",
        "capsules",
        "2.5 mg",
        "oral",
        "capsule",
        (("ramipril", "2.5", "mg", "ACE inhibitors"),),
    ),
    DemoMedicine(
        "metformin",
        "Metformin",
        "tablets",
        "500 mg",
        "oral",
        "tablet",
        (("metformin", "500", "mg", None),),
    ),
    DemoMedicine(
        "atorvastatin",
        "Atorvastatin",
        "tablets",
        "20 mg",
        "oral",
        "tablet",
        (("atorvastatin", "20", "mg", "statins"),),
    ),
    DemoMedicine(
        "cocareldopa",
        "Co-careldopa",
        "tablets",
        "25 mg/100 mg",
        "oral",
        "tablet",
        (("levodopa", "100", "mg", None), ("carbidopa", "25", "mg", None)),
        time_critical=True,
    ),
    DemoMedicine(
        "warfarin",
        "Warfarin",
        "tablets",
        "1 mg",
        "oral",
        "tablet",
        (("warfarin", "1", "mg", None),),
        high_risk=True,
    ),
    DemoMedicine(
        "fentanyl",
        "Fentanyl",
        "transdermal patch",
        "12 micrograms/hour",
        "transdermal",
        "patch",
        (("fentanyl", "12", "mcg/h", "opioids"),),
        cd=2,
        high_risk=True,
    ),
    DemoMedicine(
        "paracetamol",
        "Paracetamol",
        "tablets",
        "500 mg",
        "oral",
        "tablet",
        (("paracetamol", "500", "mg", None),),
    ),
    DemoMedicine(
        "cocodamol",
        "Co-codamol",
        "tablets",
        "30 mg/500 mg",
        "oral",
        "tablet",
        (("codeine", "30", "mg", "opioids"), ("paracetamol", "500", "mg", None)),
        cd=5,
    ),
    DemoMedicine(
        "oxycodone",
        "Oxycodone",
        "oral solution",
        "5 mg/5 ml",
        "oral",
        "ml",
        (("oxycodone", "1", "mg", "opioids"),),
        cd=2,
        high_risk=True,
    ),
    DemoMedicine(
        "salbutamol",
        "Salbutamol",
        "inhaler",
        "100 micrograms/dose",
        "inhaled",
        "puff",
        (("salbutamol", "100", "mcg", None),),
    ),
    DemoMedicine(
        "beclometasone",
        "Beclometasone",
        "inhaler",
        "100 micrograms/dose",
        "inhaled",
        "puff",
        (("beclometasone", "100", "mcg", "corticosteroids"),),
    ),
    DemoMedicine(
        "latanoprost",
        "Latanoprost",
        "eye drops",
        "50 micrograms/ml",
        "eye (both)",
        "drop",
        (("latanoprost", "1.5", "mcg", None),),
    ),
    DemoMedicine(
        "emollient",
        "Diprobase",
        "cream",
        None,
        "topical",
        "application",
        (("paraffin", "1", "application", None),),
    ),
    DemoMedicine(
        "donepezil",
        "Donepezil",
        "tablets",
        "5 mg",
        "oral",
        "tablet",
        (("donepezil", "5", "mg", None),),
    ),
    DemoMedicine(
        "sertraline",
        "Sertraline",
        "tablets",
        "50 mg",
        "oral",
        "tablet",
        (("sertraline", "50", "mg", "SSRIs"),),
    ),
    DemoMedicine(
        "lansoprazole",
        "Lansoprazole",
        "capsules",
        "15 mg",
        "oral",
        "capsule",
        (("lansoprazole", "15", "mg", None),),
    ),
    DemoMedicine(
        "furosemide",
        "Furosemide",
        "tablets",
        "40 mg",
        "oral",
        "tablet",
        (("furosemide", "40", "mg", None),),
    ),
    DemoMedicine(
        "alendronic",
        "Alendronic acid",
        "tablets",
        "70 mg",
        "oral",
        "tablet",
        (("alendronic acid", "70", "mg", None),),
    ),
    DemoMedicine(
        "levetiracetam",
        "Levetiracetam",
        "oral solution",
        "100 mg/ml",
        "oral",
        "ml",
        (("levetiracetam", "100", "mg", None),),
    ),
    DemoMedicine(
        "senna",
        "Senna",
        "tablets",
        "7.5 mg",
        "oral",
        "tablet",
        (("sennosides", "7.5", "mg", None),),
    ),
    DemoMedicine(
        "amoxicillin",
        "Amoxicillin",
        "capsules",
        "500 mg",
        "oral",
        "capsule",
        (("amoxicillin", "500", "mg", "penicillins"),),
    ),
    DemoMedicine(
        "lactulose",
        "Lactulose",
        "oral solution",
        "3.35 g/5 ml",
        "oral",
        "ml",
        (("lactulose", "0.67", "g", None),),
    ),
    DemoMedicine(
        "adcal",
        "Adcal-D3",
        "chewable tablets",
        "1.5 g/400 unit",
        "oral",
        "tablet",
        (("calcium carbonate", "1500", "mg", None), ("colecalciferol", "400", "unit", None)),
    ),
]

# Chart recipes: medicine key, (min, max) dose, timing, times, extra fields.
REGULAR = "times_of_day"
Recipe = tuple[str, tuple[str, str], str, str | None, dict[str, object]]

SENNA: Recipe = (
    "senna",
    ("1", "2"),
    REGULAR,
    "22:00",
    {"dose_choice": "2 if no bowel movement for 2 days"},
)
PARACETAMOL_PRN: Recipe = (
    "paracetamol",
    ("1", "2"),
    "prn",
    None,
    {
        "prn_indication": "Pain or fever",
        "prn_min_interval_minutes": 240,
        "prn_max_doses_24h": 4,
        "dose_choice": "2 for moderate pain",
    },
)

# given, family, preferred name, dob, unit index, allergies, chart recipes, extra fields
RESIDENTS: list[
    tuple[str, str, str | None, date, int, list[tuple[str, str]], list[Recipe], dict[str, object]]
] = [
    (
        "Mary",
        "Jones",
        None,
        date(1938, 4, 12),
        0,
        [("Penicillin", "rash")],
        [
            ("amlodipine", ("1", "1"), REGULAR, "08:00", {}),
            ("atorvastatin", ("1", "1"), REGULAR, "22:00", {}),
            PARACETAMOL_PRN,
        ],
        {"medicine_preferences": "Tablets one at a time with water"},
    ),
    (
        "John",
        "Smith",
        "Jack",
        date(1935, 9, 3),
        0,
        [],
        [
            (
                "cocareldopa",
                ("1", "1"),
                REGULAR,
                "07:00,11:00,15:00,19:00",
                {"directions": "Time-critical: give on time (Parkinson's)"},
            ),
            ("donepezil", ("1", "1"), REGULAR, "22:00", {}),
            SENNA,
        ],
        {"swallowing_needs": "Soft diet; tablets whole with yoghurt"},
    ),
    (
        "Edith",
        "Baker",
        None,
        date(1931, 1, 27),
        0,
        [("Aspirin", "wheeze")],
        [
            (
                "warfarin",
                ("2", "4"),
                REGULAR,
                "18:00",
                {
                    "directions": "Dose as per INR record book",
                    "dose_choice": "As the anticoagulant clinic's latest INR letter",
                },
            ),
            ("furosemide", ("1", "1"), REGULAR, "08:00", {"directions": "In the morning"}),
            (
                "lansoprazole",
                ("1", "1"),
                REGULAR,
                "07:30",
                {"directions": "30 minutes before breakfast"},
            ),
        ],
        {},
    ),
    (
        "Arthur",
        "Price",
        None,
        date(1940, 6, 30),
        0,
        [],
        [
            (
                "fentanyl",
                ("1", "1"),
                "every_n_hours",
                None,
                {"every_n_hours": 72, "directions": "Remove old patch; rotate sites"},
            ),
            (
                "oxycodone",
                ("2.5", "5"),
                "prn",
                None,
                {
                    "prn_indication": "Breakthrough pain",
                    "prn_min_interval_minutes": 240,
                    "prn_max_doses_24h": 4,
                    "dose_choice": "Start with 2.5 ml; 5 ml if pain score 7 or more",
                },
            ),
            (
                "cocodamol",
                ("1", "2"),
                "prn",
                None,
                {
                    "prn_indication": "Mild to moderate pain",
                    "prn_min_interval_minutes": 240,
                    "prn_max_doses_24h": 4,
                },
            ),
            PARACETAMOL_PRN,
        ],
        {},
    ),
    (
        "Winifred",
        "Hall",
        "Winnie",
        date(1929, 11, 8),
        0,
        [("Codeine", "vomiting")],
        [
            (
                "beclometasone",
                ("2", "2"),
                REGULAR,
                "08:00,20:00",
                {"directions": "Rinse mouth after use"},
            ),
            (
                "salbutamol",
                ("2", "2"),
                "prn",
                None,
                {
                    "prn_indication": "Wheeze or breathlessness",
                    "prn_min_interval_minutes": 240,
                    "prn_max_doses_24h": 4,
                },
            ),
        ],
        {},
    ),
    (
        "George",
        "Evans",
        None,
        date(1936, 3, 15),
        0,
        [],
        [
            (
                "latanoprost",
                ("1", "1"),
                REGULAR,
                "20:00",
                {"directions": "One drop in each eye at night"},
            ),
            ("metformin", ("1", "1"), REGULAR, "08:00,18:00", {"directions": "With food"}),
        ],
        {},
    ),
    (
        "Doris",
        "Wright",
        None,
        date(1933, 7, 19),
        0,
        [],
        [
            (
                "levetiracetam",
                ("5", "5"),
                REGULAR,
                "08:00,20:00",
                {"directions": "Given covertly in yoghurt per best-interests plan"},
            ),
            (
                "emollient",
                ("1", "1"),
                REGULAR,
                "08:00,20:00",
                {"directions": "Apply thinly to dry skin on legs"},
            ),
        ],
        {
            "covert_authorised": True,
            "covert_details": (
                "MCA assessment 2026-09-01; best-interests meeting with GP, pharmacist and daughter"
            ),
            "covert_review_date_days": 90,
        },
    ),
    (
        "Harold",
        "Green",
        "Harry",
        date(1937, 2, 2),
        0,
        [],
        [
            (
                "alendronic",
                ("1", "1"),
                "weekdays",
                "07:00",
                {"weekdays": "1", "directions": "Monday: 30 min before food, sit upright"},
            ),
            (
                "adcal",
                ("1", "1"),
                REGULAR,
                "12:00,18:00",
                {"directions": "Chew; not within 4 hours of alendronic acid"},
            ),
        ],
        {},
    ),
    (
        "Margaret",
        "Clarke",
        "Peggy",
        date(1930, 12, 24),
        0,
        [("Penicillin", "anaphylaxis")],
        [("sertraline", ("1", "1"), REGULAR, "08:00", {}), SENNA],
        {},
    ),
    (
        "Albert",
        "Turner",
        None,
        date(1934, 5, 5),
        0,
        [],
        [
            (
                "amoxicillin",
                ("1", "1"),
                REGULAR,
                "08:00,14:00,22:00",
                {"directions": "Chest infection: complete the course", "course_days": 7},
            ),
            ("ramipril", ("1", "1"), REGULAR, "08:00", {}),
        ],
        {},
    ),
    (
        "Ivy",
        "Robinson",
        None,
        date(1932, 8, 14),
        1,
        [],
        [
            ("amlodipine", ("1", "1"), REGULAR, "08:00", {}),
            ("lactulose", ("15", "15"), REGULAR, "08:00,18:00", {}),
        ],
        {},
    ),
    (
        "Frank",
        "Walker",
        None,
        date(1939, 10, 1),
        1,
        [("Latex", "contact dermatitis")],
        [
            (
                "cocareldopa",
                ("1", "1"),
                REGULAR,
                "06:00,10:00,14:00,18:00,22:00",
                {"directions": "Time-critical: give on time (Parkinson's)"},
            )
        ],
        {},
    ),
    (
        "Elsie",
        "White",
        None,
        date(1928, 3, 9),
        1,
        [],
        [
            ("furosemide", ("1", "1"), REGULAR, "08:00", {}),
            ("ramipril", ("1", "1"), REGULAR, "08:00", {}),
            PARACETAMOL_PRN,
        ],
        {"in_hospital_days": 2},
    ),
    (
        "Stanley",
        "Harris",
        "Stan",
        date(1936, 11, 11),
        1,
        [],
        [
            ("atorvastatin", ("1", "1"), REGULAR, "22:00", {}),
            ("metformin", ("1", "1"), REGULAR, "08:00,18:00", {"directions": "With food"}),
        ],
        {},
    ),
    (
        "Violet",
        "Martin",
        None,
        date(1931, 4, 4),
        1,
        [("Ibuprofen", "gastric bleed")],
        [
            ("donepezil", ("1", "1"), REGULAR, "22:00", {}),
            ("sertraline", ("1", "1"), REGULAR, "08:00", {}),
        ],
        {},
    ),
    (
        "Leonard",
        "Thompson",
        "Len",
        date(1935, 1, 20),
        1,
        [],
        [
            ("beclometasone", ("2", "2"), REGULAR, "08:00,20:00", {}),
            (
                "salbutamol",
                ("2", "2"),
                "prn",
                None,
                {
                    "prn_indication": "Wheeze",
                    "prn_min_interval_minutes": 240,
                    "prn_max_doses_24h": 4,
                },
            ),
        ],
        {},
    ),
    (
        "Gladys",
        "Moore",
        None,
        date(1927, 6, 6),
        1,
        [],
        [
            ("emollient", ("1", "1"), REGULAR, "08:00,20:00", {"directions": "Apply to both arms"}),
            ("lansoprazole", ("1", "1"), REGULAR, "07:30", {}),
            SENNA,
        ],
        {},
    ),
    (
        "Walter",
        "Jackson",
        None,
        date(1938, 9, 29),
        1,
        [],
        [
            ("latanoprost", ("1", "1"), REGULAR, "20:00", {}),
            ("amlodipine", ("1", "1"), REGULAR, "08:00", {}),
            PARACETAMOL_PRN,
        ],
        {},
    ),
    (
        "Florence",
        "Lee",
        "Flo",
        date(1933, 2, 17),
        1,
        [("Sulfonamides", "rash")],
        [
            (
                "warfarin",
                ("1", "3"),
                REGULAR,
                "18:00",
                {"directions": "Dose as per INR record book"},
            ),
            ("adcal", ("1", "1"), REGULAR, "12:00", {}),
        ],
        {},
    ),
    (
        "Ernest",
        "King",
        "Ernie",
        date(1930, 7, 7),
        1,
        [],
        [
            ("metformin", ("1", "1"), REGULAR, "08:00,18:00", {}),
            (
                "cocodamol",
                ("2", "2"),
                "prn",
                None,
                {
                    "prn_indication": "Back pain",
                    "prn_min_interval_minutes": 240,
                    "prn_max_doses_24h": 4,
                },
            ),
        ],
        {},
    ),
]

# What a pharmacy sends for a 28-day cycle, by dose unit (tablets: 56; a 300 ml bottle...).
RECEIVED = {
    "tablet": Decimal(56),
    "capsule": Decimal(56),
    "ml": Decimal(500),
    "patch": Decimal(10),
    "puff": Decimal(400),
    "drop": Decimal(80),
    "application": Decimal(100),
}
DEMO_HOME_NAME = "Willow Court Care Home"
DEMO_HISTORY_DAYS = 14  # the demo charts started two weeks ago: fill all of it
ROOMS_PER_UNIT = ("G", "F")  # ground floor, first floor
UNIT_NAMES = ("Rose Unit (ground floor)", "Oak Unit (first floor)")


demo_nhs_number = fake_nhs_number
demo_gtin = fake_gtin


def local_time(zone: ZoneInfo, day: date, clock: str = "00:00") -> datetime:
    hh, mm = (int(x) for x in clock.split(":"))
    return datetime.combine(day, time(hh, mm), tzinfo=zone)


def ensure_demo_staff(session: Session) -> dict[str, int]:
    """The demo staff (README logins), added where missing; username -> id."""
    existing = {s.username: s.id for s in list_staff(session)}
    # added while the home is being set up, until its manager is: then by the manager
    by: int | None = existing.get("mark")
    for username, full_name, role, password, pin, badge in DEMO_STAFF:
        if username not in existing:
            existing[username] = add_staff(
                session,
                username=username,
                full_name=full_name,
                role=role,
                password=password,
                pin=pin,
                badge_code=badge,
                added_by_id=by,
            ).id
            if by is None and role == "manager":
                by = existing[username]
    return existing


def build_demo_home(
    session: Session, now: datetime, *, force: bool = False, history_days: int = 0
) -> dict[str, int]:
    """Seed the demo home; refuses a database that already has residents unless forced.

    With `history_days`, the MAR is filled for that many past days up to the current round:
    doses whose window closed more than an hour ago are recorded (a few refused, late or missed).
    """
    if count_residents(session) and not force:
        raise ValidationError(
            "This database already has residents; the demo home would mix with them. "
            "Use an empty database (or --force to add it anyway)."
        )
    if session.scalar(select(Resident.id).where(Resident.nhs_number == demo_nhs_number(1))):
        raise ValidationError("The demo home is already in this database.")
    home = get_home(session) if has_home(session) else create_home(session, DEMO_HOME_NAME)
    zone = home.zone
    existing_units = {u.name: u for u in list_units(session)}
    staff_ids = ensure_demo_staff(session)
    units = [
        existing_units.get(name) or add_unit(session, staff_ids["mark"], home.id, name)
        for name in UNIT_NAMES
    ]

    transcriber, checker = staff_ids["nina"], staff_ids["ben"]

    medicines = build_catalogue(session)
    today = now.astimezone(zone).date()
    chart_start = local_time(zone, today - timedelta(days=14))
    counts = {"residents": 0, "chart_lines": 0}
    room_numbers = [0, 0]
    for i, (given, family, preferred, dob, unit_ix, allergies, recipes, extra) in enumerate(
        RESIDENTS
    ):
        room_numbers[unit_ix] += 1
        extra = dict(extra)
        hospital_days = cast(int | None, extra.pop("in_hospital_days", None))
        review_days = cast(int | None, extra.pop("covert_review_date_days", None))
        resident = Resident(
            unit_id=units[unit_ix].id,
            given_name=given,
            family_name=family,
            preferred_name=preferred,
            date_of_birth=dob,
            nhs_number=demo_nhs_number(i + 1),
            room=f"{ROOMS_PER_UNIT[unit_ix]}{room_numbers[unit_ix]:02d}",
            gp_name="Dr A. Okafor",
            gp_practice="Riverside Medical Centre",
            no_known_allergies=not allergies,
            covert_review_date=(today + timedelta(days=review_days)) if review_days else None,
            **extra,  # type: ignore[arg-type]
        )
        session.add(resident)
        session.flush()
        for substance, reaction in allergies:
            session.add(Allergy(resident_id=resident.id, substance=substance, reaction=reaction))
        if hospital_days:
            session.add(
                Absence(
                    resident_id=resident.id,
                    kind="hospital",
                    started_at=now - timedelta(days=hospital_days),
                    note="Admitted with a fall; ward 7",
                )
            )
        for recipe in recipes:
            line = chart_line_from_recipe(
                resident.id, medicines[recipe[0]], recipe, chart_start, zone, today, transcriber
            )
            session.add(line)
            session.flush()
            session.add(
                ChartLineEvent(
                    chart_line_id=line.id,
                    kind="checked",
                    effective_at=chart_start,
                    staff_id=checker,
                )
            )
            session.add(
                StockMovement(
                    resident_id=resident.id,
                    medicine_id=line.medicine_id,
                    chart_line_id=line.id,
                    kind="received",
                    quantity=RECEIVED[line.dose_unit],
                    staff_id=transcriber,
                    occurred_at=chart_start,
                    gtin=medicines[recipe[0]].gtins[0].gtin,
                )
            )
            counts["chart_lines"] += 1
        counts["residents"] += 1
    if history_days:
        session.flush()
        counts |= generate_history(
            session,
            start=max(chart_start, now - timedelta(days=history_days)),
            end=now - timedelta(minutes=home.dose_window_minutes + 60),
        )
    record_event(session, "demo.created", entity="care_home", entity_id=home.id, detail=counts)
    return counts


def build_catalogue(session: Session) -> dict[str, Medicine]:
    ingredients: dict[str, Ingredient] = {}
    medicines: dict[str, Medicine] = {}
    for index, spec in enumerate(CATALOGUE, start=1):
        med = Medicine(
            name=spec.name,
            form=spec.form,
            strength=spec.strength,
            route=spec.route,
            dose_unit=spec.unit,
            cd_schedule=spec.cd,
            time_critical=spec.time_critical,
            high_risk=spec.high_risk,
        )
        med.gtins.append(MedicineGtin(gtin=demo_gtin(index), pack_size=28))
        for name, amount, amount_unit, group in spec.ingredients:
            if name not in ingredients:
                ingredients[name] = Ingredient(name=name, allergen_group=group)
                session.add(ingredients[name])
            med.ingredients.append(
                MedicineIngredient(
                    ingredient=ingredients[name], amount=Decimal(amount), amount_unit=amount_unit
                )
            )
        session.add(med)
        medicines[spec.key] = med
    session.flush()
    return medicines


def chart_line_from_recipe(
    resident_id: int,
    med: Medicine,
    recipe: Recipe,
    start: datetime,
    zone: ZoneInfo,
    today: date,
    transcriber: int,
) -> ChartLine:
    _key, (dmin, dmax), timing, times, extra = recipe
    extra = dict(extra)
    course_days = cast(int | None, extra.pop("course_days", None))
    starts_at = start
    ends_at = None
    if course_days:  # a short course started three days ago
        starts_at = local_time(zone, today - timedelta(days=3))
        ends_at = starts_at + timedelta(days=course_days)
    if timing == "every_n_hours":  # patch applied at 09:00 two days ago
        starts_at = local_time(zone, today - timedelta(days=2), "09:00")
    return ChartLine(
        resident_id=resident_id,
        medicine_id=med.id,
        dose_min=Decimal(dmin),
        dose_max=Decimal(dmax),
        dose_unit=med.dose_unit,
        route=med.route,
        timing=timing,
        times_of_day=times,
        starts_at=starts_at,
        ends_at=ends_at,
        prescriber="Dr A. Okafor",
        source="GP repeat prescription",
        transcribed_by_id=transcriber,
        **extra,  # type: ignore[arg-type]
    )
