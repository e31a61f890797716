"""A large generated home (`emar generate`): many residents, about ten chart lines each, and a
long history, for benchmarks and for trying the app at scale. Everyone in it is fictional."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from emar.demo.history import generate_history
from emar.demo.home import (
    CATALOGUE,
    RESIDENTS,
    build_catalogue,
    chart_line_from_recipe,
    ensure_demo_staff,
    local_time,
)
from emar.demo.ids import fake_nhs_number
from emar.models import ChartLine, ChartLineEvent, Medicine, Resident
from emar.services.audit.bulk import high_water, record_bulk_since
from emar.services.home import add_unit, create_home, get_home, has_home

GIVEN = (
    "Ada",
    "Bert",
    "Cora",
    "Dennis",
    "Elsie",
    "Fred",
    "Gwen",
    "Harry",
    "Iris",
    "Jim",
    "Kath",
    "Len",
    "Mabel",
    "Norman",
    "Olive",
    "Percy",
    "Queenie",
    "Ron",
    "Sybil",
    "Ted",
)
FAMILY = (
    "Adams",
    "Bell",
    "Cole",
    "Dixon",
    "Ellis",
    "Fox",
    "Grant",
    "Hughes",
    "Irving",
    "Jones",
    "Kerr",
    "Lowe",
    "Marsh",
    "Nash",
    "Owen",
    "Pike",
    "Quinn",
    "Reid",
    "Shaw",
    "Todd",
)
NHS_OFFSET = 500_000  # keeps generated NHS numbers apart from the demo home's


def generate_home(
    session: Session, *, residents: int, days: int, now: datetime, seed: int = 7
) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 - synthetic records, not security
    home = get_home(session) if has_home(session) else create_home(session, "Generated Home")
    zone = home.zone
    staff_ids = ensure_demo_staff(session)
    units = [
        add_unit(session, staff_ids["mark"], home.id, f"Generated unit {i + 1}") for i in range(4)
    ]
    medicines = {m.name: m for m in session.scalars(select(Medicine))}
    if not medicines:
        medicines = {m.name: m for m in build_catalogue(session).values()}
    by_key = _catalogue_keys(medicines)
    recipes = [r for *_, charts, _extra in RESIDENTS for r in charts]
    start = local_time(zone, (now - timedelta(days=days + 1)).astimezone(zone).date())
    today = now.astimezone(zone).date()

    new_ids = []
    for i in range(residents):
        resident = Resident(
            unit_id=units[i % len(units)].id,
            given_name=GIVEN[i % len(GIVEN)],
            family_name=f"{FAMILY[(i // len(GIVEN)) % len(FAMILY)]}-{i + 1}",
            date_of_birth=datetime(1925 + i % 20, 1 + i % 12, 1 + i % 28).date(),
            nhs_number=fake_nhs_number(NHS_OFFSET + i),
            room=f"{i + 1:03d}",
            no_known_allergies=True,
        )
        session.add(resident)
        session.flush()
        new_ids.append(resident.id)
        chosen = {r[0]: r for r in rng.sample(recipes, k=min(14, len(recipes)))}
        for key, recipe in list(chosen.items())[:10]:
            line = chart_line_from_recipe(
                resident.id, by_key[key], recipe, start, zone, today, staff_ids["nina"]
            )
            if recipe[2] != "every_n_hours":
                line.starts_at = start
                line.ends_at = None
            session.add(line)
    session.flush()
    lines = session.execute(
        select(ChartLine.id, ChartLine.starts_at).where(ChartLine.resident_id.in_(new_ids))
    ).all()
    marks = high_water(session, (ChartLineEvent,))
    session.execute(
        insert(ChartLineEvent),
        [
            {
                "chart_line_id": lid,
                "kind": "checked",
                "effective_at": starts,
                "staff_id": staff_ids["ben"],
                "reason": None,
            }
            for lid, starts in lines
        ],
    )
    record_bulk_since(session, "home.generated", marks)
    counts = generate_history(
        session, start=start, end=now - timedelta(hours=1), seed=seed, resident_ids=new_ids
    )
    return {"residents": residents, "chart_lines": len(lines), **counts}


def _catalogue_keys(medicines: dict[str, Medicine]) -> dict[str, Medicine]:
    return {spec.key: medicines[spec.name] for spec in CATALOGUE}
