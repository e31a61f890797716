"""The demo care home's data: the home, its staff (the README's logins), the medicine catalogue
and what the pharmacy sends. Everything is fictional: GTINs are synthetic (prefix 5099999) with
valid check digits. `emar.demo.build` puts it in through the services; the residents and their
charts are in `emar.demo.residents`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

DEMO_HOME_NAME = "Willow Court Care Home"
DEMO_HISTORY_DAYS = 14  # the demo charts started two weeks ago: fill all of it (and the
# lines taken since before then, back to the review's 90 days: emar.demo.build)
CHART_STARTED_DAYS_AGO = 14
UNIT_NAMES = ("Rose Unit (ground floor)", "Oak Unit (first floor)")
ROOMS_PER_UNIT = ("G", "F")  # ground floor, first floor
GP_NAME, GP_PRACTICE = "Dr A. Okafor", "Riverside Medical Centre"
PRESCRIBED_BY, PRESCRIBED_IN = GP_NAME, "GP repeat prescription"
PRN_MIN_INTERVAL_MINUTES, PRN_MAX_DOSES_24H = 240, 4
PACK_SIZE = 28  # tablets and capsules; other forms by their dose unit (PACK_SIZES)
TRANSCRIBER, CHECKER, MANAGER = "nina", "ben", "mark"  # who writes the charts, who checks them

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
    generic: str | None = None  # a supplier's product (dm+d's AMP) of this generic (VMP) key
    supplier: str | None = None


CATALOGUE = (
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
    # A branded pack of a generic, as dm+d has them (an AMP of the VMP): given for a line
    # transcribed on the generic. Last, so the other products keep their barcodes.
    DemoMedicine(
        "paracetamol_demopharma",
        "Paracetamol",
        "tablets",
        "500 mg",
        "oral",
        "tablet",
        (("paracetamol", "500", "mg", None),),
        generic="paracetamol",
        supplier="Demo Pharma Ltd",
    ),
    # For the pharmacist's review (issue 17): appended, so the products above keep their
    # barcodes (fake_gtin by position).
    DemoMedicine(
        "diazepam",
        "Diazepam",
        "tablets",
        "2 mg",
        "oral",
        "tablet",
        (("diazepam", "2", "mg", "benzodiazepines"),),
        cd=4,
    ),
    DemoMedicine(
        "amitriptyline",
        "Amitriptyline",
        "tablets",
        "10 mg",
        "oral",
        "tablet",
        (("amitriptyline", "10", "mg", None),),
    ),
    DemoMedicine(
        "naproxen",
        "Naproxen",
        "tablets",
        "250 mg",
        "oral",
        "tablet",
        (("naproxen", "250", "mg", "NSAIDs"),),
    ),
    DemoMedicine(
        "apixaban",
        "Apixaban",
        "tablets",
        "2.5 mg",
        "oral",
        "tablet",
        (("apixaban", "2.5", "mg", None),),
        high_risk=True,
    ),
    DemoMedicine(
        "risperidone",
        "Risperidone",
        "tablets",
        "500 micrograms",
        "oral",
        "tablet",
        (("risperidone", "500", "mcg", None),),
    ),
)


# The pack a barcode stands for, by dose unit: a 500 ml bottle, an inhaler of 200 puffs...
PACK_SIZES = {
    "tablet": 28,
    "capsule": 28,
    "ml": 500,
    "patch": 4,
    "puff": 200,
    "drop": 200,  # a 10 ml bottle of eye drops, about 200 drops
    "application": 100,
}


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


# What a pack costs, in pence, for the waste report: round figures near the Drug Tariff of the
# mid-2020s, for the demo only (a real home gets dm+d's prices with each catalogue import).
DEMO_PACK_PRICES = {
    "amlodipine": 95,
    "ramipril": 105,
    "metformin": 93,
    "atorvastatin": 110,
    "cocareldopa": 600,
    "warfarin": 100,
    "fentanyl": 1250,
    "paracetamol": 90,
    "cocodamol": 150,
    "oxycodone": 1942,
    "salbutamol": 150,
    "beclometasone": 370,
    "latanoprost": 450,
    "emollient": 632,
    "donepezil": 105,
    "sertraline": 120,
    "lansoprazole": 125,
    "furosemide": 85,
    "alendronic": 630,
    "levetiracetam": 2500,
    "senna": 80,
    "amoxicillin": 160,
    "lactulose": 440,
    "adcal": 183,
    "paracetamol_demopharma": 85,
    "diazepam": 100,
    "amitriptyline": 100,
    "naproxen": 150,
    "apixaban": 2660,
    "risperidone": 150,
}
