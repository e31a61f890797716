"""A large generated home (`emar generate`): many residents, about ten chart lines each, and a
long history, for benchmarks and for trying the app at scale. Everyone in it is fictional."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from emar.demo.build import build_catalogue, ensure_demo_staff, line_form, local_time
from emar.demo.data import CATALOGUE, CHECKER, MANAGER, TRANSCRIBER
from emar.demo.history import generate_history
from emar.demo.residents import RESIDENTS, DemoLine
from emar.domain.synthetic_ids import fake_nhs_number
from emar.models import ChartLine, ChartLineEvent, Medicine, Resident
from emar.services.audit.bulk import high_water, record_bulk_since
from emar.services.charts.editing import LineForm
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
        add_unit(session, staff_ids[MANAGER], home.id, f"Generated unit {i + 1}") for i in range(4)
    ]
    if session.scalar(select(Medicine.id).limit(1)) is None:
        build_catalogue(session, staff_ids[TRANSCRIBER])
    # the generics by name (a supplier's product of one shares its name)
    by_name = {
        m.name: m for m in session.scalars(select(Medicine).where(Medicine.vmp_id.is_(None)))
    }
    by_key = {spec.key: by_name[spec.name] for spec in CATALOGUE if spec.generic is None}
    recipes = [line for person in RESIDENTS for line in person.chart]
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
        chosen = {r.medicine: r for r in rng.sample(recipes, k=min(14, len(recipes)))}
        for recipe in list(chosen.values())[:10]:
            med = by_key[recipe.medicine]
            form = line_form(recipe, med.id, start, zone, today)
            session.add(_chart_line(resident.id, med, form, recipe, start, staff_ids[TRANSCRIBER]))
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
                "staff_id": staff_ids[CHECKER],
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


def _chart_line(
    resident_id: int, med: Medicine, form: LineForm, recipe: DemoLine, start: datetime, nurse: int
) -> ChartLine:
    """The line as add_chart_line writes it, but in bulk (checked in bulk, vouched for by one
    audit row): from `start` (a patch from its own start), open-ended."""
    fields = asdict(form) | {"ends_at": None, "route": form.route or med.route}
    del fields["course_days"], fields["allergy_acknowledged"]  # not columns: how it was written
    fields["medicine_text"] = med.display_name  # as add_chart_line writes it
    if not recipe.every_n_hours:
        fields["starts_at"] = start
    return ChartLine(
        resident_id=resident_id, dose_unit=med.dose_unit, transcribed_by_id=nurse, **fields
    )
